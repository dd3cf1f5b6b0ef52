"""``homeward export-list people|households|deliveries|attendance --format csv|xlsx --out FILE
--user USERNAME [filters]``: a list exported as from its page or the API.

The filters are the API's query parameters, given as options (``--q``, ``--municipality``,
``--displacement-status``, ``--project``, ``--vulnerability``, ``--sort``; ``--status``,
``--assistance-type``, ``--household`` for deliveries; ``--activity`` for attendance). They go
through the very code the API calls (``lists.list_rows``), so the user's permissions, scope and
the rows are the same, and the audit event is the same with channel ``cli``. Unlike the pages
and the API, a long list is written here and now (no background job): the rows stream from the
database to the file. ``--out -`` writes to standard output.

Exit status 1 when refused (a list or a project the user may not export, a filter that does not
make sense); nothing is written then.
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404, QueryDict
from django.utils import translation
from django.utils.translation import gettext as _

from homeward.core.errors import HomewardError, ValidationError, describe
from homeward.exchange import lists
from homeward.registry.management.commands._actor import command_actor


def _filters() -> dict[str, str]:
    """The query parameters the API reads as filters, with what each is: taken from the forms
    the API fills, so that a filter added there is an option here too."""
    from homeward.casework.assistance.forms import DeliveryFilterForm
    from homeward.registry.forms import RegistrySearchForm

    found = {}
    for lists_named, form in (
        ("people, households", RegistrySearchForm),
        ("deliveries", DeliveryFilterForm),
    ):
        for name, form_field in form.base_fields.items():
            label = str(form_field.label or name)
            if name in found:
                found[name] += f"; {lists_named}: {label}"
            else:
                found[name] = f"{lists_named}: {label}"
    found["project"] = "people, households, deliveries (required there): the project's code"
    found["municipality"] += " (id)"
    found["activity"] = "attendance: the activity's id"
    return found


class Command(BaseCommand):
    help = "Export a filtered list (people, households, deliveries, attendance) as CSV or XLSX."

    def add_arguments(self, parser):
        parser.add_argument("list", choices=list(lists.LISTS), help="The list to export.")
        parser.add_argument(
            "--format", required=True, choices=list(lists.FORMATS), help="csv or xlsx."
        )
        parser.add_argument("--out", required=True, help="The file to write ('-': stdout).")
        parser.add_argument(
            "--user", required=True, help="Export as this user (their permissions and scope)."
        )
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            help="Language of the sheet's name and of translated cells; the user's, else English.",
        )
        filters = parser.add_argument_group("filters (the API's query parameters)")
        for name, meaning in _filters().items():
            flags = [f"--{name}"]
            if "_" in name:
                flags.insert(0, f"--{name.replace('_', '-')}")
            filters.add_argument(*flags, dest=f"filter_{name}", metavar="VALUE", help=meaning)

    def handle(self, *args, **options):
        name, file_format = options["list"], options["format"]
        actor = command_actor(options["user"])
        out = None if options["out"] == "-" else Path(options["out"])
        if out is not None and not out.parent.is_dir():
            raise CommandError(_("There is no folder %(folder)s.") % {"folder": out.parent})
        # A QueryDict like the API's request.query_params, so the filters read the same.
        params = QueryDict(mutable=True)
        for key in _filters():
            value = options.get(f"filter_{key}")
            if value is not None:
                params[key] = value
        language = options["language"] or getattr(actor.user, "preferred_language", "")
        with translation.override(language or settings.LANGUAGE_CODE):
            try:
                listed = lists.list_rows(actor=actor, name=name, params=params)
            except Http404:
                raise CommandError(self._refusal(options["user"], name, params)) from None
            except ValidationError as error:
                raise CommandError(describe(error)) from None
            except HomewardError as error:
                raise CommandError(str(error.message)) from None
            if out is None:
                rows = self._to_stdout(listed, file_format)
            else:
                rows = self._to_file(listed, file_format, out)
            lists.list_export_record(actor=actor, listed=listed, file_format=file_format, rows=rows)
        where = _("standard output") if out is None else str(out)
        self.stderr.write(
            _("%(rows)s rows of %(list)s written to %(where)s")
            % {"rows": rows, "list": name, "where": where}
        )

    def _refusal(self, username, name, params) -> str:
        # As in the pages and the API, a project or an activity out of scope and one that does
        # not exist read the same.
        if name == "deliveries":
            return _(
                "%(user)s may not export the deliveries of project %(project)s, or there is no "
                "such project."
            ) % {"user": username, "project": params.get("project")}
        if name == "attendance":
            return _(
                "%(user)s may not export the attendance of activity %(activity)s, or there is no "
                "such activity."
            ) % {"user": username, "activity": params.get("activity")}
        return _("%(user)s may not export the %(list)s list.") % {"user": username, "list": name}

    def _to_file(self, listed, file_format, out: Path) -> int:
        # Written beside the target and renamed once complete: a failure leaves no half file,
        # and an existing file is replaced only by a whole one.
        handle, temporary = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
        os.close(handle)
        try:
            if file_format == "csv":
                # The same bytes as the API's answer: UTF-8 with a byte order mark, CRLF.
                with open(temporary, "w", newline="", encoding="utf-8-sig") as stream:
                    rows = lists.write_csv(listed, stream)
            else:
                rows = lists.write_xlsx(listed, temporary)
            os.replace(temporary, out)
        except OSError as error:
            Path(temporary).unlink(missing_ok=True)
            raise CommandError(
                _("Cannot write %(file)s: %(reason)s") % {"file": out, "reason": error.strerror}
            ) from None
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return rows

    def _to_stdout(self, listed, file_format) -> int:
        binary = sys.stdout.buffer
        try:
            if file_format == "csv":
                stream = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")
                try:
                    rows = lists.write_csv(listed, stream)
                    stream.flush()
                finally:
                    # Leave standard output open for whoever holds it after us.
                    stream.detach()
            else:
                # A ZIP file needs to seek: written to a temporary file, then copied out.
                with tempfile.TemporaryFile() as spool:
                    rows = lists.write_xlsx(listed, spool)
                    spool.seek(0)
                    while chunk := spool.read(1 << 20):
                        binary.write(chunk)
            binary.flush()
        except BrokenPipeError:
            # The reader stopped (``| head``): the list was not exported, so it is not audited;
            # what is left in the buffers goes nowhere rather than fail once more at exit.
            os.dup2(os.open(os.devnull, os.O_WRONLY), binary.fileno())
            if hasattr(listed.rows, "close"):
                listed.rows.close()  # its database cursor, while the connection is open
            raise CommandError(
                _("Standard output was closed before the whole list was written.")
            ) from None
        return rows
