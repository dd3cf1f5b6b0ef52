"""``homeward dedup``: a batch run from the command line, with the real engine, its summary, the
pairs as CSV, and refusals of bad input with exit status 1."""

import csv
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from homeward.core.models import AuditEvent
from homeward.dedup.models import CandidatePair, DedupRun
from homeward.dedup.tests.conftest import DEDUP_IMPORT_ROWS, import_csv
from homeward.exchange.imports.services import import_check

Status = CandidatePair.Status


def dedup(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("dedup", *args, stdout=out, stderr=err)
    return out.getvalue()


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def ids(*people):
    return tuple(sorted(person.pk for person in people))


def test_the_whole_registry_with_the_pairs_as_csv(dedup_people, tmp_path):
    people = dedup_people
    out = tmp_path / "pairs.csv"
    summary = dedup("--pairs-out", str(out))
    header, *rows = read_csv(out)
    assert header == ["person_id_a", "person_id_b", "match_probability"]
    a, b = str(people.dragan_a.pk), str(people.dragan_b.pk)
    # The imported Dragan is named by the id his partner gave him; the others by Homeward's.
    assert {(row[0], row[1]) for row in rows} == {
        (a, b),
        (a, "B-P1"),
        (b, "B-P1"),
        (str(people.ljiljana_a.pk), str(people.ljiljana_b.pk)),
    }
    for row in rows:
        assert len(row[2].split(".")[1]) >= 4
        assert 0.9 <= float(row[2]) <= 1
    assert "people compared: 9" in summary
    assert "pairs at or above the threshold: 4" in summary
    assert "new to the review queue: 4" in summary
    assert "seconds per stage: read " in summary
    assert "4 pairs written to" in summary
    assert CandidatePair.objects.filter(status=Status.PENDING).count() == 4
    event = AuditEvent.objects.get(action="dedup.run")
    assert (event.actor_label, event.via) == ("system", "cli")


def test_not_the_same_is_remembered_across_runs(dedup_people, tmp_path):
    people = dedup_people
    dedup()
    CandidatePair.objects.filter(
        person_a=min(ids(people.ljiljana_a, people.ljiljana_b)),
        person_b=max(ids(people.ljiljana_a, people.ljiljana_b)),
    ).update(status=Status.NOT_SAME)
    summary = dedup("--pairs-out", str(tmp_path / "again.csv"))
    assert "new to the review queue: 0" in summary
    decided = CandidatePair.objects.get(person_a=ids(people.ljiljana_a, people.ljiljana_b)[0])
    assert decided.status == Status.NOT_SAME
    first, second = DedupRun.objects.order_by("pk")
    assert decided.run == first
    assert set(second.pairs.values_list("status", flat=True)) == {Status.PENDING}
    assert second.pairs.count() == 3
    # The CSV reports what the model found, decided or not.
    assert len(read_csv(tmp_path / "again.csv")) == 5


def test_a_project_run_keeps_the_pairs_of_its_people(dedup_people, project_b):
    people = dedup_people
    summary = dedup("--project", "project-b", "--threshold", "0.95")
    run = DedupRun.objects.get()
    assert f"Deduplication run {run.pk}: One project project-b, threshold 0.95" in summary
    found = set(CandidatePair.objects.values_list("person_a", "person_b"))
    assert found == {
        ids(people.dragan_a, people.dragan_import),
        ids(people.dragan_b, people.dragan_import),
    }


def test_an_import_run_keeps_the_pairs_of_its_people(dedup_people, dedup_import_b):
    people = dedup_people
    dedup("--import", str(dedup_import_b.pk))
    found = set(CandidatePair.objects.values_list("person_a", "person_b"))
    assert found == {
        ids(people.dragan_a, people.dragan_import),
        ids(people.dragan_b, people.dragan_import),
    }
    assert DedupRun.objects.get().people_import == dedup_import_b


def test_no_queue_writes_the_csv_only(dedup_people, tmp_path):
    summary = dedup("--no-queue", "--pairs-out", str(tmp_path / "p.csv"))
    assert "new to the review queue: none (--no-queue)" in summary
    assert not CandidatePair.objects.exists()
    assert len(read_csv(tmp_path / "p.csv")) == 5


def test_a_user_runs_within_their_scope(manager_a, dedup_people):
    dedup("--user", "manager-a", "--project", "project-a")
    run = DedupRun.objects.get()
    assert (run.started_by, run.organisation.code) == (manager_a, "org-a")
    event = AuditEvent.objects.get(action="dedup.run")
    assert (event.actor, event.via) == (manager_a, "cli")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--project", "nowhere"], "There is no project nowhere."),
        (["--import", "999"], "There is no import 999."),
        (["--import", "last"], "--import takes the number of an import, not last."),
        (["--threshold", "0"], "--threshold is a probability above 0 and at most 1"),
        (["--threshold", "1.5"], "not 1.5"),
        (["--threshold", "high"], "not high"),
        (["--project", "project-a", "--import", "1"], "Give --project or --import, not both."),
        (["--user", "nobody"], "No user is called 'nobody'."),
        (["--user", "caseworker-a"], "caseworker-a may not run deduplication"),
        (["--user", "manager-a", "--project", "project-b"], "No project project-b is open to"),
        (
            ["--user", "manager-a", "--project", "nowhere"],
            "No project nowhere is open to manager-a",
        ),
        (["--pairs-out", "/no/such/folder/p.csv"], "There is no folder /no/such/folder."),
    ],
)
def test_bad_input_is_refused_before_anything_runs(
    manager_a, case_worker_a, project_b, args, message
):
    with pytest.raises(CommandError) as refused:
        dedup(*args)
    assert message in str(refused.value)
    assert refused.value.returncode == 1
    assert not DedupRun.objects.exists()


def test_an_import_out_of_scope_or_only_checked_is_refused(
    manager_a, system, org_b, project_b, dedup_import_b
):
    with pytest.raises(CommandError, match=f"No import {dedup_import_b.pk} is open to manager-a"):
        dedup("--user", "manager-a", "--import", str(dedup_import_b.pk))
    checked = import_check(
        actor=system,
        source=import_csv(DEDUP_IMPORT_ROWS),
        filename="partner-b.csv",
        project=project_b,
        organisation=org_b,
    ).people_import
    with pytest.raises(CommandError, match="was checked \\(dry run\\): it added no one"):
        dedup("--import", str(checked.pk))


def test_the_exit_status_is_1_with_the_reason_on_stderr(db, capsys):
    from django.core.management import ManagementUtility

    with pytest.raises(SystemExit) as exited:
        ManagementUtility(["homeward", "dedup", "--threshold", "2"]).execute()
    assert exited.value.code == 1
    assert "--threshold is a probability above 0 and at most 1" in capsys.readouterr().err
