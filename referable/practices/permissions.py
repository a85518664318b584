"""Server-side role checks for views and API endpoints."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from ninja.errors import HttpError

from referable.practices.roles import has_permission


def require(permission: str):
    """View decorator: logged in, in a practice, and holding ``permission``."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not has_permission(request.user, permission):
                raise PermissionDenied(f"Your role may not {permission} here.")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def api_require(request, permission: str) -> None:
    if not has_permission(request.user, permission):
        raise HttpError(403, f"Your role ({request.user.role}) may not {permission} here.")
