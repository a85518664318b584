from referable.practices.registry import AreaConfig


class OutboxConfig(AreaConfig):
    default = True
    name = "referable.outbox"
    label = "outbox"
    verbose_name = "E-mail, the queue and the worker"
    demo_order = 5
