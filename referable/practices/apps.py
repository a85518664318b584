from referable.practices.registry import AreaConfig


class PracticesConfig(AreaConfig):
    default = True
    name = "referable.practices"
    label = "practices"
    verbose_name = "Practices and users"
    url_prefix = "account/"
    api_router = "referable.practices.api.router"
    api_prefix = "account"
    demo_builder = "referable.practices.demo.build"
    demo_order = 0
    url_kwarg_models = {"token_id": "practices.ApiToken"}
