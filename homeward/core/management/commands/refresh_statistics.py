from django.core.management.base import BaseCommand

from homeward.core.database import refresh_statistics


class Command(BaseCommand):
    help = (
        "Refresh the database's statistics so that searches keep their fast plans (the worker "
        "does this every six hours; run it after loading much data without a worker)."
    )

    def handle(self, *args, **options):
        refresh_statistics()
        self.stdout.write("Statistics refreshed.")
