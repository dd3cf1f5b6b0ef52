"""The services of assistance: planning, the life cycle, the handover and the monitoring of
grants, with every refusal naming its field and leaving nothing behind."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.utils import timezone

from homeward.casework.assistance.models import Delivery, DeliveryItem, MonitoringVisit
from homeward.casework.assistance.services import (
    add_months,
    delivery_approve,
    delivery_cancel,
    delivery_deliver,
    delivery_plan,
    delivery_transition,
    delivery_update,
    delivery_verify,
    monitoring_visit_record,
)
from homeward.casework.assistance.tests.conftest import HANDOVER, kind, pdf, png
from homeward.casework.enrolment.services import enrolment_create, enrolment_transition
from homeward.core.actors import Actor
from homeward.core.errors import ConflictError, TransitionNotAllowed, ValidationError
from homeward.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def audit(action):
    return AuditEvent.objects.filter(action=action)


def fields_of(error) -> set:
    return set(error.value.message_dict)


# --- planning -----------------------------------------------------------------------------


def test_a_case_worker_plans_a_delivery_with_items_in_the_projects_currency(
    worker, project_a, household_a, enrolment_a, org_a
):
    delivery = delivery_plan(
        actor=worker,
        project=project_a,
        household=household_a,
        assistance_type=kind("income-grant-in-kind"),
        items=[
            {"description": "Welding machine", "quantity": 1, "unit_value": "1200"},
            {"description": "Grinder", "quantity": "2", "unit_value": "150.50"},
        ],
    )
    assert delivery.status == Delivery.Status.PLANNED
    assert delivery.currency == project_a.currency == "EUR"
    assert delivery.organisation == org_a
    # No planned value given: the items' total is the plan.
    assert delivery.planned_value == Decimal("1501.00")
    assert delivery.items.count() == 2
    event = audit("delivery.plan").get()
    assert event.actor_label == "caseworker-a"
    assert event.organisation_id == org_a.pk
    assert event.changes["status"]["after"] == "planned"
    assert len(event.changes["item_list"]["after"]) == 2


def test_a_household_not_selected_in_the_project_gets_nothing(worker, project_a, household_a):
    # Enrolled, but still a candidate: not a beneficiary.
    enrolment_create(actor=worker, project=project_a, household=household_a)
    with pytest.raises(ValidationError) as error:
        delivery_plan(
            actor=worker,
            project=project_a,
            household=household_a,
            assistance_type=kind("aid-kit"),
            planned_value=Decimal("80"),
        )
    assert fields_of(error) == {"household"}
    assert "not selected or active" in error.value.message_dict["household"][0]
    assert not Delivery.objects.exists()
    assert not audit("delivery.plan").exists()


def test_a_household_selected_in_another_project_gets_nothing_in_this_one(
    system, worker, project_a, project_a2, household_a
):
    other = enrolment_create(actor=system, project=project_a2, household=household_a)
    enrolment_transition(actor=system, enrolment=other, status="selected", expected_version=None)
    with pytest.raises(ValidationError) as error:
        delivery_plan(
            actor=worker, project=project_a, household=household_a, assistance_type=kind("aid-kit")
        )
    assert fields_of(error) == {"household"}
    assert not Delivery.objects.exists()


def test_a_person_of_another_household_is_refused(
    worker, project_a, household_a, enrolment_a, case_worker_a, org_a
):
    from homeward.geo.models import Area
    from homeward.registry.services import household_register

    other = household_register(
        actor=worker,
        organisation=org_a,
        project=project_a,
        household={
            "current_municipality": Area.objects.get(code="RS-00-zvezdara"),
            "accommodation": "private",
        },
        members=[
            {
                "relationship_to_head": "head",
                "first_name": "Jelena",
                "last_name": "Marković",
                "sex": "female",
                "displacement_status": "idp",
            }
        ],
    )
    stranger = other.members.get()
    with pytest.raises(ValidationError) as error:
        delivery_plan(
            actor=worker,
            project=project_a,
            household=household_a,
            person=stranger,
            assistance_type=kind("legal-aid"),
        )
    assert fields_of(error) == {"person"}
    assert not Delivery.objects.exists()


def test_a_member_of_the_household_may_receive_it_personally(plan, household_a):
    child = household_a.members.get(relationship_to_head="child")
    delivery = plan("learning-materials", person=child)
    assert delivery.person == child


def test_a_value_in_another_currency_is_refused(plan):
    with pytest.raises(ValidationError) as error:
        plan("aid-kit", currency="RSD")
    assert fields_of(error) == {"currency"}
    assert "EUR" in error.value.message_dict["currency"][0]
    assert not Delivery.objects.exists()


def test_negative_values_are_refused_each_by_its_field(plan):
    with pytest.raises(ValidationError) as error:
        plan(
            "aid-kit",
            planned_value=Decimal("-5"),
            quantity=Decimal("0"),
            items=[{"description": "Blanket", "quantity": 2, "unit_value": "-3"}],
        )
    assert fields_of(error) == {"planned_value", "quantity", "items.0.unit_value"}
    assert not Delivery.objects.exists()
    assert not DeliveryItem.objects.exists()


def test_an_item_needs_a_description_a_quantity_and_a_value(plan):
    with pytest.raises(ValidationError) as error:
        plan("aid-kit", items=[{"description": " ", "quantity": None, "unit_value": "x"}])
    assert fields_of(error) == {"items.0.description", "items.0.quantity", "items.0.unit_value"}


def test_a_type_no_longer_in_use_is_not_planned_any_more(plan):
    aid_kit = kind("aid-kit")
    aid_kit.is_active = False
    aid_kit.save()
    with pytest.raises(ValidationError) as error:
        plan("aid-kit")
    assert fields_of(error) == {"assistance_type"}


def test_planning_needs_casework_in_the_project(
    make_user, org_a, org_b, project_a, household_a, enrolment_a, manager_b, donor_viewer
):
    from homeward.accounts.roles import Role

    for user in (
        manager_b,
        donor_viewer,
        make_user(org_a, Role.ME_OFFICER),
        make_user(org_a, Role.INFO_DESK_OPERATOR),
        make_user(org_a, Role.ADMINISTRATOR),
    ):
        with pytest.raises(Http404):
            delivery_plan(
                actor=Actor(user=user),
                project=project_a,
                household=household_a,
                assistance_type=kind("aid-kit"),
            )
    assert not Delivery.objects.exists()


# --- changing the plan --------------------------------------------------------------------


def test_a_planned_delivery_changes_with_the_version_it_was_read_at(plan, worker):
    delivery = plan("aid-kit", planned_value=Decimal("80"))
    version = delivery.version
    delivery_update(
        actor=worker,
        delivery=delivery,
        expected_version=version,
        planned_value=Decimal("95"),
        items=[{"description": "Hygiene kit", "quantity": 1, "unit_value": "95"}],
    )
    delivery.refresh_from_db()
    assert delivery.planned_value == Decimal("95.00")
    assert delivery.version == version + 1
    event = audit("delivery.update").get()
    assert event.changes["planned_value"]["after"] == "95"
    assert event.changes["item_list"]["after"] == ["Hygiene kit × 1 @ 95"]
    # Somebody who read the first version does not overwrite the change.
    stale = Delivery.objects.get(pk=delivery.pk)
    with pytest.raises(ConflictError):
        delivery_update(actor=worker, delivery=stale, expected_version=version, note="Late")
    assert Delivery.objects.get(pk=delivery.pk).note == ""


def test_once_approved_the_plan_no_longer_changes(approved, worker):
    delivery = approved("aid-kit")
    with pytest.raises(ValidationError) as error:
        delivery_update(
            actor=worker,
            delivery=delivery,
            expected_version=delivery.version,
            planned_value=Decimal("1"),
        )
    assert fields_of(error) == {"status"}
    assert Delivery.objects.get(pk=delivery.pk).planned_value == Decimal("1500.00")


def test_the_update_refuses_a_wrong_currency_and_unknown_fields(plan, worker):
    delivery = plan("aid-kit")
    with pytest.raises(ValidationError) as error:
        delivery_update(
            actor=worker, delivery=delivery, expected_version=delivery.version, currency="USD"
        )
    assert fields_of(error) == {"currency"}
    with pytest.raises(ValidationError) as error:
        delivery_update(
            actor=worker, delivery=delivery, expected_version=delivery.version, status="verified"
        )
    assert fields_of(error) == {"status"}
    assert Delivery.objects.get(pk=delivery.pk).status == "planned"


# --- the life cycle -----------------------------------------------------------------------


def test_the_whole_life_cycle_is_audited_step_by_step(plan, worker, manager, me_officer_a):
    delivery = plan(items=[{"description": "Lathe", "quantity": 1, "unit_value": "1490"}])
    delivery_approve(actor=manager, delivery=delivery, expected_version=delivery.version)
    assert delivery.approved_by is not None
    assert delivery.approved_at is not None
    delivery_deliver(
        actor=worker,
        delivery=delivery,
        expected_version=delivery.version,
        handover_on=HANDOVER,
        handover_document=pdf(),
        handover_note="Signed by the head of household.",
    )
    # No actual value given: what was handed over is worth its items.
    assert delivery.actual_value == Decimal("1490.00")
    assert delivery.handover_document.name.endswith(".pdf")
    delivery_verify(
        actor=Actor(user=me_officer_a), delivery=delivery, expected_version=delivery.version
    )
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.VERIFIED
    assert [
        event.action
        for event in AuditEvent.objects.filter(target_type="assistance.delivery").order_by(
            "at", "id"
        )
    ] == ["delivery.plan", "delivery.approve", "delivery.deliver", "delivery.verify"]
    deliver = audit("delivery.deliver").get()
    assert deliver.changes["status"] == {"before": "approved", "after": "delivered"}
    assert deliver.changes["handover_document"]["after"].endswith(".pdf")


def test_approval_and_verification_are_for_those_who_manage_the_project(delivered, plan, worker):
    planned = plan("aid-kit")
    with pytest.raises(Http404):
        delivery_approve(actor=worker, delivery=planned, expected_version=planned.version)
    handed_over = delivered("aid-kit")
    with pytest.raises(Http404):
        delivery_verify(actor=worker, delivery=handed_over, expected_version=handed_over.version)
    assert Delivery.objects.get(pk=planned.pk).status == "planned"
    assert Delivery.objects.get(pk=handed_over.pk).status == "delivered"


def test_an_administrator_who_manages_projects_but_sees_no_names_cannot_approve(
    plan, admin_a, manager_b
):
    delivery = plan("aid-kit")
    for user in (admin_a, manager_b):
        with pytest.raises(Http404):
            delivery_approve(actor=Actor(user=user), delivery=delivery, expected_version=None)
    assert Delivery.objects.get(pk=delivery.pk).status == "planned"


def test_whoever_records_the_handover_does_not_verify_it(approved, manager, manager_a):
    delivery = approved("aid-kit")
    delivery_deliver(
        actor=manager,
        delivery=delivery,
        expected_version=delivery.version,
        handover_on=HANDOVER,
        actual_value=Decimal("75"),
    )
    with pytest.raises(ValidationError) as error:
        delivery_verify(actor=manager, delivery=delivery, expected_version=delivery.version)
    assert fields_of(error) == {"status"}
    assert Delivery.objects.get(pk=delivery.pk).status == "delivered"


@pytest.mark.parametrize(
    ("start", "target"),
    [
        ("planned", "delivered"),
        ("planned", "verified"),
        ("approved", "verified"),
        ("approved", "planned"),
        ("delivered", "cancelled"),
        ("delivered", "approved"),
        ("verified", "cancelled"),
        ("cancelled", "approved"),
    ],
)
def test_a_jump_the_life_cycle_does_not_allow_is_refused(
    start, target, plan, worker, manager, me_officer_a
):
    delivery = plan("aid-kit")
    if start == "cancelled":
        delivery_cancel(actor=worker, delivery=delivery, expected_version=None, reason="Moved away")
    if start in ("approved", "delivered", "verified"):
        delivery_approve(actor=manager, delivery=delivery, expected_version=None)
    if start in ("delivered", "verified"):
        delivery_deliver(
            actor=worker,
            delivery=delivery,
            expected_version=None,
            handover_on=HANDOVER,
            actual_value=Decimal("80"),
        )
    if start == "verified":
        delivery_verify(actor=Actor(user=me_officer_a), delivery=delivery, expected_version=None)
    before = AuditEvent.objects.count()
    with pytest.raises(TransitionNotAllowed) as error:
        delivery_transition(
            actor=manager,
            delivery=delivery,
            status=target,
            expected_version=delivery.version,
            handover_on=HANDOVER,
            actual_value=Decimal("80"),
            cancellation_reason="Because",
        )
    assert error.value.details["from"] == start
    assert error.value.details["to"] == target
    assert Delivery.objects.get(pk=delivery.pk).status == start
    assert AuditEvent.objects.count() == before


def test_the_handover_needs_a_date_that_has_passed_within_the_project(approved, worker, project_a):
    delivery = approved("aid-kit")
    cases = {
        None: "handover_on",
        timezone.localdate() + datetime.timedelta(days=1): "handover_on",
        project_a.start_date - datetime.timedelta(days=1): "handover_on",
    }
    for handover_on, field in cases.items():
        with pytest.raises(ValidationError) as error:
            delivery_deliver(
                actor=worker,
                delivery=delivery,
                expected_version=delivery.version,
                handover_on=handover_on,
                actual_value=Decimal("80"),
            )
        assert fields_of(error) == {field}
    assert Delivery.objects.get(pk=delivery.pk).status == "approved"
    assert not audit("delivery.deliver").exists()


def test_the_handover_refuses_negative_values_and_other_currencies(approved, worker):
    delivery = approved("aid-kit")
    with pytest.raises(ValidationError) as error:
        delivery_deliver(
            actor=worker,
            delivery=delivery,
            expected_version=delivery.version,
            handover_on=HANDOVER,
            actual_value=Decimal("-1"),
            currency="USD",
        )
    assert fields_of(error) == {"actual_value", "currency"}
    with pytest.raises(ValidationError) as error:
        delivery_deliver(
            actor=worker, delivery=delivery, expected_version=delivery.version, handover_on=HANDOVER
        )
    assert fields_of(error) == {"actual_value"}
    assert Delivery.objects.get(pk=delivery.pk).status == "approved"


def test_the_handover_document_must_be_a_pdf_or_an_image_of_reasonable_size(
    approved, worker, settings
):
    delivery = approved("aid-kit")
    disguised = SimpleUploadedFile("handover.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    with pytest.raises(ValidationError) as error:
        delivery_deliver(
            actor=worker,
            delivery=delivery,
            expected_version=delivery.version,
            handover_on=HANDOVER,
            actual_value=Decimal("80"),
            handover_document=disguised,
        )
    assert fields_of(error) == {"handover_document"}
    huge = SimpleUploadedFile("scan.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), "application/pdf")
    with pytest.raises(ValidationError) as error:
        delivery_deliver(
            actor=worker,
            delivery=delivery,
            expected_version=delivery.version,
            handover_on=HANDOVER,
            actual_value=Decimal("80"),
            handover_document=huge,
        )
    assert "MB" in error.value.message_dict["handover_document"][0]
    assert not (settings.MEDIA_ROOT / "assistance").exists()
    assert Delivery.objects.get(pk=delivery.pk).status == "approved"


def test_a_stale_handover_forgets_the_uploaded_document(approved, worker, settings):
    delivery = approved("aid-kit")
    with pytest.raises(ConflictError):
        delivery_deliver(
            actor=worker,
            delivery=delivery,
            expected_version=delivery.version - 1,
            handover_on=HANDOVER,
            actual_value=Decimal("80"),
            handover_document=pdf(),
        )
    stored = list((settings.MEDIA_ROOT / "assistance").rglob("*.pdf"))
    assert stored == []
    assert Delivery.objects.get(pk=delivery.pk).status == "approved"


def test_a_household_that_dropped_out_is_no_longer_given_what_was_planned(
    plan, manager, system, enrolment_a
):
    delivery = plan("aid-kit")
    enrolment_transition(
        actor=system,
        enrolment=enrolment_a,
        status="dropped",
        expected_version=None,
        reason="Moved abroad",
    )
    with pytest.raises(ValidationError) as error:
        delivery_approve(actor=manager, delivery=delivery, expected_version=delivery.version)
    assert fields_of(error) == {"household"}


def test_cancelling_needs_a_reason_and_is_possible_until_the_handover(
    plan, approved, worker, manager
):
    delivery = plan("aid-kit")
    with pytest.raises(ValidationError) as error:
        delivery_cancel(
            actor=worker, delivery=delivery, expected_version=delivery.version, reason=" "
        )
    assert fields_of(error) == {"cancellation_reason"}
    delivery_cancel(
        actor=worker, delivery=delivery, expected_version=delivery.version, reason="Duplicate plan"
    )
    assert delivery.status == "cancelled"
    assert delivery.cancellation_reason == "Duplicate plan"
    other = approved("aid-kit")
    delivery_cancel(actor=manager, delivery=other, expected_version=other.version, reason="Budget")
    assert audit("delivery.cancel").count() == 2


# --- grants and their monitoring ----------------------------------------------------------


def test_add_months_keeps_the_day_or_takes_the_last_of_a_short_month():
    assert add_months(datetime.date(2025, 3, 10), 6) == datetime.date(2025, 9, 10)
    assert add_months(datetime.date(2025, 8, 31), 6) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2025, 12, 15), 12) == datetime.date(2026, 12, 15)


def test_a_grant_handed_over_is_visited_six_and_twelve_months_later(delivered):
    grant = delivered("income-grant-in-kind", handover_on=datetime.date(2025, 8, 31))
    visits = list(grant.monitoring_visits.order_by("months_after"))
    assert [(visit.months_after, visit.due_on) for visit in visits] == [
        (6, datetime.date(2026, 2, 28)),
        (12, datetime.date(2026, 8, 31)),
    ]
    aid_kit = delivered("aid-kit")
    assert not aid_kit.monitoring_visits.exists()


def test_a_case_worker_records_a_monitoring_visit_with_photos(delivered, worker, org_a):
    grant = delivered()
    visit = grant.monitoring_visits.get(months_after=6)
    monitoring_visit_record(
        actor=worker,
        visit=visit,
        expected_version=visit.version,
        visited_on=datetime.date(2025, 9, 15),
        business_operating=True,
        income_before=Decimal("300"),
        income_after=Decimal("450.50"),
        employees=1,
        notes="The workshop makes gates.",
        photos=[png("gate.png"), png("workshop.png")],
        captions=["Gate", "Workshop"],
    )
    visit.refresh_from_db()
    assert visit.is_done
    assert visit.income_change == Decimal("150.50")
    assert [photo.caption for photo in visit.photos.all()] == ["Gate", "Workshop"]
    event = audit("monitoring_visit.record").get()
    assert event.organisation_id == org_a.pk
    assert len(event.changes["photos"]["after"]) == 2


def test_a_monitoring_visit_refuses_bad_input_and_keeps_nothing(delivered, worker, settings):
    grant = delivered()
    visit = grant.monitoring_visits.get(months_after=6)
    with pytest.raises(ValidationError) as error:
        monitoring_visit_record(
            actor=worker,
            visit=visit,
            expected_version=visit.version,
            visited_on=timezone.localdate() + datetime.timedelta(days=3),
            business_operating=None,
            income_before=Decimal("-1"),
            income_change="lots",
            employees=-2,
            photos=[SimpleUploadedFile("photo.png", b"GIF89a", "image/png")],
        )
    assert fields_of(error) == {
        "visited_on",
        "business_operating",
        "income_before",
        "income_change",
        "employees",
        "photos",
    }
    with pytest.raises(ValidationError) as error:
        monitoring_visit_record(
            actor=worker,
            visit=visit,
            expected_version=visit.version,
            visited_on=HANDOVER - datetime.timedelta(days=1),
            business_operating=False,
            income_before=Decimal("100"),
            income_after=Decimal("50"),
            income_change=Decimal("20"),
        )
    assert fields_of(error) == {"visited_on", "income_change"}
    visit.refresh_from_db()
    assert not visit.is_done
    assert not visit.photos.exists()
    assert not (settings.MEDIA_ROOT / "assistance" / "monitoring").exists()


def test_recording_a_visit_again_corrects_it_unless_somebody_else_did_first(delivered, worker):
    grant = delivered()
    visit = grant.monitoring_visits.get(months_after=6)
    first_version = visit.version
    monitoring_visit_record(
        actor=worker,
        visit=visit,
        expected_version=first_version,
        visited_on=datetime.date(2025, 9, 15),
        business_operating=True,
        income_change="80",
    )
    assert visit.income_change == Decimal("80.00")
    stale = MonitoringVisit.objects.get(pk=visit.pk)
    stale.version = first_version
    with pytest.raises(ConflictError):
        monitoring_visit_record(
            actor=worker,
            visit=stale,
            expected_version=first_version,
            visited_on=datetime.date(2025, 9, 16),
            business_operating=False,
        )
    assert MonitoringVisit.objects.get(pk=visit.pk).business_operating is True


def test_visits_are_recorded_by_case_workers_of_the_project_only(
    delivered, manager_b, me_officer_a
):
    visit = delivered().monitoring_visits.first()
    for user in (manager_b, me_officer_a):
        with pytest.raises(Http404):
            monitoring_visit_record(
                actor=Actor(user=user),
                visit=visit,
                expected_version=None,
                visited_on=datetime.date(2025, 9, 15),
                business_operating=True,
            )
