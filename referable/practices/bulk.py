"""Loading many rows at once, for demo and benchmark data sets.

Django's ``bulk_create`` builds a model instance per row; at firm scale (millions of
rows) that dominates. ``insert_rows`` sends plain tuples through ``executemany`` and
converts dates, times and choices the way the backend expects."""

import datetime
import enum
from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager
from itertools import islice

from django.db import connection, models
from django.utils import timezone

CHUNK = 5000


def insert_rows(
    model: type[models.Model],
    fields: Sequence[str],
    rows: Iterable[Sequence],
    *,
    adapted: bool = False,
) -> int:
    """Inserts ``rows`` (tuples in the order of ``fields``) and returns how many.
    ``adapted``: the values are already in the database's form; nothing is converted."""
    opts = model._meta
    model_fields = [opts.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    table, columns = quote(opts.db_table), ", ".join(quote(f.column) for f in model_fields)
    converters = [] if adapted else _converters(model_fields)
    converted = (_converted(row, converters) for row in rows)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            return _copy(cursor, table, columns, converted)
        sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(model_fields))})"
        count = 0
        while chunk := list(islice(converted, CHUNK)):
            cursor.executemany(sql, chunk)
            count += len(chunk)
        return count


def _copy(cursor, table: str, columns: str, rows: Iterable[Sequence]) -> int:
    """PostgreSQL's COPY: one stream of rows rather than a statement per row, which is
    what a firm-scale load spends its time on."""
    count = 0
    with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def _converted(row: Sequence, converters) -> Sequence:
    if not converters:
        return row
    row = list(row)
    for index, convert in converters:
        if row[index] is not None:
            row[index] = convert(row[index])
    return row


def insert_instances(objs: Sequence[models.Model]) -> None:
    """Inserts unsaved instances of one model and gives each its primary key, like
    ``bulk_create`` for rows of one practice but without its per-value compiler work,
    which costs more than building the instances. Fields that need the database's own
    conversion (JSON, for example) still go through it."""
    if not objs:
        return
    model = type(objs[0])
    opts = model._meta
    fields = [f for f in opts.concrete_fields if not f.primary_key]
    now = timezone.now()
    for obj in objs:
        _complete(obj, fields, now)
    prepare = {f.attname: f for f in fields if f.get_internal_type() in _CONVERTED_BY_THE_FIELD}
    rows = (
        [
            prepare[f.attname].get_db_prep_save(getattr(obj, f.attname), connection)
            if f.attname in prepare
            else getattr(obj, f.attname)
            for f in fields
        ]
        for obj in objs
    )
    insert_rows(model, [f.name for f in fields], rows)
    for obj, pk in zip(objs, inserted_ids(model, objs[0].practice_id, len(objs)), strict=True):
        obj.pk = pk
        obj._state.adding, obj._state.db = False, connection.alias


_CONVERTED_BY_THE_FIELD = {"JSONField", "BinaryField", "UUIDField"}


def _complete(obj: models.Model, fields, now) -> None:
    """What ``save`` would fill in: automatic timestamps, and the ids of related
    instances that were saved after this one was built."""
    for field in fields:
        if getattr(field, "auto_now", False) or (
            getattr(field, "auto_now_add", False) and getattr(obj, field.attname) is None
        ):
            setattr(obj, field.attname, now)
        elif field.is_relation and getattr(obj, field.attname) is None and field.is_cached(obj):
            related = field.get_cached_value(obj)
            if related is not None:
                setattr(obj, field.attname, related.pk)


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


def _converters(fields) -> list[tuple[int, Callable]]:
    """For each column that needs it, how a Python value becomes what the driver takes.
    Chosen once per column: at firm scale, testing every value's type costs more than
    the insert itself."""
    converters = []
    for index, field in enumerate(fields):
        convert = _converter(field.get_internal_type())
        if convert is not None:
            converters.append((index, convert))
    return converters


def _converter(internal_type: str) -> Callable | None:
    sqlite = connection.vendor == "sqlite"
    if internal_type == "DateTimeField" and sqlite:
        return _remembering_last(_sqlite_datetime)
    if internal_type == "DateField" and sqlite:
        return _remembering_last(_sqlite_date)
    if internal_type in _CHOICE_TYPES and not sqlite:
        # sqlite3 binds a choice as the string or number it is; psycopg would send its name
        return _choice_value
    return None


def _remembering_last(convert: Callable) -> Callable:
    """Loads stamp many rows with the same moment (created_at, updated_at); converting
    it once per column rather than once per row halves the cost of a firm-scale load."""
    last_value, last_result = object(), None

    def remembered(value):
        nonlocal last_value, last_result
        if value is not last_value:
            last_value, last_result = value, convert(value)
        return last_result

    return remembered


def _sqlite_datetime(value):
    # what Django's SQLite backend stores: naive UTC, "YYYY-MM-DD HH:MM:SS[.ffffff]"
    offset = value.utcoffset()
    if offset is not None:
        value = (value - offset).replace(tzinfo=None)
    return str(value)


def _sqlite_date(value):
    return str(value.date() if isinstance(value, datetime.datetime) else value)


_CHOICE_TYPES = {
    "CharField",
    "TextField",
    "IntegerField",
    "SmallIntegerField",
    "PositiveSmallIntegerField",
    "PositiveIntegerField",
}


def _choice_value(value):
    if type(value) in (str, int):
        return value
    return value.value if isinstance(value, enum.Enum) else value


@contextmanager
def loading(cache_mb: int = 1024):
    """While a large data set is loaded into SQLite: a page cache big enough to hold its
    indexes, so that random inserts into them do not go back and forth to the file."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (previous,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = {-cache_mb * 1024:d}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(previous):d}")


def analyze(*, sampled: bool = False) -> None:
    """Refreshes the query planner's statistics: after loading a data set at once, the
    planner would otherwise not know that a practice's index is not selective.
    ``sampled``: a quick estimate, between the steps of a load; its row counts are rough
    enough to mislead the planner, so a load ends with a full pass."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # the limit stays with the connection: set it either way
            cursor.execute(f"PRAGMA analysis_limit = {2000 if sampled else 0:d}")
        cursor.execute("ANALYZE")


def settle() -> None:
    """After a large load into PostgreSQL, once committed: VACUUM marks the new pages
    all-visible, so index-only scans need not visit the table, and autovacuum does not
    do it later while the first pages are being served. (SQLite needs nothing; inside
    a transaction, as in tests, VACUUM is not allowed and is left to autovacuum.)"""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
