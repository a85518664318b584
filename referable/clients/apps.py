from referable.practices.registry import AreaConfig


class ClientsConfig(AreaConfig):
    default = True
    name = "referable.clients"
    label = "clients"
    verbose_name = "Clients and the introduction ladder"
    demo_order = 20
