"""Reading activities through the actor's data scope.

Activities, sessions and participants name people (who attended), so the pages and the API
read them with the capability to see personal data. The counts on the project page and the
information materials name nobody and are read with the capabilities of aggregates and projects.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Sum
from django.http import Http404

from homeward.accounts.roles import Capability
from homeward.casework.activities.models import (
    Activity,
    ActivityKind,
    Attendance,
    InformationMaterial,
    OtherParticipants,
    Participant,
    Session,
)
from homeward.casework.activities.services import meets_rule
from homeward.casework.common import project_in_scope
from homeward.core.scope import get_or_404, get_scoped_or_404, scoped
from homeward.programmes.models import Project


def project_for(*, actor, code: str, capability: Capability) -> Project:
    """The project named by ``code`` if ``actor`` has ``capability`` in it, else 404."""
    project = get_or_404(Project.objects.select_related("lead_organisation"), code=code)
    if not project_in_scope(actor, project, capability):
        raise Http404
    return project


def activity_list(*, actor, project=None, kind: str = ""):
    activities = scoped(
        Activity.objects.select_related("project", "organisation", "municipality"),
        actor,
        Capability.VIEW_PERSONAL_DATA,
    )
    if project is not None:
        activities = activities.filter(project=project)
    if kind:
        activities = activities.filter(kind=kind)
    return activities.annotate(
        sessions_held=Count(
            "sessions", filter=Q(sessions__status=Session.Status.HELD), distinct=True
        ),
        participant_count=Count("participants", distinct=True),
        completed_count=Count(
            "participants", filter=Q(participants__completed_on__isnull=False), distinct=True
        ),
    ).order_by("-planned_start", "title", "pk")


def activity_get(*, actor, pk) -> Activity:
    return get_scoped_or_404(
        Activity.objects.select_related("project", "organisation", "municipality"),
        actor,
        Capability.VIEW_PERSONAL_DATA,
        pk=pk,
    )


def session_list(*, actor, activity=None):
    sessions = scoped(
        Session.objects.select_related("activity", "activity__project"),
        actor,
        Capability.VIEW_PERSONAL_DATA,
    )
    if activity is not None:
        sessions = sessions.filter(activity=activity)
    return sessions.order_by("date", "start_time", "pk")


def session_get(*, actor, pk) -> Session:
    return get_scoped_or_404(
        Session.objects.select_related("activity", "activity__project", "activity__organisation"),
        actor,
        Capability.VIEW_PERSONAL_DATA,
        pk=pk,
    )


def _attendances():
    return Attendance.objects.select_related("person", "person__household").order_by(
        "person__last_key", "person__first_key", "pk"
    )


def session_attendances(session: Session):
    return _attendances().filter(session=session)


def with_attendances(sessions):
    """``sessions`` each with ``listed_attendances``, as ``session_attendances`` orders them,
    fetched in one query for the whole list."""
    return sessions.prefetch_related(
        Prefetch("attendances", queryset=_attendances(), to_attr="listed_attendances")
    )


def session_other_participants(session: Session):
    return session.other_participants.all()


def participant_get(*, actor, activity: Activity, person_id) -> Participant:
    return get_scoped_or_404(
        Participant.objects.select_related("activity", "activity__project", "person"),
        actor,
        Capability.VIEW_PERSONAL_DATA,
        activity=activity,
        person_id=person_id,
    )


@dataclass
class ParticipantRow:
    participant: Participant
    marks: list[bool | None]  # per session: attended, absent, or None (not held)
    attended: int
    counted: int
    meets_rule: bool


def attendance_grid(activity: Activity) -> tuple[list[Session], list[ParticipantRow]]:
    """The sessions of ``activity`` and, for each participant, where they were present."""
    sessions = list(activity.sessions.all())
    present = set(
        Attendance.objects.filter(session__activity=activity).values_list("session_id", "person_id")
    )
    held = sum(1 for session in sessions if session.status == Session.Status.HELD)
    # What ``attendance_share`` counts, from the sessions and marks already read: one query
    # per participant would grow with the list.
    counted = max(activity.sessions_planned, held)
    rows = []
    participants = activity.participants.select_related("person", "person__household")
    for participant in participants:
        marks = [
            (session.pk, participant.person_id) in present
            if session.status == Session.Status.HELD
            else None
            for session in sessions
        ]
        participant.activity = activity
        attended = marks.count(True)
        rows.append(
            ParticipantRow(
                participant=participant,
                marks=marks,
                attended=attended,
                counted=counted,
                meets_rule=meets_rule(participant, (attended, counted)),
            )
        )
    return sessions, rows


def count_attendance(participants: list[Participant]) -> list[Participant]:
    """Set ``attended`` and ``counted`` on each participant (its activity loaded), as
    ``attendance_share`` gives them, in two queries however long the list."""
    activity_ids = {participant.activity_id for participant in participants}
    held = dict(
        Session.objects.filter(activity__in=activity_ids, status=Session.Status.HELD)
        .values("activity")
        .annotate(count=Count("pk"))
        .order_by()
        .values_list("activity", "count")
    )
    attended = {
        (row["session__activity"], row["person"]): row["count"]
        for row in Attendance.objects.filter(
            session__activity__in=activity_ids,
            session__status=Session.Status.HELD,
            person__in={participant.person_id for participant in participants},
        )
        .values("session__activity", "person")
        .annotate(count=Count("pk"))
        .order_by()
    }
    for participant in participants:
        participant.attended = attended.get((participant.activity_id, participant.person_id), 0)
        participant.counted = max(
            participant.activity.sessions_planned, held.get(participant.activity_id, 0)
        )
    return participants


def completed_participants(
    *, actor, project=None, kind: str = "", completed_from=None, completed_to=None
):
    """People who completed an activity (of ``kind``, between the dates): what results count.
    Read with the scope of aggregates, so a monitoring unit counts them without names."""
    completed = Participant.objects.filter(completed_on__isnull=False)
    if actor is not None:
        completed = scoped(completed, actor, Capability.VIEW_AGGREGATES) | scoped(
            completed, actor, Capability.VIEW_PERSONAL_DATA
        )
    if project is not None:
        completed = completed.filter(activity__project=project)
    if kind:
        completed = completed.filter(activity__kind=kind)
    if completed_from is not None:
        completed = completed.filter(completed_on__gte=completed_from)
    if completed_to is not None:
        completed = completed.filter(completed_on__lte=completed_to)
    return completed


# --- information materials ----------------------------------------------------------------


def material_list(*, actor, project=None):
    materials = scoped(
        InformationMaterial.objects.select_related("project", "organisation").prefetch_related(
            "municipalities"
        ),
        actor,
        Capability.VIEW_PROJECTS,
    )
    if project is not None:
        materials = materials.filter(project=project)
    return materials


def material_get(*, actor, pk) -> InformationMaterial:
    return get_scoped_or_404(
        InformationMaterial.objects.select_related("project", "organisation"),
        actor,
        Capability.VIEW_PROJECTS,
        pk=pk,
    )


def people_reached(project: Project) -> int:
    """The estimated number of people the project's materials and campaigns reached."""
    return (
        InformationMaterial.objects.filter(project=project).aggregate(total=Sum("people_reached"))[
            "total"
        ]
        or 0
    )


# --- summaries ----------------------------------------------------------------------------


@dataclass
class KindSummary:
    kind: str
    label: str
    activities: int
    sessions_held: int
    participants: int
    completed: int
    others: int


def project_summary(project: Project) -> list[KindSummary]:
    """Per kind of activity: how many activities, sessions held, participants (registered),
    completed, and other participants counted. Counts only, no names."""
    labels = dict(ActivityKind.choices)
    activities = (
        Activity.objects.filter(project=project)
        .values("kind")
        .annotate(activities=Count("pk"))
        .order_by()
    )
    held = (
        Session.objects.filter(activity__project=project, status=Session.Status.HELD)
        .values("activity__kind")
        .annotate(count=Count("pk"))
        .order_by()
    )
    participants = (
        Participant.objects.filter(activity__project=project)
        .values("activity__kind")
        .annotate(
            count=Count("person", distinct=True),
            completed=Count("person", filter=Q(completed_on__isnull=False), distinct=True),
        )
        .order_by()
    )
    others = (
        OtherParticipants.objects.filter(session__activity__project=project)
        .values("session__activity__kind")
        .annotate(women=Sum("women"), men=Sum("men"))
        .order_by()
    )
    held_by_kind = {row["activity__kind"]: row["count"] for row in held}
    people_by_kind = {row["activity__kind"]: row for row in participants}
    others_by_kind = {
        row["session__activity__kind"]: (row["women"] or 0) + (row["men"] or 0) for row in others
    }
    summary = []
    for row in activities:
        kind = row["kind"]
        people = people_by_kind.get(kind, {})
        summary.append(
            KindSummary(
                kind=kind,
                label=str(labels.get(kind, kind)),
                activities=row["activities"],
                sessions_held=held_by_kind.get(kind, 0),
                participants=people.get("count", 0),
                completed=people.get("completed", 0),
                others=others_by_kind.get(kind, 0),
            )
        )
    order = list(labels)
    return sorted(summary, key=lambda line: order.index(line.kind) if line.kind in order else 99)


def household_activities(*, actor, household):
    """The activities the members of ``household`` took part in, with what each attended."""
    participations = scoped(
        Participant.objects.filter(person__household=household).select_related(
            "activity", "activity__project", "person"
        ),
        actor,
        Capability.VIEW_PERSONAL_DATA,
    ).order_by("-activity__planned_start", "person__first_key")
    return count_attendance(list(participations))


def sessions_due(*, actor, today: datetime.date):
    """Planned sessions of the coming week, and sessions past their day still waiting for
    something: to be marked held or cancelled, or, once held, for their attendance."""
    sessions = scoped(
        Session.objects.select_related("activity", "activity__project"),
        actor,
        Capability.RECORD_CASEWORK,
    )
    has_attendance = Exists(Attendance.objects.filter(session=OuterRef("pk"))) | Exists(
        OtherParticipants.objects.filter(session=OuterRef("pk"))
    )
    coming = Q(
        status=Session.Status.PLANNED,
        date__gte=today,
        date__lte=today + datetime.timedelta(days=7),
    )
    unmarked = Q(status=Session.Status.PLANNED, date__lt=today)
    unrecorded = Q(status=Session.Status.HELD, date__lte=today, recorded=False)
    return (
        sessions.annotate(recorded=has_attendance)
        .filter(coming | unmarked | unrecorded)
        .order_by("date", "start_time", "pk")
    )
