"""What ``core/tests/test_pages.py`` checks of this app's pages and endpoints.

``PAGES`` and ``API_ENDPOINTS``: url name → (path with ``{placeholders}``, capability needed);
``ELSEWHERE``: url name → the test that covers it; ``placeholders(...)`` makes the records the
paths name, visible to every role of organisation A, and returns their values.
"""

import datetime

from django.utils import timezone

from homeward.accounts.roles import Capability as C

PAGES = {
    "referrals": ("/referrals/", C.VIEW_PERSONAL_DATA),
    "referral": ("/referrals/{referral}/", C.VIEW_PERSONAL_DATA),
    "referral-new": ("/referrals/new/{household}/", C.RECORD_CASEWORK),
    "referral-edit": ("/referrals/{referral}/edit/", C.RECORD_CASEWORK),
    "contacts": ("/contacts/", C.RECORD_CONTACTS),
    "contact": ("/contacts/{contact}/", C.RECORD_CONTACTS),
}
API_ENDPOINTS = {
    "referral-list": ("/api/v1/referrals/", C.VIEW_PERSONAL_DATA),
    "referral-detail": ("/api/v1/referrals/{referral}/", C.VIEW_PERSONAL_DATA),
    "contact-list": ("/api/v1/contacts/", C.RECORD_CONTACTS),
    "contact-detail": ("/api/v1/contacts/{contact}/", C.RECORD_CONTACTS),
}
# Grievances are read by those who record contacts and by managers: no single capability, so
# their role-by-role check is the app's own.
_ROLES = "casework/contacts/tests/test_roles.py"
ELSEWHERE = {
    "grievances": _ROLES,
    "grievance": _ROLES,
    "grievance-new": _ROLES,
    "grievance-list": _ROLES,
    "grievance-detail": _ROLES,
    "grievance-status": "casework/contacts/tests/test_grievances.py (POST only)",
    "grievance-category": "casework/contacts/tests/test_grievances.py (POST only)",
    "grievance-transition": "casework/contacts/tests/test_api.py (POST only)",
    "referral-status": "casework/contacts/tests/test_referrals.py (POST only)",
    "referral-transition": "casework/contacts/tests/test_api.py (POST only)",
}


def placeholders(*, system, case_worker, project, household, enrolment) -> dict:
    from homeward.casework.contacts.services import (
        contact_record,
        grievance_record,
        referral_create,
    )

    today = timezone.localdate()
    referral = referral_create(
        actor=system,
        household=household,
        project=project,
        receiver_name="Centar za socijalni rad Zvezdara",
        receiver_category="social_work",
        reason="Social assistance for the family.",
        consent_on=today - datetime.timedelta(days=20),
        consent_taken_by=case_worker,
        sent_on=today - datetime.timedelta(days=20),
    )
    contact = contact_record(
        actor=system,
        project=project,
        channel="phone",
        received_at=timezone.now() - datetime.timedelta(days=3),
        topic="documents",
        question="How to replace a lost IDP card?",
        answer="At the Commissariat's trustee in the municipality.",
        caller_name="Dragan Petrović",
        caller_phone="064 123 4567",
        household=household,
        follow_up_needed=True,
        follow_up_on=today - datetime.timedelta(days=1),
    )
    grievance = grievance_record(
        actor=system,
        project=project,
        channel="phone",
        category="complaint",
        description="The aid kit came without the promised heater.",
        complainant_name="Dragan Petrović",
        complainant_contact="064 123 4567",
        household=household,
        received_on=today - datetime.timedelta(days=10),
    )
    return {"referral": referral.pk, "contact": contact.pk, "grievance": grievance.pk}
