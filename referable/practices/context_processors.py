from django.urls import reverse

from referable.practices.registry import areas
from referable.practices.roles import PERMISSIONS, has_permission


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_entries": [], "can": {}}
    entries = sorted(
        (entry for area in areas() for entry in area.nav if has_permission(user, entry.permission)),
        key=lambda entry: entry.order,
    )
    current = request.path
    return {
        # templates hide what the server would refuse: {% if can.edit %}
        "can": {permission: has_permission(user, permission) for permission in PERMISSIONS},
        "nav_entries": [
            {
                "label": entry.label,
                "url": (url := reverse(entry.url_name)),
                "active": current.startswith(url) and url != "/",
            }
            for entry in entries
        ],
    }
