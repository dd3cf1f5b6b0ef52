"""The people import as a background job (kind ``people.import``), with progress.

The upload is copied under ``MEDIA_ROOT/imports/`` when the job is started, because the
request that carried it is gone by the time the worker runs; the copy is deleted once the job
has read it.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext_lazy

from homeward.core.jobs import job_handler, job_start
from homeward.programmes.models import Project

KIND = "people.import"


def _upload_bytes(source) -> bytes:
    if isinstance(source, bytes):
        return source
    if isinstance(source, str | Path):
        return Path(source).read_bytes()
    if hasattr(source, "chunks"):
        return b"".join(source.chunks())
    return source.read()


def start(*, actor, source, filename, project, organisation=None, mapping=None, dry_run=False):
    from homeward.exchange.imports.engine import authorise

    # Refuse now what the job would refuse later: the person starting it is told at once.
    organisation = authorise(actor=actor, project=project, organisation=organisation)
    directory = Path(settings.MEDIA_ROOT) / "imports"
    directory.mkdir(parents=True, exist_ok=True)
    relative = f"imports/{uuid.uuid4().hex}{Path(filename).suffix.lower()[:6]}"
    (Path(settings.MEDIA_ROOT) / relative).write_bytes(_upload_bytes(source))
    return job_start(
        actor=actor,
        kind=KIND,
        params={
            "upload": relative,
            "filename": filename,
            "project": project.pk,
            "organisation": organisation.pk,
            "mapping": mapping or {},
            "dry_run": bool(dry_run),
        },
        organisation_id=organisation.pk,
    )


@job_handler(KIND, label=gettext_lazy("People import"))
def run_people_import(*, job, actor, progress):
    from homeward.accounts.models import Organisation
    from homeward.exchange.imports.engine import run_import

    params = job.params
    path = Path(settings.MEDIA_ROOT) / params["upload"]
    try:
        report = run_import(
            actor=actor,
            source=path,
            filename=params["filename"],
            project=Project.objects.get(pk=params["project"]),
            organisation=Organisation.objects.get(pk=params["organisation"]),
            mapping=params.get("mapping") or None,
            dry_run=params.get("dry_run", False),
            progress=progress,
            job=job,
        )
    finally:
        path.unlink(missing_ok=True)
    return report.as_dict()
