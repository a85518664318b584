from referable.practices.registry import AreaConfig, NavEntry


class AgendaConfig(AreaConfig):
    default = True
    name = "referable.agenda"
    label = "agenda"
    verbose_name = "Today: process, cadence, agenda and digest"
    url_prefix = "today/"
    api_router = "referable.agenda.api.router"
    api_prefix = ""
    # order 10: the first entry, so Today is the home page after login
    nav = (NavEntry("Today", "agenda:today", 10),)
    demo_builder = "referable.agenda.demo.build"
    demo_order = 60
