from django.core.management.base import BaseCommand, CommandError

from homeward.accounts.models import User
from homeward.accounts.services import api_token_create
from homeward.core.actors import system_actor


class Command(BaseCommand):
    help = "Create an API token for a user and print it (it is shown only this once)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="What the token is for.")

    def handle(self, *args, username, name="", **options):
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist as missing:
            raise CommandError(f"No user is called {username!r}.") from missing
        if not user.is_active:
            raise CommandError(f"The user {username!r} is deactivated.")
        _token, secret = api_token_create(actor=system_actor(), user=user, name=name)
        self.stdout.write(secret)
