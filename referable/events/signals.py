"""A new introduction may have been born at an event: propose it at once."""

from django.db.models.signals import post_save


def _on_referral_saved(sender, instance, created, raw=False, **kwargs) -> None:
    if created and not raw:
        from referable.events.services import propose_for_referral

        propose_for_referral(instance)


def connect() -> None:
    from referable.introductions.models import Referral

    post_save.connect(
        _on_referral_saved, sender=Referral, dispatch_uid="events.propose_attribution"
    )
