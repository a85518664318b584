from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from referable.outbox import queries, services
from referable.outbox.models import OutgoingEmail
from referable.outbox.queue import get_queue
from referable.practices.permissions import require

PAGE_SIZE = 25


def get_email_for(email_id: int) -> OutgoingEmail:
    """404 for a message that does not exist and for another practice's alike."""
    try:
        return queries.email_detail(email_id)
    except OutgoingEmail.DoesNotExist:
        raise Http404("No such message") from None


@require("view")
def email_list(request):
    status = request.GET.get("status", "")
    if status not in OutgoingEmail.Status.values:
        status = ""
    page = Paginator(queries.outbox(status), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "outbox/list.html",
        {
            "page": page,
            "status": status,
            "statuses": OutgoingEmail.Status.choices,
            "query_prefix": f"status={status}&" if status else "",
            "failed_jobs": (
                get_queue().failures(request.user.practice_id)
                if request.user.can("configure")
                else []
            ),
        },
    )


@require("view")
def email_detail(request, email_id: int):
    return render(request, "outbox/detail.html", {"email": get_email_for(email_id)})


@require_POST
@require("edit")
def email_retry(request, email_id: int):
    email = get_email_for(email_id)
    if services.retry_now(email):
        messages.success(request, "The message will be tried again in a moment.")
    else:
        messages.info(request, "This message is not waiting for a retry.")
    return redirect("outbox:detail", email_id=email.pk)
