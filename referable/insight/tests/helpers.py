"""Reading the dashboard page back: its tables and headline figures."""

from html.parser import HTMLParser

from django.test import Client

PERIOD = {"start": "2025-01-01", "end": "2025-03-31"}


class Tables(HTMLParser):
    """The text of every chart's table, by chart key: {key: [[cell, …], …]}."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.chart = None
        self.row = None
        self.cell = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section" and (attrs.get("id") or "").startswith("chart-"):
            self.chart = attrs["id"].removeprefix("chart-")
            self.tables[self.chart] = []
        elif tag == "tr" and self.chart:
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.row.append(self.cell.strip())
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.tables[self.chart].append(self.row)
            self.row = None
        elif tag == "section":
            self.chart = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def tables_of(html: str) -> dict[str, list[list[str]]]:
    parser = Tables()
    parser.feed(html)
    return parser.tables


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def headline(html: str, label: str) -> str:
    start = html.index(f'<span class="label">{label}</span>')
    value = html.index('<span class="value">', start) + len('<span class="value">')
    return html[value : html.index("</span>", value)]
