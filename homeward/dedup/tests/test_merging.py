"""Merging two records of one person: everything moves to the record kept, nothing is lost, and
an undo brings back exactly what was there."""

from __future__ import annotations

import datetime
import threading
from collections import defaultdict
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core import serializers
from django.db import connection
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from homeward.casework.activities.models import Attendance, Participant
from homeward.casework.activities.services import (
    activity_create,
    session_attendance_record,
    session_create,
    session_transition,
)
from homeward.casework.assessments.models import AssessmentTemplate
from homeward.casework.assessments.services import assessment_record
from homeward.casework.assessments.tests.answers import needs_answers
from homeward.casework.assistance.models import AssistanceType, Delivery
from homeward.casework.assistance.services import delivery_plan
from homeward.casework.contacts.services import referral_create
from homeward.casework.enrolment.models import Enrolment
from homeward.casework.enrolment.services import enrolment_create, enrolment_transition
from homeward.core.actors import Actor
from homeward.core.errors import ValidationError
from homeward.core.models import AuditEvent
from homeward.dedup import merging
from homeward.dedup.merging import MergeRefused, merge_preview, merge_undo, people_merge
from homeward.dedup.models import CandidatePair, Merge
from homeward.dedup.tests.conftest import make_pair, registered_twice
from homeward.exchange.models import ExternalHousehold, ExternalPerson
from homeward.programmes.services import project_update
from homeward.registry.models import Household, Person
from homeward.registry.selectors import household_history, person_search
from homeward.registry.services import (
    consent_record,
    document_record,
    person_update,
)
from homeward.results.selectors import project_figures
from homeward.results.services import indicator_create, result_create

pytestmark = pytest.mark.django_db


def related_dump(*people: Person) -> list:
    """Every row pointing at these people or their households, and every row pointing at
    those (an enrolment's steps), and their pairs, serialised: what an undo must give back
    exactly."""
    rows = {(Person._meta.label, person.pk): person for person in people}
    for person in people:
        rows[(Household._meta.label, person.household_id)] = person.household
    targets = {
        Person: {person.pk for person in people},
        Household: {p.household_id for p in people},
    }
    for _depth in range(2):
        found = []
        for model in apps.get_models(include_auto_created=True):
            for field in model._meta.concrete_fields:
                ids = targets.get(field.related_model) if field.is_relation else None
                if ids:
                    found.extend(model._base_manager.filter(**{f"{field.attname}__in": ids}))
        targets = defaultdict(set)
        for row in found:
            if (row._meta.label, row.pk) not in rows:
                targets[type(row)].add(row.pk)
            rows[(row._meta.label, row.pk)] = row
    ids = [person.pk for person in people]
    rows.update(
        (("pair", pair.pk), pair)
        for pair in CandidatePair.objects.filter(Q(person_a__in=ids) | Q(person_b__in=ids))
    )
    fresh = [type(row)._base_manager.get(pk=row.pk) for row in rows.values()]
    return sorted(
        serializers.serialize("python", fresh), key=lambda row: (row["model"], str(row["pk"]))
    )


def without_versions(dump: list) -> list:
    """The dump without the kept record's version and update time, which a merge bumps."""
    return [
        {
            **row,
            "fields": {
                k: v for k, v in row["fields"].items() if k not in ("version", "updated_at")
            },
        }
        if row["model"] == "registry.person"
        else row
        for row in dump
    ]


@pytest.fixture
def manager(manager_a) -> Actor:
    return Actor(user=manager_a)


@pytest.fixture
def running(system, joint_project):
    """The joint project runs around today, so that sessions and deliveries fit in it."""
    today = timezone.localdate()
    project_update(
        actor=system,
        project=joint_project,
        expected_version=None,
        start_date=today - datetime.timedelta(days=400),
        end_date=today + datetime.timedelta(days=400),
    )
    joint_project.refresh_from_db()
    return joint_project


def _selected(system, project, **who) -> Enrolment:
    enrolment = enrolment_create(actor=system, project=project, **who)
    return enrolment_transition(
        actor=system, enrolment=enrolment, status="selected", expected_version=None
    )


@pytest.fixture
def casework(system, case_worker_a, running, dedup_people, dedup_household_a, dedup_household_b):
    """Ljiljana is registered twice (A, and B in Cyrillic) and has casework on both records:
    some of it clashes (both enrolled in the joint project, both present at one session, both
    an IDP card), the rest is only the B record's."""
    people = dedup_people
    ljiljana_a, ljiljana_b = people.ljiljana_a, people.ljiljana_b
    today = timezone.localdate()
    _selected(system, running, household=dedup_household_b)
    enrolled_a = _selected(system, running, person=ljiljana_a)
    enrolled_b = _selected(system, running, person=ljiljana_b)
    delivery = delivery_plan(
        actor=system,
        project=running,
        assistance_type=AssistanceType.objects.get(code="aid-kit"),
        household=dedup_household_b,
        person=ljiljana_b,
    )
    assessment = assessment_record(
        actor=system,
        template=AssessmentTemplate.objects.get(code="needs-vulnerability", is_active=True),
        household=dedup_household_b,
        person=ljiljana_b,
        answers=needs_answers(),
        assessed_on=today,
        project=running,
    )
    training = activity_create(
        actor=system,
        project=running,
        kind="business_training",
        title="Starting a small business",
        planned_start=today - datetime.timedelta(days=30),
        planned_end=today + datetime.timedelta(days=30),
        sessions_planned=2,
    )
    sessions = []
    for days_ago in (5, 3):
        session = session_create(
            actor=system, activity=training, date=today - datetime.timedelta(days=days_ago)
        )
        sessions.append(
            session_transition(actor=system, session=session, status="held", expected_version=None)
        )
    session_attendance_record(actor=system, session=sessions[0], people=[ljiljana_a, ljiljana_b])
    session_attendance_record(actor=system, session=sessions[1], people=[ljiljana_b])
    consent = consent_record(
        actor=system,
        person=ljiljana_b,
        purpose="referral",
        given_on=today - datetime.timedelta(days=2),
        taken_by=case_worker_a,
    )
    referral = referral_create(
        actor=system,
        household=dedup_household_b,
        person=ljiljana_b,
        receiver_name="Centre for social work Zvezdara",
        receiver_category="social_work",
        reason="Social assistance",
        project=running,
        consent=consent,
        sent_on=today - datetime.timedelta(days=1),
    )
    for person in (ljiljana_a, ljiljana_b):
        document_record(actor=system, person=person, kind="idp_card", status="held")
    document_record(actor=system, person=ljiljana_b, kind="passport", status="missing")
    return SimpleNamespace(
        enrolled_a=enrolled_a,
        enrolled_b=enrolled_b,
        delivery=delivery,
        assessment=assessment,
        training=training,
        sessions=sessions,
        referral=referral,
    )


def merge_wives(manager, dedup_pairs, dedup_people, **extra) -> Merge:
    return people_merge(
        actor=manager, pair=dedup_pairs.wives, keep=dedup_people.ljiljana_a.pk, **extra
    )


def test_merge_moves_every_record_to_the_one_kept(manager, casework, dedup_pairs, dedup_people):
    ljiljana_a, ljiljana_b = dedup_people.ljiljana_a, dedup_people.ljiljana_b
    household_a, household_b = ljiljana_a.household, ljiljana_b.household
    merge = merge_wives(manager, dedup_pairs, dedup_people, note="Same JMBG on paper")

    assert not Person.objects.filter(pk=ljiljana_b.pk).exists()
    # Household B keeps Dragan: it stays, and only Ljiljana's own records move.
    assert Household.objects.filter(pk=household_b.pk).exists()
    delivery = Delivery.objects.get(pk=casework.delivery.pk)
    assert (delivery.person_id, delivery.household_id) == (ljiljana_a.pk, household_a.pk)
    assessment = type(casework.assessment).objects.get(pk=casework.assessment.pk)
    assert (assessment.person_id, assessment.household_id) == (ljiljana_a.pk, household_a.pk)
    referral = type(casework.referral).objects.get(pk=casework.referral.pk)
    assert referral.person_id == ljiljana_a.pk
    assert referral.consent.person_id == ljiljana_a.pk
    assert set(ljiljana_a.documents.values_list("kind", flat=True)) == {"idp_card", "passport"}
    assert ljiljana_a.consents.count() == 1
    # B's record lacked a passport: the kept one now does.
    assert Person.objects.get(pk=ljiljana_a.pk).missing_documents
    # Both were enrolled in the joint project: the kept enrolment stays, the other goes.
    assert list(Enrolment.objects.filter(person=ljiljana_a)) == [casework.enrolled_a]
    assert not Enrolment.objects.filter(pk=casework.enrolled_b.pk).exists()
    # Both attended the first session: one attendance; the second session's moved.
    attended = Attendance.objects.filter(person=ljiljana_a).values_list("session", flat=True)
    assert sorted(attended) == sorted(session.pk for session in casework.sessions)
    assert Participant.objects.filter(person=ljiljana_a, activity=casework.training).count() == 1

    pair = CandidatePair.objects.get(pk=dedup_pairs.wives.pk)
    assert (pair.status, pair.decided_by, pair.note) == ("same", manager.user, "Same JMBG on paper")
    assert merge.moved["assistance.Delivery"] == [
        {"id": delivery.pk, "person": ljiljana_b.pk, "household": household_b.pk}
    ]
    removed = {row["model"] for row in merge.snapshot}
    # The acknowledgement that B's Ljiljana may be A's would name one person twice: it goes.
    clashing = {
        "registry.person",
        "enrolment.enrolment",
        "enrolment.enrolmentstep",
        "activities.attendance",
        "registry.identitydocument",
        "registry.duplicateacknowledgement",
    }
    assert clashing <= removed
    assert "registry.household" not in removed
    # Nothing points at the merged id any more.
    for field in merging.links_to(Person):
        assert not field.model._base_manager.filter(**{field.attname: ljiljana_b.pk}).exists()


@pytest.fixture
def other_pairs(dedup_people):
    """Ljiljana B's other pairs: one with Drita (to follow her to the record kept), one with
    Luka decided "not the same", which both Ljiljanas have."""
    people = dedup_people
    return SimpleNamespace(
        drita=make_pair(people.ljiljana_b, people.drita, 0.91),
        luka_a=make_pair(people.ljiljana_a, people.luka, 0.92),
        luka_b=make_pair(
            people.ljiljana_b,
            people.luka,
            0.92,
            status="not_same",
            decided_at=timezone.now(),
            note="Mother and son.",
        ),
    )


def test_undo_restores_everything_exactly(
    manager, casework, dedup_pairs, dedup_people, other_pairs
):
    ljiljana_a, ljiljana_b = dedup_people.ljiljana_a, dedup_people.ljiljana_b
    before = related_dump(ljiljana_a, ljiljana_b)
    merge = merge_wives(manager, dedup_pairs, dedup_people)

    drita = CandidatePair.objects.get(pk=other_pairs.drita.pk)
    assert sorted((drita.person_a, drita.person_b)) == sorted(
        (ljiljana_a.pk, dedup_people.drita.pk)
    )
    luka = CandidatePair.objects.get(pk=other_pairs.luka_a.pk)
    assert (luka.status, luka.note) == ("not_same", "Mother and son.")
    assert not CandidatePair.objects.filter(pk=other_pairs.luka_b.pk).exists()

    merge_undo(actor=manager, merge=merge)
    merge.refresh_from_db()
    assert merge.is_undone
    assert merge.undone_by == manager.user
    assert CandidatePair.objects.get(pk=dedup_pairs.wives.pk).status == "pending"
    after = related_dump(ljiljana_a, ljiljana_b)
    # Only the record kept was saved by the merge and the undo (its version says so).
    assert without_versions(after) == without_versions(before)
    restored = next(
        row for row in after if row["model"] == "registry.person" and row["pk"] == ljiljana_b.pk
    )
    assert restored == next(row for row in before if row == restored)
    actions = AuditEvent.objects.filter(target_type="registry.person").values_list(
        "target_id", "action"
    )
    for person in (ljiljana_a, ljiljana_b):
        assert (str(person.pk), "person.merge") in actions
        assert (str(person.pk), "person.merge_undo") in actions


def test_the_kept_household_tells_the_history_of_both(
    manager, client_for, manager_a, casework, dedup_pairs, dedup_people
):
    ljiljana_b = dedup_people.ljiljana_b
    household_a = dedup_people.ljiljana_a.household
    merge = merge_wives(manager, dedup_pairs, dedup_people)
    page = client_for(manager_a).get(f"/registry/households/{household_a.number}/")
    assert page.status_code == 200
    entries = page.context["history"]
    merged_rows = {e.title for e in entries if e.event.target_id == str(ljiljana_b.pk)}
    assert {"Person registered", "Document recorded", "Record merged"} <= merged_rows
    told = next(
        e for e in entries if e.title == "Record merged" and e.event.target_id != str(ljiljana_b.pk)
    )
    assert ("record merged into this one", "—", merge.merged_label) in [
        (c.label, c.before, c.after) for c in told.changes
    ]
    # The delivery moved with her: its history is the household's now.
    delivery_rows = [e for e in entries if e.event.target_type == "assistance.delivery"]
    assert delivery_rows

    merge_undo(actor=manager, merge=merge)
    page = client_for(manager_a).get(f"/registry/households/{household_a.number}/")
    titles = [(e.event.target_id, e.title) for e in page.context["history"]]
    assert (str(dedup_people.ljiljana_a.pk), "Merge undone") in titles
    assert (str(ljiljana_b.pk), "Person registered") not in titles


def test_a_head_with_other_members_is_not_merged_away(manager, dedup_pairs, dedup_people):
    with pytest.raises(MergeRefused, match="heads household") as refused:
        people_merge(actor=manager, pair=dedup_pairs.ab, keep=dedup_people.dragan_a.pk)
    assert "Make another member the head" in refused.value.messages[0]
    assert Person.objects.filter(pk=dedup_people.dragan_b.pk).exists()
    assert not Merge.objects.exists()


def test_a_person_alone_takes_the_household_along_and_back(
    system, manager_b, project_b, dedup_pairs, dedup_people, dedup_household_b
):
    """The imported Dragan lives alone: his household's rows (its partner id, its
    enrolment) move to household B, the empty household goes, and the undo brings it back."""
    manager = Actor(user=manager_b)
    dragan_b, dragan_import = dedup_people.dragan_b, dedup_people.dragan_import
    import_household = dragan_import.household
    # Both households are in project B: the imported one's enrolment clashes and goes.
    for household in (dedup_household_b, import_household):
        if not Enrolment.objects.filter(project=project_b, household=household).exists():
            enrolment_create(actor=system, project=project_b, household=household)
    before = related_dump(dragan_b, dragan_import)
    partner_ids = list(ExternalPerson.objects.filter(person=dragan_import))
    household_ids = list(ExternalHousehold.objects.filter(household=import_household))
    assert partner_ids
    assert household_ids

    merge = people_merge(actor=manager, pair=dedup_pairs.b_import, keep=dragan_b.pk)
    assert not Household.objects.filter(pk=import_household.pk).exists()
    assert set(ExternalPerson.objects.filter(person=dragan_b)) >= set(partner_ids)
    assert set(ExternalHousehold.objects.filter(household=dedup_household_b)) >= set(household_ids)
    assert Enrolment.objects.filter(project=project_b, household=dedup_household_b).count() == 1
    assert {"registry.household", "enrolment.enrolment"} <= {row["model"] for row in merge.snapshot}
    history = household_history(actor=manager, household=dedup_household_b)
    assert history.filter(
        target_type="registry.household", target_id=str(import_household.pk)
    ).exists()

    merge_undo(actor=manager, merge=merge)
    assert without_versions(related_dump(dragan_b, dragan_import)) == without_versions(before)


@pytest.mark.parametrize("who", ["manager_b", "case_worker_a"])
def test_out_of_scope_or_wrong_role_is_not_found(request, who, dedup_pairs, dedup_people):
    actor = Actor(user=request.getfixturevalue(who))
    with pytest.raises(Http404):
        merge_wives(actor, dedup_pairs, dedup_people)
    assert CandidatePair.objects.get(pk=dedup_pairs.wives.pk).status == "pending"


def test_undo_is_not_found_out_of_scope(
    manager, manager_b, case_worker_a, dedup_pairs, dedup_people
):
    merge = merge_wives(manager, dedup_pairs, dedup_people)
    for user in (manager_b, case_worker_a):
        with pytest.raises(Http404):
            merge_undo(actor=Actor(user=user), merge=merge)
    assert not Merge.objects.get(pk=merge.pk).is_undone


def test_a_merge_is_read_by_whoever_may_resolve_the_record_kept(
    manager, manager_b, case_worker_a, dedup_pairs, dedup_people
):
    from homeward.dedup import selectors

    # Kept: Ljiljana of household B, held by organisation B in the project A leads. A's
    # manager made the merge through the project; B's manager holds the record.
    merge = people_merge(actor=manager, pair=dedup_pairs.wives, keep=dedup_people.ljiljana_b.pk)
    assert merge.organisation == dedup_people.ljiljana_b.household.organisation
    assert selectors.merge_get(actor=manager, pk=merge.pk) == merge
    assert list(selectors.merges_for(actor=Actor(user=manager_b))) == [merge]
    with pytest.raises(Http404):
        selectors.merges_for(actor=Actor(user=case_worker_a))


def test_keep_must_be_one_of_the_pair(manager, dedup_pairs, dedup_people):
    with pytest.raises(ValidationError) as refused:
        people_merge(actor=manager, pair=dedup_pairs.wives, keep=dedup_people.marko.pk)
    assert "keep" in refused.value.message_dict


def test_an_edit_since_the_page_was_opened_refuses_the_merge(
    manager, system, dedup_pairs, dedup_people
):
    ljiljana_a, ljiljana_b = dedup_people.ljiljana_a, dedup_people.ljiljana_b
    seen_a, seen_b = ljiljana_a.version, ljiljana_b.version
    person_update(actor=system, person=ljiljana_b, expected_version=None, phone="064 555 1234")
    with pytest.raises(MergeRefused, match="changed by somebody else"):
        merge_wives(
            manager,
            dedup_pairs,
            dedup_people,
            expected_version_kept=seen_a,
            expected_version_merged=seen_b,
        )
    assert Person.objects.filter(pk=ljiljana_b.pk).exists()
    merge = merge_wives(
        manager,
        dedup_pairs,
        dedup_people,
        expected_version_kept=seen_a,
        expected_version_merged=seen_b + 1,
    )
    # The kept record changed with the merge: a second reviewer's merge into it is refused.
    other = make_pair(ljiljana_a, dedup_people.marko)
    with pytest.raises(MergeRefused, match="changed by somebody else"):
        people_merge(actor=manager, pair=other, keep=ljiljana_a.pk, expected_version_kept=seen_a)
    assert Person.objects.get(pk=merge.kept).version == seen_a + 1


def test_the_same_pair_is_merged_once(manager, dedup_pairs, dedup_people):
    merge_wives(manager, dedup_pairs, dedup_people)
    with pytest.raises(MergeRefused, match="already been merged"):
        merge_wives(manager, dedup_pairs, dedup_people)
    stale = CandidatePair.objects.get(pk=dedup_pairs.wives.pk)
    stale.status = "pending"
    with pytest.raises(MergeRefused):
        people_merge(actor=manager, pair=stale, keep=dedup_people.ljiljana_b.pk)
    assert Merge.objects.count() == 1


def test_a_pair_that_now_names_the_record_kept_is_refused(
    manager, system, dedup_pairs, dedup_people, other_pairs
):
    merge_wives(manager, dedup_pairs, dedup_people)
    with pytest.raises(MergeRefused, match="already been merged into another"):
        people_merge(actor=system, pair=other_pairs.drita, keep=dedup_people.drita.pk)


def test_a_pair_decided_not_the_same_is_not_merged(manager, dedup_pairs, dedup_people):
    CandidatePair.objects.filter(pk=dedup_pairs.wives.pk).update(status="not_same")
    with pytest.raises(MergeRefused, match="not to be the same person"):
        merge_wives(manager, dedup_pairs, dedup_people)


def test_undo_waits_for_a_later_merge_and_for_a_free_id(manager, system, dedup_pairs, dedup_people):
    first = merge_wives(manager, dedup_pairs, dedup_people)
    later = people_merge(
        actor=system,
        pair=make_pair(dedup_people.ljiljana_a, dedup_people.marko),
        keep=dedup_people.ljiljana_a.pk,
    )
    with pytest.raises(MergeRefused, match="undo that one first"):
        merge_undo(actor=manager, merge=first)
    merge_undo(actor=manager, merge=later)
    # The merged record's id taken meanwhile (ids come from a sequence: only by hand).
    taken = next(
        serializers.deserialize(
            "python", [row for row in first.snapshot if row["model"] == "registry.person"]
        )
    )
    taken.save()
    with pytest.raises(MergeRefused, match="id has been given"):
        merge_undo(actor=manager, merge=first)
    Person.objects.filter(pk=first.merged).delete()
    merge_undo(actor=manager, merge=first)
    with pytest.raises(MergeRefused, match="already been undone"):
        merge_undo(actor=manager, merge=first)


def test_name_search_follows_the_merge(manager, dedup_pairs, dedup_people):
    def found():
        return {person.pk for person in person_search(actor=manager, query="Ljiljana Stojan")}

    both = {dedup_people.ljiljana_a.pk, dedup_people.ljiljana_b.pk}
    assert found() == both
    merge = merge_wives(manager, dedup_pairs, dedup_people)
    assert found() == {dedup_people.ljiljana_a.pk}
    merge_undo(actor=manager, merge=merge)
    assert found() == both


def test_indicators_count_one_person_after_the_merge(
    manager, system, running, casework, dedup_pairs, dedup_people
):
    """Both Ljiljanas were at the first session and got an aid kit: two people by the
    registry's count until the merge, one after it, two again after the undo."""
    _selected(system, running, household=dedup_people.ljiljana_a.household)
    delivery_plan(
        actor=system,
        project=running,
        assistance_type=AssistanceType.objects.get(code="aid-kit"),
        household=dedup_people.ljiljana_a.household,
        person=dedup_people.ljiljana_a,
    )
    objective = result_create(
        actor=system, project=running, level="objective", code="SO", statement="Return"
    )
    attended = indicator_create(
        actor=system,
        project=running,
        result=objective,
        code="I1",
        name="People trained",
        unit="people",
        rule={"kind": "activity_attended"},
    )

    def counted():
        figures = project_figures(actor=system, project=running, detail=False)
        given = Delivery.objects.filter(person__isnull=False).values("person").distinct()
        return figures.indicator(attended.pk).actual, given.count()

    assert counted() == (2, 2)
    merge = merge_wives(manager, dedup_pairs, dedup_people)
    assert counted() == (1, 1)
    assert Delivery.objects.filter(person=dedup_people.ljiljana_a).count() == 2
    merge_undo(actor=manager, merge=merge)
    assert counted() == (2, 2)


def test_preview_counts_what_would_move(casework, dedup_pairs, dedup_people):
    preview = merge_preview(pair=dedup_pairs.wives, keep=dedup_people.ljiljana_a.pk)
    assert preview["Deliveries"] == 1
    assert preview["Attendances"] == 2
    assert preview["Identity documents"] == 2
    assert "Person name tokens" not in preview
    assert merge_preview(pair=dedup_pairs.wives, keep=dedup_people.marko.pk) == {}


def test_every_model_pointing_at_a_person_is_moved_or_rebuilt():
    """A model added later with a foreign key to Person must be moved by a merge (found
    through ``_meta``) or listed as rebuilt; otherwise this fails."""
    moved = {(field.model._meta.label, field.name) for field in merging.person_links()}
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is Person:
                key = (model._meta.label, field.name)
                assert key in moved or key in merging.REBUILT, key
    assert ("assistance.Delivery", "person") in moved
    assert ("registry.DuplicateAcknowledgement", "other_person") in moved


# The reviewers' transactions must commit for each to see the other's: a transactional test.
# Another one may have emptied the places the migrations load, so this one brings its own.
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_two_reviewers_merging_the_same_pair_at_once(system, org_a, manager_a, dpo_a):
    """Each keeps a different record: had both gone through, each would have deleted the
    record the other kept. One merges, the other is told why not."""
    twice = registered_twice(system, org_a)
    pair = make_pair(*twice)
    barrier = threading.Barrier(2)
    outcomes = []

    def merge(user, keep):
        try:
            barrier.wait()
            outcomes.append(people_merge(actor=Actor(user=user), pair=pair, keep=keep))
        except MergeRefused as refused:
            outcomes.append(refused)
        finally:
            connection.close()

    reviewers = [
        threading.Thread(target=merge, args=(manager_a, twice[0].pk)),
        threading.Thread(target=merge, args=(dpo_a, twice[1].pk)),
    ]
    for reviewer in reviewers:
        reviewer.start()
    for reviewer in reviewers:
        reviewer.join()
    assert sorted(type(outcome).__name__ for outcome in outcomes) == ["Merge", "MergeRefused"]
    assert Merge.objects.count() == 1
    assert Person.objects.filter(pk__in=[pair.person_a, pair.person_b]).count() == 1
    assert Household.objects.filter(pk__in=[p.household_id for p in twice]).count() == 1
