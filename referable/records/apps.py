from referable.practices.registry import AreaConfig


class RecordsConfig(AreaConfig):
    default = True
    name = "referable.records"
    label = "records"
    verbose_name = "Records: audit trail, archive, import/export, backup"
    demo_order = 90
