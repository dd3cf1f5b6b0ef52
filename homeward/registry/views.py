"""The registry pages: search, registration with all members at once, the household page and
the changes a family's life brings (a new member, a move, a split, a new head)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from homeward.accounts.roles import Capability
from homeward.casework.panels import household_panels
from homeward.core.audit import audit_read
from homeward.core.errors import ConflictError, ValidationError
from homeward.core.scope import require
from homeward.core.views_util import apply_errors, conflict_rows, submit_versioned
from homeward.programmes.selectors import project_list
from homeward.registry import selectors
from homeward.registry.duplicates import find_duplicates
from homeward.registry.forms import (
    ChangeHeadForm,
    ConsentForm,
    DocumentForm,
    DuplicateReasonForm,
    HouseholdEditForm,
    MemberFormSet,
    MoveForm,
    PersonEditForm,
    PersonForm,
    RegistrationForm,
    RegistrySearchForm,
    SplitForm,
)
from homeward.registry.history import readable
from homeward.registry.jmbg import InvalidJmbg, normalise_jmbg, parse_jmbg
from homeward.registry.models import Person, Sex
from homeward.registry.services import (
    HOUSEHOLD_FIELDS,
    PossibleDuplicates,
    consent_record,
    consent_withdraw,
    document_record,
    household_change_head,
    household_register,
    household_split,
    household_update,
    may_edit,
    person_add,
    person_move,
    person_update,
    registering_organisations,
)

PAGE_SIZE = 50


def _editable_household(actor, number):
    household = selectors.household_get(actor=actor, number=number)
    if not may_edit(actor, household):
        raise Http404
    return household


def _editable_person(actor, pk):
    person = selectors.person_get(actor=actor, pk=pk)
    if not may_edit(actor, person.household):
        raise Http404
    return person


@login_required
@require_GET
def registry_search(request):
    actor = request.actor
    require(actor, Capability.VIEW_PERSONAL_DATA)
    form = RegistrySearchForm(request.GET or None, projects=project_list(actor=actor))
    show = "people"
    results = None
    sort = ""
    if form.is_bound and form.is_valid():
        show = form.cleaned_data.get("show") or "people"
        sort = form.cleaned_data.get("sort") or ""
        filters = form.filters()
        if show == "households":
            rows = selectors.household_search(actor=actor, ordering=sort or "number", **filters)
        else:
            rows = selectors.person_search(actor=actor, ordering=sort or "name", **filters)
        results = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("sort", None)
    return render(
        request,
        "registry/search.html",
        {
            "form": form,
            "show": show,
            "page": results,
            "sort": sort,
            "query": query.urlencode(),
            "can_register": actor.can(Capability.EDIT_REGISTRY),
        },
    )


@login_required
def household_register_view(request):
    actor = request.actor
    require(actor, Capability.EDIT_REGISTRY)
    organisations = registering_organisations(actor)
    projects = project_list(actor=actor)
    form = RegistrationForm(request.POST or None, organisations=organisations, projects=projects)
    formset = MemberFormSet(request.POST or None, prefix="members")
    matches = None
    warnings: list[str] = []
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        members = [
            member.person_data()
            for index, member in enumerate(formset.forms)
            if index == 0 or member.has_changed()
        ]
        try:
            household = household_register(
                actor=actor,
                organisation=form.cleaned_data["organisation"],
                project=form.cleaned_data.get("project"),
                household={name: form.cleaned_data.get(name) for name in HOUSEHOLD_FIELDS},
                members=members,
                consent_purposes=form.cleaned_data.get("consent_purposes") or [],
                consent_given_on=form.cleaned_data.get("consent_given_on"),
                duplicate_reason=form.cleaned_data.get("duplicate_reason") or "",
            )
        except PossibleDuplicates as duplicates:
            matches = [
                (members[index], candidates) for index, candidates in duplicates.matches.items()
            ]
        except ValidationError as error:
            _apply_member_errors(form, formset, error)
        else:
            for warning in household.warnings:
                messages.warning(request, warning)
            messages.success(
                request,
                _("Household %(number)s was registered.") % {"number": household.number},
            )
            return redirect("household", number=household.number)
    return render(
        request,
        "registry/register.html",
        {"form": form, "formset": formset, "matches": matches, "warnings": warnings},
    )


def _apply_member_errors(form, formset, error: ValidationError) -> None:
    """Field errors named ``members.<index>.<field>`` go to that member's row."""
    if not hasattr(error, "error_dict"):
        apply_errors(form, error)
        return
    forms_in_use = [
        member for index, member in enumerate(formset.forms) if index == 0 or member.has_changed()
    ]
    for field, messages_ in error.message_dict.items():
        if field.startswith("members."):
            _prefix, index, name = field.split(".", 2)
            member = forms_in_use[int(index)]
            for message in messages_:
                member.add_error(name if name in member.fields else None, message)
        else:
            for message in messages_:
                form.add_error(field if field in form.fields else None, message)


@login_required
@require_GET
def household_detail(request, number):
    actor = request.actor
    household = selectors.household_get(actor=actor, number=number)
    audit_read(actor=actor, target=household)
    members = selectors.household_members(household)
    return render(
        request,
        "registry/household_detail.html",
        {
            "household": household,
            "members": members,
            "documents": [(p, d) for p in members for d in p.documents.all()],
            "consents": [(p, c) for p in members for c in p.consents.all()],
            "history": readable(
                selectors.household_history(actor=actor, household=household)[:100]
            ),
            "can_edit": may_edit(actor, household),
            "split_into": household.split_into.all(),
            "casework_panels": household_panels(request=request, household=household),
        },
    )


@login_required
def household_edit(request, number):
    actor = request.actor
    household = _editable_household(actor, number)
    initial = {name: getattr(household, name) for name in HOUSEHOLD_FIELDS}
    initial["version"] = household.version
    form = HouseholdEditForm(request.POST or None, initial=initial)

    def save(version):
        changes = {name: form.cleaned_data.get(name) for name in HOUSEHOLD_FIELDS}
        for name in (
            "return_intention",
            "current_settlement",
            "address",
            "origin_settlement",
            "phone",
            "notes",
        ):
            changes[name] = changes[name] or ""
        household_update(actor=actor, household=household, expected_version=version, **changes)

    submission = submit_versioned(
        request,
        form,
        save=save,
        reread=lambda: selectors.household_get(actor=actor, number=number),
        rebuild=lambda data, _current: HouseholdEditForm(data, initial=initial),
    )
    if submission.saved:
        messages.success(request, _("The household was saved."))
        return redirect("household", number=household.number)
    form, conflict = submission.form, submission.conflict
    return render(
        request,
        "registry/household_edit.html",
        {
            "household": household,
            "form": form,
            "conflict": conflict,
            "conflict_rows": conflict_rows(conflict, form),
        },
    )


@login_required
def person_edit(request, pk):
    actor = request.actor
    person = _editable_person(actor, pk)
    form = PersonEditForm(request.POST or None, initial=PersonForm.initial_for(person))
    submission = submit_versioned(
        request,
        form,
        save=lambda version: person_update(
            actor=actor, person=person, expected_version=version, **form.person_data()
        ),
        reread=lambda: selectors.person_get(actor=actor, pk=pk),
        rebuild=lambda data, current: PersonEditForm(data, initial=PersonForm.initial_for(current)),
    )
    if submission.saved:
        for warning in getattr(submission.result, "warnings", []):
            messages.warning(request, warning)
        messages.success(request, _("%(name)s was saved.") % {"name": person.full_name})
        return redirect("household", number=person.household.number)
    form, conflict = submission.form, submission.conflict
    return render(
        request,
        "registry/person_edit.html",
        {
            "person": person,
            "household": person.household,
            "form": form,
            "conflict": conflict,
            "conflict_rows": conflict_rows(conflict, form),
        },
    )


@login_required
def person_add_view(request, number):
    actor = request.actor
    household = _editable_household(actor, number)
    form = PersonForm(request.POST or None)
    reason_form = DuplicateReasonForm(request.POST or None)
    reason_given = reason_form.cleaned_data["duplicate_reason"] if reason_form.is_valid() else ""
    candidates = None
    if request.method == "POST" and form.is_valid():
        try:
            person = person_add(
                actor=actor,
                household=household,
                person=form.person_data(),
                duplicate_reason=reason_given,
            )
        except PossibleDuplicates as duplicates:
            candidates = duplicates.matches[0]
        except ValidationError as error:
            apply_errors(form, error)
        else:
            for warning in person.warnings:
                messages.warning(request, warning)
            messages.success(request, _("%(name)s was added.") % {"name": person.full_name})
            return redirect("household", number=household.number)
    return render(
        request,
        "registry/person_add.html",
        {
            "household": household,
            "form": form,
            "candidates": candidates,
            "reason_form": reason_form,
        },
    )


@login_required
def person_move_view(request, pk):
    actor = request.actor
    person = _editable_person(actor, pk)
    form = MoveForm(request.POST or None, initial={"version": person.version})
    if request.method == "POST" and form.is_valid():
        number = form.cleaned_data["to_household"].strip().upper()
        terms = selectors.parse_query(number)
        try:
            target = _editable_household(actor, terms.household_number or number)
        except Http404:
            form.add_error("to_household", _("No household with this number is open to you."))
        else:
            try:
                person_move(
                    actor=actor,
                    person=person,
                    to_household=target,
                    relationship_to_head=form.cleaned_data["relationship_to_head"],
                    expected_version=form.cleaned_data["version"],
                )
            except ConflictError as error:
                form.add_error(None, error.message)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(
                    request,
                    _("%(name)s moved to household %(number)s.")
                    % {"name": person.full_name, "number": target.number},
                )
                return redirect("household", number=target.number)
    return render(
        request,
        "registry/person_move.html",
        {"person": person, "household": person.household, "form": form},
    )


@login_required
def household_split_view(request, number):
    actor = request.actor
    household = _editable_household(actor, number)
    members = selectors.household_members(household)
    form = SplitForm(request.POST or None, members=members)
    if request.method == "POST" and form.is_valid():
        by_id = {str(person.pk): person for person in members}
        changes = {
            name: form.cleaned_data[name]
            for name in ("current_municipality", "current_settlement", "address")
            if form.cleaned_data.get(name)
        }
        try:
            new = household_split(
                actor=actor,
                household=household,
                people=[by_id[pk] for pk in form.cleaned_data["people"]],
                new_head=by_id[form.cleaned_data["new_head"]],
                changes=changes,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("Household %(number)s was formed from household %(old)s.")
                % {"number": new.number, "old": household.number},
            )
            return redirect("household", number=new.number)
    return render(request, "registry/household_split.html", {"household": household, "form": form})


@login_required
def household_change_head_view(request, number):
    actor = request.actor
    household = _editable_household(actor, number)
    members = selectors.household_members(household)
    form = ChangeHeadForm(request.POST or None, members=members)
    if request.method == "POST" and form.is_valid():
        by_id = {str(person.pk): person for person in members}
        try:
            household_change_head(
                actor=actor,
                household=household,
                new_head=by_id[form.cleaned_data["new_head"]],
                previous_head_relationship=form.cleaned_data["previous_head_relationship"],
                relationships=form.relationships(),
            )
        except ValidationError as error:
            # The service names a member's field ``relationships.<id>``, the form
            # ``relationship_<id>``.
            apply_errors(
                form,
                ValidationError(
                    {
                        field.replace("relationships.", "relationship_"): messages_
                        for field, messages_ in error.message_dict.items()
                    }
                ),
            )
        else:
            messages.success(request, _("The head of household was changed."))
            return redirect("household", number=household.number)
    return render(
        request, "registry/household_change_head.html", {"household": household, "form": form}
    )


@login_required
def person_documents(request, pk):
    actor = request.actor
    person = _editable_person(actor, pk)
    document_form = DocumentForm(request.POST or None, prefix="document")
    if request.method == "POST" and document_form.is_valid():
        try:
            document_record(actor=actor, person=person, **document_form.cleaned_data)
        except ValidationError as error:
            apply_errors(document_form, error)
        else:
            messages.success(request, _("The document was recorded."))
            return redirect("person-documents", pk=person.pk)
    return _documents_page(request, person, document_form, ConsentForm(prefix="consent"))


def _documents_page(request, person, document_form, consent_form, status=200):
    """The documents and consent page, with whichever of its two forms was just sent."""
    return render(
        request,
        "registry/person_documents.html",
        {
            "person": person,
            "household": person.household,
            "documents": person.documents.all(),
            "consents": person.consents.select_related("taken_by"),
            "document_form": document_form,
            "consent_form": consent_form,
        },
        status=status,
    )


@login_required
@require_POST
def person_consent(request, pk):
    actor = request.actor
    person = _editable_person(actor, pk)
    form = ConsentForm(request.POST, prefix="consent")
    if form.is_valid():
        try:
            consent_record(actor=actor, person=person, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The consent was recorded."))
            return redirect("person-documents", pk=person.pk)
    return _documents_page(request, person, DocumentForm(prefix="document"), form, status=400)


@login_required
@require_POST
def consent_withdraw_view(request, pk, consent_id):
    actor = request.actor
    person = _editable_person(actor, pk)
    consent = person.consents.filter(pk=consent_id).first()
    if consent is None:
        raise Http404
    consent_withdraw(actor=actor, consent=consent)
    messages.success(request, _("The consent was marked as withdrawn."))
    return redirect("person-documents", pk=person.pk)


@login_required
@require_GET
def national_id_check(request):
    """The fragment shown beside a JMBG field as soon as it is typed: what the number says,
    or what is wrong with it, and whether it is already registered."""
    actor = request.actor
    require(actor, Capability.EDIT_REGISTRY)
    value = normalise_jmbg(request.GET.get("national_id", ""))
    context = {"value": value}
    if value:
        try:
            jmbg = parse_jmbg(value)
        except InvalidJmbg as invalid:
            context["error"] = invalid.message
        else:
            context["jmbg"] = jmbg
            context["sex_label"] = Sex(jmbg.sex).label
            exclude = request.GET.get("person")
            context["duplicates"] = find_duplicates(
                actor=actor,
                person={"national_id": value},
                exclude=int(exclude) if exclude and exclude.isdigit() else None,
            )
            for candidate in context["duplicates"]:
                if not candidate.visible:
                    # The check tells its user that a record they may not see exists: the
                    # organisation holding it can see who asked, and when.
                    audit_read(
                        actor=actor,
                        target=Person.objects.get(pk=candidate.person_id),
                        action="person.national_id_checked",
                    )
    return render(request, "registry/national_id_check.html", context)
