from referable.practices.registry import AreaConfig, NavEntry


class InsightConfig(AreaConfig):
    default = True
    name = "referable.insight"
    label = "insight"
    verbose_name = "Insight dashboards"
    url_prefix = "insight/"
    api_router = "referable.insight.api.router"
    api_prefix = ""
    nav = (NavEntry("Insight", "insight:dashboard", 80, permission="view"),)
    demo_builder = "referable.insight.demo.build"
    demo_order = 95

    def ready(self) -> None:
        from referable.insight import signals

        signals.connect()
