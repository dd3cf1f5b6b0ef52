"""A household's history, told in words: the audit rows of the household and its members with
field names, choices, places and dates as people read them, in the language of the page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from homeward.accounts.models import Organisation, User
from homeward.casework.panels import history_actions
from homeward.geo.models import Area
from homeward.registry.models import Consent, IdentityDocument, Person

ACTIONS = {
    "household.register": gettext_lazy("Household registered"),
    "household.update": gettext_lazy("Household changed"),
    "household.split": gettext_lazy("Household formed by a split"),
    "household.change_head": gettext_lazy("Head of household changed"),
    "household.member_left": gettext_lazy("A member left"),
    "household.member_joined": gettext_lazy("A member joined"),
    "person.register": gettext_lazy("Person registered"),
    "person.add": gettext_lazy("Member added"),
    "person.update": gettext_lazy("Person changed"),
    "person.move": gettext_lazy("Moved to another household"),
    "person.document": gettext_lazy("Document recorded"),
    "person.consent": gettext_lazy("Consent recorded"),
    "person.consent_withdrawn": gettext_lazy("Consent withdrawn"),
    "person.merge": gettext_lazy("Record merged"),
    "person.merge_undo": gettext_lazy("Merge undone"),
}
_EXTRA_LABELS = {
    "duplicate_reason": gettext_lazy("reason for registering despite a likely duplicate"),
    "split_from": gettext_lazy("split from"),
    "head": gettext_lazy("head of household"),
    "member": gettext_lazy("member"),
    "consent.taken_by": gettext_lazy("taken by"),
    "imported_from": gettext_lazy("imported from"),
    "merged_record": gettext_lazy("record merged into this one"),
    "kept_record": gettext_lazy("merged into"),
    "rows_moved": gettext_lazy("moved to the record kept"),
    "rows_removed": gettext_lazy("removed with the merged record"),
}


def merged_records(person_ids) -> tuple[set[str], set[str]]:
    """The ids of the people merged into ``person_ids`` (and into those, and so on) and of the
    households that went with them: their history is the kept record's history too."""
    Merge = apps.get_model("dedup", "Merge")
    people: set[int] = set()
    households: set[str] = set()
    into = {int(pk) for pk in person_ids}
    while into:
        merges = Merge.objects.filter(kept__in=into, undone_at__isnull=True).exclude(
            merged__in=people
        )
        into = set()
        for merged, snapshot in merges.values_list("merged", "snapshot"):
            into.add(merged)
            households.update(
                str(row["pk"]) for row in snapshot if row.get("model") == "registry.household"
            )
        people |= into
    return {str(pk) for pk in people}, households


@dataclass
class Change:
    label: str
    before: str
    after: str


@dataclass
class Entry:
    event: object
    title: str
    changes: list[Change]


def _format(value, field, areas: dict[str, Area], organisations: dict[str, str], users) -> str:
    if value is None or value == "":
        return "—"
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    if field is not None and getattr(field, "choices", None):
        return str(dict(field.choices).get(value, value))
    if field is not None and field.is_relation and field.related_model is Area:
        area = areas.get(str(value))
        return area.full_name if area else str(value)
    if field is not None and field.is_relation and field.related_model is Organisation:
        return organisations.get(str(value), str(value))
    if field is not None and field.is_relation and field.related_model is User:
        return users.get(str(value), str(value))
    if isinstance(value, str) and len(value) > 10 and value[10:11] == "T":
        try:
            moment = localtime(datetime.fromisoformat(value))
        except ValueError:
            return value
        return date_format(moment, "SHORT_DATETIME_FORMAT")
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return date_format(date.fromisoformat(value), "SHORT_DATE_FORMAT")
        except ValueError:
            return value
    return str(value)


def _field(model, name):
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    # A change named after a reverse relation ("items" of a delivery) is no field of the row.
    return field if hasattr(field, "verbose_name") else None


def _label(model, name: str, field) -> str:
    if field is not None:
        return str(field.verbose_name)
    if name in _EXTRA_LABELS:
        return str(_EXTRA_LABELS[name])
    prefix, _dot, rest = name.partition(".")
    if prefix in IdentityDocument.Kind.values:
        document_field = _field(IdentityDocument, rest)
        kind = IdentityDocument.Kind(prefix).label
        return f"{kind}: {document_field.verbose_name if document_field else rest}"
    if prefix == "consent" and rest in Consent.Purpose.values:
        return f"{_('consent')}: {Consent.Purpose(rest).label}"
    return name


def _field_of(model, name: str):
    field = _field(model, name)
    if field is not None:
        return field
    prefix, _dot, rest = name.partition(".")
    if prefix in IdentityDocument.Kind.values:
        return _field(IdentityDocument, rest)
    return None


def _model_of(target_type: str):
    """The model an audit row is about: a casework record (a delivery, an enrolment) names its
    fields and choices the same way as the registry's own."""
    try:
        return apps.get_model(target_type)
    except (LookupError, ValueError):
        return Person


def readable(events) -> list[Entry]:
    events = list(events)
    codes = {
        str(change.get(side))
        for event in events
        for name, change in (event.changes or {}).items()
        if name.endswith("municipality")
        for side in ("before", "after")
        if change.get(side)
    }
    areas = {
        area.code: area for area in Area.objects.filter(code__in=codes).select_related("parent")
    }
    organisations = dict(Organisation.objects.values_list("code", "name"))
    # Casework rows name who approved or took a handover by user id.
    user_ids = {
        str(change.get(side))
        for event in events
        for name, change in (event.changes or {}).items()
        if name.endswith("_by")
        for side in ("before", "after")
        if change.get(side)
    }
    users = {
        str(pk): username
        for pk, username in User.objects.filter(
            pk__in=[pk for pk in user_ids if pk.isdigit()]
        ).values_list("pk", "username")
    }
    actions = ACTIONS | history_actions()
    entries = []
    for event in events:
        model = _model_of(event.target_type)
        changes = []
        for name, change in (event.changes or {}).items():
            field = _field_of(model, name)
            changes.append(
                Change(
                    label=_label(model, name, _field(model, name)),
                    before=_format(change.get("before"), field, areas, organisations, users),
                    after=_format(change.get("after"), field, areas, organisations, users),
                )
            )
        title = str(actions.get(event.action, event.action))
        entries.append(Entry(event=event, title=title, changes=changes))
    return entries
