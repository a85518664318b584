import hashlib
import secrets
import zoneinfo

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django_scopes import ScopedManager

from referable.practices.roles import Role


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"“{value}” is not a time zone we know (try Europe/London).")


class Practice(models.Model):
    """The tenant: a firm, or a professional working alone."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    time_zone = models.CharField(
        max_length=64, default="America/New_York", validators=[validate_time_zone]
    )
    created_at = models.DateTimeField(default=timezone.now)
    #: Built by ``referable demo``: only such a practice may be wiped and rebuilt, since
    #: a real practice's archive must outlive any command typed by mistake.
    is_demo = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class PracticeOwned(models.Model):
    """Base of every domain row: it belongs to one practice and is only reachable
    through that practice's scope. Querying without an active scope raises
    ``ScopeError`` instead of returning another practice's rows."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(practice="practice")

    class Meta:
        abstract = True


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra):
        if not email:
            raise ValueError("A user needs an e-mail address")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractUser):
    """A person who logs in. Users are found before any practice scope exists (at
    login), so this model is not scoped; every query of users in views goes through
    ``practice_users(practice)``."""

    username = None
    email = models.EmailField("e-mail", unique=True)
    practice = models.ForeignKey(
        Practice, on_delete=models.CASCADE, null=True, blank=True, related_name="users"
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PROFESSIONAL)
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text="Leave blank to use the practice's time zone.",
    )
    acts_for = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="assistants",
        help_text="For assistants: the professionals they work on behalf of.",
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []
    objects = UserManager()

    class Meta:
        ordering = ["first_name", "last_name", "email"]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        if self.time_zone:
            return zoneinfo.ZoneInfo(self.time_zone)
        if self.practice_id:
            return self.practice.zone
        return zoneinfo.ZoneInfo("UTC")

    def can(self, permission: str) -> bool:
        from referable.practices.roles import has_permission

        return has_permission(self, permission)


def _hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(PracticeOwned):
    """A per-user key for the HTTP API. Only a SHA-256 of the key is stored: the key is
    random (256 bits), so a slow password hash would add nothing but latency."""

    PREFIX = "rf_"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    key_prefix = models.CharField(max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"

    @classmethod
    def new_key(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)

    def set_key(self, key: str) -> None:
        self.key_prefix = key[: len(self.PREFIX) + 6]
        self.key_hash = _hash_key(key)

    @classmethod
    def find_active(cls, key: str) -> "ApiToken | None":
        return (
            cls.objects.with_scopes_disabled()
            .select_related("user", "user__practice")
            .filter(key_hash=_hash_key(key), revoked_at__isnull=True, user__is_active=True)
            .first()
        )

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
