from django.db.models import QuerySet

from homeward.accounts.roles import Capability
from homeward.core.models import AuditEvent, Job
from homeward.core.scope import get_or_404, scoped


def audit_events(*, actor, filters: dict | None = None) -> QuerySet[AuditEvent]:
    """The audit rows of the organisations the actor may audit, filtered.

    ``filters`` keys: ``action`` (prefix, so ``user.`` finds every user event), ``actor``
    (username), ``target_type``, ``target_id``, ``date_from``, ``date_to``, ``organisation``
    (code).
    """
    events = scoped(AuditEvent.objects.select_related("organisation"), actor, Capability.VIEW_AUDIT)
    filters = {name: value for name, value in (filters or {}).items() if value not in ("", None)}
    if "action" in filters:
        events = events.filter(action__startswith=filters["action"])
    if "actor" in filters:
        events = events.filter(actor_label__iexact=filters["actor"])
    if "target_type" in filters:
        events = events.filter(target_type=filters["target_type"])
    if "target_id" in filters:
        events = events.filter(target_id=str(filters["target_id"]))
    if "organisation" in filters:
        events = events.filter(organisation__code=filters["organisation"])
    if "date_from" in filters:
        events = events.filter(at__date__gte=filters["date_from"])
    if "date_to" in filters:
        events = events.filter(at__date__lte=filters["date_to"])
    return events.order_by("-at", "-id")


def job_list(*, actor) -> QuerySet[Job]:
    """A person's own jobs: they carry the parameters and files that person asked for."""
    if actor.is_system or (actor.user is not None and actor.user.is_superuser):
        return Job.objects.all()
    if actor.user is None:
        return Job.objects.none()
    return Job.objects.filter(created_by=actor.user)


def job_get(*, actor, job_id) -> Job:
    return get_or_404(job_list(actor=actor), pk=job_id)


__all__ = ["audit_events", "job_get", "job_list"]
