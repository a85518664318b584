from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from referable.practices.forms import TokenForm
from referable.practices.models import ApiToken
from referable.practices.permissions import require
from referable.practices.registry import areas
from referable.practices.services import issue_token, revoke_token


@login_required
def home(request):
    """The first page after login: the first area this user may see."""
    for area in sorted(areas(), key=lambda a: min((e.order for e in a.nav), default=999)):
        for entry in area.nav:
            if request.user.can(entry.permission):
                return redirect(entry.url_name)
    return redirect(reverse("practices:tokens"))


def _token_list(request):
    return ApiToken.objects.filter(user=request.user).order_by("revoked_at", "-created_at")


@require("view")
def tokens(request):
    form = TokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        _token, new_key = issue_token(request.user, form.cleaned_data["name"])
        form = TokenForm()
    context = {"form": form, "tokens": _token_list(request), "new_key": new_key}
    template = "practices/tokens.html#token-panel" if request.htmx else "practices/tokens.html"
    return render(request, template, context)


@require("view")
@require_POST
def revoke(request, token_id: int):
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    revoke_token(token)
    if request.htmx:
        context = {"form": TokenForm(), "tokens": _token_list(request), "new_key": None}
        return render(request, "practices/tokens.html#token-panel", context)
    messages.success(request, f"Token “{token.name}” revoked.")
    return redirect("practices:tokens")
