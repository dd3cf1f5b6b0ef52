"""``homeward assessment-template-publish FILE.json``: publish a new version of a template.

The file has the shape of the shipped ones in ``homeward/casework/assessments/data/``:
``{"code", "kind", "title": {en, sr, sr_latn, sq}, "definition": {...}}`` (a ``version`` in
it is ignored: the next free number is taken). The version in use until now stays attached to
the assessments that answered it and is no longer offered for new ones.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from homeward.casework.assessments.services import assessment_template_publish
from homeward.core.actors import system_actor
from homeward.core.errors import ValidationError, describe


class Command(BaseCommand):
    help = "Publish a new version of an assessment template from a JSON file."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            body = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"Cannot read {file}: {error}") from None
        missing = [key for key in ("code", "kind", "title", "definition") if key not in body]
        if missing:
            raise CommandError(f"{file} lacks {', '.join(missing)}.")
        try:
            template = assessment_template_publish(
                actor=system_actor(via="cli"),
                code=body["code"],
                kind=body["kind"],
                titles=body["title"],
                definition=body["definition"],
            )
        except ValidationError as error:
            raise CommandError(describe(error)) from None
        self.stdout.write(f"Published {template.code} version {template.version}.")
