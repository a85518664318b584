"""How an area of the product plugs itself in.

Each domain app's AppConfig subclasses ``AreaConfig`` and says, as data, what it
brings: a navigation entry, its URLs, its API router and its step of the demo
practice. The project's urls, API and demo command read these, so a new area never
edits a shared list (other than INSTALLED_APPS).
"""

from dataclasses import dataclass

from django.apps import AppConfig, apps


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    order: int
    permission: str = "view"


class AreaConfig(AppConfig):
    # Each area's apps.py imports this base too; Django must not take the base for
    # the app's config, so the base says default = False and each area default = True.
    default = False
    default_auto_field = "django.db.models.BigAutoField"
    #: mounted at /<url_prefix> with the app label as namespace, when set
    url_prefix: str | None = None
    #: dotted path of a ninja Router mounted at /api/v1/<api_prefix>
    api_router: str | None = None
    api_prefix: str = ""
    #: entries in the main navigation; only areas that exist appear, so no dead links
    nav: tuple[NavEntry, ...] = ()
    #: dotted path of ``build(practice, plan)`` called by ``referable demo``, in order
    demo_builder: str | None = None
    demo_order: int = 100
    #: URL keyword arguments whose model is not simply named after them
    #: (``person_id`` finds Person by itself; ``token_id`` needs "practices.ApiToken")
    url_kwarg_models: dict[str, str] = {}


def areas() -> list[AreaConfig]:
    return [config for config in apps.get_app_configs() if isinstance(config, AreaConfig)]
