"""Deduplication as a background job (kind ``dedup.run``), with progress.

The run itself was recorded when the job was started (``services.dedup_run_start``); the job
runs the engine and stores the pairs. The engine reports its stages, which become the job's
progress bar and message.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from homeward.core.jobs import job_handler
from homeward.dedup.models import DedupRun

KIND = "dedup.run"


def _reporter(progress):
    def report(done: int, total: int, stage: str) -> None:
        if progress.job.progress_total != total:
            progress.total(total)
        progress.advance_to(done, stage, force=True)

    return report


@job_handler(KIND, label=gettext_lazy("Deduplication"))
def run_dedup(*, job, actor, progress):
    # Imported here: the engine (Splink, DuckDB) loads when a run needs it, not with Django.
    from homeward.dedup.services import dedup_run_execute

    run = DedupRun.objects.select_related("project", "people_import").get(pk=job.params["run"])
    run = dedup_run_execute(run=run, actor=actor, progress=_reporter(progress))
    return {
        "run": run.pk,
        "people": run.people,
        "comparisons": run.comparisons,
        "pairs_found": run.pairs_found,
        "pairs_new": run.pairs_new,
    }
