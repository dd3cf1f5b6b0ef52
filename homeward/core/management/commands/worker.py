import threading

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from homeward.core.database import keep_statistics_fresh


class Command(BaseCommand):
    help = "Run the background worker that carries out jobs (exports, imports, deduplication)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch", action="store_true", help="Carry out the jobs waiting now, then stop."
        )
        parser.add_argument(
            "--interval", type=float, default=1.0, help="Seconds between looks at an empty queue."
        )

    def handle(self, *args, batch=False, interval=1.0, **options):
        backend = settings.TASKS["default"]["BACKEND"]
        if not batch:
            # The worker is the one long-running process every installation has: it keeps
            # the planner's statistics fresh as the registry grows.
            keep_statistics_fresh(threading.Event())
        if backend == "django_tasks_db.DatabaseBackend":
            call_command(
                "db_worker",
                queue_name="*",
                batch=batch,
                interval=interval,
                reload=False,
                startup_delay=not batch,
                verbosity=options.get("verbosity", 1),
            )
        elif backend == "django_tasks_rq.RQBackend":
            call_command("rqworker", "default", job_class="django_tasks_rq.Job", burst=batch)
        else:
            raise CommandError(
                f"The task backend {backend} runs jobs as they are enqueued; no worker is needed."
            )
