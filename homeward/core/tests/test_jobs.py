"""Background jobs: started in a service, carried out by the worker, watched as progress."""

import csv
import io

import pytest
from django.conf import settings
from django.core.management import call_command

from homeward.core.audit import audit_record
from homeward.core.jobs import job_start
from homeward.core.models import AuditEvent, Job
from homeward.core.services import service

pytestmark = pytest.mark.django_db


@service
def record_formula(*, actor, organisation):
    audit_record(
        actor=actor,
        action="test.formula",
        target=organisation,
        target_label='=HYPERLINK("http://evil.example")',
        changes={"note": {"before": None, "after": "+1"}},
    )


@pytest.fixture
def run_worker(monkeypatch):
    """``homeward worker --batch``, run inside the test's transaction.

    The worker drops connections that are not in autocommit mode, as they would be left over
    from an earlier task; the test's own transaction is such a connection, so it must stay.
    """
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
    return lambda: call_command("worker", batch=True, verbosity=0)


@pytest.fixture
def started_export(client_for, admin_a, django_capture_on_commit_callbacks):
    """A's administrator asks for an export of the audit trail on the audit page."""
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client_for(admin_a).post("/audit/export/", {})
    assert len(callbacks) == 1
    job = Job.objects.get()
    assert response.status_code == 302
    assert response.url == f"/jobs/{job.pk}/"
    return job


def test_starting_an_export_records_a_queued_job_and_audits_it(started_export, admin_a, org_a):
    job = started_export
    assert (job.kind, job.status, job.created_by, job.organisation) == (
        "audit.export",
        Job.Status.QUEUED,
        admin_a,
        org_a,
    )
    assert job.task_result_id
    event = AuditEvent.objects.get(action="job.start")
    assert (event.actor, event.target_id, event.organisation) == (admin_a, str(job.pk), org_a)


def test_the_job_is_enqueued_only_when_the_transaction_commits(actor, admin_a, org_a):
    from django_tasks_db.models import DBTaskResult

    job_start(actor=actor(admin_a), kind="audit.export", params={}, organisation_id=org_a.pk)
    # Still inside the test's transaction: nothing handed to the worker yet.
    assert not DBTaskResult.objects.exists()


def test_the_worker_finishes_the_export_and_writes_the_csv(
    run_worker, started_export, system, admin_a, org_a, org_b, client_for
):
    record_formula(actor=system, organisation=org_a)
    job = started_export
    expected_rows = AuditEvent.objects.filter(organisation=org_a).count()

    run_worker()

    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.message
    assert job.progress_total == expected_rows
    assert job.progress_done == job.progress_total
    assert job.percent == 100
    assert job.result == {"rows": expected_rows}
    assert job.finished_at is not None
    path = settings.MEDIA_ROOT / job.output_file
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert len(rows) == expected_rows
    assert {row["organisation"] for row in rows} == {"org-a"}
    formula = next(row for row in rows if row["action"] == "test.formula")
    assert formula["target"] == '\'=HYPERLINK("http://evil.example")'
    assert formula["changes"] == '{"note": {"after": "+1", "before": null}}'
    assert AuditEvent.objects.filter(action="audit.export", target_id=str(job.pk)).exists()
    finish = AuditEvent.objects.get(action="job.finish", target_id=str(job.pk))
    assert finish.via == "task"


def test_the_progress_fragment_renders(run_worker, started_export, client_for, admin_a):
    job = started_export
    browser = client_for(admin_a)
    queued = browser.get(f"/jobs/{job.pk}/progress/")
    assert queued.status_code == 200
    assert b'id="job-progress"' in queued.content
    assert b"data-poll" in queued.content
    assert b"<html" not in queued.content

    run_worker()

    finished = browser.get(f"/jobs/{job.pk}/progress/")
    assert finished.status_code == 200
    assert b"data-poll" not in finished.content
    assert b'value="100"' in finished.content
    assert f"/jobs/{job.pk}/download/".encode() in finished.content
    page = browser.get(f"/jobs/{job.pk}/")
    assert page.status_code == 200
    assert b'id="job-progress"' in page.content


def test_download_is_audited(run_worker, started_export, client_for, admin_a):
    job = started_export
    run_worker()
    response = client_for(admin_a).get(f"/jobs/{job.pk}/download/", REMOTE_ADDR="192.0.2.44")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    content = b"".join(response.streaming_content)
    assert content.startswith(b"\xef\xbb\xbfat,actor,organisation,action")
    event = AuditEvent.objects.get(action="export.download")
    assert (event.actor, event.target_id, event.ip_address) == (
        admin_a,
        str(job.pk),
        "192.0.2.44",
    )


def test_download_before_the_job_finished_is_404(started_export, client_for, admin_a):
    assert client_for(admin_a).get(f"/jobs/{started_export.pk}/download/").status_code == 404


def test_another_users_job_is_404(run_worker, started_export, client_for, make_user, org_a):
    from homeward.accounts.roles import Role

    job = started_export
    run_worker()
    # Even a colleague with the same role in the same organisation does not see the job.
    colleague = make_user(org_a, Role.ADMINISTRATOR)
    browser = client_for(colleague)
    for page in ("", "progress/", "download/"):
        assert browser.get(f"/jobs/{job.pk}/{page}").status_code == 404
    assert job.pk.hex not in browser.get("/jobs/").content.decode().replace("-", "")
    assert not AuditEvent.objects.filter(action="export.download").exists()


def test_the_job_list_shows_own_jobs(started_export, client_for, admin_a, api_client_for):
    assert str(started_export.pk).encode() in client_for(admin_a).get("/jobs/").content
    body = api_client_for(admin_a).get("/api/v1/jobs/").json()
    assert [job["id"] for job in body["results"]] == [str(started_export.pk)]


def test_a_failing_job_is_recorded_as_failed(
    run_worker, actor, admin_a, org_a, monkeypatch, django_capture_on_commit_callbacks
):
    from homeward.core import jobs

    def explode(*, job, actor, progress):
        raise RuntimeError("disk full")

    monkeypatch.setitem(jobs._HANDLERS, "audit.export", explode)
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(
            actor=actor(admin_a), kind="audit.export", params={}, organisation_id=org_a.pk
        )
    run_worker()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "disk full" in job.message
    assert AuditEvent.objects.filter(action="job.fail", target_id=str(job.pk)).exists()


def test_an_unknown_kind_of_job_cannot_be_started(actor, admin_a):
    with pytest.raises(ValueError, match="Unknown job kind"):
        job_start(actor=actor(admin_a), kind="nothing", params={}, organisation_id=None)
    assert not Job.objects.exists()


def test_the_export_applies_the_filters(
    run_worker, client_for, admin_a, org_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(admin_a).post("/audit/export/", {"action": "user."})
    run_worker()
    job = Job.objects.get()
    assert job.params == {"filters": {"action": "user."}}
    rows = list(
        csv.DictReader(
            io.StringIO((settings.MEDIA_ROOT / job.output_file).read_text(encoding="utf-8-sig"))
        )
    )
    assert rows
    assert all(row["action"].startswith("user.") for row in rows)


@pytest.mark.django_db(transaction=True)
def test_a_committed_job_is_carried_out_by_the_worker_as_in_production(actor, admin_a, org_a):
    # No test transaction here: the job is enqueued when job_start's transaction commits and
    # the worker runs exactly as ``homeward worker --batch`` does.
    job = job_start(actor=actor(admin_a), kind="audit.export", params={}, organisation_id=org_a.pk)
    call_command("worker", batch=True, verbosity=0)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.message
    assert job.progress_done == job.progress_total > 0
    assert (settings.MEDIA_ROOT / job.output_file).is_file()
