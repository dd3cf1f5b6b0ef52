"""``homeward import-people FILE --project CODE``: check or import a file of people.

Prints the summary, writes every problem to a CSV file (next to the file unless
``--problems-out`` says where) and exits with status 1 when the import was refused, 2 when the
file could not be used at all, so that a script can tell.
"""

import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from homeward.accounts.models import Organisation
from homeward.core.errors import ValidationError
from homeward.exchange.imports.columns import FIELDS_BY_NAME
from homeward.exchange.imports.services import import_check, people_import
from homeward.programmes.models import Project
from homeward.registry.management.commands._actor import command_actor

PROBLEM_COLUMNS = ["row", "sheet", "column", "field", "value", "severity", "message"]


class Command(BaseCommand):
    help = "Import people from a CSV, XLSX or Kobo/ODK export, or only check it (--dry-run)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV, XLSX or Kobo/ODK XLSX export.")
        parser.add_argument("--project", required=True, help="Code of the project to enrol in.")
        parser.add_argument(
            "--organization",
            "--organisation",
            dest="organisation",
            help="Code of the organisation the households are registered for (default: the "
            "user's; the project's lead when run without --user).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Check only; write nothing.")
        parser.add_argument("--user", help="Import as this user (their permissions apply).")
        parser.add_argument(
            "--mapping",
            nargs="+",
            default=[],
            metavar="HEADER=FIELD",
            help="Map a header of the file to a field (an empty field leaves the column out).",
        )
        parser.add_argument(
            "--problems-out", help="Where to write the problems (default: FILE.problems.csv)."
        )

    def handle(
        self,
        *args,
        file,
        project,
        organisation=None,
        dry_run=False,
        user=None,
        mapping=(),
        problems_out=None,
        **options,
    ):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No file {file}.")
        actor = command_actor(user)
        project_record = Project.objects.filter(code=project).first()
        if project_record is None:
            raise CommandError(f"No project has the code {project!r}.")
        organisation_record = None
        if organisation:
            organisation_record = Organisation.objects.filter(code=organisation).first()
            if organisation_record is None:
                raise CommandError(f"No organisation has the code {organisation!r}.")
        columns = {}
        for pair in mapping:
            header, equals, name = pair.partition("=")
            if not equals:
                raise CommandError(f"Write a mapping as HEADER=FIELD, not {pair!r}.")
            if name and name not in FIELDS_BY_NAME:
                raise CommandError(
                    f"{name!r} is not a field; the fields are: {', '.join(FIELDS_BY_NAME)}."
                )
            columns[header.strip()] = name.strip()
        run = import_check if dry_run else people_import
        try:
            report = run(
                actor=actor,
                source=path,
                filename=path.name,
                project=project_record,
                organisation=organisation_record,
                mapping=columns or None,
            )
        except Http404:
            raise CommandError(
                "You may not import into this project for this organisation."
            ) from None
        except ValidationError as invalid:
            raise CommandError(" ".join(invalid.messages)) from None

        out = Path(problems_out) if problems_out else path.with_name(f"{path.name}.problems.csv")
        with open(out, "w", newline="", encoding="utf-8-sig") as handle:
            writer = csv.writer(handle)
            writer.writerow(PROBLEM_COLUMNS)
            for problem in report.problems:
                row = problem.as_dict()
                if row["row"] is None and not row["column"]:
                    # No row number (the cell stays empty for a script): say what it concerns.
                    row["column"] = "whole file"
                writer.writerow([row[name] for name in PROBLEM_COLUMNS])
            for duplicate in report.duplicates:
                other = duplicate.other_person_id if duplicate.visible else "not visible to you"
                writer.writerow(
                    [
                        duplicate.row,
                        "",
                        "",
                        "",
                        f"{duplicate.first_name} {duplicate.last_name}",
                        "duplicate",
                        f"Likely already registered (person {other}, {duplicate.matched_on})",
                    ]
                )
        self._summary(report, out)
        if report.message:
            raise SystemExit(2)
        if report.refused or (dry_run and report.errors):
            raise SystemExit(1)

    def _summary(self, report, out):
        write = self.stdout.write
        kind = (
            "Checked (dry run)" if report.dry_run else "Refused" if report.refused else "Imported"
        )
        write(
            f"{kind}: {report.filename} [{report.file_format}"
            + (f", {report.encoding}" if report.encoding else "")
            + (f", delimiter {report.delimiter!r}" if report.delimiter else "")
            + "]"
        )
        if report.message:
            write(f"The file could not be used: {report.message}")
        write(f"rows: {report.rows}")
        write(f"households: {report.households_new} new, {report.households_updated} updated")
        write(f"people: {report.people_new} new, {report.people_updated} updated")
        write(
            f"errors: {len(report.errors)}  warnings: {len(report.warnings)}  "
            f"likely duplicates: {len(report.duplicates)}"
        )
        for problem in report.errors[:10]:
            where = f"row {problem.row}" if problem.row is not None else "whole file"
            if problem.sheet and problem.row is not None:
                where = f"{where} of sheet {problem.sheet}"
            column = f", {problem.column}" if problem.column else ""
            write(f"  {where}{column}: {problem.message}")
        if len(report.errors) > 10:
            write(f"  ... and {len(report.errors) - 10} more errors")
        write(f"Problems written to {out}")
        if report.refused:
            write("Nothing was written to the registry.")
