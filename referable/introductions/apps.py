from referable.practices.registry import AreaConfig


class IntroductionsConfig(AreaConfig):
    default = True
    name = "referable.introductions"
    label = "introductions"
    verbose_name = "Referrals, letters and the exact-time call"
    demo_order = 30
