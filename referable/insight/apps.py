from referable.practices.registry import AreaConfig


class InsightConfig(AreaConfig):
    default = True
    name = "referable.insight"
    label = "insight"
    verbose_name = "Insight dashboards"
    demo_order = 95
