"""The assistance pages, through the browser: what each role sees, what each form refuses."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from homeward.accounts.roles import Role
from homeward.casework.assistance.models import Delivery, MonitoringPhoto
from homeward.casework.assistance.tests.conftest import HANDOVER, kind, pdf, png
from homeward.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def outsiders(make_user, org_a, manager_b, donor_viewer, admin_a):
    """Who must not see A's deliveries: B's manager, the donor, A's administrator and
    information desk operator."""
    return [manager_b, donor_viewer, admin_a, make_user(org_a, Role.INFO_DESK_OPERATOR)]


def test_the_catalogue_page_shows_the_names_in_the_pages_language(client_for, case_worker_a):
    browser = client_for(case_worker_a)
    page = browser.get("/assistance/types/")
    assert page.status_code == 200
    assert "Income-generation grant in kind" in page.content.decode()
    page = browser.get("/assistance/types/", headers={"accept-language": "sq"})
    assert "Pako ndihme" in page.content.decode()


def test_the_projects_deliveries_page_filters_and_totals(
    plan, delivered, client_for, case_worker_a, project_a
):
    plan("aid-kit", planned_value=Decimal("80"))
    delivered("food-items", planned_value=Decimal("60"))
    browser = client_for(case_worker_a)
    page = browser.get("/projects/project-a/deliveries/")
    assert page.status_code == 200
    assert page.context["totals"] == {
        "count": 2,
        "planned": Decimal("140.00"),
        "actual": Decimal("1480.00"),
    }
    delivered_only = browser.get("/projects/project-a/deliveries/?status=delivered")
    assert [d.assistance_type.code for d in delivered_only.context["page"]] == ["food-items"]
    aid_kits = browser.get(f"/projects/project-a/deliveries/?assistance_type={kind('aid-kit').pk}")
    assert [d.assistance_type.code for d in aid_kits.context["page"]] == ["aid-kit"]
    assert aid_kits.context["totals"]["actual"] == Decimal("0")


def test_the_deliveries_and_their_pages_are_not_there_for_outsiders(
    delivered, plan, client_for, outsiders
):
    grant = delivered()
    planned = plan("aid-kit")
    visit = grant.monitoring_visits.first()
    for user in outsiders:
        browser = client_for(user)
        for path in (
            "/projects/project-a/deliveries/",
            "/projects/project-a/deliveries/new/",
            f"/deliveries/{grant.pk}/",
            f"/deliveries/{planned.pk}/edit/",
            f"/monitoring-visits/{visit.pk}/",
        ):
            assert browser.get(path).status_code == 404, (user.username, path)
        response = browser.post(
            f"/deliveries/{planned.pk}/transition/",
            {"status": "approved", "approved-status": "approved", "approved-version": 1},
        )
        assert response.status_code == 404
    assert Delivery.objects.get(pk=planned.pk).status == "planned"


def test_a_case_worker_plans_a_delivery_from_the_household_page(
    client_for, case_worker_a, household_a, enrolment_a
):
    browser = client_for(case_worker_a)
    household_page = browser.get(f"/registry/households/{household_a.number}/")
    link = f"/projects/project-a/deliveries/new/?household={household_a.number}"
    assert link in household_page.content.decode()
    form = browser.get(link)
    assert form.status_code == 200
    child = household_a.members.get(relationship_to_head="child")
    response = browser.post(
        link,
        {
            "household": household_a.number,
            "assistance_type": kind("learning-materials").pk,
            "person": child.pk,
            "quantity": "1",
            "planned_value": "",
            "planned_on": "2026-09-01",
            "note": "School year",
            "items-TOTAL_FORMS": "3",
            "items-INITIAL_FORMS": "0",
            "items-0-description": "Textbooks",
            "items-0-quantity": "6",
            "items-0-unit_value": "12.50",
        },
    )
    delivery = Delivery.objects.get()
    assert response.status_code == 302
    assert response.url == f"/deliveries/{delivery.pk}/"
    assert delivery.person == child
    assert delivery.planned_value == Decimal("75.00")
    household_page = browser.get(f"/registry/households/{household_a.number}/")
    assert f"/deliveries/{delivery.pk}/" in household_page.content.decode()


def test_planning_for_a_household_not_selected_names_the_field_and_saves_nothing(
    client_for, case_worker_a, household_a
):
    browser = client_for(case_worker_a)
    response = browser.post(
        "/projects/project-a/deliveries/new/",
        {
            "household": household_a.number,
            "assistance_type": kind("aid-kit").pk,
            "quantity": "1",
            "planned_value": "80",
            "items-TOTAL_FORMS": "3",
            "items-INITIAL_FORMS": "0",
            "items-0-description": "Blanket",
            "items-0-quantity": "2",
            "items-0-unit_value": "-4",
        },
    )
    assert response.status_code == 400
    assert "not selected or active" in str(response.context["form"].errors["household"])
    assert response.context["formset"].forms[0].errors["unit_value"]
    assert not Delivery.objects.exists()


def test_a_household_number_nobody_may_see_is_not_found(client_for, case_worker_a, project_a):
    response = client_for(case_worker_a).post(
        "/projects/project-a/deliveries/new/",
        {
            "household": "H-999999",
            "assistance_type": kind("aid-kit").pk,
            "items-TOTAL_FORMS": "0",
            "items-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["household"]


def test_the_delivery_page_offers_each_role_its_own_next_steps(
    plan, client_for, case_worker_a, manager_a, household_a
):
    delivery = plan("aid-kit", items=[{"description": "Kit", "quantity": 1, "unit_value": "80"}])
    worker_page = client_for(case_worker_a).get(f"/deliveries/{delivery.pk}/")
    assert [status for status, _form in worker_page.context["transition_forms"]] == ["cancelled"]
    assert worker_page.context["can_edit"]
    manager_page = client_for(manager_a).get(f"/deliveries/{delivery.pk}/")
    assert [status for status, _form in manager_page.context["transition_forms"]] == [
        "approved",
        "cancelled",
    ]
    assert "Kit" in manager_page.content.decode()
    assert (
        AuditEvent.objects.filter(action="delivery.read", target_id=str(delivery.pk)).count() == 2
    )


def test_approving_and_handing_over_through_the_page(
    plan, client_for, case_worker_a, manager_a, settings
):
    delivery = plan(
        "income-grant-in-kind",
        items=[{"description": "Lathe", "quantity": 1, "unit_value": "1400"}],
    )
    # A case worker's approval is not there for them.
    refused = client_for(case_worker_a).post(
        f"/deliveries/{delivery.pk}/transition/",
        {"status": "approved", "approved-status": "approved", "approved-version": delivery.version},
    )
    assert refused.status_code == 404
    approved = client_for(manager_a).post(
        f"/deliveries/{delivery.pk}/transition/",
        {
            "status": "approved",
            "approved-status": "approved",
            "approved-version": delivery.version,
            "approved-note": "Within budget",
        },
    )
    assert approved.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == "approved"
    browser = client_for(case_worker_a)
    page = browser.get(f"/deliveries/{delivery.pk}/")
    deliver_form = dict(page.context["transition_forms"])["delivered"]
    assert deliver_form.initial["actual_value"] == Decimal("1400.00")
    future = timezone.localdate() + datetime.timedelta(days=2)
    too_early = browser.post(
        f"/deliveries/{delivery.pk}/transition/",
        {
            "status": "delivered",
            "delivered-status": "delivered",
            "delivered-version": delivery.version,
            "delivered-handover_on": future.isoformat(),
            "delivered-actual_value": "1400",
        },
    )
    assert too_early.status_code == 400
    bound = dict(too_early.context["transition_forms"])["delivered"]
    assert "future" in str(bound.errors["handover_on"])
    assert Delivery.objects.get(pk=delivery.pk).status == "approved"
    handed_over = browser.post(
        f"/deliveries/{delivery.pk}/transition/",
        {
            "status": "delivered",
            "delivered-status": "delivered",
            "delivered-version": delivery.version,
            "delivered-handover_on": HANDOVER.isoformat(),
            "delivered-actual_value": "",
            "delivered-handover_document": pdf(),
            "delivered-handover_note": "Signed",
        },
    )
    assert handed_over.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == "delivered"
    assert delivery.actual_value == Decimal("1400.00")
    assert delivery.monitoring_visits.count() == 2
    page = browser.get(f"/deliveries/{delivery.pk}/")
    assert f"/deliveries/{delivery.pk}/document/" in page.content.decode()
    assert len(page.context["visits"]) == 2
    download = browser.get(f"/deliveries/{delivery.pk}/document/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    assert AuditEvent.objects.filter(action="delivery.document_read").count() == 1


def test_a_jump_the_life_cycle_does_not_allow_is_shown_on_the_page(plan, client_for, manager_a):
    delivery = plan("aid-kit")
    response = client_for(manager_a).post(
        f"/deliveries/{delivery.pk}/transition/",
        {"status": "verified", "verified-status": "verified", "verified-version": delivery.version},
    )
    assert response.status_code == 409
    assert "cannot become" in response.content.decode()
    assert Delivery.objects.get(pk=delivery.pk).status == "planned"


def test_a_stale_transition_is_refused_with_a_message(plan, client_for, manager_a):
    delivery = plan("aid-kit")
    response = client_for(manager_a).post(
        f"/deliveries/{delivery.pk}/transition/",
        {
            "status": "approved",
            "approved-status": "approved",
            "approved-version": delivery.version - 1,
        },
        follow=True,
    )
    assert "Somebody else changed this record" in response.content.decode()
    assert Delivery.objects.get(pk=delivery.pk).status == "planned"


def test_the_edit_page_keeps_what_was_typed_when_somebody_saved_first(
    plan, client_for, case_worker_a, worker
):
    from homeward.casework.assistance.services import delivery_update

    delivery = plan("aid-kit", planned_value=Decimal("80"))
    read_at = delivery.version
    delivery_update(
        actor=worker, delivery=delivery, expected_version=read_at, planned_value=Decimal("90")
    )
    form = {
        "assistance_type": kind("aid-kit").pk,
        "quantity": "1",
        "planned_value": "99",
        "version": read_at,
        "items-TOTAL_FORMS": "3",
        "items-INITIAL_FORMS": "0",
    }
    browser = client_for(case_worker_a)
    response = browser.post(f"/deliveries/{delivery.pk}/edit/", form)
    assert response.status_code == 409
    assert response.context["form"]["planned_value"].value() == "99"
    assert ("Planned value", "90.00") in response.context["conflict_rows"]
    assert Delivery.objects.get(pk=delivery.pk).planned_value == Decimal("90.00")
    form["version"] = response.context["form"]["version"].value()
    saved = browser.post(f"/deliveries/{delivery.pk}/edit/", form)
    assert saved.status_code == 302
    assert Delivery.objects.get(pk=delivery.pk).planned_value == Decimal("99.00")


def test_an_approved_delivery_sends_the_editor_back(approved, client_for, case_worker_a):
    delivery = approved("aid-kit")
    response = client_for(case_worker_a).get(f"/deliveries/{delivery.pk}/edit/")
    assert response.status_code == 302
    assert response.url == f"/deliveries/{delivery.pk}/"


def test_recording_a_monitoring_visit_with_a_photo(delivered, client_for, case_worker_a, manager_a):
    grant = delivered()
    visit = grant.monitoring_visits.get(months_after=6)
    browser = client_for(case_worker_a)
    assert browser.get(f"/monitoring-visits/{visit.pk}/").status_code == 200
    bad = browser.post(
        f"/monitoring-visits/{visit.pk}/",
        {
            "visited_on": (timezone.localdate() + datetime.timedelta(days=1)).isoformat(),
            "business_operating": "yes",
            "version": visit.version,
        },
    )
    assert bad.status_code == 400
    assert bad.context["form"].errors["visited_on"]
    response = browser.post(
        f"/monitoring-visits/{visit.pk}/",
        {
            "visited_on": "2025-09-12",
            "business_operating": "no",
            "income_before": "300",
            "income_after": "120",
            "employees": "0",
            "notes": "Closed in August",
            "photos": [png("shut.png")],
            "version": visit.version,
        },
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.business_operating is False
    assert visit.income_change == Decimal("-180.00")
    photo = MonitoringPhoto.objects.get()
    download = client_for(manager_a).get(f"/monitoring-photos/{photo.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"\x89PNG")
    assert AuditEvent.objects.filter(action="delivery.photo_read").count() == 1


def test_the_project_page_shows_the_assistance_summary(
    delivered, client_for, manager_a, donor_viewer
):
    delivered("aid-kit")
    manager_page = client_for(manager_a).get("/projects/project-a/")
    assert "/projects/project-a/deliveries/" in manager_page.content.decode()
    donor_page = client_for(donor_viewer).get("/projects/project-a/")
    content = donor_page.content.decode()
    assert "fewer than five" in content
    assert "/projects/project-a/deliveries/" not in content


def test_my_day_lists_the_monitoring_visit_due(delivered, client_for, case_worker_a):
    grant = delivered(handover_on=timezone.localdate() - datetime.timedelta(days=183))
    visit = grant.monitoring_visits.get(months_after=6)
    page = client_for(case_worker_a).get("/my-day/")
    assert f"/monitoring-visits/{visit.pk}/" in page.content.decode()


def test_saving_the_plan_without_touching_the_items_keeps_them(plan, client_for, case_worker_a):
    delivery = plan(
        "aid-kit",
        planned_value=Decimal("80"),
        items=[{"description": "Hygiene kit", "quantity": 2, "unit_value": "40"}],
    )
    browser = client_for(case_worker_a)
    page = browser.get(f"/deliveries/{delivery.pk}/edit/")
    formset = page.context["formset"]
    form = {
        "assistance_type": kind("aid-kit").pk,
        "quantity": "1",
        "planned_value": "80",
        "note": "Before winter",
        "version": delivery.version,
        # What the page's management form says: the first row is the saved item.
        "items-TOTAL_FORMS": str(formset.total_form_count()),
        "items-INITIAL_FORMS": str(formset.initial_form_count()),
        "items-0-description": "Hygiene kit",
        "items-0-quantity": "2.00",
        "items-0-unit_value": "40.00",
    }
    assert browser.post(f"/deliveries/{delivery.pk}/edit/", form).status_code == 302
    delivery.refresh_from_db()
    assert delivery.note == "Before winter"
    assert [item.description for item in delivery.items.all()] == ["Hygiene kit"]
