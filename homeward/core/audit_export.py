"""Export of the audit trail as CSV, run as a background job with progress."""

import csv
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from homeward.core.audit import audit_record
from homeward.core.exports import neutralise_formula
from homeward.core.jobs import job_handler
from homeward.core.selectors import audit_events
from homeward.core.services import service

COLUMNS = [
    "at",
    "actor",
    "organisation",
    "action",
    "target_type",
    "target_id",
    "target",
    "changes",
    "ip_address",
    "via",
]


@job_handler("audit.export", label=gettext_lazy("Audit trail export"))
def export_audit_trail(*, job, actor, progress):
    events = audit_events(actor=actor, filters=job.params.get("filters", {}))
    total = events.count()
    progress.total(total)
    progress.every = max(1, total // 100)
    directory = Path(settings.MEDIA_ROOT) / "exports"
    directory.mkdir(parents=True, exist_ok=True)
    relative = f"exports/audit-{job.pk}.csv"
    with open(Path(settings.MEDIA_ROOT) / relative, "w", newline="", encoding="utf-8-sig") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        for done, event in enumerate(events.iterator(chunk_size=2000), start=1):
            writer.writerow(
                neutralise_formula(value)
                for value in (
                    event.at.isoformat(),
                    event.actor_label,
                    event.organisation.code if event.organisation else "",
                    event.action,
                    event.target_type,
                    event.target_id,
                    event.target_label,
                    event.changes,
                    event.ip_address or "",
                    event.via,
                )
            )
            progress.advance_to(
                done, _("%(done)s of %(total)s rows written") % {"done": done, "total": total}
            )
    record_audit_export(actor=actor, job=job, rows=total)
    return {"rows": total}, relative


@service
def record_audit_export(*, actor, job, rows: int) -> None:
    audit_record(
        actor=actor,
        action="audit.export",
        target=job,
        target_label=job.kind,
        changes={
            "rows": {"before": None, "after": rows},
            "filters": {"before": None, "after": job.params.get("filters", {})},
        },
        organisation_id=job.organisation_id,
    )
