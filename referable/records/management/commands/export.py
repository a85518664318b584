"""``referable export WHAT``: people, clients, referrals, partners or events as CSV,
people as vCard, or everything of the practice as one JSON archive."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from referable.practices.tenancy import practice_scope
from referable.records import exporting
from referable.records.management.commands._common import acting_user

SHORT = {
    "clients": "clients.client",
    "referrals": "introductions.referral",
    "partners": "partners.partner",
    "events": "events.event",
}


class Command(BaseCommand):
    help = (
        "Export people|clients|referrals|partners|events|<app.model> as CSV, "
        "vcard (people), or json (everything of the practice)."
    )

    def add_arguments(self, parser):
        parser.add_argument("what")
        parser.add_argument("-o", "--output", type=Path, help="File to write (default: stdout).")
        parser.add_argument("--practice", help="Practice slug.")
        parser.add_argument("--as", dest="email", help="Export as this user's practice.")

    def handle(self, *args, what, output, practice, email, **options):
        user = acting_user(email, practice)
        with practice_scope(user.practice_id):
            stream = self._stream(what.lower(), user.practice)
            out = output.open("w", encoding="utf-8", newline="") if output else sys.stdout
            try:
                for part in stream:
                    out.write(part)
            finally:
                if output:
                    out.close()
        if output:
            self.stderr.write(f"Wrote {output} ({output.stat().st_size:,} bytes).")

    def _stream(self, what: str, practice):
        if what == "vcard":
            return exporting.vcard_stream()
        if what == "json":
            return exporting.json_archive_stream(practice)
        key = SHORT.get(what, what)
        if exporting.dataset(key) is None:
            available = ", ".join(d.key for d in exporting.datasets())
            raise CommandError(
                f"Nothing called “{what}” to export. Available: {available}, vcard, json."
            )
        return exporting.csv_stream(key)
