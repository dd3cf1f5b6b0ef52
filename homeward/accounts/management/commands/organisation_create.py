from django.core.management.base import BaseCommand, CommandError

from homeward.accounts.models import Organisation
from homeward.accounts.services import organisation_create
from homeward.core.actors import system_actor
from homeward.core.errors import ValidationError, describe


class Command(BaseCommand):
    help = "Create an organisation (NGO, municipality, government agency, donor)."

    def add_arguments(self, parser):
        parser.add_argument("code", help="Short unique code, e.g. drc or zvezdara.")
        parser.add_argument("name")
        parser.add_argument("--kind", choices=Organisation.Kind.values, required=True)

    def handle(self, *args, code, name, kind, **options):
        try:
            organisation = organisation_create(
                actor=system_actor(), code=code, name=name, kind=kind
            )
        except ValidationError as error:
            raise CommandError(describe(error)) from error
        self.stdout.write(f"Created {organisation.code}: {organisation.name}")
