from referable.practices.registry import AreaConfig, NavEntry


class PartnersConfig(AreaConfig):
    default = True
    name = "referable.partners"
    label = "partners"
    verbose_name = "Referral partners"
    url_prefix = "partners/"
    api_router = "referable.partners.api.router"
    api_prefix = ""
    nav = (NavEntry("Partners", "partners:list", 60),)
    demo_builder = "referable.partners.demo.build"
    demo_order = 40
    url_kwarg_models = {"partner_id": "partners.PartnerProfile"}
