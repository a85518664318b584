from referable.practices.registry import AreaConfig, NavEntry


class IntroductionsConfig(AreaConfig):
    default = True
    name = "referable.introductions"
    label = "introductions"
    verbose_name = "Referrals, letters and the exact-time call"
    url_prefix = "introductions/"
    api_router = "referable.introductions.api.router"
    api_prefix = ""
    nav = (NavEntry("Introductions", "introductions:board", 40),)
    demo_builder = "referable.introductions.demo.build"
    demo_order = 30
