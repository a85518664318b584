"""What the records commands share: choosing the practice and who acts."""

from django.core.management.base import CommandError

from referable.practices.models import Practice, User


def acting_user(email: str | None, practice_slug: str | None = None) -> User:
    if email:
        user = User.objects.filter(email=email.lower(), is_active=True).first()
        if user is None or not user.practice_id:
            raise CommandError(f"No active user {email} in a practice.")
        return user
    practice = choose_practice(practice_slug)
    owner = User.objects.filter(practice=practice, role="owner", is_active=True).first()
    if owner is None:
        raise CommandError(f"{practice} has no active owner; name a user with --as.")
    return owner


def choose_practice(slug: str | None) -> Practice:
    if slug:
        practice = Practice.objects.filter(slug=slug).first()
        if practice is None:
            raise CommandError(f"No practice “{slug}”.")
        return practice
    practices = list(Practice.objects.order_by("id")[:2])
    if len(practices) != 1:
        raise CommandError(
            "Say which practice with --practice SLUG (or --as EMAIL): "
            + ", ".join(Practice.objects.values_list("slug", flat=True)[:20])
        )
    return practices[0]
