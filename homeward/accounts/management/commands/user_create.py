import getpass
import sys

from django.core.management.base import BaseCommand, CommandError

from homeward.accounts.models import Organisation
from homeward.accounts.roles import Role
from homeward.accounts.services import user_create
from homeward.core.actors import system_actor
from homeward.core.errors import ValidationError, describe


class Command(BaseCommand):
    help = (
        "Create a user with a role in an organisation. The password is asked for, or read "
        "from standard input when it is not a terminal."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--organisation", required=True, help="Organisation code.")
        parser.add_argument("--role", choices=Role.values, required=True)
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--email", default="")

    def handle(self, *args, username, organisation, role, first_name, last_name, email, **options):
        try:
            organisation = Organisation.objects.get(code=organisation)
        except Organisation.DoesNotExist as missing:
            raise CommandError(f"No organisation has the code {organisation!r}.") from missing
        if sys.stdin.isatty():
            password = getpass.getpass("Password: ")
        else:
            password = sys.stdin.readline().rstrip("\n")
        try:
            user = user_create(
                actor=system_actor(),
                username=username,
                first_name=first_name,
                last_name=last_name,
                email=email,
                password=password or None,
                organisation=organisation,
                role=role,
            )
        except ValidationError as error:
            raise CommandError(describe(error)) from error
        self.stdout.write(f"Created {user.username} ({Role(role).label}, {organisation.code})")
