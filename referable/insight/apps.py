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
    demo_order = 95
