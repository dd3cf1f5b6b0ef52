import signal
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand

from homeward.casework.demo import load_demo_casework
from homeward.dedup.demo import load_demo_dedup
from homeward.demo import DEMO_PASSWORD, USERS, load_demo
from homeward.registry.demo import DEFAULT_HOUSEHOLDS, load_demo_registry
from homeward.results.demo import load_demo_results


class Command(BaseCommand):
    help = (
        "Create or migrate the database, load the demo data (idempotent), print the demo logins "
        "and start the web server and the background worker."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-serve",
            action="store_true",
            help="Do everything but start the server and the worker.",
        )
        parser.add_argument(
            "--households",
            type=int,
            default=DEFAULT_HOUSEHOLDS,
            help="How many demo households to register in an empty registry "
            f"(default {DEFAULT_HOUSEHOLDS}; 0 for none).",
        )
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)

    def handle(
        self,
        *args,
        no_serve=False,
        households=DEFAULT_HOUSEHOLDS,
        host="127.0.0.1",
        port=8000,
        **options,
    ):
        self.stdout.write("Preparing the database…")
        call_command("migrate", interactive=False, verbosity=0)
        created = load_demo()
        self.stdout.write(
            "Demo data: {organisations} organisations, {projects} projects and {users} users "
            "added.".format(**created)
        )
        added = load_demo_registry(households=households)
        self.stdout.write(f"Demo registry: {added} households added.")
        casework = load_demo_casework()
        summary = ", ".join(f"{number} {kind}" for kind, number in casework.items())
        self.stdout.write(f"Demo casework: {summary or 'nothing'} added.")
        results = load_demo_results()
        summary = ", ".join(f"{number} {kind}" for kind, number in results.items())
        self.stdout.write(f"Demo results frameworks: {summary} added.")
        dedup = load_demo_dedup()
        summary = ", ".join(f"{number} {kind}" for kind, number in dedup.items())
        self.stdout.write(f"Demo deduplication: {summary or 'already run'}.")
        self.stdout.write(
            self.style.MIGRATE_HEADING(f"\nDemo logins (password for all: {DEMO_PASSWORD})")
        )
        for user in USERS:
            self.stdout.write(f"  {user.username:<16} {user.role.label} · {user.organisation}")
        if no_serve:
            return
        self._serve(host, port)

    def _serve(self, host: str, port: int) -> None:
        from waitress import serve

        from homeward.wsgi import application

        worker = subprocess.Popen([sys.executable, "-m", "homeward.cli", "worker"])
        # Stopped by a service manager or `timeout`, stop the worker too, as with Ctrl+C.
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
        address = f"http://{'localhost' if host in {'127.0.0.1', '::1'} else host}:{port}/"
        self.stdout.write(self.style.SUCCESS(f"\nHomeward is running at {address}"))
        self.stdout.write("The background worker is running too. Press Ctrl+C to stop both.")
        try:
            serve(application, host=host, port=port, threads=8, _quiet=True)
        except (KeyboardInterrupt, SystemExit):
            pass
        finally:
            worker.terminate()
            worker.wait(timeout=10)
