from datetime import timedelta

import pytest
from django.utils import timezone

from referable.practices.roles import Role


@pytest.fixture
def manager(make_user):
    return make_user(Role.MANAGER)


@pytest.fixture
def assistant(make_user, professional):
    return make_user(Role.ASSISTANT, acts_for=[professional])


@pytest.fixture
def colleague(make_user):
    return make_user(Role.PROFESSIONAL)


@pytest.fixture
def noon(practice):
    """Noon today in the practice's zone: far from midnight, whatever the test's hour."""
    local = timezone.now().astimezone(practice.zone)
    return local.replace(hour=12, minute=0, second=0, microsecond=0)


@pytest.fixture
def later(noon):
    return noon + timedelta(hours=1)


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on 127.0.0.1 (aiosmtpd), and Django's SMTP backend on it."""
    from referable.outbox.tests.conftest import SmtpServer, free_port

    server = SmtpServer(free_port())
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.stop()


# a throwaway Redis server for the worker tests (the outbox's fixture, shared)
from referable.outbox.tests.conftest import redis_url  # noqa: E402, F401
