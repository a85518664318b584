from referable.practices.registry import AreaConfig


class AgendaConfig(AreaConfig):
    default = True
    name = "referable.agenda"
    label = "agenda"
    verbose_name = "Today: process, cadence, agenda and digest"
    demo_order = 60
