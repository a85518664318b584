from referable.practices.registry import AreaConfig


class PartnersConfig(AreaConfig):
    default = True
    name = "referable.partners"
    label = "partners"
    verbose_name = "Referral partners"
    demo_order = 40
