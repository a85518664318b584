from django import template

register = template.Library()


@register.filter
def lookup(mapping, key):
    """``names|lookup:item.owner_id``"""
    return mapping.get(key, "") if mapping else ""
