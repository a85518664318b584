from referable.practices.registry import AreaConfig, NavEntry


class ClientsConfig(AreaConfig):
    default = True
    name = "referable.clients"
    label = "clients"
    verbose_name = "Clients and the introduction ladder"
    url_prefix = "clients/"
    api_router = "referable.clients.api.router"
    api_prefix = ""
    nav = (NavEntry("Clients", "clients:book", 30),)
    demo_builder = "referable.clients.demo.build"
    demo_order = 20
    url_kwarg_models = {
        "tier_id": "clients.ServiceTier",
        "share_id": "clients.ProfileShare",
        "agreement_id": "clients.RelationshipAgreement",
        "profile_id": "clients.IntroductionProfile",
    }

    def ready(self) -> None:
        from referable.clients import signals

        signals.connect()
