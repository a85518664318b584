"""The Insight dashboard: filters in, charts out, each with its table and its CSV."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode

from referable.insight import charts
from referable.insight.forms import filters_for
from referable.practices.permissions import require


@require("view")
def dashboard(request):
    form, filters = filters_for(request.user, request.GET)
    board = charts.build(filters)
    if request.GET.get("format") == "csv":
        return _csv(board, request.GET.get("chart", ""))
    params = filters.as_params()
    if not filters.owner_id and request.user.can("see_firm"):
        params["owner"] = "all"
    context = {"form": form, "board": board, "query": urlencode(params)}
    template = (
        "insight/dashboard.html#dashboard"
        if request.htmx and not request.htmx.boosted
        else "insight/dashboard.html"
    )
    return render(request, template, context)


def _csv(board: charts.Dashboard, key: str) -> HttpResponse:
    chart = board.chart(key)
    if chart is None:
        raise Http404("No such chart")
    filters = board.filters
    response = HttpResponse(chart.csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="insight-{chart.key}-{filters.start}-{filters.end}.csv"'
    )
    return response
