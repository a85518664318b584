from referable.practices.registry import AreaConfig, NavEntry


class EventsConfig(AreaConfig):
    default = True
    name = "referable.events"
    label = "events"
    verbose_name = "Appreciation events"
    url_prefix = "events/"
    api_router = "referable.events.api.router"
    api_prefix = ""
    nav = (NavEntry("Events", "events:list", 70),)
    demo_builder = "referable.events.demo.build"
    demo_order = 50

    def ready(self) -> None:
        from referable.events import signals

        signals.connect()
