"""Runs, the pairs they store, decisions on pairs, and who may read them.

Most tests here hand the run a fixed linkage (the engine is tested in test_matching.py), so that
the rules of storing are checked exactly; the ``real engine`` tests run Splink end to end on the
small registry of conftest.py.
"""

import io
import threading

import pytest
from django.db import connection, connections, transaction
from django.http import Http404

from homeward.accounts.services import organisation_create
from homeward.core.actors import Actor
from homeward.core.errors import ValidationError
from homeward.core.jobs import run_job
from homeward.core.models import AuditEvent, Job
from homeward.dedup import matching, selectors
from homeward.dedup.models import CandidatePair, DedupRun
from homeward.dedup.services import (
    dedup_run_execute,
    dedup_run_start,
    pair_decide,
    person_export_ids,
    write_pairs_csv,
)
from homeward.dedup.tests.conftest import (
    DEDUP_IMPORT_ROWS,
    import_csv,
    make_pair,
    registered_twice,
)
from homeward.exchange.imports.services import import_check, people_import
from homeward.exchange.models import ExternalPerson

Status = CandidatePair.Status


def pair_of(first, second, probability=0.97):
    low, high = sorted((first.pk, second.pk))
    return matching.Pair(
        id_a=low,
        id_b=high,
        probability=probability,
        weight=9.5,
        evidence=[{"field": "last_name", "level": "same", "bayes_factor": 110.0}],
    )


@pytest.fixture
def fake_link(monkeypatch):
    """Replace the engine: ``fake_link.pairs = [...]`` is what it finds; ``fake_link.calls``
    what it was asked."""

    class Fake:
        pairs: list = []
        calls: list = []

        def __call__(self, records, *, threshold, focus=None, progress=None):
            self.calls.append({"people": records.num_rows, "threshold": threshold, "focus": focus})
            if progress:
                progress(0, 1, "Comparing pairs")
                progress(1, 1, "")
            return matching.Linkage(
                pairs=list(self.pairs),
                people=records.num_rows,
                comparisons=42,
                model={"probability_two_random_records_match": 0.01},
                timings={"predict": 0.5},
            )

    fake = Fake()
    fake.pairs, fake.calls = [], []
    monkeypatch.setattr(matching, "link", fake)
    return fake


def run_now(actor, **options):
    run = dedup_run_start(actor=actor, background=False, **options)
    return dedup_run_execute(run=run, actor=actor)


# --- starting a run -----------------------------------------------------------------------------


def test_a_manager_starts_a_run_as_a_job(manager_a, project_a, django_capture_on_commit_callbacks):
    actor = Actor(user=manager_a)
    with django_capture_on_commit_callbacks():
        run = dedup_run_start(actor=actor, coverage="project", project=project_a, threshold=0.8)
    assert run.status == DedupRun.Status.QUEUED
    assert (run.coverage, run.project, run.threshold) == ("project", project_a, 0.8)
    assert run.organisation == project_a.lead_organisation
    assert run.started_by == manager_a
    assert run.job.kind == "dedup.run"
    assert run.job.params == {"run": run.pk}
    started = AuditEvent.objects.get(action="dedup.run_start", target_id=str(run.pk))
    assert started.actor == manager_a
    assert started.changes["threshold"]["after"] == 0.8


@pytest.mark.parametrize("threshold", [0, -0.5, 1.01, "abc", None])
def test_a_threshold_outside_0_to_1_is_refused(manager_a, threshold):
    with pytest.raises(ValidationError) as refused:
        dedup_run_start(actor=Actor(user=manager_a), threshold=threshold)
    assert "at most 1" in refused.value.message_dict["threshold"][0]
    assert not DedupRun.objects.exists()


def test_a_case_worker_may_not_start_a_run(case_worker_a):
    with pytest.raises(Http404):
        dedup_run_start(actor=Actor(user=case_worker_a))


def test_a_project_or_import_out_of_scope_is_unknown(manager_a, project_b, dedup_import_b):
    actor = Actor(user=manager_a)
    with pytest.raises(Http404):
        dedup_run_start(actor=actor, coverage="project", project=project_b)
    with pytest.raises(Http404):
        dedup_run_start(actor=actor, coverage="import", people_import=dedup_import_b)


def test_a_project_run_needs_its_project(manager_a):
    with pytest.raises(ValidationError) as refused:
        dedup_run_start(actor=Actor(user=manager_a), coverage="project")
    assert "project" in refused.value.message_dict


def test_an_import_only_checked_has_no_one_to_compare(system, org_b, project_b):
    report = import_check(
        actor=system,
        source=import_csv(DEDUP_IMPORT_ROWS),
        filename="partner-b.csv",
        project=project_b,
        organisation=org_b,
    )
    with pytest.raises(ValidationError) as refused:
        dedup_run_start(actor=system, coverage="import", people_import=report.people_import)
    message = refused.value.message_dict["people_import"][0]
    assert "partner-b.csv" in message
    assert "checked (dry run)" in message


# --- storing pairs ------------------------------------------------------------------------------


def test_a_run_stores_new_pairs_for_review_and_counts(system, dedup_people, fake_link):
    people = dedup_people
    fake_link.pairs = [pair_of(people.dragan_a, people.dragan_b, 0.99)]
    run = run_now(system)
    assert run.status == DedupRun.Status.SUCCEEDED
    assert (run.people, run.comparisons, run.pairs_found, run.pairs_new) == (9, 42, 1, 1)
    assert run.model == {"probability_two_random_records_match": 0.01}
    assert set(run.timings) == {"read", "predict", "store"}
    stored = CandidatePair.objects.get()
    assert (stored.person_a, stored.person_b) == (people.dragan_a.pk, people.dragan_b.pk)
    assert (stored.status, stored.run, stored.match_probability) == (Status.PENDING, run, 0.99)
    assert stored.evidence[0]["field"] == "last_name"
    event = AuditEvent.objects.get(action="dedup.run", target_id=str(run.pk))
    assert event.changes["pairs_new"]["after"] == 1
    assert (event.actor_label, event.via) == ("system", "cli")


def test_a_pair_found_again_keeps_its_decision(system, dedup_people, fake_link):
    people = dedup_people
    pending = make_pair(people.dragan_a, people.dragan_b, 0.91)
    unsure = make_pair(people.ljiljana_a, people.ljiljana_b, 0.92, status=Status.UNSURE)
    not_same = make_pair(people.marko, people.luka, 0.95, status=Status.NOT_SAME)
    merged = make_pair(people.dragan_b, people.dragan_import, 0.96, status=Status.SAME)
    fake_link.pairs = [
        pair_of(people.dragan_a, people.dragan_b, 0.99),
        pair_of(people.ljiljana_a, people.ljiljana_b, 0.98),
        pair_of(people.marko, people.luka, 0.97),
        pair_of(people.dragan_b, people.dragan_import, 0.99),
        pair_of(people.arben, people.drita, 0.93),
    ]
    run = run_now(system)
    assert (run.pairs_found, run.pairs_new) == (5, 1)
    for refreshed in (pending, unsure):
        refreshed.refresh_from_db()
        assert refreshed.run == run
        assert refreshed.match_probability in (0.99, 0.98)
        assert refreshed.match_weight == 9.5
        assert refreshed.evidence == [
            {"field": "last_name", "level": "same", "bayes_factor": 110.0}
        ]
    assert unsure.status == Status.UNSURE
    for decided, probability in ((not_same, 0.95), (merged, 0.96)):
        decided.refresh_from_db()
        assert decided.run is None
        assert decided.match_probability == probability
    assert not_same.status == Status.NOT_SAME
    assert CandidatePair.objects.get(person_a=people.arben.pk).status == Status.PENDING


def test_without_the_queue_nothing_is_stored(system, dedup_people, fake_link):
    fake_link.pairs = [pair_of(dedup_people.dragan_a, dedup_people.dragan_b)]
    run = dedup_run_start(actor=system, background=False)
    run = dedup_run_execute(run=run, actor=system, queue=False)
    assert (run.pairs_found, run.pairs_new) == (1, 0)
    assert not CandidatePair.objects.exists()
    assert run.linkage.pairs == fake_link.pairs


def test_a_run_that_fails_says_why(system, dedup_people, monkeypatch):
    def broken(records, **options):
        raise RuntimeError("DuckDB ran out of memory")

    monkeypatch.setattr(matching, "link", broken)
    run = dedup_run_start(actor=system, background=False)
    with pytest.raises(RuntimeError):
        dedup_run_execute(run=run, actor=system)
    run.refresh_from_db()
    assert run.status == DedupRun.Status.FAILED
    assert run.message == "DuckDB ran out of memory"
    assert AuditEvent.objects.filter(action="dedup.run_fail", target_id=str(run.pk)).exists()


# --- focus ------------------------------------------------------------------------------------


def test_a_project_run_focuses_on_its_people_against_the_registry(
    system, project_a, dedup_people, fake_link
):
    people = dedup_people
    run_now(system, coverage="project", project=project_a)
    (call,) = fake_link.calls
    assert call["people"] == 9
    assert call["focus"] == {
        people.dragan_a.pk,
        people.ljiljana_a.pk,
        people.marko.pk,
        people.luka.pk,
    }


def test_a_project_run_includes_households_enrolled_in_it(
    system, project_a, dedup_people, fake_link
):
    from homeward.casework.enrolment.services import enrolment_create

    enrolment_create(actor=system, project=project_a, household=dedup_people.dragan_b.household)
    run_now(system, coverage="project", project=project_a)
    focus = fake_link.calls[0]["focus"]
    assert {dedup_people.dragan_b.pk, dedup_people.ljiljana_b.pk} <= focus
    assert dedup_people.arben.pk not in focus


def test_an_import_run_focuses_on_the_people_it_created(
    system, dedup_people, dedup_import_b, fake_link
):
    people = dedup_people
    run_now(system, coverage="import", people_import=dedup_import_b)
    assert fake_link.calls[0]["focus"] == {
        people.dragan_import.pk,
        people.arben.pk,
        people.drita.pk,
    }


def test_an_import_run_focuses_on_the_people_it_changed_or_added(
    system, org_b, project_b, dedup_people, fake_link
):
    """The same list again, with Dragan's father's name corrected and a son added to the
    Krasniqi family: those two are the people of the second import, not the unchanged."""
    rows = [dict(row) for row in DEDUP_IMPORT_ROWS]
    rows[0]["father_name"] = "Milovan"
    rows.append(
        {
            **rows[1],
            "person_id": "B-P4",
            "relationship_to_head": "child",
            "first_name": "Besnik",
            "date_of_birth": "2001-04-04",
        }
    )
    second = people_import(
        actor=system,
        source=import_csv(rows),
        filename="partner-b.csv",
        project=project_b,
        organisation=org_b,
    ).people_import
    run_now(system, coverage="import", people_import=second)
    besnik = dedup_people.arben.household.members.get(first_name="Besnik")
    assert fake_link.calls[0]["focus"] == {dedup_people.dragan_import.pk, besnik.pk}


# --- the real engine, end to end ----------------------------------------------------------------


def test_real_engine_finds_the_duplicates_across_scripts_and_not_the_twins(system, dedup_people):
    people = dedup_people
    run = run_now(system)
    found = {(pair.person_a, pair.person_b) for pair in CandidatePair.objects.all()}
    expected = {
        tuple(sorted((first.pk, second.pk)))
        for first, second in (
            (people.dragan_a, people.dragan_b),
            (people.dragan_a, people.dragan_import),
            (people.dragan_b, people.dragan_import),
            (people.ljiljana_a, people.ljiljana_b),
        )
    }
    assert found == expected
    assert run.pairs_new == 4
    assert run.model["homeward"]["people"] == 9
    assert {"read", "store", "predict"} <= set(run.timings)


def test_real_engine_project_run_keeps_pairs_touching_the_project(system, project_a, dedup_people):
    people = dedup_people
    run_now(system, coverage="project", project=project_a)
    a_side = {people.dragan_a.pk, people.ljiljana_a.pk, people.marko.pk, people.luka.pk}
    pairs = list(CandidatePair.objects.all())
    assert len(pairs) == 3
    assert all({pair.person_a, pair.person_b} & a_side for pair in pairs)


def test_the_job_runs_the_batch_with_a_progress_bar(
    manager_a, dedup_people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        run = dedup_run_start(actor=Actor(user=manager_a))
    assert run_job.call(str(run.job.pk)) == Job.Status.SUCCEEDED
    job = Job.objects.get(pk=run.job.pk)
    assert (job.progress_done, job.progress_total) == (4, 4)
    assert job.result["pairs_new"] == 4
    run.refresh_from_db()
    assert run.status == DedupRun.Status.SUCCEEDED
    assert AuditEvent.objects.get(action="dedup.run").actor == manager_a


# --- deciding -----------------------------------------------------------------------------------


def test_a_reviewer_decides_not_the_same(manager_a, dedup_pairs, org_a):
    pair = pair_decide(
        actor=Actor(user=manager_a), pair=dedup_pairs.ab, decision="not_same", note=" twins? no "
    )
    pair.refresh_from_db()
    assert (pair.status, pair.decided_by, pair.note) == (Status.NOT_SAME, manager_a, "twins? no")
    assert pair.decided_at is not None
    event = AuditEvent.objects.get(action="dedup.pair_decide")
    assert event.changes["status"] == {"before": "pending", "after": "not_same"}
    # Filed under the organisation holding the first person, for its data protection officer.
    assert event.organisation_id == org_a.pk


def test_back_to_review_forgets_who_decided(manager_a, dedup_pairs):
    actor = Actor(user=manager_a)
    pair_decide(actor=actor, pair=dedup_pairs.ab, decision="unsure")
    pair = pair_decide(actor=actor, pair=dedup_pairs.ab, decision="pending")
    assert (pair.status, pair.decided_by, pair.decided_at) == (Status.PENDING, None, None)


def test_the_same_decision_again_changes_nothing(manager_a, dedup_pairs):
    pair_decide(actor=Actor(user=manager_a), pair=dedup_pairs.ab, decision="pending")
    assert not AuditEvent.objects.filter(action="dedup.pair_decide").exists()


@pytest.mark.parametrize(
    ("decision", "message"), [("same", "merge the two records"), ("maybe", "Choose")]
)
def test_a_decision_that_is_not_one_is_refused(manager_a, dedup_pairs, decision, message):
    with pytest.raises(ValidationError) as refused:
        pair_decide(actor=Actor(user=manager_a), pair=dedup_pairs.ab, decision=decision)
    assert message in refused.value.message_dict["decision"][0]


def test_a_merged_pair_is_not_decided_again(manager_a, dedup_pairs):
    CandidatePair.objects.filter(pk=dedup_pairs.ab.pk).update(status=Status.SAME)
    with pytest.raises(ValidationError, match="undo the merge"):
        pair_decide(actor=Actor(user=manager_a), pair=dedup_pairs.ab, decision="not_same")


def test_a_second_reviewer_does_not_overwrite_the_first(manager_a, dpo_a, dedup_pairs):
    """Both opened the pair while it was to review; the manager decided first."""
    seen = dedup_pairs.ab.status
    pair_decide(
        actor=Actor(user=manager_a), pair=dedup_pairs.ab, decision="not_same", expected_status=seen
    )
    with pytest.raises(ValidationError) as refused:
        pair_decide(
            actor=Actor(user=dpo_a), pair=dedup_pairs.ab, decision="unsure", expected_status=seen
        )
    assert "manager-a has decided this pair (Not the same person)" in refused.value.messages[0]
    dedup_pairs.ab.refresh_from_db()
    assert (dedup_pairs.ab.status, dedup_pairs.ab.decided_by) == (Status.NOT_SAME, manager_a)


def test_pairs_out_of_scope_are_unknown_to_the_decider(manager_a, case_worker_a, dedup_pairs):
    with pytest.raises(Http404):
        pair_decide(actor=Actor(user=manager_a), pair=dedup_pairs.b_import, decision="not_same")
    with pytest.raises(Http404):
        pair_decide(actor=Actor(user=case_worker_a), pair=dedup_pairs.ab, decision="not_same")


# --- reading ----------------------------------------------------------------------------------


def test_the_queue_shows_pairs_whose_both_people_are_in_scope(
    manager_a, dpo_a, manager_b, superuser, dedup_pairs
):
    pairs = dedup_pairs

    def queue(user):
        return set(selectors.pairs_for_review(actor=Actor(user=user)))

    assert queue(manager_a) == queue(dpo_a) == {pairs.ab, pairs.wives}
    assert queue(manager_b) == {pairs.b_import}
    assert queue(superuser) == {pairs.ab, pairs.b_import, pairs.a_import, pairs.wives}
    assert selectors.pairs_hidden_count(actor=Actor(user=manager_a)) == 2
    assert selectors.pairs_hidden_count(actor=Actor(user=manager_b)) == 3
    assert selectors.pairs_hidden_count(actor=Actor(user=superuser)) == 0


def test_the_queue_filters_by_status_project_and_probability(
    manager_a, project_a, joint_project, dedup_pairs
):
    actor = Actor(user=manager_a)
    CandidatePair.objects.filter(pk=dedup_pairs.wives.pk).update(status=Status.UNSURE)
    assert list(selectors.pairs_for_review(actor=actor)) == [dedup_pairs.ab]
    both = selectors.pairs_for_review(actor=actor, status=("pending", "unsure"))
    assert list(both) == [dedup_pairs.ab, dedup_pairs.wives]
    assert list(selectors.pairs_for_review(actor=actor, status="unsure", project=project_a)) == [
        dedup_pairs.wives
    ]
    assert not selectors.pairs_for_review(actor=actor, min_probability=0.999).exists()


def test_a_pair_out_of_scope_is_a_404(manager_a, case_worker_a, dedup_pairs):
    assert selectors.pair_get(actor=Actor(user=manager_a), pk=dedup_pairs.ab.pk) == dedup_pairs.ab
    for user, pair in ((manager_a, dedup_pairs.b_import), (case_worker_a, dedup_pairs.ab)):
        with pytest.raises(Http404):
            selectors.pair_get(actor=Actor(user=user), pk=pair.pk)
    with pytest.raises(Http404):
        selectors.pairs_for_review(actor=Actor(user=case_worker_a))
    with pytest.raises(Http404):
        selectors.pair_get(actor=Actor(user=manager_a), pk="abc")


def test_a_merged_pair_stays_visible_through_the_record_kept(manager_a, dedup_people):
    merged = make_pair(dedup_people.dragan_a, dedup_people.arben, status=Status.SAME)
    still_pending = make_pair(dedup_people.ljiljana_a, dedup_people.drita)
    actor = Actor(user=manager_a)
    assert selectors.pair_get(actor=actor, pk=merged.pk) == merged
    with pytest.raises(Http404):
        selectors.pair_get(actor=actor, pk=still_pending.pk)
    kept, other = selectors.pair_people(actor=actor, pair=merged)
    assert (kept, other) == (dedup_people.dragan_a, None)


def test_pair_people_come_with_their_households(manager_a, dedup_pairs, dedup_people):
    first, second = selectors.pair_people(actor=Actor(user=manager_a), pair=dedup_pairs.ab)
    assert (first, second) == (dedup_people.dragan_a, dedup_people.dragan_b)
    assert second.household.organisation.code == "org-b"


def test_runs_are_read_by_the_organisation_that_ran_them(
    manager_a, manager_b, case_worker_a, superuser, system, dedup_people, fake_link
):
    own = run_now(Actor(user=manager_a))
    # A whole-registry run from the command line belongs to no organisation: its pairs reach
    # every queue, so every reviewer sees the run (counts only).
    system_run = run_now(system)
    assert set(selectors.runs_for(actor=Actor(user=manager_a))) == {own, system_run}
    assert selectors.run_get(actor=Actor(user=manager_a), pk=own.pk) == own
    with pytest.raises(Http404):
        selectors.run_get(actor=Actor(user=manager_b), pk=own.pk)
    assert list(selectors.runs_for(actor=Actor(user=manager_b))) == [system_run]
    with pytest.raises(Http404):
        selectors.runs_for(actor=Actor(user=case_worker_a))
    assert set(selectors.runs_for(actor=Actor(user=superuser))) == {own, system_run}


# --- the ids written out ----------------------------------------------------------------------


def test_export_ids_are_the_partners_where_given(system, org_a, org_b, dedup_people):
    people = dedup_people
    ids = person_export_ids([people.dragan_a.pk, people.dragan_import.pk])
    assert ids == {people.dragan_a.pk: str(people.dragan_a.pk), people.dragan_import.pk: "B-P1"}
    # A second partner's id: the id of the organisation holding the household wins ...
    ExternalPerson.objects.create(
        organisation=org_a, external_id="A-0", person=people.dragan_import
    )
    assert person_export_ids([people.dragan_import.pk])[people.dragan_import.pk] == "B-P1"
    # ... and where none holds it, the lowest.
    ExternalPerson.objects.create(organisation=org_b, external_id="Z-9", person=people.dragan_a)
    ExternalPerson.objects.create(organisation=org_b, external_id="M-1", person=people.marko)
    org_c = organisation_create(actor=system, code="org-c", name="C", kind="ngo")
    ExternalPerson.objects.create(organisation=org_c, external_id="C-5", person=people.marko)
    assert person_export_ids([people.marko.pk]) == {people.marko.pk: "C-5"}


def test_pairs_csv_from_stored_pairs(dedup_pairs, dedup_people):
    out = io.StringIO()
    rows = write_pairs_csv([dedup_pairs.b_import, dedup_pairs.ab], out)
    b, a = dedup_people.dragan_b.pk, dedup_people.dragan_a.pk
    assert rows == 2
    assert out.getvalue() == (
        f"person_id_a,person_id_b,match_probability\n{b},B-P1,0.970000\n{a},{b},0.998000\n"
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's")
def test_two_reviewers_at_once_the_second_waits_and_is_refused(system, org_a, manager_a, dpo_a):
    """The manager's decision is not yet committed when the officer's arrives: the officer's
    waits for the row, then finds it decided (on SQLite the database itself serialises)."""
    pair = make_pair(*registered_twice(system, org_a))
    outcome = {}

    def officer():
        try:
            pair_decide(
                actor=Actor(user=dpo_a),
                pair=pair,
                decision="unsure",
                expected_status="pending",
            )
        except ValidationError as error:
            outcome["refused"] = error.messages[0]
        finally:
            connections.close_all()

    second = threading.Thread(target=officer)
    with transaction.atomic():
        pair_decide(
            actor=Actor(user=manager_a),
            pair=pair,
            decision="not_same",
            expected_status="pending",
        )
        second.start()
        second.join(timeout=0.5)
        assert second.is_alive()  # waiting for the manager's lock
    second.join(timeout=10)
    assert "manager-a has decided this pair" in outcome["refused"]
    pair.refresh_from_db()
    assert pair.status == Status.NOT_SAME
