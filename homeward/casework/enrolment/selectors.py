"""Reading enrolments through the actor's data scope: they name people, so they need the
capability to see personal data."""

from django.db.models import Count, Prefetch

from homeward.accounts.roles import Capability
from homeward.casework.enrolment.models import Enrolment, EnrolmentStep
from homeward.core.scope import get_scoped_or_404, scoped


def enrolment_list(*, actor, project=None, status=None, household=None):
    enrolments = scoped(
        Enrolment.objects.select_related(
            "project", "household", "person", "organisation", "enrolled_by"
        ),
        actor,
        Capability.VIEW_PERSONAL_DATA,
    )
    if project is not None:
        enrolments = enrolments.filter(project=project)
    if status:
        enrolments = enrolments.filter(status=status)
    if household is not None:
        enrolments = enrolments.filter(household=household)
    return enrolments


def enrolment_get(*, actor, pk) -> Enrolment:
    return get_scoped_or_404(
        Enrolment.objects.select_related(
            "project", "household", "person", "organisation", "enrolled_by"
        ),
        actor,
        Capability.VIEW_PERSONAL_DATA,
        pk=pk,
    )


def beneficiary_enrolment(*, project, household, person=None) -> Enrolment | None:
    """The enrolment that makes ``household`` (or ``person``) a beneficiary of ``project``:
    their own, or their household's. None when they are not selected in it."""
    enrolments = Enrolment.objects.filter(
        project=project, household=household, status__in=Enrolment.BENEFICIARY
    )
    if person is not None:
        own = enrolments.filter(person=person).first()
        if own is not None:
            return own
    return enrolments.filter(person__isnull=True).first()


def enrolment_steps(enrolment: Enrolment):
    return enrolment.steps.select_related("actor").order_by("at", "pk")


def with_steps(enrolments):
    """``enrolments`` with each one's steps, in order, as ``ordered_steps``: a list of
    enrolments reads its steps in one query rather than one per row."""
    return enrolments.prefetch_related(
        Prefetch(
            "steps",
            queryset=EnrolmentStep.objects.select_related("actor").order_by("at", "pk"),
            to_attr="ordered_steps",
        )
    )


def status_counts(*, project) -> dict[str, int]:
    """How many enrolments of ``project`` are in each status, every status named."""
    counts = dict.fromkeys(Enrolment.Status.values, 0)
    rows = (
        Enrolment.objects.filter(project=project)
        .values_list("status")
        .annotate(total=Count("pk"))
        .order_by()
    )
    for status, total in rows:
        counts[status] = total
    return counts


def candidates_waiting(*, project_ids) -> dict[int, int]:
    """Per project, the candidates waiting for the committee's decision."""
    rows = (
        Enrolment.objects.filter(project__in=project_ids, status=Enrolment.Status.CANDIDATE)
        .values_list("project")
        .annotate(total=Count("pk"))
        .order_by()
    )
    return dict(rows)


def project_of_people(*, actor, code: str):
    """The project ``code`` if ``actor`` may see the people in it; else 404. Who may see its
    people but not its page (a data protection officer) still reaches its enrolments."""
    from homeward.programmes.models import Project

    return get_scoped_or_404(
        Project.objects.select_related("lead_organisation"),
        actor,
        Capability.VIEW_PERSONAL_DATA,
        code=code,
    )
