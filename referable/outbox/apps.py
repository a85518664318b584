from referable.practices.registry import AreaConfig, NavEntry


class OutboxConfig(AreaConfig):
    default = True
    name = "referable.outbox"
    label = "outbox"
    verbose_name = "E-mail, the queue and the worker"
    url_prefix = "outbox/"
    api_router = "referable.outbox.api.router"
    api_prefix = ""
    nav = (NavEntry("Outbox", "outbox:list", 85),)
    demo_builder = "referable.outbox.demo.build"
    demo_order = 85
    url_kwarg_models = {"email_id": "outbox.OutgoingEmail"}

    def ready(self) -> None:
        # every app's tasks.py, so that workers, drain() and enqueue know every task
        from referable.outbox.jobs import autodiscover

        autodiscover()
