"""What a reviewer may read of deduplication: pairs, runs and merges, within their scope.

A pair is shown only to someone who may resolve duplicates for *both* its people
(``Capability.RESOLVE_DUPLICATES``): deciding that two records are one person means reading
both. A pair whose one side is out of scope is not shown, only counted, so that a reviewer knows
others have pairs to look at. Once merged, a pair has one person left: it is shown to those who
reach that one. Anything out of scope is a 404, like a record that does not exist.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from homeward.accounts.roles import Capability
from homeward.casework.enrolment.models import Enrolment
from homeward.core.models import AuditEvent
from homeward.core.scope import get_or_404, require, scoped
from homeward.dedup.models import CandidatePair, DedupRun, Merge
from homeward.registry.models import Person

CAPABILITY = Capability.RESOLVE_DUPLICATES


def people_in_scope(actor) -> QuerySet[Person]:
    """The people whose duplicates ``actor`` may resolve."""
    return scoped(Person.objects.all(), actor, CAPABILITY)


def _visible(pairs: QuerySet[CandidatePair], actor) -> QuerySet[CandidatePair]:
    require(actor, CAPABILITY)
    if actor.scope(CAPABILITY).is_global:
        return pairs
    reachable = people_in_scope(actor).values("pk")
    both = Q(person_a__in=reachable, person_b__in=reachable)
    merged = Q(status=CandidatePair.Status.SAME) & (
        Q(person_a__in=reachable) | Q(person_b__in=reachable)
    )
    return pairs.filter(both | merged)


def project_people(project) -> QuerySet[Person]:
    """The people of ``project``: registered in it, or enrolled in it (as a household or on
    their own)."""
    enrolled = Enrolment.objects.filter(project=project)
    return Person.objects.filter(
        Q(household__project=project)
        | Q(household__in=enrolled.values("household"))
        | Q(pk__in=enrolled.filter(person__isnull=False).values("person"))
    )


def import_people_ids(people_import) -> set[int]:
    """The people ``people_import`` created or updated, found through its history: the import
    writes one ``household.import`` row per household it made or added members to (naming the
    new members) and one ``person.import`` row per person it changed, each saying
    ``imported from "<file> (import <id>), <where>"``."""
    events = AuditEvent.objects.filter(
        action__in=["household.import", "person.import"],
        organisation_id=people_import.organisation_id,
        changes__imported_from__after__startswith=people_import.filename,
        # "(import 12), " in whatever language the import ran: the id, not the word.
        changes__imported_from__after__regex=rf"\([^()]* {people_import.pk}\), ",
    ).values_list("action", "target_id", "changes")
    people: set[int] = set()
    joined: dict[int, set[str]] = {}
    for action, target_id, changes in events:
        if action == "person.import":
            people.add(int(target_id))
        elif "member" in changes:
            names = changes["member"]["after"] or ""
            joined[int(target_id)] = {name.strip() for name in names.split(", ")}
    members = Person.objects.filter(household__in=joined).values_list(
        "pk", "household_id", "first_name", "last_name"
    )
    for pk, household_id, first_name, last_name in members:
        if f"{first_name} {last_name}" in joined[household_id]:
            people.add(pk)
    return set(Person.objects.filter(pk__in=people).values_list("pk", flat=True))


def _in_status(status) -> QuerySet[CandidatePair]:
    return CandidatePair.objects.filter(status__in=[status] if isinstance(status, str) else status)


def pairs_for_review(
    *, actor, status=(CandidatePair.Status.PENDING,), project=None, min_probability=None
) -> QuerySet[CandidatePair]:
    """The pairs in ``status`` whose both people ``actor`` reaches, most likely first;
    ``project``: only pairs with at least one person of that project."""
    pairs = _visible(_in_status(status), actor)
    if project is not None:
        ids = project_people(project).values("pk")
        pairs = pairs.filter(Q(person_a__in=ids) | Q(person_b__in=ids))
    if min_probability is not None:
        pairs = pairs.filter(match_probability__gte=min_probability)
    return pairs.select_related("run", "decided_by")


def pairs_hidden_count(*, actor, status=(CandidatePair.Status.PENDING,)) -> int:
    """How many pairs in ``status`` have a person ``actor`` does not reach."""
    everything = _in_status(status)
    return everything.count() - _visible(everything, actor).count()


def pair_get(*, actor, pk) -> CandidatePair:
    return get_or_404(
        _visible(CandidatePair.objects.select_related("run", "decided_by"), actor), pk=pk
    )


def pair_people(*, actor, pair) -> tuple[Person | None, Person | None]:
    """Both people of ``pair`` with their households and documents; None for one merged away
    (or, for a merged pair, out of scope)."""
    people = {
        person.pk: person
        for person in people_in_scope(actor)
        .filter(pk__in=[pair.person_a, pair.person_b])
        .select_related(
            "household",
            "household__organisation",
            "household__project",
            "household__origin_municipality",
            "household__current_municipality",
        )
        .prefetch_related("documents", "external_ids__organisation")
    }
    return people.get(pair.person_a), people.get(pair.person_b)


def runs_for(*, actor) -> QuerySet[DedupRun]:
    """The runs of the actor's organisations, and the whole-registry runs nobody's organisation
    owns (the command line without ``--user``, the demo): their pairs reach every queue, so
    every reviewer may see how they were found. A run holds counts, never a name."""
    require(actor, CAPABILITY)
    runs = DedupRun.objects.select_related("project", "people_import", "started_by", "job")
    own = scoped(runs, actor, CAPABILITY).values("pk")
    return runs.filter(
        Q(pk__in=own) | Q(organisation__isnull=True, coverage=DedupRun.Coverage.REGISTRY)
    )


def run_get(*, actor, pk) -> DedupRun:
    return get_or_404(runs_for(actor=actor), pk=pk)


def merges_for(*, actor) -> QuerySet[Merge]:
    """The merges of records the actor may resolve: the kept record is in their scope (through
    a project their organisation works on, say), or the merge is filed under one of their
    organisations (the organisation that held the kept record when it was merged)."""
    require(actor, CAPABILITY)
    merges = Merge.objects.select_related("pair", "merged_by", "undone_by")
    if actor.scope(CAPABILITY).is_global:
        return merges
    own = scoped(Merge.objects.all(), actor, CAPABILITY).values("pk")
    return merges.filter(Q(pk__in=own) | Q(kept__in=people_in_scope(actor).values("pk")))


def merge_get(*, actor, pk) -> Merge:
    return get_or_404(merges_for(actor=actor), pk=pk)
