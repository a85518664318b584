"""The JSON API at /api/v1/. Routers come from each area's AppConfig.

Authentication is a bearer token, resolved by PracticeScopeMiddleware before the view
so that every query runs inside the caller's practice scope. Errors are JSON and name
the field: ``{"detail": [{"loc": ["body", "email"], "msg": "…"}]}``.
"""

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.module_loading import import_string
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError
from ninja.security import HttpBearer

from referable.practices.registry import areas


class TokenAuth(HttpBearer):
    """The middleware already checked the key; this only confirms it did."""

    def authenticate(self, request, token):
        return request.api_token


api = NinjaAPI(
    title="Referable API",
    version="1",
    description=(
        "The referral and introductions engine, over HTTP. Authenticate with "
        "`Authorization: Bearer <token>`; create tokens under Account → API tokens or "
        "with `referable token`. Another practice's ids answer 404."
    ),
    auth=TokenAuth(),
    urls_namespace="api",
)


def validation_errors(exc: DjangoValidationError) -> list[dict]:
    if hasattr(exc, "error_dict"):
        return [
            {"loc": ["body", field if field != "__all__" else "non_field"], "msg": msg}
            for field, errors in exc.message_dict.items()
            for msg in errors
        ]
    return [{"loc": ["body"], "msg": msg} for msg in exc.messages]


@api.exception_handler(DjangoValidationError)
def on_django_validation_error(request, exc):
    return api.create_response(request, {"detail": validation_errors(exc)}, status=422)


@api.exception_handler(ValidationError)
def on_schema_validation_error(request, exc):
    detail = [
        {"loc": [part for part in err.get("loc", []) if part != "payload"], "msg": err.get("msg")}
        for err in exc.errors
    ]
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(ObjectDoesNotExist)
@api.exception_handler(Http404)
def on_not_found(request, exc):
    return api.create_response(request, {"detail": "Not found."}, status=404)


@api.exception_handler(PermissionDenied)
def on_denied(request, exc):
    return api.create_response(request, {"detail": str(exc) or "Not allowed."}, status=403)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return api.create_response(
        request, {"detail": "Authenticate with 'Authorization: Bearer <token>'."}, status=401
    )


for _area in areas():
    if _area.api_router:
        api.add_router(_area.api_prefix, import_string(_area.api_router))
