"""The demo activities: recorded through the services, believable, and loaded only once."""

import pytest

from homeward.casework.activities.demo import ACTIVITIES, MATERIALS, load_demo_activities
from homeward.casework.activities.models import (
    Activity,
    Attendance,
    InformationMaterial,
    OtherParticipants,
    Participant,
    Session,
)
from homeward.casework.activities.selectors import people_reached
from homeward.core.models import AuditEvent
from homeward.programmes.models import Project

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_projects():
    from homeward.demo import load_demo
    from homeward.registry.demo import load_demo_registry

    load_demo()
    load_demo_registry(households=80)


def test_the_demo_records_the_seed_programmes_activities_once(demo_projects):
    created = load_demo_activities()
    assert created == {"activities": len(ACTIVITIES), "materials": len(MATERIALS)}
    assert Session.objects.filter(status="held").exists()
    assert Attendance.objects.exists()
    assert OtherParticipants.objects.exists()
    completed = Participant.objects.filter(completed_on__isnull=False)
    assert completed.exists()
    assert all(p.certificate_number for p in completed if p.activity.leads_to_certificate)
    # Every record went through a service: each session has its audit row.
    assert AuditEvent.objects.filter(action="session.create").count() == Session.objects.count()
    asb = Project.objects.get(code="asb-reintegration-ii")
    assert people_reached(asb) >= 20000  # "at least 20,000 citizens informed"
    assert load_demo_activities() == {"activities": 0, "materials": 0}
    assert Activity.objects.count() == len(ACTIVITIES)
    assert InformationMaterial.objects.count() == len(MATERIALS)
