"""Walks every URL pattern and every API route as the owner of another practice.

Practice A is a small demo practice, so every area's demo data is in it; the walk
fills each ``<x_id>`` of a URL with an object of A and expects 404 (or 403) for the
outsider, while A's own owner gets through (so the walk is not vacuous). Writes by the
outsider must leave A's data exactly as it was. A new URL kwarg whose model cannot be
found fails the walk: name it ``<model>_id`` or declare it in ``url_kwarg_models``."""

import re

import pytest
from django.apps import apps
from django.db.models import Max
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from referable.practices.demo import DemoPlan
from referable.practices.management.commands.demo import build_demo
from referable.practices.models import Practice, PracticeOwned
from referable.practices.registry import areas
from referable.practices.roles import Role
from referable.practices.services import issue_token
from referable.practices.tests.factories import practice_today

pytestmark = pytest.mark.django_db(transaction=False)

SKIPPED_PREFIXES = ("admin/", "api/")  # the admin is owners-only (tested apart); the API below
KWARG = re.compile(r"<(?:(\w+):)?(\w+)>")
BRACE = re.compile(r"\{(\w+)\}")


def _routes(patterns=None, prefix=""):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route


def _model_for(kwarg: str):
    declared = {k: v for area in areas() for k, v in area.url_kwarg_models.items()}
    if kwarg in declared:
        return apps.get_model(declared[kwarg])
    name = kwarg.removesuffix("_id").replace("_", "")
    found = [
        m for m in apps.get_models() if m._meta.model_name == name and issubclass(m, PracticeOwned)
    ]
    assert len(found) == 1, (
        f"URL kwarg <{kwarg}> names no single practice-owned model; declare it in url_kwarg_models"
    )
    return found[0]


@pytest.fixture
def walk(db):
    plan = DemoPlan(people=60, seed=7, today=practice_today())
    home = build_demo(plan, "walk")
    owner = home.users.get(role=Role.OWNER)
    issue_token(owner, "walked")
    outsider_practice = Practice.objects.create(name="Elsewhere", slug="elsewhere")
    from referable.practices.services import add_user

    outsider = add_user(
        outsider_practice, email="out@elsewhere.test", password="pw-x-1", role=Role.OWNER
    )
    return home, owner, outsider


def _object_ids(home: Practice, kwargs: list[str]) -> dict[str, int]:
    ids = {}
    for kwarg in kwargs:
        model = _model_for(kwarg)
        obj = model._base_manager.filter(practice=home).order_by("pk").first()
        assert obj is not None, (
            f"the demo practice has no {model.__name__}: the walk cannot check <{kwarg}>"
        )
        ids[kwarg] = obj.pk
    return ids


def _snapshot(home: Practice) -> dict:
    snapshot = {}
    for model in apps.get_models():
        if issubclass(model, PracticeOwned):
            rows = model._base_manager.filter(practice=home)
            snapshot[model.__name__] = (rows.count(), rows.aggregate(m=Max("updated_at"))["m"])
    return snapshot


def test_no_page_shows_or_changes_another_practices_objects(walk, client):
    home, owner, outsider = walk
    insider, stranger = Client(), Client()
    insider.force_login(owner)
    stranger.force_login(outsider)
    before = _snapshot(home)
    checked = 0
    for route in _routes():
        if route.startswith(SKIPPED_PREFIXES) or not KWARG.search(route):
            continue
        ids = _object_ids(home, [name for _conv, name in KWARG.findall(route)])
        url = "/" + KWARG.sub(lambda m, ids=ids: str(ids[m.group(2)]), route).lstrip("^").rstrip(
            "$"
        )
        assert insider.get(url).status_code in (200, 302, 405), f"insider cannot reach {url}"
        assert stranger.get(url).status_code in (403, 404, 405), f"outsider GET {url}"
        assert stranger.post(url, {}).status_code in (403, 404), f"outsider POST {url}"
        checked += 1
    assert checked >= 8
    assert _snapshot(home) == before


def test_lists_show_nothing_of_another_practice(walk):
    home, _owner, outsider = walk
    from referable.people.models import EmailAddress

    addresses = list(
        EmailAddress._base_manager.filter(practice=home).values_list("address", flat=True)[:30]
    )
    stranger = Client()
    stranger.force_login(outsider)
    for route in _routes():
        if route.startswith(SKIPPED_PREFIXES) or KWARG.search(route) or "logout" in route:
            continue
        response = stranger.get("/" + route)
        if response.status_code == 200 and response.get("Content-Type", "").startswith("text"):
            body = b"".join(response.streaming_content) if response.streaming else response.content
            leaked = [a for a in addresses if a in body.decode(errors="replace")]
            assert not leaked, f"/{route} shows {leaked[:3]} of another practice"


def test_no_api_route_shows_or_changes_another_practices_objects(walk, client):
    home, owner, outsider = walk
    _t, insider_key = issue_token(owner, "insider")
    _t, outsider_key = issue_token(outsider, "outsider")
    insider = Client(headers={"Authorization": f"Bearer {insider_key}"})
    stranger = Client(headers={"Authorization": f"Bearer {outsider_key}"})
    schema = client.get("/api/v1/openapi.json").json()
    before = _snapshot(home)
    checked = 0
    for path, operations in schema["paths"].items():
        names = BRACE.findall(path)
        if not names:
            continue
        ids = _object_ids(home, names)
        url = BRACE.sub(lambda m, ids=ids: str(ids[m.group(1)]), path)
        for method in operations:
            if method == "get":
                assert insider.get(url).status_code == 200, f"insider cannot GET {url}"
                assert stranger.get(url).status_code in (403, 404), f"outsider GET {url}"
            else:
                response = getattr(stranger, method)(url, {}, content_type="application/json")
                assert response.status_code in (403, 404, 422), f"outsider {method.upper()} {url}"
            checked += 1
    assert checked >= 8
    assert _snapshot(home) == before
