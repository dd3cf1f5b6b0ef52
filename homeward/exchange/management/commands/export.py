"""``homeward export {docx,xlsx,csv,hxl,iati} --project CODE --out FILE``: a project's report,
produced and audited as from its pages.

``--user`` acts as that user (their scope decides: a project they may not report on is
unknown); without it the command acts as the operator. ``--as-of`` takes the figures as they
stood on a day (YYYY-MM-DD). ``--out -`` writes the file to standard output.
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404
from django.utils import translation

from homeward.core.errors import HomewardError, ValidationError, describe
from homeward.exchange.reports.services import FORMATS, report_export, report_project
from homeward.registry.management.commands._actor import command_actor


class Command(BaseCommand):
    help = "Write a project's report: docx, xlsx, csv, hxl (3W/4W) or iati (IATI 2.03)."

    def add_arguments(self, parser):
        parser.add_argument("format", choices=list(FORMATS), help="The kind of file.")
        parser.add_argument("--project", required=True, help="The project's code.")
        parser.add_argument("--out", required=True, help="The file to write ('-': stdout).")
        parser.add_argument("--user", help="Act as this user (their scope decides).")
        parser.add_argument(
            "--as-of", dest="as_of", help="The figures as of this day (YYYY-MM-DD); today."
        )
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            help="The report's language (en, sr, sr-latn, sq); the user's, else English.",
        )

    def handle(self, *args, **options):
        actor = command_actor(options["user"])
        out = None if options["out"] == "-" else Path(options["out"])
        # Refused before the export is produced and audited, not after.
        if out is not None and not out.parent.is_dir():
            raise CommandError(f"There is no folder {out.parent}.")
        language = options["language"] or (
            getattr(actor.user, "preferred_language", "") if actor.user else ""
        )
        with translation.override(language or "en"):
            try:
                project = report_project(actor=actor, code=options["project"])
            except Http404:
                raise CommandError(f"No project {options['project']!r} is open to you.") from None
            try:
                report = report_export(
                    actor=actor,
                    project=project,
                    report_format=options["format"],
                    as_of=options["as_of"],
                )
            except ValidationError as error:
                raise CommandError(describe(error)) from None
            except HomewardError as error:
                raise CommandError(str(error.message)) from None
        if out is None:
            sys.stdout.buffer.write(report.content)
            sys.stdout.buffer.flush()
            return
        try:
            out.write_bytes(report.content)
        except OSError as error:
            raise CommandError(f"Cannot write {out}: {error.strerror}") from None
        self.stderr.write(f"{report.filename}: {len(report.content)} bytes written to {out}")
