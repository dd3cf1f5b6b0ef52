"""``homeward assistance-overlap [--unit person|household] [--across organisation|project]
[--kind type|category] [--since DATE] [--until DATE] [--type CODE] [--category C]
[--project CODE] [--user USERNAME] --out FILE.csv|FILE.xlsx``: the assistance overlap report
as a file, read and audited as from its page.

``--user`` reads as that user (their permissions and scope decide what is listed); without it
the command reads as the operator, who sees everything. The file's format follows its name;
``--out -`` writes CSV to standard output. Exit status 1 when refused (a user who may not read
the report, criteria that do not make sense); nothing is written then.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404, QueryDict
from django.utils import translation
from django.utils.translation import gettext as _

from homeward.core.errors import ValidationError, describe
from homeward.dedup.overlap import ACROSS, KINDS, UNITS, assistance_overlap, require_reader
from homeward.dedup.overlap_export import file_format_of, overlap_export_record, render
from homeward.dedup.overlap_forms import OverlapForm
from homeward.registry.management.commands._actor import command_actor

# The options that are the form's fields (the API's query parameters).
_CRITERIA = ("unit", "across", "kind", "since", "until", "type", "category", "project")


class Command(BaseCommand):
    help = (
        "Write the assistance overlap report (people or households that received the same "
        "kind of assistance from two organisations or in two projects) as CSV or XLSX."
    )

    def add_arguments(self, parser):
        parser.add_argument("--unit", choices=list(UNITS), help="person (default) or household.")
        parser.add_argument(
            "--across", choices=list(ACROSS), help="organisation (default) or project."
        )
        parser.add_argument(
            "--kind", choices=list(KINDS), help="The same assistance type (default) or category."
        )
        parser.add_argument("--since", help="Handed over on or after this day (YYYY-MM-DD).")
        parser.add_argument("--until", help="Handed over on or before this day (YYYY-MM-DD).")
        parser.add_argument("--type", help="Only this assistance type (its code).")
        parser.add_argument("--category", help="Only this category of assistance.")
        parser.add_argument("--project", help="Only overlaps with a delivery in this project.")
        parser.add_argument("--user", help="Read as this user (their scope decides).")
        parser.add_argument(
            "--out", required=True, help="FILE.csv or FILE.xlsx ('-': CSV to standard output)."
        )
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            help="Language of the names of assistance; the user's, else English.",
        )

    def handle(self, *args, **options):
        actor = command_actor(options["user"])
        out = None if options["out"] == "-" else Path(options["out"])
        language = options["language"] or getattr(actor.user, "preferred_language", "")
        with translation.override(language or settings.LANGUAGE_CODE):
            try:
                file_format = "csv" if out is None else file_format_of(out.name)
            except ValidationError as error:
                raise CommandError(describe(error)) from None
            if out is not None and not out.parent.is_dir():
                raise CommandError(_("There is no folder %(folder)s.") % {"folder": out.parent})
            try:
                require_reader(actor)
            except Http404:
                raise CommandError(
                    _("%(user)s may not read the assistance overlap report.")
                    % {"user": options["user"]}
                ) from None
            params = QueryDict(mutable=True)
            for name in _CRITERIA:
                if options[name] is not None:
                    params[name] = options[name]
            form = OverlapForm(params, actor=actor)
            if not form.is_valid():
                raise CommandError(
                    "; ".join(
                        f"--{name}: {' '.join(str(text) for text in texts)}"
                        for name, texts in form.errors.items()
                    )
                )
            try:
                rows = assistance_overlap(actor=actor, **form.criteria())
            except ValidationError as error:
                raise CommandError(describe(error)) from None
            exported = render(rows, file_format)
            self._write(exported.content, out)
            overlap_export_record(
                actor=actor, filters=form.filters(), file_format=file_format, rows=len(rows)
            )
        where = _("standard output") if out is None else str(out)
        self.stderr.write(
            _("%(rows)s overlaps (%(lines)s lines) written to %(where)s")
            % {"rows": len(rows), "lines": exported.lines, "where": where}
        )

    def _write(self, content: bytes, out: Path | None) -> None:
        if out is None:
            sys.stdout.buffer.write(content)
            sys.stdout.buffer.flush()
            return
        # Written beside the target and renamed once complete: no half file is left behind.
        handle, temporary = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(content)
            os.replace(temporary, out)
        except OSError as error:
            Path(temporary).unlink(missing_ok=True)
            raise CommandError(
                _("Cannot write %(file)s: %(reason)s") % {"file": out, "reason": error.strerror}
            ) from None
