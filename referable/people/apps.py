from referable.practices.registry import AreaConfig, NavEntry


class PeopleConfig(AreaConfig):
    default = True
    name = "referable.people"
    label = "people"
    verbose_name = "People and connections"
    url_prefix = "people/"
    api_router = "referable.people.api.router"
    api_prefix = ""
    nav = (NavEntry("People", "people:list", 50),)
    demo_builder = "referable.people.demo.build"
    demo_order = 10
