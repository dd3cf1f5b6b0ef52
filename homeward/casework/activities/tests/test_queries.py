"""Lists of participants, sessions and participations read in a fixed number of queries,
however many rows they show."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from homeward.casework.activities.models import Participant
from homeward.casework.activities.services import (
    attendance_share,
    participant_enrol,
    session_attendance_record,
)

pytestmark = pytest.mark.django_db


def _queries(fetch) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert fetch().status_code == 200
    return len(captured.captured_queries)


@pytest.fixture
def pages(client_for, api_client_for, case_worker_a, training, household_a):
    browser, api = client_for(case_worker_a), api_client_for(case_worker_a)
    return {
        "grid": lambda: browser.get(f"/activities/{training.pk}/"),
        "participants": lambda: api.get(f"/api/v1/activities/{training.pk}/participants/"),
        "sessions": lambda: api.get("/api/v1/sessions/"),
        "household": lambda: browser.get(f"/registry/households/{household_a.number}/"),
    }


@pytest.mark.parametrize("page", ["grid", "participants", "sessions", "household"])
def test_queries_do_not_grow_with_rows(
    page, pages, worker, training, held_session, make_held, head, child, other_household
):
    participant_enrol(actor=worker, activity=training, person=head)
    session_attendance_record(actor=worker, session=held_session, people=[head.pk], others=[])
    few = _queries(pages[page])

    participant_enrol(actor=worker, activity=training, person=child)
    participant_enrol(actor=worker, activity=training, person=other_household.members.get())
    for days_ago in (5, 6):
        session = make_held(days_ago)
        session_attendance_record(
            actor=worker, session=session, people=[head.pk, child.pk], others=[]
        )
    assert _queries(pages[page]) <= few


def test_listed_attendance_is_what_one_participant_counts(
    api_client_for, case_worker_a, worker, training, held_session, make_held, head, child
):
    for person in (head, child):
        participant_enrol(actor=worker, activity=training, person=person)
    session_attendance_record(actor=worker, session=held_session, people=[head.pk], others=[])
    session_attendance_record(
        actor=worker, session=make_held(4), people=[head.pk, child.pk], others=[]
    )
    listed = (
        api_client_for(case_worker_a).get(f"/api/v1/activities/{training.pk}/participants/").json()
    )
    for row in listed:
        one = Participant.objects.get(activity=training, person_id=row["person"])
        assert (row["sessions_attended"], row["sessions_counted"]) == attendance_share(one)
    assert sorted(row["sessions_attended"] for row in listed) == [1, 2]
