from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from homeward.casework.enrolment.services import enrolment_create
from homeward.core.errors import ValidationError, describe
from homeward.programmes.selectors import project_get
from homeward.registry.management.commands._actor import command_actor
from homeward.registry.selectors import household_get


class Command(BaseCommand):
    help = "Enrol a household, or one of its members, in a project as a candidate."

    def add_arguments(self, parser):
        parser.add_argument("number", help="Household number, e.g. H-000123.")
        parser.add_argument("--project", required=True, help="Project code.")
        parser.add_argument("--person", type=int, help="Enrol only this member (person id).")
        parser.add_argument("--reason", default="", help="Why, for the enrolment's history.")
        parser.add_argument("--user", help="Act as this user, within what they may do.")

    def handle(self, *args, number, project, person=None, reason="", user=None, **options):
        actor = command_actor(user)
        try:
            household = household_get(actor=actor, number=number.upper())
            chosen = project_get(actor=actor, code=project)
        except Http404 as missing:
            raise CommandError(
                f"No household {number!r} or project {project!r} is open to you."
            ) from missing
        member = None
        if person is not None:
            member = household.members.filter(pk=person).first()
            if member is None:
                raise CommandError(f"Person {person} is not a member of {household.number}.")
        try:
            enrolment = enrolment_create(
                actor=actor, project=chosen, household=household, person=member, reason=reason
            )
        except ValidationError as error:
            raise CommandError(describe(error)) from error
        except Http404 as missing:
            raise CommandError(f"You do not work in project {project!r}.") from missing
        self.stdout.write(f"Enrolment {enrolment.pk}: {enrolment} is a candidate.")
