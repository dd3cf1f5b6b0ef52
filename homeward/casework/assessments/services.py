"""Recording and correcting assessments; publishing templates.

Every answer is checked against the version of the template it answers (type, choice, range,
required unless the question does not apply), and the scores are computed here, once, when the
answers are saved: pages, the API, the selection and reports read the same stored scores.
"""

from __future__ import annotations

import datetime

from django.db.models import Max
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from homeward.accounts.models import Organisation
from homeward.accounts.roles import Capability, capabilities_of
from homeward.casework.assessments.definition import clean_answers, compute_scores
from homeward.casework.assessments.models import Assessment, AssessmentTemplate
from homeward.casework.common import acting_organisation, household_in_scope, require_project
from homeward.casework.enrolment.models import Enrolment
from homeward.core.actors import Actor
from homeward.core.audit import audit_record
from homeward.core.concurrency import save_versioned
from homeward.core.errors import ValidationError
from homeward.core.scope import scoped
from homeward.core.services import NothingChanged, service
from homeward.programmes.models import Project
from homeward.registry.models import Household, Person

_UNCHANGED = object()


# --- permissions --------------------------------------------------------------------------


def may_record(actor: Actor, household: Household) -> bool:
    """Whether ``actor`` may assess ``household``: casework on households in their scope."""
    return household_in_scope(actor, household, Capability.RECORD_CASEWORK)


def may_edit(actor: Actor, assessment: Assessment) -> bool:
    return scoped(
        Assessment.objects.filter(pk=assessment.pk), actor, Capability.RECORD_CASEWORK
    ).exists()


def _in_project(household: Household, project: Project) -> bool:
    return (
        household.project_id == project.pk
        or Enrolment.objects.filter(project=project, household=household).exists()
    )


def _recorder(
    actor: Actor, household: Household, project: Project | None
) -> tuple[Organisation, Project | None]:
    """The organisation on whose behalf ``actor`` assesses, and the project it is for."""
    scope = actor.scope(Capability.RECORD_CASEWORK)
    if project is None and household.project_id and not scope.is_global:
        own = household.organisation_id in scope.organisation_ids
        if not own and household.project_id in scope.project_ids:
            # Somebody working for the household's project only: the assessment belongs to
            # it, or they could not read back what they recorded.
            project = household.project
    if project is not None:
        require_project(actor, project, Capability.RECORD_CASEWORK)
        if not _in_project(household, project):
            raise ValidationError(
                {
                    "project": _("Household %(number)s is not in project %(project)s.")
                    % {"number": household.number, "project": project.code}
                }
            )
        return acting_organisation(actor, project, Capability.RECORD_CASEWORK), project
    if scope.is_global or actor.user is None:
        return household.organisation, None
    organisations = [
        membership.organisation
        for membership in actor.memberships
        if Capability.RECORD_CASEWORK in capabilities_of(membership.role)
    ]
    for organisation in organisations:
        if organisation.pk == household.organisation_id:
            return organisation, None
    if organisations:
        return organisations[0], None
    raise Http404


# --- checks -------------------------------------------------------------------------------


def _check_date(assessed_on) -> datetime.date:
    if not isinstance(assessed_on, datetime.date):
        raise ValidationError({"assessed_on": _("Give the date of the assessment.")})
    if assessed_on > timezone.localdate():
        raise ValidationError({"assessed_on": _("The date cannot be in the future.")})
    return assessed_on


def _check_person(person: Person | None, household: Household) -> None:
    if person is not None and person.household_id != household.pk:
        raise ValidationError({"person": _("This person is not a member of the household.")})


def _answer_changes(before: dict, after: dict) -> dict:
    return {
        f"answers.{code}": {"before": before.get(code), "after": after.get(code)}
        for code in dict.fromkeys([*before, *after])
        if before.get(code) != after.get(code)
    }


# --- templates ----------------------------------------------------------------------------


@service
def assessment_template_publish(
    *,
    actor: Actor,
    code: str,
    kind: str,
    titles: dict,
    definition: dict,
) -> AssessmentTemplate:
    """Publish ``definition`` as the next version of template ``code``; the version in use
    until now stays attached to the assessments that answered it, but is no longer offered.

    Templates are shared by every organisation, so only the system (a migration, a command)
    and superusers publish them.
    """
    if not actor.scope(Capability.MANAGE_PROJECTS).is_global:
        raise Http404
    latest = AssessmentTemplate.objects.filter(code=code).aggregate(last=Max("version"))["last"]
    template = AssessmentTemplate(
        code=code,
        version=(latest or 0) + 1,
        kind=kind,
        title=titles.get("en", ""),
        title_sr=titles.get("sr", ""),
        title_sr_latn=titles.get("sr_latn", ""),
        title_sq=titles.get("sq", ""),
        definition=definition,
        is_active=True,
    )
    template.full_clean(exclude=["is_active"], validate_constraints=False)
    replaced = list(
        AssessmentTemplate.objects.filter(code=code, is_active=True).values_list(
            "version", flat=True
        )
    )
    AssessmentTemplate.objects.filter(code=code, is_active=True).update(is_active=False)
    template.save()
    audit_record(
        actor=actor,
        action="assessment_template.publish",
        target=template,
        target_label=str(template),
        changes={
            "version": {"before": replaced[0] if replaced else None, "after": template.version},
            "kind": {"before": None, "after": kind},
        },
    )
    return template


# --- assessments --------------------------------------------------------------------------


@service
def assessment_record(
    *,
    actor: Actor,
    template: AssessmentTemplate,
    household: Household,
    answers: dict,
    assessed_on: datetime.date,
    project: Project | None = None,
    person: Person | None = None,
) -> Assessment:
    """Record ``household``'s answers to ``template`` (optionally one member's, for a
    project) with the scores they earn."""
    if not may_record(actor, household):
        raise Http404
    organisation, project = _recorder(actor, household, project)
    errors: dict[str, str] = {}
    if not template.is_active:
        errors["template"] = _(
            "This version of the template is no longer in use: use its newest version."
        )
    for check in (lambda: _check_date(assessed_on), lambda: _check_person(person, household)):
        try:
            check()
        except ValidationError as error:
            errors |= {name: messages[0] for name, messages in error.message_dict.items()}
    try:
        cleaned = clean_answers(template.definition, answers)
    except ValidationError as error:
        errors |= {name: messages[0] for name, messages in error.message_dict.items()}
    if errors:
        raise ValidationError(errors)
    assessment = Assessment.objects.create(
        template=template,
        household=household,
        person=person,
        project=project,
        organisation=organisation,
        assessed_on=assessed_on,
        assessed_by=actor.user,
        answers=cleaned,
        scores=compute_scores(template.definition, cleaned, kind=template.kind),
    )
    audit_record(
        actor=actor,
        action="assessment.record",
        target=assessment,
        changes={
            "template": {"before": None, "after": str(template)},
            "household": {"before": None, "after": household.number},
            "person": {"before": None, "after": person.pk if person else None},
            "project": {"before": None, "after": project.code if project else None},
            "assessed_on": {"before": None, "after": assessed_on.isoformat()},
            "scores.total": {"before": None, "after": assessment.scores.get("total")},
        }
        | _answer_changes({}, cleaned),
    )
    return assessment


@service
def assessment_update(
    *,
    actor: Actor,
    assessment: Assessment,
    expected_version: int | None,
    answers: dict | None = None,
    assessed_on: datetime.date | None = None,
    person=_UNCHANGED,
) -> Assessment:
    """Correct an assessment: its answers (all of them, as they should now read), its date or
    the member it is about. The answers are checked against the template version it was
    recorded with, never a newer one, and the scores computed again."""
    if not may_edit(actor, assessment):
        raise Http404
    template = assessment.template
    errors: dict[str, str] = {}
    new_answers = assessment.answers
    try:
        if answers is not None:
            new_answers = clean_answers(template.definition, answers)
    except ValidationError as error:
        errors |= {name: messages[0] for name, messages in error.message_dict.items()}
    checks = []
    if assessed_on is not None:
        checks.append(lambda: _check_date(assessed_on))
    if person is not _UNCHANGED:
        checks.append(lambda: _check_person(person, assessment.household))
    for check in checks:
        try:
            check()
        except ValidationError as error:
            errors |= {name: messages[0] for name, messages in error.message_dict.items()}
    if errors:
        raise ValidationError(errors)
    changes = _answer_changes(assessment.answers, new_answers)
    fields = []
    if changes:
        scores = compute_scores(template.definition, new_answers, kind=template.kind)
        if scores != assessment.scores:
            changes["scores.total"] = {"before": assessment.total, "after": scores.get("total")}
        assessment.answers, assessment.scores = new_answers, scores
        fields += ["answers", "scores"]
    if assessed_on is not None and assessed_on != assessment.assessed_on:
        changes["assessed_on"] = {
            "before": assessment.assessed_on.isoformat(),
            "after": assessed_on.isoformat(),
        }
        assessment.assessed_on = assessed_on
        fields.append("assessed_on")
    if person is not _UNCHANGED and (person.pk if person else None) != assessment.person_id:
        changes["person"] = {
            "before": assessment.person_id,
            "after": person.pk if person else None,
        }
        assessment.person = person
        fields.append("person")
    if not fields:
        raise NothingChanged(assessment)
    save_versioned(assessment, expected_version=expected_version, fields=fields)
    audit_record(actor=actor, action="assessment.update", target=assessment, changes=changes)
    return assessment
