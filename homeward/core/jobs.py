"""Background jobs on Django's tasks API, with progress a person can watch.

A job kind is a function registered with ``@job_handler("kind")`` that receives the ``Job``
and a ``Progress`` reporter. ``job_start`` records the job and enqueues ``run_job`` once the
transaction commits; the worker (``homeward worker``) runs it. The web page of a job polls its
progress fragment until it has finished.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import transaction
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from homeward.core.actors import Actor, actor_for_user
from homeward.core.audit import audit_record
from homeward.core.models import Job
from homeward.core.services import service

logger = logging.getLogger(__name__)

_HANDLERS: dict[str, Callable] = {}
_LABELS: dict[str, str] = {}


def job_handler(kind: str, *, label):
    """Register ``func(job=, actor=, progress=)`` as the handler of jobs of ``kind``; it
    returns the result dict, or ``(result, output_file)`` when it wrote a file."""

    def register(func):
        _HANDLERS[kind] = func
        _LABELS[kind] = label
        return func

    return register


def job_kind_label(kind: str) -> str:
    return str(_LABELS.get(kind, kind))


class Progress:
    """Writes a job's progress at most every ``every`` items, so reporting stays cheap."""

    def __init__(self, job: Job, every: int = 1):
        self.job = job
        self.every = max(1, every)
        self._last_written = -1

    def total(self, total: int) -> None:
        self.job.progress_total = total
        Job.objects.filter(pk=self.job.pk).update(progress_total=total)

    def advance_to(self, done: int, message: str = "", *, force: bool = False) -> None:
        if not force and done - self._last_written < self.every:
            return
        self._last_written = done
        self.job.progress_done = done
        fields = {"progress_done": done}
        if message:
            fields["message"] = message[:500]
        # Progress is bookkeeping of the job itself, not a change of anybody's record: it is
        # written outside the service layer and not audited; start and outcome are.
        Job.objects.filter(pk=self.job.pk).update(**fields)


@service
def job_start(*, actor: Actor, kind: str, params: dict, organisation_id: int | None) -> Job:
    if kind not in _HANDLERS:
        raise ValueError(f"Unknown job kind {kind!r}")
    job = Job.objects.create(
        kind=kind, params=params, organisation_id=organisation_id, created_by=actor.user
    )
    audit_record(
        actor=actor,
        action="job.start",
        target=job,
        target_label=kind,
        changes={"params": {"before": None, "after": params}},
        organisation_id=organisation_id,
    )
    transaction.on_commit(lambda: _enqueue(job))
    return job


def _enqueue(job: Job) -> None:
    result = run_job.enqueue(str(job.pk))
    Job.objects.filter(pk=job.pk).update(task_result_id=str(result.id))


@service
def job_finish(*, actor: Actor, job: Job, result: dict, output_file: str = "") -> Job:
    job.status = Job.Status.SUCCEEDED
    job.result = result
    job.output_file = output_file
    job.finished_at = timezone.now()
    if job.progress_total is not None:
        job.progress_done = job.progress_total
    job.save(update_fields=["status", "result", "output_file", "finished_at", "progress_done"])
    audit_record(
        actor=actor,
        action="job.finish",
        target=job,
        target_label=job.kind,
        changes={"result": {"before": None, "after": result}},
        organisation_id=job.organisation_id,
    )
    return job


@service
def job_fail(*, actor: Actor, job: Job, message: str) -> Job:
    job.status = Job.Status.FAILED
    job.message = message[:500]
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "message", "finished_at"])
    audit_record(
        actor=actor,
        action="job.fail",
        target=job,
        target_label=job.kind,
        changes={"message": {"before": None, "after": job.message}},
        organisation_id=job.organisation_id,
    )
    return job


@task()
def run_job(job_id: str) -> str:
    job = Job.objects.select_related("created_by").get(pk=job_id)
    if job.is_finished:
        return job.status
    actor = (
        actor_for_user(job.created_by, via="task")
        if job.created_by
        else Actor(user=None, via="task")
    )
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, started_at=timezone.now())
    job.status = Job.Status.RUNNING
    try:
        outcome = _HANDLERS[job.kind](job=job, actor=actor, progress=Progress(job))
    except Exception as error:
        logger.exception("Job %s (%s) failed", job.pk, job.kind)
        job_fail(actor=actor, job=job, message=_("The job failed: %(error)s") % {"error": error})
        return Job.Status.FAILED
    result, output_file = outcome if isinstance(outcome, tuple) else (outcome, "")
    job_finish(actor=actor, job=job, result=result or {}, output_file=output_file)
    return Job.Status.SUCCEEDED
