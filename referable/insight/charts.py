"""The dashboard's charts: each is a table (its columns and rows) that is also drawn.

The table is the chart's text alternative, its CSV download and its JSON in the API:
one list of rows serves all four, so they can never disagree. Building the tables from
the grouped rows of queries.py is plain Python over a few hundred rows at most.
"""

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from referable.clients import ladder
from referable.insight import queries, summary
from referable.insight.filters import Filters
from referable.introductions.models import FeedbackDebt, Method, Referral
from referable.partners import ledger

#: colours that stay apart for the common kinds of colour blindness (Okabe–Ito)
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#6B6B6B"]

#: every chart of the dashboard, in order (each also has its own API route)
CHARTS = (
    ("sources", "Introductions by source"),
    ("kinds", "Introductions and recommendations"),
    ("methods", "Method of introduction"),
    ("events", "Introductions born at events"),
    ("funnel", "Conversion at each stage"),
    ("conversion_by_month", "Conversion by month received"),
    ("conversion_by_method", "Conversion by method"),
    ("conversion_by_sentiment", "Conversion by the referrer–prospect relationship"),
    ("response", "Same-day response"),
    ("first_contact", "Time to first contact"),
    ("loop", "Closing the loop"),
    ("reciprocity_by_month", "Reciprocity with referral partners"),
    ("reciprocity", "Reciprocity by partner"),
    ("value", "Value won"),
    ("rungs", "The book: clients on each rung"),
    ("held_back", "What holds clients back"),
)

TITLES = dict(CHARTS)

HELD_BACK_LABELS = {
    ladder.G_DO_NOT_CONTACT: "Asked not to be contacted",
    ladder.G_NO_EXPECTATIONS: "No expectations recorded yet",
    ladder.G_BELOW: "An expectation is below",
    ladder.G_TRUST: "Trust under the practice's threshold",
    ladder.G_COOLDOWN: "Cool-down after a decline",
    ladder.G_CONDITIONAL: "Waiting for a good check-in after “let's see how it goes”",
    ladder.G_CAP: "Enough requests for now (the practice's cap)",
}


@dataclass
class Chart:
    key: str
    title: str
    about: str
    columns: list[str]
    rows: list[list]
    #: how it is drawn: "stacked" or "bars" (by the first column), "line", "hbar"
    draw: str = "bars"
    #: the columns drawn, by index
    series: tuple[int, ...] = (1,)
    percent: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def cells(self) -> list[list[str]]:
        return [[cell(value) for value in row] for row in self.rows]

    @property
    def is_empty(self) -> bool:
        return not any(
            isinstance(row[i], int | float | Decimal) and row[i]
            for row in self.rows
            for i in self.series
        )

    def csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(self.columns)
        writer.writerows(self.cells)
        return out.getvalue()

    def spec(self) -> dict:
        """A Chart.js configuration of the same numbers."""
        horizontal = self.draw == "hbar"
        stacked = self.draw == "stacked"
        datasets = []
        for n, index in enumerate(self.series):
            colour = PALETTE[n % len(PALETTE)]
            datasets.append(
                {
                    "label": self.columns[index],
                    "data": [_number(row[index]) for row in self.rows],
                    "backgroundColor": colour,
                    "borderColor": colour,
                    **({"fill": False, "tension": 0.2} if self.draw == "line" else {}),
                }
            )
        value_axis = {"beginAtZero": True, "stacked": stacked}
        if self.percent:
            value_axis["max"] = 100
        label_axis = {"stacked": stacked}
        return {
            "type": "line" if self.draw == "line" else "bar",
            "data": {"labels": [cell(row[0]) for row in self.rows], "datasets": datasets},
            "options": {
                "indexAxis": "y" if horizontal else "x",
                "responsive": True,
                "maintainAspectRatio": False,
                "animation": False,
                "scales": {
                    "x": value_axis if horizontal else label_axis,
                    "y": label_axis if horizontal else value_axis,
                },
                "plugins": {
                    "legend": {
                        "display": len(datasets) > 1,
                        "labels": {"boxWidth": 12, "font": {"size": 11}},
                    }
                },
            },
        }

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "title": self.title,
            "about": self.about,
            "columns": self.columns,
            "rows": [[_json(value) for value in row] for row in self.rows],
        }


@dataclass
class Headline:
    label: str
    value: str
    detail: str = ""


@dataclass
class Dashboard:
    filters: Filters
    headlines: list[Headline]
    charts: list[Chart]

    def chart(self, key: str) -> Chart | None:
        return next((c for c in self.charts if c.key == key), None)


def cell(value) -> str:
    """How a number is written in the table and the CSV alike."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def _number(value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, int | float) or value is None:
        return value
    return None


def _json(value):
    if isinstance(value, float):
        return round(value, 1)
    if isinstance(value, Decimal):
        return str(value.quantize(Decimal("0.01")))
    return value


def rate(part: int, whole: int) -> float | None:
    """A percentage, or None when there is nothing to divide by."""
    return round(100 * part / whole, 1) if whole else None


def hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 3600, 1)


def days(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 86400, 1)


# --- building the dashboard ---------------------------------------------------------------


def build(filters: Filters, *, now: datetime | None = None) -> Dashboard:
    """Every chart of the dashboard, in a fixed number of queries."""
    months = [m.label for m in filters.months]
    monthly = summary.monthly_figures(filters, now=now)
    counts, debt_rows, won = monthly.counts, monthly.debts, monthly.won
    contact_by_month, contact_overall = queries.first_contact_medians(
        monthly.minutes, histogram=monthly.histogram, medians=monthly.medians
    )
    rungs, held = queries.book_health(filters)
    born = queries.events(filters)
    from_partners, to_partners = queries.partner_flows(filters)

    funnel = funnel_rows(counts)
    response = response_rows(months, counts, contact_by_month)
    loop = loop_rows(months, debt_rows)
    paid_total = sum(r["paid"] for r in debt_rows)
    loop_overall = (
        sum(r["seconds_to_pay"] or 0 for r in debt_rows) / paid_total if paid_total else None
    )
    value = value_rows(months, won)
    charts = [
        by_month_chart(
            "sources",
            TITLES["sources"],
            "Introductions received each month, by where they came from: a client, a "
            "referral partner, an event, or a shared introduction profile.",
            months,
            counts,
            "origin",
            queries.ORIGINS,
        ),
        by_month_chart(
            "kinds",
            TITLES["kinds"],
            "Received each month: introduced to us directly, or our name passed on.",
            months,
            counts,
            "kind",
            [(k.value, k.label.split(" (")[0]) for k in Referral.Kind],
        ),
        by_month_chart(
            "methods",
            TITLES["methods"],
            "Received each month, by the method of first contact.",
            months,
            counts,
            "method",
            [(m.value, m.label) for m in Method],
        ),
        Chart(
            "events",
            TITLES["events"],
            "Introductions received in the period that were born at an appreciation event "
            "(attributions confirmed), by event, most recent first.",
            ["Event", "Date", "Introductions", "Engaged", "Value won", "Cost"],
            event_rows(born, filters),
            draw="hbar",
            series=(2, 3),
        ),
        Chart(
            "funnel",
            TITLES["funnel"],
            "Of the introductions received in the period, how many reached each step "
            "(a step skipped on the way forward counts as reached).",
            ["Stage", "Introductions", "Of those received (%)", "Of the step before (%)"],
            funnel,
            draw="hbar",
        ),
        Chart(
            "conversion_by_month",
            TITLES["conversion_by_month"],
            "How far the introductions received each month have got so far; conversion is "
            "engaged of received.",
            ["Month", *[label for _s, label in queries.FUNNEL], "Conversion (%)"],
            conversion_by(counts, "month", [(i, m) for i, m in enumerate(months)]),
            draw="bars",
            series=(1, 2, 3, 4, 5),
        ),
        Chart(
            "conversion_by_method",
            TITLES["conversion_by_method"],
            "Conversion (engaged of received), by the method of introduction.",
            ["Method", *[label for _s, label in queries.FUNNEL], "Conversion (%)"],
            conversion_by(counts, "method", [(m.value, m.label) for m in Method]),
            draw="hbar",
            series=(6,),
            percent=True,
        ),
        Chart(
            "conversion_by_sentiment",
            TITLES["conversion_by_sentiment"],
            "Conversion (engaged of received), by how the referrer and the prospect get on (the third "
            "pillar): a negative relationship starts from weakness.",
            ["Relationship", *[label for _s, label in queries.FUNNEL], "Conversion (%)"],
            conversion_by(counts, "sentiment", queries.SENTIMENTS),
            draw="hbar",
            series=(6,),
            percent=True,
        ),
        Chart(
            "response",
            TITLES["response"],
            "Introductions first contacted by the time due (the same working day by "
            "default), of those contacted or overdue.",
            ["Month", "Received", "On time", "Late", "Not yet due", "On time (%)"],
            [row[:6] for row in response],
            draw="line",
            series=(5,),
            percent=True,
        ),
        Chart(
            "first_contact",
            TITLES["first_contact"],
            "The median time from receiving an introduction to first contacting the "
            "prospect, in hours (nights and weekends included).",
            ["Month", "Contacted", "Median hours to first contact"],
            [[row[0], row[6], row[7]] for row in response],
            series=(2,),
        ),
        Chart(
            "loop",
            TITLES["loop"],
            "Feedback and thank-yous owed to referrers, by the month they became owed; "
            "the referrer always hears what came of it, even when nothing did.",
            [
                "Month",
                "Feedback owed",
                "Feedback given",
                "Thank-yous owed",
                "Thank-yous given",
                "Closed (%)",
                "Average days to close",
            ],
            loop,
            draw="line",
            series=(5,),
            percent=True,
        ),
        Chart(
            "reciprocity_by_month",
            TITLES["reciprocity_by_month"],
            "Introductions received from referral partners and sent to them each month. "
            "Reciprocity is expected, never demanded; the service tier does not apply.",
            ["Month", "Received from partners", "Sent to partners", "Balance"],
            reciprocity_by_month(months, from_partners, to_partners),
            series=(1, 2),
        ),
        Chart(
            "reciprocity",
            TITLES["reciprocity"],
            f"The {PARTNER_ROWS} partners with the most introductions either way in the "
            "period; a positive balance means they sent more than we did.",
            [
                "Partner",
                "Received",
                "Sent",
                "Balance",
                "Received engaged",
                "Sent engaged",
                "Reciprocity",
            ],
            reciprocity_by_partner(from_partners, to_partners),
            draw="hbar",
            series=(1, 2),
        ),
        Chart(
            "value",
            TITLES["value"],
            "Introductions that became engagements, by the month they engaged, and the "
            "value recorded for them.",
            value[0],
            value[1],
            series=tuple(range(2, len(value[0]))),
        ),
        Chart(
            "rungs",
            TITLES["rungs"],
            "Current clients (former ones left out) by the next request the ladder "
            "suggests, as the book stands today.",
            ["Rung", "Clients"],
            [[ladder.RUNG_LABELS[r], rungs.get(r, 0)] for r in ladder.RUNGS],
            draw="hbar",
        ),
        Chart(
            "held_back",
            TITLES["held_back"],
            "Clients with no request to make now, by the most common reason.",
            ["Reason", "Clients"],
            held_back_rows(held),
            draw="hbar",
        ),
    ]
    received = sum(r["received"] for r in counts)
    engaged = funnel[-1][1]
    on_time = sum(r[2] for r in response)
    due = sum(r[2] + r[3] for r in response)
    owed = sum(r[1] + r[3] for r in loop)
    closed = sum(r[2] + r[4] for r in loop)
    ready = sum(n for rung, n in rungs.items() if rung in ladder.ASKING_RUNGS)
    headlines = [
        Headline("Introductions received", str(received)),
        Headline(
            "Engaged",
            str(engaged),
            f"{cell(rate(engaged, received))}% of received" if received else "",
        ),
        Headline("First contact on time", _percent(rate(on_time, due)), f"of {due} due"),
        Headline("Median time to first contact", _hours(hours(contact_overall))),
        Headline("Loop closed", _percent(rate(closed, owed)), f"of {owed} owed"),
        Headline("Average time to close the loop", _days(days(loop_overall))),
        *[
            Headline(f"Value won ({currency})", f"{total:,.2f}")
            for currency, total in value[2].items()
        ],
        Headline("Clients ready for a request", str(ready), f"of {sum(rungs.values())}"),
    ]
    return Dashboard(filters=filters, headlines=headlines, charts=charts)


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


def _hours(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} h"


def _days(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} days"


def by_month_chart(key, title, about, months, counts, dimension, choices) -> Chart:
    grid: dict = defaultdict(int)
    for row in counts:
        grid[row["month"], row[dimension]] += row["received"]
    rows = []
    for index, month in enumerate(months):
        values = [grid[index, value] for value, _label in choices]
        rows.append([month, *values, sum(values)])
    return Chart(
        key,
        title,
        about,
        ["Month", *[label for _v, label in choices], "Total"],
        rows,
        draw="stacked",
        series=tuple(range(1, len(choices) + 1)),
    )


def _reached(rows) -> list[int]:
    """How many reached each step of the funnel."""
    at_least = [0] * len(queries.FUNNEL)
    for row in rows:
        for step in range(row["reached"] + 1):
            at_least[step] += row["received"]
    return at_least


def funnel_rows(counts) -> list[list]:
    reached = _reached(counts)
    rows = []
    for step, (_stage, label) in enumerate(queries.FUNNEL):
        rows.append(
            [
                label,
                reached[step],
                rate(reached[step], reached[0]),
                rate(reached[step], reached[step - 1]) if step else None,
            ]
        )
    return rows


def conversion_by(counts, dimension: str, choices) -> list[list]:
    grouped: dict = defaultdict(list)
    for row in counts:
        grouped[row[dimension]].append(row)
    rows = []
    for value, label in choices:
        reached = _reached(grouped.get(value, ()))
        rows.append([label, *reached, rate(reached[-1], reached[0])])
    return rows


def response_rows(months, counts, medians: dict) -> list[list]:
    """Month, received, on time, late, not yet due, on time (%), and (for the time to
    first contact chart) how many were contacted and the median hours."""
    totals = queries.totals(counts, "month", "received", "contacted", "on_time", "late")
    rows = []
    for index, month in enumerate(months):
        t = totals.get(index, dict.fromkeys(("received", "contacted", "on_time", "late"), 0))
        waiting = t["received"] - t["on_time"] - t["late"]
        rows.append(
            [
                month,
                t["received"],
                t["on_time"],
                t["late"],
                waiting,
                rate(t["on_time"], t["on_time"] + t["late"]),
                t["contacted"],
                hours(medians.get(index)),
            ]
        )
    return rows


def loop_rows(months, debt_rows) -> list[list]:
    grid: dict = defaultdict(int)
    seconds: dict = defaultdict(float)
    for row in debt_rows:
        grid[row["month"], row["kind"], "owed"] += row["owed"]
        grid[row["month"], row["kind"], "paid"] += row["paid"]
        seconds[row["month"]] += row["seconds_to_pay"] or 0
    feedback, thanks = FeedbackDebt.Kind.FEEDBACK, FeedbackDebt.Kind.THANK_YOU
    rows = []
    for index, month in enumerate(months):
        owed = [grid[index, feedback, "owed"], grid[index, thanks, "owed"]]
        paid = [grid[index, feedback, "paid"], grid[index, thanks, "paid"]]
        rows.append(
            [
                month,
                owed[0],
                paid[0],
                owed[1],
                paid[1],
                rate(sum(paid), sum(owed)),
                days(seconds[index] / sum(paid)) if sum(paid) else None,
            ]
        )
    return rows


def value_rows(months, won) -> tuple[list[str], list[list], dict[str, Decimal]]:
    """Columns, rows and the total per currency: one value column per currency."""
    currencies = sorted({row["currency"] for row in won}) or ["USD"]
    engaged: dict = defaultdict(int)
    value: dict = defaultdict(lambda: Decimal("0"))
    for row in won:
        engaged[row["month"]] += row["engaged"]
        value[row["month"], row["currency"]] += row["value"] or Decimal("0")
    rows = [
        [month, engaged[index], *[value[index, c] for c in currencies]]
        for index, month in enumerate(months)
    ]
    totals = {c: sum((value[i, c] for i in range(len(months))), Decimal("0")) for c in currencies}
    return ["Month", "Engaged", *[f"Value won ({c})" for c in currencies]], rows, totals


PARTNER_ROWS = 15


def event_rows(born, filters: Filters) -> list[list]:
    return [
        [
            row["title"],
            row["starts_at"].astimezone(filters.zone).date().isoformat(),
            row["introductions"],
            row["engaged"],
            row["value"] or Decimal("0"),
            row["cost"],
        ]
        for row in born
    ]


def reciprocity_by_month(months, received, sent) -> list[list]:
    got = queries.totals(received, "month", "n")
    gave = queries.totals(sent, "month", "n")
    return [
        [month, got[i]["n"], gave[i]["n"], got[i]["n"] - gave[i]["n"]]
        for i, month in enumerate(months)
    ]


def reciprocity_by_partner(received, sent) -> list[list]:
    partners: dict = {}
    for direction, rows in (("received", received), ("sent", sent)):
        for row in rows:
            line = partners.setdefault(
                row["partner"],
                {
                    "name": " ".join(p for p in (row["first_name"], row["last_name"]) if p),
                    "received": 0,
                    "sent": 0,
                    "received_engaged": 0,
                    "sent_engaged": 0,
                },
            )
            line[direction] += row["n"]
            line[f"{direction}_engaged"] += row["engaged"]
    ranked = sorted(
        partners.values(), key=lambda p: (-(p["received"] + p["sent"]), p["name"].lower())
    )
    return [
        [
            p["name"],
            p["received"],
            p["sent"],
            p["received"] - p["sent"],
            p["received_engaged"],
            p["sent_engaged"],
            ledger.reciprocity(p["received"], p["sent"]),
        ]
        for p in ranked[:PARTNER_ROWS]
    ]


def held_back_rows(held) -> list[list]:
    reasons: dict = defaultdict(int)
    for row in held:
        reasons[_held_back_label(row)] += row["clients"]
    return [
        [label, n] for label, n in sorted(reasons.items(), key=lambda item: (-item[1], item[0]))
    ]


def _held_back_label(row: dict) -> str:
    if row["guardrail"] in HELD_BACK_LABELS:
        return HELD_BACK_LABELS[row["guardrail"]]
    if row["stage"] == "prospect":
        return "Not a client yet"
    if row["rung"] == ladder.EARN_TRUST:
        return "Trust not yet high enough for the next request"
    return "Nobody they know can be proposed now"
