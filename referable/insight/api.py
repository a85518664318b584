"""The dashboard's numbers as JSON: the same rows as the tables and CSV downloads.

``owner`` (a user id, or ``all`` for those who may see the firm), ``tier`` (a service
tier id), ``start`` and ``end`` (dates, both included) filter every chart; a professional
only ever gets their own work."""

from django.http import Http404
from ninja import Query, Router

from referable.insight import charts
from referable.insight.forms import filters_or_error
from referable.insight.schemas import ChartOut, DashboardOut, InsightQuery
from referable.practices.permissions import api_require

router = Router()
TAGS = ["insight"]


def _board(request, query: InsightQuery) -> charts.Dashboard:
    api_require(request, "view")
    params = {k: v for k, v in query.dict().items() if v not in (None, "")}
    return charts.build(filters_or_error(request.user, params))


def _filters_out(board: charts.Dashboard) -> dict:
    f = board.filters
    return {"start": f.start, "end": f.end, "owner_id": f.owner_id, "tier_id": f.tier_id}


@router.get("/insight", response=DashboardOut, tags=TAGS, summary="Every chart of the dashboard")
def dashboard(request, query: InsightQuery = Query(...)):
    board = _board(request, query)
    return {
        "filters": _filters_out(board),
        "headlines": [vars(h) for h in board.headlines],
        "charts": [chart.as_dict() for chart in board.charts],
    }


def _chart_route(key: str, title: str) -> None:
    def read_chart(request, query: InsightQuery = Query(...)):
        chart = _board(request, query).chart(key)
        if chart is None:
            raise Http404("No such chart")
        return chart.as_dict()

    router.get(
        f"/insight/{key}",
        response=ChartOut,
        tags=TAGS,
        summary=title,
        operation_id=f"insight_{key}",
    )(read_chart)


for _key, _title in charts.CHARTS:
    _chart_route(_key, _title)
