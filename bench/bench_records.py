"""Issue 7: import of 100,000 people from CSV (< 30 s) and a backup of the firm of
200,000 people (< 30 s)."""

import tempfile
import time
from pathlib import Path

from django.db import transaction

from bench.harness import Context
from referable.practices.models import Practice
from referable.practices.roles import Role
from referable.practices.services import add_user
from referable.practices.tenancy import acting_as, practice_scope
from referable.records import imports
from referable.records.backup import backup

PEOPLE = 100_000
FIRST = ["Ann", "Bo", "Carla", "Dev", "Elif", "Farah", "Gus", "Hana", "Ivo", "Jörg"]
LAST = ["Lee", "Ray", "Díaz", "Patel", "Novak", "O'Brien", "Schmidt", "Okafor", "Kim", "Rossi"]


def _csv(rows: int) -> bytes:
    lines = ["First Name,Last Name,Company,Job Title,E-mail Address,Mobile Phone,City"]
    for i in range(rows):
        first, last = FIRST[i % 10], LAST[(i // 10) % 10]
        local = f"{FIRST[i % 10][:2].lower().replace('ö', 'o')}{i}"
        lines.append(
            f'{first},{last},"Firm {i}, LLC",Owner,{local}@firm{i % 5000}.example,'
            f"+1 617 {i:07d},Boston"
        )
    return ("\n".join(lines) + "\n").encode()


def run(ctx: Context) -> None:
    data = _csv(PEOPLE)
    # a fresh practice, rolled back afterwards, so the firm data set stays as it was
    with transaction.atomic():
        practice = Practice.objects.create(name="Import benchmark", slug="bench-import")
        user = add_user(
            practice, email="importer@bench.example", password=None, role=Role.PROFESSIONAL
        )
        with practice_scope(practice), acting_as(user):
            start = time.perf_counter()
            job = imports.start_import(practice, "people.csv", data, by=user)
            imports.preview(job)
            job = imports.run(job, by=user)
            seconds = time.perf_counter() - start
        ctx.record(
            f"import {PEOPLE:,} people from CSV (preview + run)",
            seconds,
            target_s=30,
            note=f"{job.created:,} created, {job.skipped:,} skipped, {job.failed:,} with errors",
        )
        transaction.set_rollback(True)

    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        manifest = backup(Path(tmp) / "firm.zip")
        seconds = time.perf_counter() - start
        size = (Path(tmp) / "firm.zip").stat().st_size
        ctx.record(
            f"referable backup of the whole database ({manifest.engine})",
            seconds,
            target_s=30,
            note=f"{sum(manifest.counts.values()):,} rows, {size / 2**20:,.0f} MB",
        )
