"""``homeward results-framework-load FILE --project CODE [--user U]``: give a project its
results framework from a JSON file (the format of ``homeward/results/logframes/``, described in
``docs/results-frameworks.md``).

The file is checked whole first; every fault is printed with its path in the file and nothing
is written. A project that has a framework already is refused.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from homeward.core.errors import ValidationError
from homeward.programmes.models import Project
from homeward.registry.management.commands._actor import command_actor
from homeward.results.loading import framework_load, read_definition, shipped_logframes


class Command(BaseCommand):
    help = "Load a project's results framework (logframe) from a JSON file, all or nothing."

    def add_arguments(self, parser):
        parser.add_argument(
            "file",
            help="The framework file; or the name of a shipped seed logframe "
            f"({', '.join(shipped_logframes())}).",
        )
        parser.add_argument("--project", required=True, help="The project's code.")
        parser.add_argument(
            "--user", help="Who loads it (a manager or M&E officer of the project's lead)."
        )

    def handle(self, *args, file: str, project: str, user=None, **options):
        actor = command_actor(user)
        path = Path(file)
        if not path.exists() and file in shipped_logframes():
            path = shipped_logframes()[file]
        record = Project.objects.filter(code=project).first()
        try:
            if record is None:
                raise Http404
            definition = read_definition(path)
            created = framework_load(actor=actor, project=record, definition=definition)
        except Http404:
            raise CommandError(f"No project {project!r} that this user may manage.") from None
        except ValidationError as error:
            lines = [
                f"  {where or '(file)'}: {' '.join(messages)}"
                for where, messages in getattr(error, "message_dict", {"": error.messages}).items()
            ]
            raise CommandError(
                f"{path} was not loaded; nothing was written:\n" + "\n".join(lines)
            ) from None
        self.stdout.write(
            f"Loaded the results framework of {record.code}: {created['results']} statements, "
            f"{created['indicators']} indicators, {created['targets']} targets, "
            f"{created['manual_values']} manual values."
        )
