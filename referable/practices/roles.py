"""Roles and what each may do, enforced on the server.

Views use ``require(permission)``; API endpoints use ``api_require``. Templates only
hide what the server would refuse anyway.
"""

from django.db import models


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    MANAGER = "manager", "Manager"
    PROFESSIONAL = "professional", "Professional"
    ASSISTANT = "assistant", "Assistant"
    COMPLIANCE = "compliance", "Compliance reviewer"


_EVERYONE = frozenset(Role.values)
_STAFF = frozenset({Role.OWNER, Role.MANAGER, Role.PROFESSIONAL, Role.ASSISTANT})

PERMISSIONS: dict[str, frozenset[str]] = {
    # read anything in the practice (the compliance reviewer reads all, changes nothing)
    "view": _EVERYONE,
    # create and change the practice's working data: people, connections, clients…
    "edit": _STAFF,
    # destructive changes: delete and merge
    "delete": frozenset({Role.OWNER, Role.MANAGER, Role.PROFESSIONAL}),
    # the practice's own configuration: process, tiers, templates, thresholds
    "configure": frozenset({Role.OWNER, Role.MANAGER}),
    "manage_users": frozenset({Role.OWNER, Role.MANAGER}),
    # approve communications before they go out and export the books and records
    "review": frozenset({Role.COMPLIANCE, Role.OWNER}),
    "export_records": frozenset({Role.COMPLIANCE, Role.OWNER, Role.MANAGER}),
    # the Django admin site
    "admin": frozenset({Role.OWNER}),
    # see every professional's work, not only one's own
    "see_firm": frozenset({Role.OWNER, Role.MANAGER, Role.COMPLIANCE}),
}


def has_permission(user, permission: str) -> bool:
    if permission not in PERMISSIONS:
        raise KeyError(f"Unknown permission {permission!r}")
    if not getattr(user, "is_authenticated", False) or not getattr(user, "practice_id", None):
        return False
    return user.role in PERMISSIONS[permission]
