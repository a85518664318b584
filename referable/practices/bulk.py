"""Loading many rows at once, for demo and benchmark data sets.

Django's ``bulk_create`` builds a model instance per row; at firm scale (millions of
rows) that dominates. ``insert_rows`` sends plain tuples through ``executemany`` and
adapts dates, times and decimals the way the backend expects."""

import datetime
import decimal
from collections.abc import Iterable, Sequence
from itertools import islice

from django.db import connection, models

CHUNK = 5000


def insert_rows(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence]) -> int:
    opts = model._meta
    columns = [opts.get_field(name).column for name in fields]
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(opts.db_table)} ({', '.join(quote(c) for c in columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    adapt = _adapter()
    count = 0
    iterator = iter(rows)
    with connection.cursor() as cursor:
        while chunk := list(islice(iterator, CHUNK)):
            cursor.executemany(sql, [tuple(adapt(v) for v in row) for row in chunk])
            count += len(chunk)
    return count


def inserted_ids(model: type[models.Model], practice, count: int) -> list[int]:
    """The ids of the last ``count`` rows of ``practice`` inserted into ``model`` — in
    insertion order, which is id order for rows one transaction inserted."""
    ids = list(
        model._base_manager.filter(practice=practice)
        .order_by("-pk")
        .values_list("pk", flat=True)[:count]
    )
    ids.reverse()
    return ids


def _adapter():
    ops = connection.ops

    def adapt(value):
        if isinstance(value, datetime.datetime):
            return ops.adapt_datetimefield_value(value)
        if isinstance(value, datetime.date):
            return ops.adapt_datefield_value(value)
        if isinstance(value, decimal.Decimal):
            return ops.adapt_decimalfield_value(value)
        return value

    return adapt


def analyze() -> None:
    """Refreshes the query planner's statistics: after loading a data set at once, the
    planner would otherwise not know that a practice's index is not selective."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
