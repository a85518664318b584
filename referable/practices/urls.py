from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from referable.practices import views

app_name = "practices"

urlpatterns = [
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:token_id>/revoke/", views.revoke, name="revoke-token"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(
            template_name="practices/password_change.html",
            success_url=reverse_lazy("practices:password-changed"),
        ),
        name="password-change",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="practices/password_done.html"),
        name="password-changed",
    ),
]
