from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from referable.practices.models import ApiToken, Practice, User
from referable.practices.roles import Role
from referable.practices.tenancy import practice_scope


@transaction.atomic
def create_practice(
    name: str,
    *,
    owner_email: str,
    owner_password: str,
    time_zone: str = "America/New_York",
    owner_first_name: str = "",
    owner_last_name: str = "",
) -> tuple[Practice, User]:
    base = slugify(name)[:70] or "practice"
    slug, n = base, 1
    while Practice.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    practice = Practice(name=name, slug=slug, time_zone=time_zone)
    practice.full_clean()
    practice.save()
    owner = add_user(
        practice,
        email=owner_email,
        password=owner_password,
        role=Role.OWNER,
        first_name=owner_first_name,
        last_name=owner_last_name,
    )
    return practice, owner


def add_user(
    practice: Practice,
    *,
    email: str,
    password: str | None,
    role: str,
    first_name: str = "",
    last_name: str = "",
    acts_for: list[User] | None = None,
) -> User:
    user = User(
        practice=practice,
        email=email.lower(),
        role=role,
        first_name=first_name,
        last_name=last_name,
    )
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    if acts_for:
        user.acts_for.set(acts_for)
    return user


def practice_users(practice) -> "models.QuerySet[User]":  # noqa: F821
    return User.objects.filter(practice=practice, is_active=True)


def professionals(practice):
    return practice_users(practice).filter(role__in=[Role.PROFESSIONAL, Role.OWNER, Role.MANAGER])


@transaction.atomic
def issue_token(user: User, name: str) -> tuple[ApiToken, str]:
    """Creates a token and returns it with its key, which is shown once and never stored."""
    key = ApiToken.new_key()
    with practice_scope(user.practice_id):
        token = ApiToken(practice_id=user.practice_id, user=user, name=name.strip() or "API token")
        token.set_key(key)
        token.full_clean(exclude=["key_prefix", "key_hash", "practice", "user"])
        token.save()
    return token, key


def revoke_token(token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
