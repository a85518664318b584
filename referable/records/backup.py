"""Backup and restore of the whole installation (SPEC §12: "a command line for set-up,
import/export, backup and restore").

A backup is a zip holding the database snapshot and ``manifest.json``: the format,
the Referable version, the database engine, the migrations applied, the row count of
every table and the SHA-256 of the snapshot. The snapshot is consistent while the app
runs: SQLite's online backup API copies the database under one read transaction;
PostgreSQL's ``pg_dump`` reads a single snapshot, which the row counts share.

``restore`` checks the file before it changes anything (the zip's checksums, the
manifest, the snapshot's hash, its integrity and row counts, that this version knows
every migration in it) and refuses a damaged or foreign file with the reason.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import dj_database_url
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

FORMAT = "referable-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite3"
PG_MEMBER = "database.pgdump"


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why."""


@dataclass
class Manifest:
    data: dict

    @property
    def engine(self) -> str:
        return self.data["engine"]

    @property
    def member(self) -> str:
        return self.data["snapshot"]["file"]

    @property
    def counts(self) -> dict[str, int]:
        return self.data["tables"]


def referable_version() -> str:
    try:
        return version("referable")
    except PackageNotFoundError:
        return "unknown"


def _engine(alias: str) -> str:
    vendor = connections[alias].vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"Backups of {vendor} databases are not supported.")
    return vendor


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


# --- backup ----------------------------------------------------------------------------


def backup(target: Path | str, *, using: str = DEFAULT_DB_ALIAS) -> Manifest:
    target = Path(target)
    engine = _engine(using)
    with tempfile.TemporaryDirectory(prefix="referable-backup-") as tmp:
        if engine == "sqlite":
            snapshot, counts, migrations = _sqlite_snapshot(using, Path(tmp) / SQLITE_MEMBER)
        else:
            snapshot, counts, migrations = _pg_snapshot(using, Path(tmp) / PG_MEMBER)
        manifest = Manifest(
            {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "referable_version": referable_version(),
                "created_at": timezone.now().isoformat(),
                "engine": engine,
                "migrations": migrations,
                "tables": counts,
                "snapshot": {
                    "file": snapshot.name,
                    "bytes": snapshot.stat().st_size,
                    "sha256": _sha256(snapshot),
                },
            }
        )
        partial = target.with_name(target.name + ".partial")
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as z:
            z.writestr(MANIFEST, json.dumps(manifest.data, indent=2))
            # a pg_dump custom archive is compressed already
            z.write(
                snapshot,
                snapshot.name,
                compress_type=zipfile.ZIP_STORED if engine == "postgresql" else None,
            )
        partial.replace(target)  # never leave a half-written file under the asked name
    return manifest


def _sqlite_snapshot(using: str, path: Path):
    connection = connections[using]
    connection.ensure_connection()
    destination = sqlite3.connect(path)
    try:
        connection.connection.backup(destination)
    finally:
        destination.close()
    counts, migrations = _sqlite_facts(path)
    return path, counts, migrations


def _sqlite_facts(path: Path) -> tuple[dict[str, int], list[str]]:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [
            row[0]
            for row in db.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
                "ORDER BY name"
            )
        ]
        counts = {t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}
        migrations = []
        if "django_migrations" in tables:
            migrations = [
                f"{app}.{name}"
                for app, name in db.execute(
                    "SELECT app, name FROM django_migrations ORDER BY app, name"
                )
            ]
        return counts, migrations
    finally:
        db.close()


def _pg_env(settings_dict: dict) -> dict[str, str]:
    env = dict(os.environ)
    mapping = {
        "PGHOST": settings_dict.get("HOST"),
        "PGPORT": settings_dict.get("PORT"),
        "PGUSER": settings_dict.get("USER"),
        "PGPASSWORD": settings_dict.get("PASSWORD"),
        "PGDATABASE": settings_dict.get("NAME"),
    }
    env.update({k: str(v) for k, v in mapping.items() if v})
    return env


def _pg_binary(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} is needed for PostgreSQL backups (Debian: postgresql-client).")
    return found


def _pg_snapshot(using: str, path: Path):
    """pg_dump and the row counts read the same exported snapshot."""
    import psycopg

    settings_dict = connections[using].settings_dict
    env = _pg_env(settings_dict)
    with psycopg.connect(
        dbname=settings_dict["NAME"],
        host=settings_dict.get("HOST") or None,
        port=settings_dict.get("PORT") or None,
        user=settings_dict.get("USER") or None,
        password=settings_dict.get("PASSWORD") or None,
    ) as conn:
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        snapshot_id = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        result = subprocess.run(
            [
                _pg_binary("pg_dump"),
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot_id}",
                "--file",
                str(path),
            ],
            env=env,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                "ORDER BY tablename"
            )
        ]
        counts = {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}
        migrations = [
            f"{app}.{name}"
            for app, name in conn.execute(
                "SELECT app, name FROM django_migrations ORDER BY app, name"
            )
        ]
        conn.execute("COMMIT")
    return path, counts, migrations


# --- verify and restore ----------------------------------------------------------------


def verify(source: Path | str, *, workdir: Path, using: str = DEFAULT_DB_ALIAS) -> Manifest:
    """Everything that can be checked without touching the database; the snapshot is
    extracted into ``workdir``. Raises ``BackupError`` with the reason."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"{source} does not exist.")
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as exc:
        raise BackupError(f"{source.name} is not a Referable backup (not a zip: {exc}).") from exc
    with archive:
        try:
            broken = archive.testzip()
        except Exception as exc:  # truncated files raise from inside zlib or zipfile
            raise BackupError(f"{source.name} is damaged ({exc}).") from exc
        if broken:
            raise BackupError(f"{source.name} is damaged: {broken} fails its checksum.")
        try:
            manifest = Manifest(json.loads(archive.read(MANIFEST)))
        except KeyError as exc:
            raise BackupError(f"{source.name} has no {MANIFEST}: not a Referable backup.") from exc
        except ValueError as exc:
            raise BackupError(f"The manifest of {source.name} cannot be read ({exc}).") from exc
        if manifest.data.get("format") != FORMAT:
            raise BackupError(f"{source.name} is not a Referable backup.")
        if manifest.data.get("format_version", 0) > FORMAT_VERSION:
            raise BackupError("This backup was written by a newer Referable; upgrade first.")
        engine = _engine(using)
        if manifest.engine != engine:
            raise BackupError(
                f"This backup is of a {manifest.engine} database; this installation uses "
                f"{engine}. Restore it into a {manifest.engine} installation."
            )
        if manifest.member not in archive.namelist():
            raise BackupError(f"{source.name} lacks its snapshot ({manifest.member}).")
        archive.extract(manifest.member, workdir)
    snapshot = workdir / manifest.member
    if _sha256(snapshot) != manifest.data["snapshot"]["sha256"]:
        raise BackupError("The snapshot does not match the hash in the manifest: damaged.")
    unknown = sorted(set(manifest.data["migrations"]) - _known_migrations())
    if unknown:
        raise BackupError(
            "This backup holds migrations this version does not know ("
            + ", ".join(unknown[:5])
            + "): it was written by a newer Referable; upgrade first."
        )
    if engine == "sqlite":
        _check_sqlite(snapshot, manifest)
    else:
        _check_pgdump(snapshot)
    return manifest


def _known_migrations() -> set[str]:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return {f"{app}.{name}" for app, name in loader.disk_migrations}


def _check_sqlite(snapshot: Path, manifest: Manifest) -> None:
    try:
        db = sqlite3.connect(f"file:{snapshot}?mode=ro", uri=True)
        try:
            verdict = db.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            db.close()
        counts, _migrations = _sqlite_facts(snapshot)
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"The snapshot is not a readable SQLite database ({exc}).") from exc
    if verdict != "ok":
        raise BackupError(f"The snapshot fails SQLite's integrity check: {verdict}")
    if counts != manifest.counts:
        raise BackupError("The snapshot's row counts differ from its manifest: damaged.")


def _check_pgdump(snapshot: Path) -> None:
    result = subprocess.run(
        [_pg_binary("pg_restore"), "--list", str(snapshot)], capture_output=True, text=True
    )
    if result.returncode != 0:
        raise BackupError(f"pg_restore cannot read the snapshot: {result.stderr.strip()}")


def restore(
    source: Path | str, *, using: str = DEFAULT_DB_ALIAS, database_url: str | None = None
) -> Manifest:
    """Verifies ``source``, then replaces the database's content with it and applies any
    migration newer than the backup. ``database_url`` restores into another PostgreSQL
    database instead (e.g. to inspect a backup beside the live one)."""
    with tempfile.TemporaryDirectory(prefix="referable-restore-") as tmp:
        manifest = verify(source, workdir=Path(tmp), using=using)
        snapshot = Path(tmp) / manifest.member
        if manifest.engine == "sqlite":
            _restore_sqlite(snapshot, using)
        else:
            target = (
                dj_database_url.parse(database_url)
                if database_url
                else connections[using].settings_dict
            )
            _restore_pg(snapshot, target, using)
    if not database_url:
        call_command("migrate", database=using, interactive=False, verbosity=0)
    return manifest


def _restore_sqlite(snapshot: Path, using: str) -> None:
    connection = connections[using]
    connection.ensure_connection()
    source = sqlite3.connect(f"file:{snapshot}?mode=ro", uri=True)
    try:
        # the online backup API in reverse: the live database becomes the snapshot,
        # page by page under one write lock, while other connections wait
        source.backup(connection.connection)
    finally:
        source.close()


def _restore_pg(snapshot: Path, target: dict, using: str) -> None:
    connections[using].close()
    result = subprocess.run(
        [
            _pg_binary("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            "--dbname",
            str(target["NAME"]),
            str(snapshot),
        ],
        env=_pg_env(target),
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed, nothing was changed: {result.stderr.strip()}")
