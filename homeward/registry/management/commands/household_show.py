from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from homeward.core.audit import audit_read
from homeward.registry.management.commands._actor import command_actor
from homeward.registry.selectors import household_get, household_members


class Command(BaseCommand):
    help = "Show one household and its members (the read is recorded in the audit trail)."

    def add_arguments(self, parser):
        parser.add_argument("number", help="Household number, e.g. H-000123.")
        parser.add_argument("--user", help="Read as this user, within what they may see.")

    def handle(self, *args, number, user=None, **options):
        actor = command_actor(user)
        try:
            household = household_get(actor=actor, number=number.upper())
        except Http404 as missing:
            raise CommandError(f"No household {number!r} is open to you.") from missing
        audit_read(actor=actor, target=household)
        out = self.stdout
        out.write(f"Household {household.number}")
        out.write(f"  registered by  {household.organisation.code} on {household.registered_on}")
        if household.project:
            out.write(f"  project        {household.project.code}")
        out.write(
            f"  lives in       {household.current_municipality.code} "
            f"{household.current_settlement}".rstrip()
        )
        out.write(f"  accommodation  {household.accommodation}")
        if household.origin_municipality:
            out.write(
                f"  origin         {household.origin_municipality.code} "
                f"{household.origin_settlement}".rstrip()
            )
        for person in household_members(household):
            born = person.date_of_birth.isoformat() if person.date_of_birth else "?"
            if person.date_of_birth_estimated and person.date_of_birth:
                born = f"{person.date_of_birth.year} (year only)"
            out.write(
                f"  - {person.full_name}, {person.relationship_to_head}, {person.sex}, "
                f"born {born}, {person.displacement_status}"
                + (f", JMBG {person.national_id}" if person.national_id else "")
            )
