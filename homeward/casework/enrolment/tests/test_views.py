"""Enrolment in the pages: the household panel, the enrol page, steps, the enrolment page and
the project's list, with the roles that may and may not reach each."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from homeward.accounts.roles import Role
from homeward.casework.enrolment.models import Enrolment
from homeward.programmes.services import project_update

pytestmark = pytest.mark.django_db


def _enrol_data(**extra) -> dict:
    return {
        "enrol-project": "project-a",
        "enrol-person": "",
        "enrol-on": "2025-03-01",
        "enrol-reason": "",
    } | extra


def _step_data(enrolment, **extra) -> dict:
    prefix = f"step-{enrolment.pk}-"
    values = {"status": "", "on": "2025-03-02", "reason": "", "version": enrolment.version}
    values |= extra
    return {prefix + name: value for name, value in values.items()}


def test_the_household_page_offers_to_enrol_and_lists_enrolments(
    client_for, case_worker_a, household_a, enrol, project_a
):
    browser = client_for(case_worker_a)
    page = browser.get(f"/registry/households/{household_a.number}/").content.decode()
    assert "Not enrolled in any project." in page
    assert f"/registry/households/{household_a.number}/enrol/" in page
    enrol(project_a, household_a, status="selected")
    page = browser.get(f"/registry/households/{household_a.number}/").content.decode()
    assert "project-a" in page
    assert "Selected" in page
    # A selected household's next steps are the case worker's: active or dropped out.
    assert 'value="active"' in page
    assert 'value="dropped"' in page


def test_a_case_worker_enrols_the_household(client_for, case_worker_a, household_a):
    response = client_for(case_worker_a).post(
        f"/registry/households/{household_a.number}/enrol/", _enrol_data()
    )
    assert response.status_code == 302
    assert response.url == f"/registry/households/{household_a.number}/"
    enrolment = Enrolment.objects.get()
    assert (enrolment.person, enrolment.status, enrolment.enrolled_on) == (
        None,
        "candidate",
        date(2025, 3, 1),
    )


def test_a_case_worker_enrols_one_member(client_for, case_worker_a, household_a):
    child = household_a.members.get(first_name="Milica")
    response = client_for(case_worker_a).post(
        f"/registry/households/{household_a.number}/enrol/",
        _enrol_data(**{"enrol-person": child.pk}),
    )
    assert response.status_code == 302
    assert Enrolment.objects.get().person == child


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"enrol-on": (timezone.localdate() + timedelta(days=2)).isoformat()}, "on"),
        ({"enrol-project": "project-b"}, "project"),
        ({"enrol-person": "999999"}, "person"),
    ],
)
def test_bad_enrolments_are_refused_on_the_page(
    client_for, case_worker_a, household_a, project_b, changes, field
):
    response = client_for(case_worker_a).post(
        f"/registry/households/{household_a.number}/enrol/", _enrol_data(**changes)
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Enrolment.objects.exists()


def test_a_duplicate_is_refused_on_the_page(
    client_for, case_worker_a, household_a, enrol, project_a
):
    enrol(project_a, household_a)
    response = client_for(case_worker_a).post(
        f"/registry/households/{household_a.number}/enrol/", _enrol_data()
    )
    assert response.status_code == 200
    assert "Already enrolled" in response.content.decode()
    assert Enrolment.objects.count() == 1


@pytest.mark.parametrize("role", [Role.SELECTION_COMMITTEE, Role.ME_OFFICER, Role.DONOR_VIEWER])
def test_roles_that_record_no_casework_find_no_enrol_page(
    client_for, make_user, org_a, household_a, role
):
    browser = client_for(make_user(org_a, role))
    path = f"/registry/households/{household_a.number}/enrol/"
    assert browser.get(path).status_code == 404
    assert browser.post(path, _enrol_data()).status_code == 404
    assert not Enrolment.objects.exists()


def test_another_organisations_case_worker_finds_no_enrol_page(
    client_for, case_worker_b, household_a
):
    path = f"/registry/households/{household_a.number}/enrol/"
    assert client_for(case_worker_b).post(path, _enrol_data()).status_code == 404


def test_the_committee_records_a_decision_from_the_household_page(
    client_for, committee_a, household_a, enrol, project_a
):
    enrolment = enrol(project_a, household_a)
    data = _step_data(enrolment, status="rejected", reason="Income above the threshold.")
    response = client_for(committee_a).post(
        f"/enrolments/{enrolment.pk}/step/", data | {"back": "household"}
    )
    assert response.status_code == 302
    assert response.url == f"/registry/households/{household_a.number}/"
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.status_on) == ("rejected", date(2025, 3, 2))
    step = enrolment.steps.last()
    assert step.reason == "Income above the threshold."


def test_a_rejection_without_reason_is_refused_on_the_page(
    client_for, committee_a, household_a, enrol, project_a
):
    enrolment = enrol(project_a, household_a)
    response = client_for(committee_a).post(
        f"/enrolments/{enrolment.pk}/step/", _step_data(enrolment, status="rejected")
    )
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    assert Enrolment.objects.get(pk=enrolment.pk).status == "candidate"


def test_a_step_the_actor_may_not_take_is_refused(
    client_for, case_worker_a, household_a, enrol, project_a
):
    enrolment = enrol(project_a, household_a, status="selected")
    response = client_for(case_worker_a).post(
        f"/enrolments/{enrolment.pk}/step/", _step_data(enrolment, status="completed")
    )
    assert response.status_code == 200
    assert "status" in response.context["form"].errors
    assert Enrolment.objects.get(pk=enrolment.pk).status == "selected"


def test_a_candidate_has_no_step_for_a_case_worker(
    client_for, case_worker_a, household_a, enrol, project_a
):
    enrolment = enrol(project_a, household_a)
    response = client_for(case_worker_a).post(
        f"/enrolments/{enrolment.pk}/step/", _step_data(enrolment, status="selected")
    )
    assert response.status_code == 404
    assert Enrolment.objects.get(pk=enrolment.pk).status == "candidate"


def test_a_stale_step_shows_the_conflict_and_keeps_the_entries(
    client_for, case_worker_a, make_user, org_a, household_a, enrol, project_a
):
    enrolment = enrol(project_a, household_a, status="selected")
    colleague = client_for(make_user(org_a, Role.CASE_WORKER, username="colleague"))
    read = _step_data(enrolment, status="active")
    assert colleague.post(f"/enrolments/{enrolment.pk}/step/", read).status_code == 302
    late = read | {f"step-{enrolment.pk}-status": "dropped", f"step-{enrolment.pk}-reason": "Moved"}
    response = client_for(case_worker_a).post(f"/enrolments/{enrolment.pk}/step/", late)
    assert response.status_code == 200
    assert response.context["conflict"] is not None
    assert "Moved" in response.content.decode()
    enrolment.refresh_from_db()
    assert enrolment.status == "active"
    assert enrolment.steps.count() == 3


def test_the_enrolment_page_shows_every_step(client_for, manager_a, household_a, enrol, project_a):
    enrolment = enrol(project_a, household_a, status="dropped")
    page = client_for(manager_a).get(f"/enrolments/{enrolment.pk}/").content.decode()
    for label in ("Candidate", "Selected", "Dropped out", "A reason."):
        assert label in page
    assert page.count("<tr>") == 1 + 3  # the heading and three steps
    from homeward.core.models import AuditEvent

    read = AuditEvent.objects.get(action="enrolment.read")
    assert (read.actor, read.target_id) == (manager_a, str(enrolment.pk))


@pytest.mark.parametrize("role", [Role.DONOR_VIEWER, Role.INFO_DESK_OPERATOR, Role.ADMINISTRATOR])
def test_roles_without_personal_data_find_no_enrolment_and_no_list(
    client_for, make_user, org_a, donor_org, household_a, enrol, project_a, role
):
    enrolment = enrol(project_a, household_a)
    user = make_user(donor_org if role == Role.DONOR_VIEWER else org_a, role)
    browser = client_for(user)
    assert browser.get(f"/enrolments/{enrolment.pk}/").status_code == 404
    assert browser.get("/projects/project-a/enrolments/").status_code == 404


def test_another_organisation_finds_neither(client_for, manager_b, household_a, enrol, project_a):
    enrolment = enrol(project_a, household_a)
    browser = client_for(manager_b)
    assert browser.get(f"/enrolments/{enrolment.pk}/").status_code == 404
    assert browser.get("/projects/project-a/enrolments/").status_code == 404


def test_the_project_list_filters_by_status_and_pages(
    client_for, manager_a, enrol, project_a, register, case_worker_a, org_a, monkeypatch
):
    from homeward.casework.enrolment import views

    households = [register(case_worker_a, org_a, project_a, last_name="Berisha") for _ in range(3)]
    enrol(project_a, households[0], status="selected")
    enrol(project_a, households[1])
    enrol(project_a, households[2])
    browser = client_for(manager_a)
    candidates = browser.get("/projects/project-a/enrolments/?status=candidate")
    assert {e.household for e in candidates.context["page"]} == {households[1], households[2]}
    assert households[0].number not in candidates.content.decode()
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    first = browser.get("/projects/project-a/enrolments/")
    second = browser.get("/projects/project-a/enrolments/?page=2")
    assert len(first.context["page"]) == 2
    assert len(second.context["page"]) == 1
    # An unknown status is no filter at all.
    unfiltered = browser.get("/projects/project-a/enrolments/?status=bogus")
    assert unfiltered.context["page"].paginator.count == 3


def test_the_project_page_counts_by_status_and_links_the_list(
    client_for, manager_a, donor_viewer, household_a, enrol, project_a
):
    enrol(project_a, household_a, status="selected")
    page = client_for(manager_a).get("/projects/project-a/").content.decode()
    assert "/projects/project-a/enrolments/?status=selected" in page
    # The donor sees counts, small ones suppressed, and no link to names.
    page = client_for(donor_viewer).get("/projects/project-a/").content.decode()
    assert "/projects/project-a/enrolments/" not in page
    assert "fewer than 5" in page


def test_a_partner_case_worker_sees_an_enrolled_household_of_the_lead_only(
    system, client_for, make_user, org_a, org_b, project_a, case_worker_a, register, enrol
):
    """Enrolment makes a household visible to the project's partners; until then it is the
    registering organisation's alone."""
    project_update(actor=system, project=project_a, expected_version=None, partners=[org_b])
    partner_worker = make_user(org_b, Role.CASE_WORKER, username="partner-worker")
    enrolled = register(case_worker_a, org_a, None, last_name="Hoxha")
    not_enrolled = register(case_worker_a, org_a, None, last_name="Morina")
    enrol(project_a, enrolled)
    browser = client_for(partner_worker)
    assert browser.get(f"/registry/households/{enrolled.number}/").status_code == 200
    assert browser.get(f"/registry/households/{not_enrolled.number}/").status_code == 404
    found = browser.get("/registry/", {"q": "Hoxha"}).content.decode()
    assert enrolled.number in found
    assert not_enrolled.number not in browser.get("/registry/", {"q": "Morina"}).content.decode()
