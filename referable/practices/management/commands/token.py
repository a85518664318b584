from django.core.management.base import BaseCommand, CommandError

from referable.practices.models import ApiToken, User
from referable.practices.services import issue_token, revoke_token
from referable.practices.tenancy import practice_scope


class Command(BaseCommand):
    help = "Create, list or revoke a user's API tokens."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["create", "list", "revoke"])
        parser.add_argument("email", help="The user's e-mail address.")
        parser.add_argument("--name", default="Command line", help="Name of a new token.")
        parser.add_argument("--id", type=int, help="The token to revoke.")

    def handle(self, *args, action, email, name, id, **options):
        user = User.objects.filter(email=email.lower(), practice__isnull=False).first()
        if user is None:
            raise CommandError(f"No user {email} in any practice.")
        with practice_scope(user.practice_id):
            if action == "create":
                token, key = issue_token(user, name)
                self.stdout.write(f"Token {token.id} “{token.name}” for {user.email}:\n{key}")
                self.stderr.write("Store it now: it is not kept and will not be shown again.")
            elif action == "list":
                for token in ApiToken.objects.filter(user=user):
                    state = f"revoked {token.revoked_at:%Y-%m-%d}" if token.revoked_at else "active"
                    self.stdout.write(f"{token.id}\t{token.key_prefix}…\t{token.name}\t{state}")
            else:
                token = ApiToken.objects.filter(user=user, pk=id).first()
                if token is None:
                    raise CommandError(f"{user.email} has no token {id}.")
                revoke_token(token)
                self.stdout.write(f"Revoked token {token.id} “{token.name}”.")
