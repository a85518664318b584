from django.http import JsonResponse
from django.utils import timezone

from referable.practices.models import ApiToken
from referable.practices.tenancy import acting_as, practice_scope

API_PATH = "/api/"
TOKEN_TOUCH_INTERVAL = 60  # seconds; avoids a write on every API call


class PracticeScopeMiddleware:
    """Activates the scope of the practice of whoever is asking, once per request.

    On the API the caller is identified by a bearer token here, before the view, so
    the whole request (auth, query, serialization) runs inside one practice's scope.
    Anonymous requests get no scope at all: any domain query they reach raises."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.api_token = None
        header = request.headers.get("Authorization", "")
        if request.path.startswith(API_PATH) and header.startswith("Bearer "):
            token = ApiToken.find_active(header.removeprefix("Bearer ").strip())
            if token is None:
                return JsonResponse(
                    {"detail": "The API token is unknown or has been revoked."}, status=401
                )
            request.user = token.user
            request.api_token = token
            self._touch(token)
        user = request.user
        if user.is_authenticated and user.practice_id:
            with practice_scope(user.practice), acting_as(user):
                return self.get_response(request)
        return self.get_response(request)

    @staticmethod
    def _touch(token: ApiToken) -> None:
        now = timezone.now()
        if token.last_used_at and (now - token.last_used_at).total_seconds() < TOKEN_TOUCH_INTERVAL:
            return
        ApiToken.objects.with_scopes_disabled().filter(pk=token.pk).update(last_used_at=now)
