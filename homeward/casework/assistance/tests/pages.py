"""What ``core/tests/test_pages.py`` checks of this app's pages and endpoints.

``PAGES`` and ``API_ENDPOINTS``: url name → (path with ``{placeholders}``, capability needed);
``ELSEWHERE``: url name → the test that covers it; ``placeholders(...)`` makes the records the
paths name, visible to every role of organisation A, and returns their values.
"""

import datetime
from decimal import Decimal

from homeward.accounts.roles import Capability

PAGES = {
    "assistance-types": ("/assistance/types/", Capability.VIEW_PROJECTS),
    "project-deliveries": ("/projects/project-a/deliveries/", Capability.VIEW_PERSONAL_DATA),
    "delivery-plan": (
        "/projects/project-a/deliveries/new/?household={household}",
        Capability.RECORD_CASEWORK,
    ),
    "delivery": ("/deliveries/{delivery}/", Capability.VIEW_PERSONAL_DATA),
    "delivery-edit": ("/deliveries/{delivery_planned}/edit/", Capability.RECORD_CASEWORK),
    "delivery-document": ("/deliveries/{delivery}/document/", Capability.VIEW_PERSONAL_DATA),
    "monitoring-visit": ("/monitoring-visits/{monitoring_visit}/", Capability.RECORD_CASEWORK),
    "monitoring-photo": ("/monitoring-photos/{monitoring_photo}/", Capability.VIEW_PERSONAL_DATA),
}
API_ENDPOINTS = {
    "assistance-type-list": ("/api/v1/assistance-types/", Capability.VIEW_PROJECTS),
    "assistance-type-detail": ("/api/v1/assistance-types/aid-kit/", Capability.VIEW_PROJECTS),
    "delivery-list": ("/api/v1/deliveries/?project=project-a", Capability.VIEW_PERSONAL_DATA),
    "delivery-detail": ("/api/v1/deliveries/{delivery}/", Capability.VIEW_PERSONAL_DATA),
    "monitoring-visit-list": ("/api/v1/monitoring-visits/", Capability.VIEW_PERSONAL_DATA),
    "monitoring-visit-detail": (
        "/api/v1/monitoring-visits/{monitoring_visit}/",
        Capability.VIEW_PERSONAL_DATA,
    ),
}
ELSEWHERE = {
    "delivery-step": "casework/assistance/tests/test_views.py (POST only)",
    "delivery-transition": "casework/assistance/tests/test_api.py (POST only)",
    "monitoring-visit-record": "casework/assistance/tests/test_api.py (POST only)",
}

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def placeholders(*, system, case_worker, project, household, enrolment) -> dict:
    """A grant handed over with its signed record (one monitoring visit made, with a photo,
    the other still open) and an aid kit still planned."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from homeward.casework.assistance.models import AssistanceType
    from homeward.casework.assistance.services import (
        delivery_approve,
        delivery_deliver,
        delivery_plan,
        monitoring_visit_record,
    )

    grant = delivery_plan(
        actor=system,
        project=project,
        household=household,
        assistance_type=AssistanceType.objects.get(code="income-grant-in-kind"),
        items=[{"description": "Welding machine", "quantity": 1, "unit_value": "1450.00"}],
    )
    delivery_approve(actor=system, delivery=grant, expected_version=grant.version)
    delivery_deliver(
        actor=system,
        delivery=grant,
        expected_version=grant.version,
        handover_on=datetime.date(2025, 3, 10),
        handover_document=SimpleUploadedFile("handover.pdf", PDF, "application/pdf"),
    )
    first, second = grant.monitoring_visits.order_by("months_after")
    monitoring_visit_record(
        actor=system,
        visit=first,
        expected_version=first.version,
        visited_on=datetime.date(2025, 9, 12),
        business_operating=True,
        income_before=Decimal("300"),
        income_after=Decimal("520"),
        employees=2,
        photos=[SimpleUploadedFile("workshop.png", PNG, "image/png")],
        captions=["Workshop"],
    )
    planned = delivery_plan(
        actor=system,
        project=project,
        household=household,
        assistance_type=AssistanceType.objects.get(code="aid-kit"),
        planned_value=Decimal("80"),
    )
    return {
        "delivery": grant.pk,
        "delivery_planned": planned.pk,
        "monitoring_visit": second.pk,
        "monitoring_photo": first.photos.get().pk,
    }
