"""Fixtures shared by every app's tests.

Personas: a practice with one user per role, and an outsider who owns another
practice. Domain rows are created inside ``in_practice`` (the practice scope);
requests go through the real middleware, which activates the user's own scope."""

import os
from datetime import datetime

import pytest
import time_machine
from django.test import Client

from referable.practices.roles import Role
from referable.practices.services import add_user, create_practice
from referable.practices.tenancy import practice_scope
from referable.practices.tests.factories import PRACTICE_TIME_ZONE

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]


def pytest_addoption(parser):
    parser.addoption(
        "--clock",
        metavar="ISO-INSTANT",
        help="run as if the clock read this instant (it keeps ticking): the suite must "
        "pass at any hour, and CI runs whenever it runs",
    )


def pytest_configure(config):
    at = config.getoption("--clock")
    if at:
        traveller = time_machine.travel(datetime.fromisoformat(at), tick=True)
        traveller.start()
        config.add_cleanup(traveller.stop)


@pytest.fixture(autouse=True)
def _fast_and_plain(settings):
    # argon2 is the real hasher (see test_passwords_are_hashed_with_argon2); tests use a
    # fast one. The manifest storage 404s unhashed files on the test server.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def practice(db):
    practice, _owner = create_practice(
        "Northwind Advisors",
        owner_email="owner@northwind.test",
        owner_password="pw-owner-1",
        time_zone=PRACTICE_TIME_ZONE,
    )
    return practice


@pytest.fixture
def other_practice(db):
    practice, _owner = create_practice(
        "Outsider Wealth",
        owner_email="owner@outsider.test",
        owner_password="pw-outsider-1",
        time_zone="Europe/London",
    )
    return practice


@pytest.fixture
def make_user(practice):
    counter = iter(range(1, 10_000))

    def make(role: str = Role.PROFESSIONAL, *, in_practice=None, **extra):
        target = in_practice or practice
        n = next(counter)
        return add_user(
            target,
            email=f"{role}{n}@{target.slug}.test",
            password="pw-test-1",
            role=role,
            first_name=role.title(),
            last_name=f"User{n}",
            **extra,
        )

    return make


@pytest.fixture
def owner(practice):
    return practice.users.get(role=Role.OWNER)


@pytest.fixture
def professional(make_user):
    return make_user(Role.PROFESSIONAL)


@pytest.fixture
def outsider(other_practice):
    return other_practice.users.get(role=Role.OWNER)


@pytest.fixture
def in_practice(practice):
    """Run the test body inside the practice's scope, as the middleware would."""
    with practice_scope(practice):
        yield practice


@pytest.fixture
def client_for():
    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def api_client_for():
    """A Django test client (middleware included) sending a fresh token of ``user``."""
    from referable.practices.services import issue_token

    def make(user) -> Client:
        _token, key = issue_token(user, "tests")
        return Client(headers={"Authorization": f"Bearer {key}"})

    return make


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": CHROMIUM_ARGS,
    }
