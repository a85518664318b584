from referable.practices.registry import AreaConfig, NavEntry


class RecordsConfig(AreaConfig):
    default = True
    name = "referable.records"
    label = "records"
    verbose_name = "Records: audit trail, archive, import/export, backup"
    url_prefix = "records/"
    nav = (NavEntry("Records", "records:home", 90, permission="view"),)
    demo_builder = "referable.records.demo.build"
    demo_order = 90
    url_kwarg_models = {
        "attachment_id": "records.CommunicationAttachment",
        "import_id": "records.ImportJob",
    }

    def ready(self) -> None:
        # every app's models are loaded by now, including areas added after this one
        from referable.records import audit

        audit.connect()
