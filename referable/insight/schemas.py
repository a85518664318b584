from datetime import date

from ninja import Schema


class InsightQuery(Schema):
    owner: str = ""
    tier: str = ""
    start: date | None = None
    end: date | None = None


class FiltersOut(Schema):
    start: date
    end: date
    owner_id: int | None
    tier_id: int | None


class HeadlineOut(Schema):
    label: str
    value: str
    detail: str


class ChartOut(Schema):
    key: str
    title: str
    about: str
    columns: list[str]
    rows: list[list[int | float | str | None]]


class DashboardOut(Schema):
    filters: FiltersOut
    headlines: list[HeadlineOut]
    charts: list[ChartOut]
