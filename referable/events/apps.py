from referable.practices.registry import AreaConfig


class EventsConfig(AreaConfig):
    default = True
    name = "referable.events"
    label = "events"
    verbose_name = "Appreciation events"
    demo_order = 50
