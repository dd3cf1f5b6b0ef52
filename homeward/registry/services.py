"""Every change to the registry: registering households, editing people, moves and splits.

A person's name keys and search tokens are written here, together with the person, so that
search never sees a person whose keys are stale.
"""

from __future__ import annotations

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import F
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from homeward.accounts.models import Organisation
from homeward.accounts.roles import Capability, capabilities_of
from homeward.core.actors import Actor
from homeward.core.audit import audit_record, diff, snapshot
from homeward.core.concurrency import save_versioned
from homeward.core.errors import ConflictError, HomewardError, ValidationError
from homeward.core.names import deletion_variants, fold, name_tokens
from homeward.core.services import NothingChanged, service
from homeward.geo.models import Area
from homeward.geo.selectors import MUNICIPALITY_KINDS
from homeward.programmes.models import Project
from homeward.registry.duplicates import DuplicateCandidate, find_duplicates
from homeward.registry.models import (
    WASHINGTON_GROUP_DOMAINS,
    Consent,
    Difficulty,
    DuplicateAcknowledgement,
    Household,
    IdentityDocument,
    NameTokenVariant,
    Person,
    PersonNameToken,
    Relationship,
)
from homeward.registry.validation import (
    clean_text,
    date_of_birth_error,
    household_member_errors,
    name_error,
    national_id_check,
    normalise_phone,
    phone_error,
)

HOUSEHOLD_FIELDS = [
    "current_municipality",
    "current_settlement",
    "address",
    "accommodation",
    "origin_municipality",
    "origin_settlement",
    "phone",
    "return_intention",
    "notes",
]
PERSON_FIELDS = [
    "relationship_to_head",
    "first_name",
    "father_name",
    "last_name",
    "sex",
    "date_of_birth",
    "date_of_birth_estimated",
    "national_id",
    "phone",
    "displacement_status",
    *[name for name, _label in WASHINGTON_GROUP_DOMAINS],
    "chronic_illness",
    "single_parent",
    "older_person_alone",
    "unaccompanied_child",
]


def _created(record, fields) -> dict:
    """The audit changes of a new record: what was filled in (an unticked box is no news)."""
    return {
        name: change
        for name, change in diff({}, snapshot(record, fields)).items()
        if change["after"] is not False
    }


class PossibleDuplicates(HomewardError):
    """The people being registered look like people already in the registry.

    ``matches`` maps the index of each member concerned to its candidates. The caller shows
    them and may save again with a reason, which is recorded.
    """

    code = "possible_duplicates"
    status = 409

    def __init__(self, matches: dict[int, list[DuplicateCandidate]]):
        self.matches = matches
        super().__init__(
            _(
                "Likely the same people are already registered. Check them; to register anyway, "
                "give the reason."
            ),
            details={
                "matches": {
                    str(index): [candidate.as_dict() for candidate in candidates]
                    for index, candidates in matches.items()
                }
            },
        )


# --- permissions --------------------------------------------------------------------------


def registering_organisations(actor: Actor):
    """The organisations on whose behalf ``actor`` may register households."""
    if actor.scope(Capability.EDIT_REGISTRY).is_global:
        return Organisation.objects.all()
    ids = {
        membership.organisation_id
        for membership in actor.memberships
        if Capability.EDIT_REGISTRY in capabilities_of(membership.role)
    }
    return Organisation.objects.filter(pk__in=ids)


def _require_may_register(actor: Actor, organisation: Organisation, project: Project | None):
    scope = actor.scope(Capability.EDIT_REGISTRY)
    if scope.is_global:
        return
    if not registering_organisations(actor).filter(pk=organisation.pk).exists():
        raise Http404
    covered = organisation.pk in scope.organisation_ids or (
        project is not None and project.pk in scope.project_ids
    )
    if not covered:
        raise ValidationError({"project": _("Choose one of the projects you work on.")})


def may_edit(actor: Actor, household: Household) -> bool:
    """Whether ``actor`` may change ``household``: the pages ask it to offer the buttons, the
    services to refuse the change."""
    scope = actor.scope(Capability.EDIT_REGISTRY)
    return (
        scope.is_global
        or household.organisation_id in scope.organisation_ids
        or (household.project_id is not None and household.project_id in scope.project_ids)
    )


def _require_may_edit(actor: Actor, household: Household) -> None:
    if not may_edit(actor, household):
        raise Http404


# --- cleaning -----------------------------------------------------------------------------


def _prefixed(errors: dict[str, str], prefix: str) -> dict[str, str]:
    return {f"{prefix}{name}": message for name, message in errors.items()}


def _clean_household(data: dict, project: Project | None, organisation) -> dict[str, str]:
    """Normalise ``data`` in place; return field errors."""
    errors: dict[str, str] = {}
    for name in ("current_settlement", "address", "origin_settlement", "phone"):
        if name in data:
            data[name] = clean_text(data[name])
    if "notes" in data:
        data["notes"] = (data["notes"] or "").strip()
    current = data.get("current_municipality")
    if "current_municipality" in data and current is None:
        errors["current_municipality"] = _("This field is required.")
    for name in ("current_municipality", "origin_municipality"):
        area = data.get(name)
        if area is not None and (not isinstance(area, Area) or area.kind not in MUNICIPALITY_KINDS):
            errors[name] = _("Choose a municipality.")
    if "accommodation" in data and not data["accommodation"]:
        errors["accommodation"] = _("This field is required.")
    if message := phone_error(data.get("phone", "")):
        errors["phone"] = message
    if project is not None and organisation is not None and not project.involves(organisation):
        errors["project"] = _("%(organisation)s does not work on %(project)s.") % {
            "organisation": organisation.name,
            "project": project.code,
        }
    return errors


def _clean_person(data: dict) -> tuple[dict[str, str], list[str]]:
    """Normalise one person's ``data`` in place; return field errors and warnings."""
    errors: dict[str, str] = {}
    for name in ("first_name", "father_name", "last_name", "phone"):
        if name in data:
            data[name] = clean_text(data[name])
    for name, required in (("first_name", True), ("father_name", False), ("last_name", True)):
        if name in data and (message := name_error(data[name], required=required)):
            errors[name] = message
    for name in ("sex", "displacement_status", "relationship_to_head"):
        if name in data and not data[name]:
            errors[name] = _("This field is required.")
    if message := date_of_birth_error(data.get("date_of_birth")):
        errors["date_of_birth"] = message
    if data.get("date_of_birth_estimated") and data.get("date_of_birth") is None:
        errors["date_of_birth"] = _("Give at least the year of birth.")
    if data.get("date_of_birth_estimated") and data.get("date_of_birth"):
        # A year only is stored as 1 January of that year, flagged as estimated.
        data["date_of_birth"] = data["date_of_birth"].replace(month=1, day=1)
    warnings: list[str] = []
    if "national_id" in data:
        value, message, warnings = national_id_check(data)
        data["national_id"] = value
        if message:
            errors["national_id"] = message
    if message := phone_error(data.get("phone", "")):
        errors["phone"] = message
    for name, _label in WASHINGTON_GROUP_DOMAINS:
        if data.get(name) in ("", None):
            data[name] = None
        elif name in data and data[name] not in Difficulty.values:
            errors[name] = _("Choose one of the answers.")
    # What the model refuses besides (a choice it does not offer, a name too long) is found
    # here, before anything is saved, so that it is named with the member it belongs to.
    candidate = Person(**{name: data[name] for name in PERSON_FIELDS if name in data})
    unchecked = [field.name for field in Person._meta.fields if field.name not in data]
    try:
        candidate.clean_fields(exclude=[*unchecked, *errors])
    except ValidationError as invalid:
        for name, messages in invalid.message_dict.items():
            errors.setdefault(name, " ".join(messages))
    return errors, warnings


_FLAGS = (
    "date_of_birth_estimated",
    "chronic_illness",
    "single_parent",
    "older_person_alone",
    "unaccompanied_child",
)


def _fill_blanks(data: dict) -> None:
    """What was left out of a person's ``data`` is empty text or an unticked box."""
    for name in ("father_name", "national_id", "phone"):
        data[name] = data.get(name) or ""
    for name in _FLAGS:
        data[name] = bool(data.get(name))


def _set_derived(person: Person) -> None:
    person.first_key = fold(person.first_name)
    person.father_key = fold(person.father_name)
    person.last_key = fold(person.last_name)
    person.phone_key = normalise_phone(person.phone)
    person.has_disability = any(
        (getattr(person, name) or 0) >= Difficulty.A_LOT
        for name, _label in WASHINGTON_GROUP_DOMAINS
    )


def index_names(person: Person, *, replace: bool) -> None:
    """Write the person's name tokens, and add new words to the variant dictionary."""
    tokens = set(name_tokens(f"{person.first_name} {person.father_name} {person.last_name}"))
    if replace:
        PersonNameToken.objects.filter(person=person).exclude(token__in=tokens).delete()
        tokens -= set(PersonNameToken.objects.filter(person=person).values_list("token", flat=True))
    PersonNameToken.objects.bulk_create(
        [PersonNameToken(person=person, token=token) for token in tokens]
    )
    index_words(tokens)


def index_words(tokens) -> None:
    """Add ``tokens`` that the dictionary does not know yet, with their one-deletion variants."""
    tokens = set(tokens)
    if not tokens:
        return
    known = set(
        NameTokenVariant.objects.filter(variant__in=tokens, token__in=tokens)
        .filter(variant=F("token"))
        .values_list("token", flat=True)
    )
    NameTokenVariant.objects.bulk_create(
        [
            NameTokenVariant(variant=variant, token=token)
            for token in tokens - known
            for variant in deletion_variants(token)
            if variant
        ],
        ignore_conflicts=True,
    )


# --- duplicates ---------------------------------------------------------------------------


def _acknowledge(
    actor: Actor, person: Person, candidates: list[DuplicateCandidate], reason: str
) -> None:
    for candidate in candidates:
        DuplicateAcknowledgement.objects.create(
            person=person,
            other_person_id=candidate.person_id,
            matched_on=candidate.matched_on,
            reason=reason,
            acknowledged_by=actor.user,
        )


# --- households ---------------------------------------------------------------------------


def _next_number(household: Household) -> str:
    return f"H-{household.pk:06d}"


@service
def household_register(
    *,
    actor: Actor,
    organisation: Organisation,
    project: Project | None = None,
    household: dict,
    members: list[dict],
    consent_purposes: list[str] = (),
    consent_given_on=None,
    duplicate_reason: str = "",
) -> Household:
    """Register a household with all its members in one go: all of it is saved, or nothing.

    Likely duplicates of a member stop the registration (``PossibleDuplicates``) unless
    ``duplicate_reason`` says why to go ahead; the reason is recorded with each match.
    Returns the household, with ``warnings`` (JMBG disagreements) attached for the caller.
    """
    _require_may_register(actor, organisation, project)
    household = {name: household.get(name) for name in HOUSEHOLD_FIELDS if name in household}
    for name in ("current_settlement", "address", "origin_settlement", "phone", "notes"):
        household.setdefault(name, "")
    household.setdefault("return_intention", "")
    errors = _clean_household(household, project, organisation)
    members = [{name: member.get(name) for name in PERSON_FIELDS} for member in members]
    warnings: list[str] = []
    if not members:
        errors["members"] = _("Register at least one person: the head of household.")
    for index, member in enumerate(members):
        _fill_blanks(member)
        member_errors, member_warnings = _clean_person(member)
        errors.update(_prefixed(member_errors, f"members.{index}."))
        warnings.extend(f"{member.get('first_name', '')}: {warning}" for warning in member_warnings)
    for index, member_errors in household_member_errors(members).items():
        for name, message in member_errors.items():
            errors.setdefault(f"members.{index}.{name}", message)
    unknown_purposes = [p for p in consent_purposes or () if p not in Consent.Purpose.values]
    if unknown_purposes:
        errors["consent_purposes"] = Consent._meta.get_field("purpose").error_messages[
            "invalid_choice"
        ] % {"value": unknown_purposes[0]}
    if consent_purposes and consent_given_on and consent_given_on > timezone.localdate():
        errors["consent_given_on"] = _("Give the date on which consent was given.")
    if errors:
        raise ValidationError(errors)

    matches = {
        index: candidates
        for index, member in enumerate(members)
        if (candidates := find_duplicates(actor=actor, person=member))
    }
    reason = (duplicate_reason or "").strip()
    if matches and not reason:
        raise PossibleDuplicates(matches)

    record = Household(
        number=uuid.uuid4().hex[:20],
        organisation=organisation,
        project=project,
        registered_on=timezone.localdate(),
        registered_by=actor.user,
        **household,
    )
    record.phone_key = normalise_phone(record.phone)
    record.full_clean(exclude=["number"])
    record.save()
    record.number = _next_number(record)
    Household.objects.filter(pk=record.pk).update(number=record.number)
    audit_record(
        actor=actor,
        action="household.register",
        target=record,
        changes=_created(record, ["organisation", "project", *HOUSEHOLD_FIELDS]),
    )
    people = []
    for index, member in enumerate(members):
        person = Person(household=record, **member)
        _set_derived(person)
        person.full_clean(exclude=["household"])
        person.save()
        index_names(person, replace=False)
        people.append(person)
        changes = _created(person, PERSON_FIELDS)
        if index in matches:
            _acknowledge(actor, person, matches[index], reason)
            changes["duplicate_reason"] = {"before": None, "after": reason}
        audit_record(
            actor=actor,
            action="person.register",
            target=person,
            changes=changes,
        )
    head = next(p for p in people if p.relationship_to_head == Relationship.HEAD)
    if consent_purposes:
        given_on = consent_given_on or timezone.localdate()
        for purpose in consent_purposes:
            consent_record(actor=actor, person=head, purpose=purpose, given_on=given_on)
    record.warnings = warnings
    return record


@service
def household_update(
    *, actor: Actor, household: Household, expected_version: int | None, **changes
) -> Household:
    _require_may_edit(actor, household)
    unknown = set(changes) - set(HOUSEHOLD_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in unknown})
    errors = _clean_household(changes, None, None)
    if errors:
        raise ValidationError(errors)
    before = snapshot(household, HOUSEHOLD_FIELDS)
    for name, value in changes.items():
        setattr(household, name, value)
    household.phone_key = normalise_phone(household.phone)
    household.full_clean(validate_unique=False)
    changed = diff(before, snapshot(household, HOUSEHOLD_FIELDS))
    if not changed:
        raise NothingChanged(household)
    fields = [*changed, "phone_key"] if "phone" in changed else list(changed)
    save_versioned(household, expected_version=expected_version, fields=fields)
    audit_record(actor=actor, action="household.update", target=household, changes=changed)
    return household


# --- people -------------------------------------------------------------------------------


def _members_after(household: Household, person: Person | None, data: dict) -> list[dict]:
    """The household's members as they would be with ``person`` changed to ``data``
    (or added, when ``person`` is None), for the household-wide checks."""
    rows = []
    for member in household.members.all():
        if person is not None and member.pk == person.pk:
            continue
        rows.append({name: getattr(member, name) for name in PERSON_FIELDS})
    rows.append(data)
    return rows


@service
def person_add(
    *, actor: Actor, household: Household, person: dict, duplicate_reason: str = ""
) -> Person:
    """Add a member to an existing household (a birth, a relative moving in)."""
    _require_may_edit(actor, household)
    data = {name: person.get(name) for name in PERSON_FIELDS}
    _fill_blanks(data)
    errors, warnings = _clean_person(data)
    if not errors:
        member_errors = household_member_errors(_members_after(household, None, data))
        errors.update(member_errors.get(household.members.count(), {}))
    if errors:
        raise ValidationError(errors)
    candidates = find_duplicates(actor=actor, person=data)
    reason = (duplicate_reason or "").strip()
    if candidates and not reason:
        raise PossibleDuplicates({0: candidates})
    record = Person(household=household, **data)
    _set_derived(record)
    record.full_clean()
    record.save()
    index_names(record, replace=False)
    changes = _created(record, PERSON_FIELDS)
    if candidates:
        _acknowledge(actor, record, candidates, reason)
        changes["duplicate_reason"] = {"before": None, "after": reason}
    audit_record(
        actor=actor,
        action="person.add",
        target=record,
        changes=changes,
    )
    record.warnings = warnings
    return record


@service
def person_update(
    *, actor: Actor, person: Person, expected_version: int | None, **changes
) -> Person:
    household = person.household
    _require_may_edit(actor, household)
    unknown = set(changes) - set(PERSON_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in unknown})
    data = {name: getattr(person, name) for name in PERSON_FIELDS}
    data.update(changes)
    for name in ("father_name", "national_id", "phone"):
        data[name] = data.get(name) or ""
    errors, warnings = _clean_person(data)
    if (
        not errors
        and changes.get("relationship_to_head") == Relationship.HEAD
        and person.relationship_to_head != Relationship.HEAD
    ):
        errors["relationship_to_head"] = _(
            "To make this person the head, use “Change head of household”."
        )
    if not errors:
        rows = _members_after(household, person, data)
        errors.update(household_member_errors(rows).get(len(rows) - 1, {}))
    if errors:
        raise ValidationError(errors)
    if data["national_id"] and data["national_id"] != person.national_id:
        clash = [
            candidate
            for candidate in find_duplicates(actor=actor, person=data, exclude=person.pk)
            if candidate.matched_on == "national_id"
        ]
        if clash:
            raise ValidationError(
                {
                    "national_id": _("This JMBG is already registered: %(where)s")
                    % {"where": clash[0].describe()}
                }
            )
    before = snapshot(person, PERSON_FIELDS)
    for name in PERSON_FIELDS:
        setattr(person, name, data[name])
    _set_derived(person)
    person.full_clean(validate_unique=False, validate_constraints=False)
    changed = diff(before, snapshot(person, PERSON_FIELDS))
    if not changed:
        raise NothingChanged(person)
    derived = ["first_key", "father_key", "last_key", "phone_key", "has_disability"]
    save_versioned(person, expected_version=expected_version, fields=[*changed, *derived])
    if {"first_name", "father_name", "last_name"} & set(changed):
        index_names(person, replace=True)
    audit_record(
        actor=actor,
        action="person.update",
        target=person,
        changes=changed,
    )
    person.warnings = warnings
    return person


def _check_version(record, expected_version: int | None) -> None:
    if expected_version is not None and record.version != expected_version:
        raise ConflictError(
            details={"your_version": expected_version, "current_version": record.version}
        )


@service
def household_change_head(
    *,
    actor: Actor,
    household: Household,
    new_head: Person,
    previous_head_relationship: str,
    relationships: dict[int, str] | None = None,
) -> Household:
    """Make ``new_head`` the head. Every relationship is to the head, so each changes with it:
    the previous head takes ``previous_head_relationship`` and the other members the ones in
    ``relationships`` (by person id; a member left out keeps theirs). The result must make
    sense as a family: children younger than the new head, parents older."""
    _require_may_edit(actor, household)
    if new_head.household_id != household.pk:
        raise ValidationError({"new_head": _("Choose a member of this household.")})
    if new_head.relationship_to_head == Relationship.HEAD:
        raise NothingChanged(household)
    members = list(household.members.all())
    previous = next((m for m in members if m.relationship_to_head == Relationship.HEAD), None)
    relationships = dict(relationships or {})
    if previous is not None:
        relationships[previous.pk] = previous_head_relationship
    errors: dict[str, str] = {}
    after: dict[int, str] = {}
    for member in members:
        if member.pk == new_head.pk:
            after[member.pk] = Relationship.HEAD
            continue
        relationship = relationships.get(member.pk, member.relationship_to_head)
        if relationship not in Relationship.values or relationship == Relationship.HEAD:
            field = (
                "previous_head_relationship"
                if previous is not None and member.pk == previous.pk
                else f"relationships.{member.pk}"
            )
            errors[field] = _("Choose %(name)s's relationship to the new head.") % {
                "name": member.first_name
            }
        after[member.pk] = relationship
    if not errors:
        rows = []
        for member in members:
            row = {name: getattr(member, name) for name in PERSON_FIELDS}
            row["relationship_to_head"] = after[member.pk]
            rows.append(row)
        for index, member_errors in household_member_errors(rows).items():
            member = members[index]
            field = (
                "previous_head_relationship"
                if previous is not None and member.pk == previous.pk
                else f"relationships.{member.pk}"
            )
            errors.setdefault(field, " ".join(member_errors.values()))
    if errors:
        raise ValidationError(errors)
    changes = {}
    # The previous head steps down first: a household never has two heads, not even for a
    # moment inside this transaction (a unique constraint guards it).
    ordered = sorted(members, key=lambda m: m.pk == new_head.pk)
    for member in ordered:
        if after[member.pk] == member.relationship_to_head:
            continue
        Person.objects.filter(pk=member.pk).update(
            relationship_to_head=after[member.pk], version=F("version") + 1
        )
        changes[f"{member.full_name}: relationship_to_head"] = {
            "before": member.relationship_to_head,
            "after": after[member.pk],
        }
    changes["head"] = {
        "before": previous.full_name if previous else None,
        "after": new_head.full_name,
    }
    audit_record(actor=actor, action="household.change_head", target=household, changes=changes)
    return household


@service
def person_move(
    *,
    actor: Actor,
    person: Person,
    to_household: Household,
    relationship_to_head: str,
    expected_version: int | None = None,
) -> Person:
    """Move a person to another household, recorded in the history of both."""
    from_household = person.household
    _require_may_edit(actor, from_household)
    _require_may_edit(actor, to_household)
    _check_version(person, expected_version)
    if to_household.pk == from_household.pk:
        raise ValidationError({"to_household": _("The person is already in this household.")})
    if person.relationship_to_head == Relationship.HEAD and from_household.members.count() > 1:
        raise ValidationError(
            {
                "person": _(
                    "This person is the head of a household with other members: choose a new "
                    "head first."
                )
            }
        )
    if relationship_to_head == Relationship.HEAD and to_household.members.exists():
        raise ValidationError(
            {"relationship_to_head": _("The other household already has a head.")}
        )
    if relationship_to_head not in Relationship.values:
        raise ValidationError({"relationship_to_head": _("This field is required.")})
    data = {name: getattr(person, name) for name in PERSON_FIELDS}
    data["relationship_to_head"] = relationship_to_head
    rows = _members_after(to_household, None, data)
    member_errors = household_member_errors(rows).get(len(rows) - 1, {})
    if member_errors:
        raise ValidationError(member_errors)
    before = {
        "household": from_household.number,
        "relationship_to_head": person.relationship_to_head,
    }
    person.household = to_household
    person.relationship_to_head = relationship_to_head
    save_versioned(
        person, expected_version=person.version, fields=["household", "relationship_to_head"]
    )
    after = {"household": to_household.number, "relationship_to_head": relationship_to_head}
    audit_record(
        actor=actor,
        action="person.move",
        target=person,
        changes=diff(before, after),
    )
    for household, action in (
        (from_household, "household.member_left"),
        (to_household, "household.member_joined"),
    ):
        audit_record(
            actor=actor,
            action=action,
            target=household,
            changes={"member": {"before": None, "after": person.full_name}},
        )
    return person


@service
def household_split(
    *,
    actor: Actor,
    household: Household,
    people: list[Person],
    new_head: Person,
    relationships: dict[int, str] | None = None,
    changes: dict | None = None,
) -> Household:
    """Split ``people`` off into a new household headed by ``new_head`` (a son who married
    and moved out with his family). The new household starts as a copy of the old one's
    location and situation, with ``changes`` applied."""
    _require_may_edit(actor, household)
    people = list({person.pk: person for person in people}.values())
    if not people or new_head not in people:
        raise ValidationError({"new_head": _("The new head must be one of the people who leave.")})
    if any(person.household_id != household.pk for person in people):
        raise ValidationError({"people": _("Choose members of this household.")})
    if len(people) == household.members.count():
        raise ValidationError({"people": _("At least one person must stay in the household.")})
    if any(person.relationship_to_head == Relationship.HEAD for person in people):
        raise ValidationError(
            {"people": _("The head stays: choose a new head first if the head is leaving.")}
        )
    relationships = relationships or {}
    data = {name: getattr(household, name) for name in HOUSEHOLD_FIELDS}
    data.update(changes or {})
    errors = _clean_household(data, None, None)
    if errors:
        raise ValidationError(errors)
    new = Household(
        number=uuid.uuid4().hex[:20],
        organisation=household.organisation,
        project=household.project,
        registered_on=timezone.localdate(),
        registered_by=actor.user,
        split_from=household,
        **data,
    )
    new.phone_key = normalise_phone(new.phone)
    new.full_clean(exclude=["number"])
    new.save()
    new.number = _next_number(new)
    Household.objects.filter(pk=new.pk).update(number=new.number)
    audit_record(
        actor=actor,
        action="household.split",
        target=new,
        changes={
            "split_from": {"before": None, "after": household.number},
            **_created(new, HOUSEHOLD_FIELDS),
        },
    )
    for person in sorted(people, key=lambda p: p.pk != new_head.pk):
        relationship = (
            Relationship.HEAD
            if person.pk == new_head.pk
            else relationships.get(person.pk, Relationship.OTHER_RELATIVE)
        )
        person_move(actor=actor, person=person, to_household=new, relationship_to_head=relationship)
    return new


# --- documents and consent ----------------------------------------------------------------


@service
def document_record(
    *,
    actor: Actor,
    person: Person,
    kind: str,
    status: str,
    number: str = "",
    expires_on=None,
    notes: str = "",
) -> IdentityDocument:
    """Record which document a person holds or lacks; one row per kind, updated in place."""
    _require_may_edit(actor, person.household)
    document = IdentityDocument.objects.filter(person=person, kind=kind).first()
    fields = ["status", "number", "expires_on", "notes"]
    before = snapshot(document, fields) if document else {}
    if document is None:
        document = IdentityDocument(person=person, kind=kind)
    document.status = status
    document.number = clean_text(number)
    document.expires_on = expires_on
    document.notes = clean_text(notes)
    document.full_clean(validate_unique=False, validate_constraints=False)
    changed = diff(before, snapshot(document, fields))
    if not changed:
        raise NothingChanged(document)
    document.save()
    refresh_missing_documents(person)
    audit_record(
        actor=actor,
        action="person.document",
        target=person,
        changes={f"{kind}.{name}": change for name, change in changed.items()},
    )
    return document


def refresh_missing_documents(person: Person) -> None:
    missing = person.documents.filter(
        status__in=[IdentityDocument.Status.MISSING, IdentityDocument.Status.EXPIRED]
    ).exists()
    if missing != person.missing_documents:
        Person.objects.filter(pk=person.pk).update(missing_documents=missing)
        person.missing_documents = missing


@service
def consent_record(
    *, actor: Actor, person: Person, purpose: str, given_on, taken_by=None
) -> Consent:
    _require_may_edit(actor, person.household)
    taken_by = taken_by or actor.user
    if taken_by is None:
        raise ValidationError({"taken_by": _("Say who took the consent.")})
    if given_on is None or given_on > timezone.localdate():
        raise ValidationError({"given_on": _("Give the date on which consent was given.")})
    consent = Consent(person=person, purpose=purpose, given_on=given_on, taken_by=taken_by)
    consent.full_clean()
    consent.save()
    audit_record(
        actor=actor,
        action="person.consent",
        target=person,
        changes={
            f"consent.{purpose}": {"before": None, "after": given_on},
            "consent.taken_by": {"before": None, "after": taken_by.get_username()},
        },
    )
    return consent


@service
def consent_withdraw(*, actor: Actor, consent: Consent, withdrawn_on=None) -> Consent:
    _require_may_edit(actor, consent.person.household)
    if consent.withdrawn_on is not None:
        raise NothingChanged(consent)
    withdrawn_on = withdrawn_on or timezone.localdate()
    try:
        MinValueValidator(consent.given_on)(withdrawn_on)
        MaxValueValidator(timezone.localdate())(withdrawn_on)
    except ValidationError as invalid:
        raise ValidationError({"withdrawn_on": invalid.messages}) from None
    consent.withdrawn_on = withdrawn_on
    consent.save(update_fields=["withdrawn_on"])
    audit_record(
        actor=actor,
        action="person.consent_withdrawn",
        target=consent.person,
        changes={f"consent.{consent.purpose}": {"before": consent.given_on, "after": None}},
    )
    return consent
