from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from referable.practices.services import create_practice


class Command(BaseCommand):
    help = "Create a practice with its owner."

    def add_arguments(self, parser):
        parser.add_argument("name", help="The practice's name, e.g. “Smith Wealth Partners”.")
        parser.add_argument("--owner-email", required=True)
        parser.add_argument("--owner-password", help="Prompted for when omitted.")
        parser.add_argument("--time-zone", default="America/New_York")

    def handle(self, *args, name, owner_email, owner_password, time_zone, **options):
        if not owner_password:
            import getpass

            owner_password = getpass.getpass("Owner's password: ")
        try:
            practice, owner = create_practice(
                name, owner_email=owner_email, owner_password=owner_password, time_zone=time_zone
            )
        except ValidationError as exc:
            problems = "; ".join(f"{k}: {', '.join(v)}" for k, v in exc.message_dict.items())
            raise CommandError(problems) from None
        self.stdout.write(f"Created “{practice.name}” ({practice.slug}); owner {owner.email}.")
