"""``/api/v1/assistance-types/``, ``/api/v1/deliveries/`` and ``/api/v1/monitoring-visits/``."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from homeward.accounts.roles import Role
from homeward.casework.assistance.models import Delivery
from homeward.casework.assistance.tests.conftest import HANDOVER, pdf, png

pytestmark = pytest.mark.django_db


def test_the_catalogue_with_its_names_in_four_languages(api_client_for, donor_viewer):
    api = api_client_for(donor_viewer)
    listing = api.get("/api/v1/assistance-types/").json()
    codes = {row["code"] for row in listing}
    assert {"income-grant-in-kind", "aid-kit", "documentation-assistance"} <= codes
    grant = api.get("/api/v1/assistance-types/income-grant-in-kind/").json()
    assert grant["monitoring_months"] == [6, 12]
    assert grant["is_grant"] is True
    assert grant["name_sr"].startswith("Грант")
    assert grant["name_sr_latn"].startswith("Grant")
    assert api.get("/api/v1/assistance-types/no-such-type/").status_code == 404


def test_a_case_worker_plans_through_the_api(
    api_client_for, case_worker_a, household_a, enrolment_a
):
    api = api_client_for(case_worker_a)
    child = household_a.members.get(relationship_to_head="child")
    response = api.post(
        "/api/v1/deliveries/",
        {
            "project": "project-a",
            "household": household_a.number,
            "assistance_type": "language-course",
            "person": child.pk,
            "planned_on": "2026-10-01",
            "items": [{"description": "German A1", "quantity": "1", "unit_value": "240"}],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "planned"
    assert body["currency"] == "EUR"
    assert body["planned_value"] == "240.00"
    assert body["person"] == child.pk
    assert body["items"][0]["total"] == "240.00"
    assert body["monitoring_visits"] == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"currency": "RSD"}, "currency"),
        ({"planned_value": "-10"}, "planned_value"),
        ({"household": "H-999999"}, "household"),
        ({"project": "project-b"}, "project"),
        ({"person": 999999}, "person"),
        ({"assistance_type": "no-such-type"}, "assistance_type"),
        (
            {"items": [{"description": "Kit", "quantity": "1", "unit_value": "-1"}]},
            "items.0.unit_value",
        ),
    ],
)
def test_bad_plans_name_their_field_and_save_nothing(
    change, field, api_client_for, case_worker_a, household_a, enrolment_a, project_b
):
    body = {
        "project": "project-a",
        "household": household_a.number,
        "assistance_type": "aid-kit",
        "planned_value": "80",
    } | change
    response = api_client_for(case_worker_a).post("/api/v1/deliveries/", body, format="json")
    assert response.status_code == 400, response.json()
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert field in error["fields"], error
    assert not Delivery.objects.exists()


def test_a_household_not_selected_is_refused(api_client_for, case_worker_a, household_a):
    response = api_client_for(case_worker_a).post(
        "/api/v1/deliveries/",
        {"project": "project-a", "household": household_a.number, "assistance_type": "aid-kit"},
        format="json",
    )
    assert response.status_code == 400
    assert "household" in response.json()["error"]["fields"]
    assert not Delivery.objects.exists()


def test_listing_filters_by_project_status_and_household(
    plan, delivered, api_client_for, case_worker_a, household_a
):
    plan("aid-kit")
    grant = delivered()
    api = api_client_for(case_worker_a)
    everything = api.get("/api/v1/deliveries/?project=project-a").json()
    assert everything["count"] == 2
    handed_over = api.get("/api/v1/deliveries/?status=delivered").json()
    assert [row["id"] for row in handed_over["results"]] == [grant.pk]
    assert api.get(f"/api/v1/deliveries/?household={household_a.number}").json()["count"] == 2
    assert api.get("/api/v1/deliveries/?household=H-999999").json()["count"] == 0
    assert api.get("/api/v1/deliveries/?status=lost").status_code == 400
    detail = api.get(f"/api/v1/deliveries/{grant.pk}/").json()
    assert [visit["months_after"] for visit in detail["monitoring_visits"]] == [6, 12]


def test_other_organisations_and_roles_without_names_get_not_found(
    delivered, api_client_for, manager_b, donor_viewer, admin_a, make_user, org_a
):
    grant = delivered()
    visit = grant.monitoring_visits.first()
    for user in (manager_b, donor_viewer, admin_a, make_user(org_a, Role.INFO_DESK_OPERATOR)):
        api = api_client_for(user)
        for path in (f"/api/v1/deliveries/{grant.pk}/", f"/api/v1/monitoring-visits/{visit.pk}/"):
            response = api.get(path)
            assert response.status_code == 404
            assert response.json()["error"]["code"] == "not_found"
        response = api.post(
            f"/api/v1/deliveries/{grant.pk}/transition/",
            {"status": "verified", "version": grant.version},
            format="json",
        )
        assert response.status_code == 404
    assert api_client_for(manager_b).get("/api/v1/deliveries/").json()["count"] == 0
    assert Delivery.objects.get(pk=grant.pk).status == "delivered"


def test_a_planned_delivery_is_patched_with_its_version(plan, api_client_for, case_worker_a):
    delivery = plan("aid-kit", planned_value=Decimal("80"))
    api = api_client_for(case_worker_a)
    missing = api.patch(
        f"/api/v1/deliveries/{delivery.pk}/", {"planned_value": "90"}, format="json"
    )
    assert missing.status_code == 400
    assert "version" in missing.json()["error"]["fields"]
    saved = api.patch(
        f"/api/v1/deliveries/{delivery.pk}/",
        {"planned_value": "90", "version": delivery.version},
        format="json",
    )
    assert saved.status_code == 200
    assert saved.json()["planned_value"] == "90.00"
    stale = api.patch(
        f"/api/v1/deliveries/{delivery.pk}/",
        {"planned_value": "95", "version": delivery.version},
        format="json",
    )
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "conflict"
    assert Delivery.objects.get(pk=delivery.pk).planned_value == Decimal("90.00")


def test_patching_after_approval_is_refused(approved, api_client_for, case_worker_a):
    delivery = approved("aid-kit")
    response = api_client_for(case_worker_a).patch(
        f"/api/v1/deliveries/{delivery.pk}/",
        {"note": "More", "version": delivery.version},
        format="json",
    )
    assert response.status_code == 400
    assert "status" in response.json()["error"]["fields"]


def test_the_life_cycle_through_transition(
    plan, api_client_for, case_worker_a, manager_a, me_officer_a
):
    delivery = plan()
    manager, worker = api_client_for(manager_a), api_client_for(case_worker_a)
    url = f"/api/v1/deliveries/{delivery.pk}/transition/"
    jump = worker.post(
        url, {"status": "delivered", "version": 1, "handover_on": "2025-03-01"}, format="json"
    )
    assert jump.status_code == 409
    assert jump.json()["error"]["code"] == "transition_not_allowed"
    assert worker.post(url, {"status": "approved", "version": 1}, format="json").status_code == 404
    approved = manager.post(url, {"status": "approved", "version": 1}, format="json")
    assert approved.status_code == 200
    assert approved.json()["status"] == "approved"
    version = approved.json()["version"]
    future = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    too_early = worker.post(
        url,
        {"status": "delivered", "version": version, "handover_on": future, "actual_value": "1500"},
        format="json",
    )
    assert too_early.status_code == 400
    assert "handover_on" in too_early.json()["error"]["fields"]
    wrong_currency = worker.post(
        url,
        {
            "status": "delivered",
            "version": version,
            "handover_on": "2025-03-10",
            "actual_value": "1500",
            "currency": "USD",
        },
        format="json",
    )
    assert "currency" in wrong_currency.json()["error"]["fields"]
    handed_over = worker.post(
        url,
        {
            "status": "delivered",
            "version": version,
            "handover_on": HANDOVER.isoformat(),
            "actual_value": "1495.50",
            "handover_document": pdf(),
        },
        format="multipart",
    )
    assert handed_over.status_code == 200, handed_over.json()
    body = handed_over.json()
    assert body["actual_value"] == "1495.50"
    assert body["handover_document"] == f"/deliveries/{delivery.pk}/document/"
    assert [visit["due_on"] for visit in body["monitoring_visits"]] == ["2025-09-10", "2026-03-10"]
    verified = api_client_for(me_officer_a).post(
        url, {"status": "verified", "version": body["version"]}, format="json"
    )
    assert verified.status_code == 200
    assert verified.json()["status"] == "verified"
    no_reason = manager.post(
        url, {"status": "cancelled", "version": verified.json()["version"]}, format="json"
    )
    assert no_reason.status_code == 409


def test_cancelling_needs_a_reason(plan, api_client_for, case_worker_a):
    delivery = plan("aid-kit")
    api = api_client_for(case_worker_a)
    url = f"/api/v1/deliveries/{delivery.pk}/transition/"
    refused = api.post(url, {"status": "cancelled", "version": delivery.version}, format="json")
    assert refused.status_code == 400
    assert "cancellation_reason" in refused.json()["error"]["fields"]
    cancelled = api.post(
        url,
        {
            "status": "cancelled",
            "version": delivery.version,
            "cancellation_reason": "Left the country",
        },
        format="json",
    )
    assert cancelled.json()["status"] == "cancelled"


def test_monitoring_visits_are_listed_and_recorded(delivered, api_client_for, case_worker_a):
    grant = delivered()
    api = api_client_for(case_worker_a)
    listing = api.get(f"/api/v1/monitoring-visits/?delivery={grant.pk}&open=true").json()
    assert [visit["months_after"] for visit in listing["results"]] == [6, 12]
    due = api.get("/api/v1/monitoring-visits/?due_by=2025-10-01").json()
    assert [visit["months_after"] for visit in due["results"]] == [6]
    assert api.get("/api/v1/monitoring-visits/?due_by=soon").status_code == 400
    visit = listing["results"][0]
    url = f"/api/v1/monitoring-visits/{visit['id']}/record/"
    future = api.post(
        url,
        {"version": visit["version"], "visited_on": "2099-01-01", "business_operating": True},
        format="json",
    )
    assert future.status_code == 400
    assert "visited_on" in future.json()["error"]["fields"]
    recorded = api.post(
        url,
        {
            "version": visit["version"],
            "visited_on": "2025-09-11",
            "business_operating": "true",
            "income_change": "120",
            "employees": "1",
            "photos": [png()],
            "captions": ["Workbench"],
        },
        format="multipart",
    )
    assert recorded.status_code == 200, recorded.json()
    body = recorded.json()
    assert body["visited_on"] == "2025-09-11"
    assert body["income_change"] == "120.00"
    assert body["photos"][0]["caption"] == "Workbench"
    assert api.get(f"/api/v1/monitoring-visits/?delivery={grant.pk}&open=true").json()["count"] == 1
    stale = api.post(
        url,
        {"version": visit["version"], "visited_on": "2025-09-12", "business_operating": False},
        format="json",
    )
    assert stale.status_code == 409


def test_a_malformed_due_date_names_its_parameter(api_client_for, case_worker_a):
    refused = api_client_for(case_worker_a).get("/api/v1/monitoring-visits/?due_by=soon")
    assert refused.status_code == 400
    assert list(refused.json()["error"]["fields"]) == ["due_by"]
