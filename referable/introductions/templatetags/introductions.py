from django import template

register = template.Library()


@register.filter
def card_late(card, now) -> bool:
    """Whether a card on the board is past its first-contact time."""
    return card.late(now)


@register.filter
def get_stage(forward: dict, stage: str) -> tuple[str, str]:
    """The (value, label) of the one-click move from ``stage``."""
    target = forward[stage]
    return target, target.label
