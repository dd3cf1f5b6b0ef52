from django.core.management.base import BaseCommand
from django.utils import timezone

from homeward.casework.panels import agenda
from homeward.registry.management.commands._actor import command_actor


class Command(BaseCommand):
    help = "What is due for a user: overdue first, then coming up, then waiting for approval."

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="Whose day: their scope decides.")
        parser.add_argument("--date", help="The day to look from (YYYY-MM-DD); today if omitted.")

    def handle(self, *args, user, date=None, **options):
        import datetime

        actor = command_actor(user)
        today = datetime.date.fromisoformat(date) if date else timezone.localdate()
        items = agenda(actor=actor, today=today)
        if not items:
            self.stdout.write("Nothing is due.")
            return
        for item in items:
            if item.is_approval:
                when = "approval"
            elif item.is_overdue(today):
                when = f"OVERDUE {item.due_on.isoformat()}"
            else:
                when = item.due_on.isoformat() if item.due_on else "-"
            detail = f"  ({item.detail})" if item.detail else ""
            self.stdout.write(f"{when:<20} {item.kind}: {item.title}{detail}  {item.url}")
