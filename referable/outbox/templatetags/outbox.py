from django import template

register = template.Library()


@register.filter
def last_line(text: str) -> str:
    """The last non-empty line of an error (a traceback ends with the exception)."""
    lines = [line for line in (text or "").splitlines() if line.strip()]
    return lines[-1].strip() if lines else ""
