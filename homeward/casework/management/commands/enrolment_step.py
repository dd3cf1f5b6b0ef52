from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from homeward.casework.enrolment.models import Enrolment
from homeward.casework.enrolment.selectors import enrolment_get
from homeward.casework.enrolment.services import enrolment_transition
from homeward.core.errors import HomewardError, ValidationError, describe
from homeward.registry.management.commands._actor import command_actor


class Command(BaseCommand):
    help = "Move an enrolment to its next status (selected, waitlisted, rejected, active, …)."

    def add_arguments(self, parser):
        parser.add_argument("enrolment", type=int, help="Enrolment id.")
        parser.add_argument("status", choices=Enrolment.Status.values)
        parser.add_argument("--reason", default="", help="Needed to waiting-list, reject or drop.")
        parser.add_argument("--on", help="The date it took effect (YYYY-MM-DD); today if omitted.")
        parser.add_argument("--user", help="Act as this user, within what they may do.")

    def handle(self, *args, enrolment, status, reason="", on=None, user=None, **options):
        import datetime

        actor = command_actor(user)
        try:
            record = enrolment_get(actor=actor, pk=enrolment)
            enrolment_transition(
                actor=actor,
                enrolment=record,
                status=status,
                expected_version=record.version,
                on=datetime.date.fromisoformat(on) if on else None,
                reason=reason,
            )
        except Http404 as missing:
            raise CommandError(f"No enrolment {enrolment} is open to you for this.") from missing
        except ValidationError as error:
            raise CommandError(describe(error)) from error
        except HomewardError as refused:
            raise CommandError(str(refused.message)) from refused
        self.stdout.write(
            f"Enrolment {record.pk}: {record.get_status_display()} since {record.status_on}."
        )
