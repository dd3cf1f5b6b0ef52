"""Reading enrolments through the actor's data scope: they name people, so they need the
capability to see personal data."""

from homeward.accounts.roles import Capability
from homeward.casework.enrolment.models import Enrolment
from homeward.core.scope import get_scoped_or_404, scoped


def enrolment_list(*, actor, project=None, status=None, household=None):
    enrolments = scoped(
        Enrolment.objects.select_related("project", "household", "person", "organisation"),
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
        Enrolment.objects.select_related("project", "household", "person", "organisation"),
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
