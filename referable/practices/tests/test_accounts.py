import pytest
from django.core.management import call_command
from django.urls import reverse

from referable.practices.models import ApiToken, User
from referable.practices.roles import Role, has_permission
from referable.practices.services import issue_token
from referable.practices.tenancy import practice_scope

pytestmark = pytest.mark.django_db


def test_passwords_are_hashed_with_argon2():
    # the live settings use a fast hasher in tests (conftest); the project's own say argon2
    import referable.settings as project

    assert project.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_tokens_are_stored_hashed_and_shown_once(professional, practice):
    token, key = issue_token(professional, "Zapier")
    assert key.startswith("rf_") and key not in token.key_hash and len(token.key_hash) == 64
    assert ApiToken.find_active(key) == token
    assert token.key_prefix == key[:9]


def test_login_and_logout(client, professional):
    page = client.post(reverse("login"), {"username": professional.email, "password": "pw-test-1"})
    assert page.status_code == 302
    assert client.get(reverse("people:list")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("people:list")).status_code == 302


def test_wrong_password_shows_a_message(client, professional):
    page = client.post(reverse("login"), {"username": professional.email, "password": "wrong"})
    assert page.status_code == 200 and "correct" in page.text


def test_password_change(client_for, professional):
    web = client_for(professional)
    page = web.post(
        reverse("practices:password-change"),
        {
            "old_password": "pw-test-1",
            "new_password1": "a-much-longer-one-42",
            "new_password2": "a-much-longer-one-42",
        },
    )
    assert page.status_code == 302
    professional.refresh_from_db()
    assert professional.check_password("a-much-longer-one-42")


def test_create_and_revoke_a_token_in_the_ui(client_for, professional, practice):
    web = client_for(professional)
    page = web.post(
        reverse("practices:tokens"), {"name": "Nightly export"}, headers={"HX-Request": "true"}
    )
    assert "Copy this token now" in page.text
    with practice_scope(practice):
        token = ApiToken.objects.get()
    web.post(reverse("practices:revoke-token", args=[token.pk]), headers={"HX-Request": "true"})
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_a_token_name_is_required(client_for, professional):
    page = client_for(professional).post(reverse("practices:tokens"), {"name": ""})
    assert "This field is required" in page.text


def test_createpractice_and_token_commands(capsys):
    call_command(
        "createpractice",
        "Smith Partners",
        owner_email="Boss@Smith.test",
        owner_password="pw-smith-1",
    )
    owner = User.objects.get(email="boss@smith.test")
    assert owner.role == Role.OWNER and owner.practice.name == "Smith Partners"
    call_command("token", "create", "boss@smith.test", name="cli")
    key = capsys.readouterr().out.strip().splitlines()[-1]
    assert ApiToken.find_active(key).user == owner
    call_command("token", "revoke", "boss@smith.test", id=ApiToken.find_active(key).pk)
    assert ApiToken.find_active(key) is None


@pytest.mark.parametrize(
    "role,allowed,denied",
    [
        (Role.OWNER, {"view", "edit", "delete", "configure", "admin"}, set()),
        (Role.MANAGER, {"view", "edit", "delete", "configure", "see_firm"}, {"admin"}),
        (
            Role.PROFESSIONAL,
            {"view", "edit", "delete"},
            {"configure", "admin", "manage_users", "see_firm"},
        ),
        (Role.ASSISTANT, {"view", "edit"}, {"delete", "configure", "admin"}),
        (
            Role.COMPLIANCE,
            {"view", "review", "export_records", "see_firm"},
            {"edit", "delete", "configure", "admin"},
        ),
    ],
)
def test_each_role_may_do_what_it_should_and_nothing_more(make_user, role, allowed, denied):
    user = make_user(role)
    assert all(has_permission(user, p) for p in allowed)
    assert not any(has_permission(user, p) for p in denied)


def test_the_admin_site_is_for_owners_only_and_shows_only_their_practice(
    client_for, owner, make_user, outsider
):
    assert client_for(owner).get("/admin/").status_code == 200
    users_page = client_for(owner).get("/admin/practices/user/")
    assert owner.email in users_page.text and outsider.email not in users_page.text
    assert client_for(make_user(Role.MANAGER)).get("/admin/").status_code == 302


def test_home_sends_a_user_to_their_first_area(client_for, professional):
    assert client_for(professional).get("/").status_code == 302


def test_demo_builds_a_practice_with_every_role_and_is_idempotent(capsys):
    call_command("demo", people=120)
    out = capsys.readouterr().out
    assert "Demo login:" in out
    call_command("demo", people=120)
    assert "Already built" in capsys.readouterr().out
    from referable.practices.models import Practice

    practice = Practice.objects.get(slug="demo-120")
    roles = set(practice.users.values_list("role", flat=True))
    assert roles == set(Role.values)


def test_demo_reset_erases_the_whole_demo_practice_and_rebuilds_it(capsys, other_practice):
    from referable.people.models import Person
    from referable.practices.models import Practice
    from referable.records.models import Communication

    call_command("demo", people=60, slug="demo-reset")
    first = Practice.objects.get(slug="demo-reset")
    assert first.is_demo
    with practice_scope(first):
        assert Communication.objects.exists(), "the demo archives communications"
    with practice_scope(other_practice):
        keeper = Person.objects.create(practice=other_practice, first_name="Kept", last_name="Row")

    call_command("demo", people=60, slug="demo-reset", reset=True)

    rebuilt = Practice.objects.get(slug="demo-reset")
    assert rebuilt.pk != first.pk and not Practice.objects.filter(pk=first.pk).exists()
    assert not User.objects.filter(practice_id=first.pk).exists()
    assert not Person._base_manager.filter(practice_id=first.pk).exists()
    assert not Communication._base_manager.filter(practice_id=first.pk).exists()
    assert Person._base_manager.filter(pk=keeper.pk).exists()


def test_demo_reset_refuses_a_real_practice(practice):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="real practice"):
        call_command("demo", people=60, slug=practice.slug, reset=True)
    assert type(practice).objects.filter(pk=practice.pk, is_demo=False).exists()
