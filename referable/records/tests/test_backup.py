"""Backup and restore, compared table by table. On PostgreSQL (DATABASE_URL pointing at
one) the restore goes into a throwaway database beside the test database."""

import io
import json
import secrets
import zipfile
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from referable.people import services as people_services
from referable.people.models import Person
from referable.people.tests.factories import make_connection, make_person
from referable.practices.tenancy import acting_as, practice_scope
from referable.records.backup import BackupError, backup, restore
from referable.records.tests.factories import make_communication

pytestmark = pytest.mark.django_db(transaction=True)


def _rows(cursor, table: str) -> list:
    quoted = connection.ops.quote_name(table)
    cursor.execute(f"SELECT * FROM {quoted}")
    return sorted(
        (tuple(bytes(v) if isinstance(v, memoryview) else v for v in row) for row in cursor),
        key=repr,
    )


def tables_of(cursor, names) -> dict[str, list]:
    return {name: _rows(cursor, name) for name in names}


@pytest.fixture
def history(practice, owner):
    """A practice with people, connections, an archived letter with its PDF and the
    audit trail of all that."""
    with practice_scope(practice), acting_as(owner):
        ann = make_person(practice, first_name="Ann", last_name="Lee", phones=["+1 617 555 0101"])
        bo = make_person(practice, first_name="Bö", last_name="Ray")
        make_connection(ann, bo, notes="Tennis on Thursdays")
        people_services.update_person(ann, {"city": "Boston"})
    make_communication(
        practice,
        person=ann,
        sender=owner,
        produced_at=timezone.now() - timedelta(days=3),
        attachments=[("letter.pdf", bytes(range(256)) * 8, "application/pdf")],
    )
    return ann, bo


def test_a_backup_restores_every_table_as_it_was(practice, history, tmp_path):
    names = connection.introspection.table_names()
    with connection.cursor() as cursor:
        before = tables_of(cursor, names)
    manifest = backup(tmp_path / "backup.zip")
    assert manifest.counts["people_person"] == 2 and manifest.counts["records_communication"] == 1
    assert "records.0002_audit_import_calendar_erasure_settings" in manifest.data["migrations"]
    ann, _bo = history
    with practice_scope(practice):
        people_services.delete_person(ann)
        make_person(practice, first_name="Added", last_name="Later")

    if connection.vendor == "postgresql":
        with _throwaway_database() as (url, cursor_of):
            restore(tmp_path / "backup.zip", database_url=url)
            with cursor_of() as cursor:
                after = tables_of(cursor, names)
    else:
        restore(tmp_path / "backup.zip")
        with connection.cursor() as cursor:
            after = tables_of(cursor, names)
    assert after.keys() == before.keys()
    for name in names:
        assert after[name] == before[name], f"table {name} differs after the round trip"


class _throwaway_database:
    def __enter__(self):
        import psycopg

        settings = connection.settings_dict
        self.params = {
            "host": settings.get("HOST") or None,
            "port": settings.get("PORT") or None,
            "user": settings.get("USER") or None,
            "password": settings.get("PASSWORD") or None,
        }
        self.name = f"referable_records_restore_{secrets.token_hex(4)}"
        with psycopg.connect(dbname="postgres", autocommit=True, **self.params) as admin:
            admin.execute(f'CREATE DATABASE "{self.name}"')
        user = self.params["user"] or ""
        password = f":{self.params['password']}" if self.params["password"] else ""
        host = f"{self.params['host'] or 'localhost'}:{self.params['port'] or 5432}"
        url = f"postgres://{user}{password}@{host}/{self.name}"

        def cursor_of():
            from psycopg.types.string import TextLoader

            self.conn = psycopg.connect(dbname=self.name, **self.params)
            # read JSON as text, as Django's own connection does
            self.conn.adapters.register_loader("jsonb", TextLoader)
            return self.conn.cursor()

        return url, cursor_of

    def __exit__(self, *exc):
        import psycopg

        if getattr(self, "conn", None):
            self.conn.close()
        with psycopg.connect(dbname="postgres", autocommit=True, **self.params) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{self.name}"')


def _damaged_copies(good: bytes) -> dict[str, bytes]:
    middle = len(good) // 2
    flipped = good[:middle] + bytes([good[middle] ^ 0xFF]) + good[middle + 1 :]
    no_manifest = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as source, zipfile.ZipFile(no_manifest, "w") as z:
        for name in source.namelist():
            if name != "manifest.json":
                z.writestr(name, source.read(name))
    wrong_hash = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as source, zipfile.ZipFile(wrong_hash, "w") as z:
        for name in source.namelist():
            data = source.read(name)
            if name == "manifest.json":
                manifest = json.loads(data)
                manifest["snapshot"]["sha256"] = "0" * 64
                data = json.dumps(manifest).encode()
            z.writestr(name, data)
    return {
        "truncated": good[: len(good) * 2 // 3],
        "a flipped byte": flipped,
        "not a zip": b"hello, this is not a backup",
        "no manifest": no_manifest.getvalue(),
        "a snapshot that does not match its hash": wrong_hash.getvalue(),
    }


def test_a_damaged_backup_is_refused_before_anything_changes(practice, history, tmp_path):
    backup(tmp_path / "good.zip")
    good = (tmp_path / "good.zip").read_bytes()
    with practice_scope(practice):
        make_person(practice, first_name="Made", last_name="After")
    names = connection.introspection.table_names()
    with connection.cursor() as cursor:
        before = tables_of(cursor, names)
    for damage, data in _damaged_copies(good).items():
        path = tmp_path / "damaged.zip"
        path.write_bytes(data)
        with pytest.raises(BackupError):
            restore(path)
        with connection.cursor() as cursor:
            assert tables_of(cursor, names) == before, f"{damage} changed the database"


def test_the_commands_back_up_and_refuse_a_damaged_file_with_a_clear_message(
    practice, history, tmp_path, capsys
):
    call_command("backup", str(tmp_path / "b.zip"))
    assert "Backed up" in capsys.readouterr().out
    with pytest.raises(CommandError, match="exists"):
        call_command("backup", str(tmp_path / "b.zip"))
    (tmp_path / "bad.zip").write_bytes((tmp_path / "b.zip").read_bytes()[:500])
    with pytest.raises(CommandError, match="Refused: .* Nothing was changed."):
        call_command("restore", str(tmp_path / "bad.zip"), yes=True)
    with practice_scope(practice):
        count = Person.objects.count()
    if connection.vendor == "sqlite":
        call_command("restore", str(tmp_path / "b.zip"), yes=True)
        assert "Restored" in capsys.readouterr().out
        with practice_scope(practice):
            assert Person.objects.count() == count
