"""``homeward dedup [--project CODE | --import ID] [--threshold P] [--user USERNAME]
[--pairs-out FILE] [--no-queue]``: run a batch of deduplication here and now.

Without ``--project`` or ``--import`` the whole registry is compared; with one, the people of
that project (registered in it or enrolled) or of that import are compared with the whole
registry. Pairs at or above the threshold go to the review queue, as from the web page
(``--no-queue``: they are only counted and written out). ``--pairs-out`` writes them as CSV with
the columns ``person_id_a,person_id_b,match_probability``, each person named by the
``person_id`` a partner gave at import, or by Homeward's own id where none was given.

``--user`` acts as that user, who needs to be allowed to resolve duplicates (a project manager
or a data protection officer) and reach the project or import; without it the command acts as
the system. Exit status 1, with the reason, when refused; nothing is run then.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _

from homeward.core.errors import ValidationError, describe
from homeward.dedup.evidence import DEFAULT_THRESHOLD
from homeward.dedup.models import DedupRun
from homeward.dedup.selectors import CAPABILITY
from homeward.dedup.services import (
    dedup_run_execute,
    dedup_run_start,
    write_pairs_csv,
)
from homeward.exchange.models import PeopleImport
from homeward.programmes.models import Project
from homeward.registry.management.commands._actor import command_actor


class Command(BaseCommand):
    help = "Find likely duplicates in the registry (or one project or import) and queue them."

    def add_arguments(self, parser):
        parser.add_argument(
            "--project", metavar="CODE", help="Compare the people of this project (its code)."
        )
        parser.add_argument(
            "--import",
            dest="people_import",
            metavar="ID",
            help="Compare the people of this import (its number).",
        )
        parser.add_argument(
            "--threshold",
            metavar="P",
            help="Queue pairs at or above this match probability (above 0, at most 1); 0.9.",
        )
        parser.add_argument(
            "--user", metavar="USERNAME", help="Run as this user (their permissions and scope)."
        )
        parser.add_argument(
            "--pairs-out",
            dest="pairs_out",
            metavar="FILE",
            help="Write the pairs found to this CSV file.",
        )
        parser.add_argument(
            "--no-queue",
            dest="no_queue",
            action="store_true",
            help="Do not add the pairs to the review queue; only count and write them.",
        )

    def handle(self, *args, **options):
        actor = command_actor(options["user"])
        language = getattr(actor.user, "preferred_language", "") if actor.user else ""
        with translation.override(language or settings.LANGUAGE_CODE):
            self._handle(actor, options)

    def _handle(self, actor, options):
        username = options["user"]
        if username and not actor.can(CAPABILITY):
            raise CommandError(
                _(
                    "%(user)s may not run deduplication: it takes a project manager or a data "
                    "protection officer."
                )
                % {"user": username}
            )
        if options["project"] and options["people_import"]:
            raise CommandError(_("Give --project or --import, not both."))
        threshold = self._threshold(options["threshold"])
        project = self._project(options["project"], username)
        people_import = self._import(options["people_import"], username)
        out = Path(options["pairs_out"]) if options["pairs_out"] else None
        if out is not None and not out.parent.is_dir():
            raise CommandError(_("There is no folder %(folder)s.") % {"folder": out.parent})
        coverage = (
            DedupRun.Coverage.PROJECT
            if project
            else DedupRun.Coverage.IMPORT
            if people_import
            else DedupRun.Coverage.REGISTRY
        )
        try:
            run = dedup_run_start(
                actor=actor,
                coverage=coverage,
                project=project,
                people_import=people_import,
                threshold=threshold,
                background=False,
            )
        except Http404:
            if project is not None:
                raise CommandError(self._no_project(options["project"], username)) from None
            raise CommandError(self._no_import(options["people_import"], username)) from None
        except ValidationError as error:
            raise CommandError(describe(error)) from None
        try:
            run = dedup_run_execute(
                run=run,
                actor=actor,
                progress=self._progress(options["verbosity"]),
                queue=not options["no_queue"],
            )
        except Exception as error:
            # The run is marked failed, with the reason, for the runs page too.
            raise CommandError(_("The run failed: %(error)s") % {"error": error}) from error
        self._summary(run, queued=not options["no_queue"])
        if out is not None:
            rows = self._write(run.linkage.pairs, out)
            self.stdout.write(_("%(rows)s pairs written to %(file)s") % {"rows": rows, "file": out})

    def _threshold(self, text):
        if text is None:
            return DEFAULT_THRESHOLD
        try:
            value = float(text)
        except ValueError:
            value = None
        if value is None or not 0 < value <= 1:
            raise CommandError(
                _("--threshold is a probability above 0 and at most 1 (e.g. 0.9), not %(value)s.")
                % {"value": text}
            )
        return value

    def _project(self, code, username):
        if not code:
            return None
        project = Project.objects.filter(code=code).first()
        if project is None:
            raise CommandError(self._no_project(code, username))
        return project

    def _import(self, number, username):
        if not number:
            return None
        try:
            pk = int(number)
        except ValueError:
            raise CommandError(
                _("--import takes the number of an import, not %(value)s.") % {"value": number}
            ) from None
        people_import = PeopleImport.objects.filter(pk=pk).first()
        if people_import is None:
            raise CommandError(self._no_import(number, username))
        return people_import

    # For a named user, what does not exist and what they may not reach read the same.

    def _no_project(self, code, username) -> str:
        if username:
            return _("No project %(code)s is open to %(user)s.") % {"code": code, "user": username}
        return _("There is no project %(code)s.") % {"code": code}

    def _no_import(self, number, username) -> str:
        if username:
            return _("No import %(id)s is open to %(user)s.") % {"id": number, "user": username}
        return _("There is no import %(id)s.") % {"id": number}

    def _progress(self, verbosity):
        shown = set()

        def report(done, total, stage):
            if stage and stage not in shown and verbosity >= 1:
                shown.add(stage)
                self.stderr.write(f"[{done}/{total}] {stage}")

        return report

    def _summary(self, run, *, queued):
        write = self.stdout.write
        write(
            _("Deduplication run %(id)s: %(coverage)s, threshold %(threshold)s")
            % {
                "id": run.pk,
                "coverage": self._coverage(run),
                "threshold": f"{run.threshold:g}",
            }
        )
        write(_("people compared: %(n)s") % {"n": run.people})
        write(_("pairs scored: %(n)s") % {"n": run.comparisons})
        write(_("pairs at or above the threshold: %(n)s") % {"n": run.pairs_found})
        if queued:
            write(_("new to the review queue: %(n)s") % {"n": run.pairs_new})
        else:
            write(_("new to the review queue: none (--no-queue)"))
        stages = ", ".join(f"{stage} {seconds:.2f}" for stage, seconds in run.timings.items())
        write(_("seconds per stage: %(stages)s") % {"stages": stages})

    def _coverage(self, run) -> str:
        if run.project is not None:
            return f"{run.get_coverage_display()} {run.project.code}"
        if run.people_import is not None:
            return f"{run.get_coverage_display()} {run.people_import.pk}"
        return str(run.get_coverage_display())

    def _write(self, pairs, out: Path) -> int:
        # Written beside the target and renamed once complete: a failure leaves no half file.
        handle, temporary = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
        os.close(handle)
        try:
            with open(temporary, "w", newline="", encoding="utf-8") as stream:
                rows = write_pairs_csv(pairs, stream)
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
