"""The pages of deduplication: the review queue, one pair side by side with the model's
evidence and the decision on it, the runs that found the pairs, and the merges (with undo).

Only project managers and data protection officers reach them (``RESOLVE_DUPLICATES``), and
only pairs whose two records they may see: a pair with one record out of their scope is only
counted, never named. Every form works without JavaScript; a running job's progress refreshes
itself when it can.
"""

from __future__ import annotations

import io

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from homeward.accounts.roles import Capability
from homeward.casework.assistance.models import Delivery
from homeward.casework.enrolment.models import Enrolment
from homeward.core.audit import audit_read
from homeward.core.errors import HomewardError
from homeward.core.names import fold
from homeward.core.scope import require, scoped
from homeward.core.views_util import apply_errors
from homeward.dedup import merging, selectors, services
from homeward.dedup.evidence import describe_evidence
from homeward.dedup.forms import DecisionForm, MergeForm, QueueFilterForm, RunStartForm
from homeward.dedup.models import CandidatePair, DedupRun
from homeward.exchange.models import PeopleImport
from homeward.programmes.models import Project
from homeward.registry.models import Person

C = Capability
PAIRS_PER_PAGE = 50
RUNS_PER_PAGE = 50


def _refusal(error: Exception) -> str:
    """What a service said when it refused, as one line for a message."""
    if isinstance(error, HomewardError):
        return str(error.message)
    return " ".join(error.messages)


def _percent(probability: float) -> str:
    # One decimal: 99.96 % rounded to "100 %" would claim a certainty the model does not have.
    return number_format(int(probability * 1000) / 10, 1)


# --- the queue and the start of a run ------------------------------------------------------


def run_projects(actor):
    return scoped(Project.objects.order_by("code"), actor, C.RESOLVE_DUPLICATES)


def run_imports(actor):
    imports = PeopleImport.objects.filter(status=PeopleImport.Status.IMPORTED)
    return scoped(imports.order_by("-created_at", "-id"), actor, C.RESOLVE_DUPLICATES)


def queue_rows(actor, pairs) -> list[dict]:
    pairs = list(pairs)
    ids = {pair.person_a for pair in pairs} | {pair.person_b for pair in pairs}
    people = {
        person.pk: person
        for person in selectors.people_in_scope(actor)
        .filter(pk__in=ids)
        .select_related("household__organisation")
    }
    return [
        {
            "pair": pair,
            "percent": _percent(pair.match_probability),
            "a": people.get(pair.person_a),
            "b": people.get(pair.person_b),
        }
        for pair in pairs
    ]


def _queue(request, *, run_form, status=200):
    actor = request.actor
    form = QueueFilterForm(request.GET or None, projects=run_projects(actor))
    filters = form.filters()
    pairs = selectors.pairs_for_review(actor=actor, **filters)
    page = Paginator(pairs, PAIRS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "rows": queue_rows(actor, page),
        "hidden": selectors.pairs_hidden_count(actor=actor, status=filters["status"]),
        "status_label": CandidatePair.Status(filters["status"][0]).label,
        "run_form": run_form,
        "latest_run": selectors.runs_for(actor=actor).first(),
    }
    return render(request, "dedup/queue.html", context, status=status)


def _run_form(actor, data=None) -> RunStartForm:
    # Its own ids: the queue's filters on the same page have a "project" field too.
    return RunStartForm(
        data, projects=run_projects(actor), imports=run_imports(actor), auto_id="id_run_%s"
    )


@login_required
@require_safe
def queue(request):
    require(request.actor, C.RESOLVE_DUPLICATES)
    return _queue(request, run_form=_run_form(request.actor))


@login_required
@require_POST
def run_start(request):
    actor = request.actor
    require(actor, C.RESOLVE_DUPLICATES)
    form = _run_form(actor, request.POST)
    if form.is_valid():
        try:
            run = services.dedup_run_start(actor=actor, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return redirect("dedup-run", pk=run.pk)
    return _queue(request, run_form=form, status=400)


# --- one pair ----------------------------------------------------------------------------


def strength(entry: dict) -> str:
    """How strongly one field speaks for or against, in words a reviewer reads at a glance."""
    factor = entry.get("bayes_factor")
    if factor is None or entry.get("direction") == "neutral":
        return _("says nothing either way")
    times = factor if factor >= 1 else 1 / max(factor, 1e-12)
    shown = number_format(times, 0 if times >= 10 else 1, use_l10n=True, force_grouping=True)
    if entry.get("direction") == "against":
        return _("%(times)s times less likely the same") % {"times": shown}
    return _("%(times)s times more likely the same") % {"times": shown}


def evidence_rows(pair) -> list[dict]:
    return [
        entry | {"strength": strength(entry)} for entry in describe_evidence(pair.evidence or [])
    ]


def _relevant(model, actor, person):
    """Rows of ``model`` for ``person`` or for their whole household, that ``actor`` may see."""
    rows = model.objects.filter(
        Q(person=person) | Q(household_id=person.household_id, person__isnull=True)
    )
    return scoped(rows, actor, C.RESOLVE_DUPLICATES)


def _facts(actor, person: Person | None) -> dict:
    if person is None:
        return {}
    household = person.household
    members = household.members.exclude(pk=person.pk).order_by("pk")
    enrolments = (
        _relevant(Enrolment, actor, person).select_related("project").order_by("project__code")
    )
    delivered = _relevant(Delivery, actor, person).filter(status__in=Delivery.HANDED_OVER)
    born = ""
    if person.date_of_birth:
        born = date_format(person.date_of_birth, "SHORT_DATE_FORMAT")
        if person.date_of_birth_estimated:
            born = _("%(date)s (year only)") % {"date": born}
    return {
        "first_name": person.first_name,
        "father_name": person.father_name,
        "last_name": person.last_name,
        "sex": person.get_sex_display(),
        "date_of_birth": born,
        "national_id": person.national_id,
        "origin": household.origin_municipality.name if household.origin_municipality else "",
        "household": household.number,
        "members": ", ".join(
            f"{member.full_name} ({member.get_relationship_to_head_display()})"
            for member in members
        ),
        "organisation": household.organisation.name,
        "projects": ", ".join(
            f"{enrolment.project.code} ({enrolment.get_status_display()})"
            for enrolment in enrolments
        ),
        "assistance": str(delivered.count()),
    }


# What is compared side by side, in this order.
FACT_LABELS = {
    "first_name": gettext_lazy("First name"),
    "father_name": gettext_lazy("Father's name"),
    "last_name": gettext_lazy("Last name"),
    "sex": gettext_lazy("Sex"),
    "date_of_birth": gettext_lazy("Date of birth"),
    "national_id": gettext_lazy("JMBG"),
    "origin": gettext_lazy("Municipality of origin"),
    "household": gettext_lazy("Household"),
    "members": gettext_lazy("Other household members"),
    "organisation": gettext_lazy("Registered by"),
    "projects": gettext_lazy("Projects"),
    "assistance": gettext_lazy("Assistance received (deliveries)"),
}


# Names are compared as the model reads them: "Dragan" and "Драган" are one spelling apart,
# not a difference worth a reviewer's attention; "Dragan" and "Dragana" are.
FOLDED = {"first_name", "father_name", "last_name"}


def _differs(key: str, value_a: str, value_b: str) -> bool:
    if key in FOLDED:
        return fold(value_a) != fold(value_b)
    return value_a != value_b


def comparison_rows(actor, person_a, person_b) -> list[dict]:
    a, b = _facts(actor, person_a), _facts(actor, person_b)
    both = person_a is not None and person_b is not None
    return [
        {
            "key": key,
            "label": label,
            "a": a.get(key, ""),
            "b": b.get(key, ""),
            "differs": both and _differs(key, a.get(key, ""), b.get(key, "")),
        }
        for key, label in FACT_LABELS.items()
    ]


def _person_label(person: Person) -> str:
    return f"{person.full_name} · {person.household.number} · #{person.pk}"


def merge_choices(pair, person_a, person_b) -> list[tuple[int, str]]:
    return [(person.pk, _person_label(person)) for person in (person_a, person_b) if person]


def _previews(pair, person_a, person_b) -> list[dict]:
    """What would move for each choice of the record kept: shown beside each choice, so the
    reviewer sees it before deciding, without a round trip."""
    previews = []
    for kept in (person_a, person_b):
        moves = merging.merge_preview(pair=pair, keep=kept.pk)
        previews.append({"kept": kept, "moves": [item for item in moves.items() if item[1]]})
    return previews


def _pair_page(request, pair, *, decision_form=None, merge_form=None, status=200):
    actor = request.actor
    person_a, person_b = selectors.pair_people(actor=actor, pair=pair)
    both = person_a is not None and person_b is not None
    may_merge = both and pair.status in (CandidatePair.Status.PENDING, CandidatePair.Status.UNSURE)
    initial = {"expected_status": pair.status}
    if decision_form is None:
        decision_form = DecisionForm(initial=initial)
    if merge_form is None and may_merge:
        merge_form = MergeForm(
            pair=pair,
            choices=merge_choices(pair, person_a, person_b),
            initial=initial | {"version_a": person_a.version, "version_b": person_b.version},
        )
    context = {
        "pair": pair,
        "percent": _percent(pair.match_probability),
        "person_a": person_a,
        "person_b": person_b,
        "rows": comparison_rows(actor, person_a, person_b),
        "evidence": evidence_rows(pair),
        "decision_form": decision_form,
        "merge_form": merge_form if may_merge else None,
        "previews": _previews(pair, person_a, person_b) if may_merge else [],
        "merge": pair.merges.order_by("-merged_at", "-id").first(),
    }
    return render(request, "dedup/pair_detail.html", context, status=status)


@login_required
@require_safe
def pair_detail(request, pk):
    pair = selectors.pair_get(actor=request.actor, pk=pk)
    return _pair_page(request, pair)


def _next_pair(actor, pair):
    """The best pair still to review after this one: a reviewer works down the queue."""
    return selectors.pairs_for_review(actor=actor).exclude(pk=pair.pk).first()


@login_required
@require_POST
def pair_decide_view(request, pk):
    actor = request.actor
    pair = selectors.pair_get(actor=actor, pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _pair_page(request, pair, decision_form=form, status=400)
    try:
        pair = services.pair_decide(
            actor=actor,
            pair=pair,
            decision=form.cleaned_data["decision"],
            note=form.cleaned_data["note"],
            expected_status=form.cleaned_data["expected_status"],
        )
    except (ValidationError, HomewardError) as error:
        messages.error(request, _refusal(error))
        return redirect("dedup-pair", pk=pk)
    messages.success(
        request,
        _("Decision recorded: %(decision)s.") % {"decision": pair.get_status_display()},
    )
    following = _next_pair(actor, pair)
    if following is None:
        return redirect("duplicates")
    return redirect("dedup-pair", pk=following.pk)


@login_required
@require_POST
def pair_merge_view(request, pk):
    actor = request.actor
    pair = selectors.pair_get(actor=actor, pk=pk)
    person_a, person_b = selectors.pair_people(actor=actor, pair=pair)
    form = MergeForm(request.POST, pair=pair, choices=merge_choices(pair, person_a, person_b))
    if not form.is_valid():
        return _pair_page(request, pair, merge_form=form, status=400)
    if form.cleaned_data["expected_status"] != pair.status:
        messages.error(
            request,
            _(
                "Somebody else decided on this pair after you opened it (now: %(status)s). "
                "Review it again."
            )
            % {"status": pair.get_status_display()},
        )
        return redirect("dedup-pair", pk=pk)
    try:
        merge = merging.people_merge(
            actor=actor,
            pair=pair,
            keep=form.cleaned_data["keep"],
            note=form.cleaned_data["note"],
            **form.versions(),
        )
    except (ValidationError, HomewardError) as error:
        messages.error(request, _refusal(error))
        return redirect("dedup-pair", pk=pk)
    messages.success(request, _("The records were merged. You can undo the merge here."))
    return redirect("dedup-merge", pk=merge.pk)


# --- runs --------------------------------------------------------------------------------


@login_required
@require_safe
def run_list(request):
    actor = request.actor
    require(actor, C.RESOLVE_DUPLICATES)
    runs = selectors.runs_for(actor=actor).select_related(
        "project", "people_import", "started_by", "job"
    )
    page = Paginator(runs, RUNS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "dedup/run_list.html", {"page": page})


# The stages a run times (``DedupRun.timings``), in the order they run.
STAGE_LABELS = {
    "read": gettext_lazy("Reading the records"),
    "prepare": gettext_lazy("Preparing the names and dates"),
    "train": gettext_lazy("Estimating the model from the data"),
    "predict": gettext_lazy("Comparing the pairs"),
    "collect": gettext_lazy("Collecting the pairs found"),
    "store": gettext_lazy("Storing the pairs"),
}


def _timings(run) -> list[tuple[str, float]]:
    order = list(STAGE_LABELS)
    stages = sorted(
        (run.timings or {}).items(),
        key=lambda item: order.index(item[0]) if item[0] in order else len(order),
    )
    return [(str(STAGE_LABELS.get(stage, stage)), seconds) for stage, seconds in stages]


def _run_context(run) -> dict:
    return {
        "run": run,
        "job": run.job,
        "timings": _timings(run),
        "total_seconds": sum(run.timings.values()) if run.timings else None,
        "is_finished": run.status in (DedupRun.Status.SUCCEEDED, DedupRun.Status.FAILED),
    }


@login_required
@require_safe
def run_detail(request, pk):
    run = selectors.run_get(actor=request.actor, pk=pk)
    return render(request, "dedup/run_detail.html", _run_context(run))


@login_required
@require_safe
def run_progress(request, pk):
    run = selectors.run_get(actor=request.actor, pk=pk)
    return render(request, "dedup/run_detail.html#progress", _run_context(run))


@login_required
@require_safe
def run_pairs_csv(request, pk):
    """The run's pairs, as ``homeward dedup --pairs-out`` writes them: only pairs whose two
    records the reader may see."""
    actor = request.actor
    run = selectors.run_get(actor=actor, pk=pk)
    statuses = tuple(CandidatePair.Status.values)
    pairs = selectors.pairs_for_review(actor=actor, status=statuses).filter(run=run)
    out = io.StringIO()
    services.write_pairs_csv(pairs, out)
    audit_read(actor=actor, target=run, action="dedup.pairs_download")
    response = HttpResponse(out.getvalue().encode("utf-8"), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="dedup-run-{run.pk}-pairs.csv"'
    return response


# --- merges ------------------------------------------------------------------------------


@login_required
@require_safe
def merge_list(request):
    actor = request.actor
    require(actor, C.RESOLVE_DUPLICATES)
    merges = selectors.merges_for(actor=actor).select_related("merged_by", "undone_by")
    page = Paginator(merges, RUNS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "dedup/merge_list.html", {"page": page})


def _model_label(label: str) -> str:
    try:
        return str(apps.get_model(label)._meta.verbose_name_plural).capitalize()
    except (LookupError, ValueError):
        return label


def moved_rows(merge) -> list[tuple[str, int]]:
    return [(_model_label(label), len(rows)) for label, rows in (merge.moved or {}).items() if rows]


# Rows a merge rebuilds rather than moves (the search index of names): nothing to tell.
_REBUILT = {label.lower() for label, _field in merging.REBUILT}


def deleted_rows(merge) -> list[tuple[str, int]]:
    """The rows deleted with the merged record (kept in the snapshot for an undo)."""
    counts: dict[str, int] = {}
    for row in merge.snapshot or []:
        label = row.get("model", "")
        if label.lower() not in _REBUILT:
            counts[label] = counts.get(label, 0) + 1
    return [(_model_label(label), count) for label, count in counts.items()]


@login_required
@require_safe
def merge_detail(request, pk):
    actor = request.actor
    merge = selectors.merge_get(actor=actor, pk=pk)
    kept = (
        selectors.people_in_scope(actor).filter(pk=merge.kept).select_related("household").first()
    )
    context = {
        "merge": merge,
        "kept": kept,
        "moved": moved_rows(merge),
        "deleted": deleted_rows(merge),
    }
    return render(request, "dedup/merge_detail.html", context)


@login_required
@require_POST
def merge_undo_view(request, pk):
    actor = request.actor
    merge = selectors.merge_get(actor=actor, pk=pk)
    try:
        merging.merge_undo(actor=actor, merge=merge)
    except (ValidationError, HomewardError) as error:
        messages.error(request, _refusal(error))
        return redirect("dedup-merge", pk=pk)
    messages.success(request, _("The merge was undone: both records are back."))
    if merge.pair_id:
        return redirect(reverse("dedup-pair", kwargs={"pk": merge.pair_id}))
    return redirect("dedup-merge", pk=pk)
