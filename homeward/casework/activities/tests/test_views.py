"""The activity pages, through the browser: what a case worker records and what others see."""

import datetime

import pytest

from homeward.casework.activities.models import (
    Activity,
    Attendance,
    InformationMaterial,
    OtherParticipants,
    Participant,
    Session,
)
from homeward.casework.activities.services import (
    material_create,
    participant_complete,
    session_attendance_record,
    session_create,
)

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def browser(client_for, case_worker_a):
    return client_for(case_worker_a)


def _others(rows=()):
    """The formset of other participants as the page posts it."""
    data = {"others-TOTAL_FORMS": "3", "others-INITIAL_FORMS": "0"}
    for index, row in enumerate(rows):
        for name, value in row.items():
            data[f"others-{index}-{name}"] = value
    return data


def test_a_case_worker_records_an_activity(browser, project, today):
    response = browser.post(
        f"/projects/{project.code}/activities/new/",
        {
            "kind": "vocational_training",
            "title": "Welding course",
            "planned_start": today.isoformat(),
            "planned_end": (today + 60 * DAY).isoformat(),
            "sessions_planned": "20",
            "leads_to_certificate": "on",
            "completion_share": "90",
            "municipality": "",
        },
    )
    activity = Activity.objects.get()
    assert response.status_code == 302
    assert response.url == f"/activities/{activity.pk}/"
    assert activity.leads_to_certificate
    assert activity.completion_share == 90
    page = browser.get(f"/projects/{project.code}/activities/")
    assert "Welding course" in page.content.decode()


def test_bad_input_on_the_activity_form_is_shown_and_nothing_saved(browser, project, today):
    response = browser.post(
        f"/projects/{project.code}/activities/new/",
        {
            "kind": "mentoring",
            "title": "Mentoring",
            "planned_start": (project.start_date - DAY).isoformat(),
            "planned_end": today.isoformat(),
            "sessions_planned": "1",
            "completion_share": "150",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"planned_start", "completion_share"}
    assert not Activity.objects.exists()


def test_an_edit_after_somebody_elses_keeps_what_was_typed(browser, training, worker):
    from homeward.casework.activities.services import activity_update

    page = browser.get(f"/activities/{training.pk}/edit/")
    form = page.context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {name: ("" if value is None else value) for name, value in data.items()}
    data["leads_to_certificate"] = "on"
    activity_update(actor=worker, activity=training, expected_version=None, venue="Town hall")
    data["title"] = "My title"
    response = browser.post(f"/activities/{training.pk}/edit/", data)
    assert response.status_code == 200
    assert response.context["conflict"] is not None
    assert response.context["form"]["title"].value() == "My title"
    assert ("Venue", "Town hall") in response.context["conflict_rows"]
    training.refresh_from_db()
    assert training.title == "Starting a small business"


def test_a_session_is_planned_marked_held_and_its_attendance_recorded(
    browser, training, today, head, child
):
    response = browser.post(
        f"/activities/{training.pk}/sessions/new/",
        {"date": (today - DAY).isoformat(), "topic": "Book-keeping", "place": ""},
    )
    session = Session.objects.get()
    assert response.url == f"/activities/sessions/{session.pk}/"
    page = browser.get(f"/activities/sessions/{session.pk}/")
    assert page.context["can_mark_held"]
    assert not page.context["can_attend"]
    browser.post(
        f"/activities/sessions/{session.pk}/status/",
        {"status": "held", "version": session.version},
    )
    session.refresh_from_db()
    assert session.status == "held"
    # The registry search on the page finds the family in any spelling.
    page = browser.get(f"/activities/sessions/{session.pk}/", {"q": "Petrovic"})
    assert {person.pk for person in page.context["found"]} == {head.pk, child.pk}
    response = browser.post(
        f"/activities/sessions/{session.pk}/attendance/",
        {
            "people": [head.pk, child.pk],
            **_others(
                [
                    {
                        "category": "officials",
                        "organisation_name": "Centre for social work",
                        "women": "2",
                        "men": "1",
                    }
                ]
            ),
        },
    )
    assert response.status_code == 302
    assert set(Attendance.objects.values_list("person", flat=True)) == {head.pk, child.pk}
    assert OtherParticipants.objects.get().total == 3
    page = browser.get(f"/activities/sessions/{session.pk}/", {"q": "Petrovic"})
    assert page.context["found"] == []  # both already recorded
    content = page.content.decode()
    assert "Centre for social work" in content
    assert head.full_name in content


def test_attendance_for_a_session_still_to_come_is_refused(browser, worker, training, today, head):
    session = session_create(actor=worker, activity=training, date=today + 3 * DAY)
    page = browser.get(f"/activities/sessions/{session.pk}/")
    assert not page.context["can_attend"]
    response = browser.post(
        f"/activities/sessions/{session.pk}/attendance/", {"people": [head.pk], **_others()}
    )
    assert response.status_code == 400
    messages = [str(m) for m in response.context["messages"]]
    assert any("once it has taken place" in message for message in messages)
    assert not Attendance.objects.exists()


def test_negative_counts_are_shown_on_their_row(browser, held_session):
    response = browser.post(
        f"/activities/sessions/{held_session.pk}/attendance/",
        _others([{"category": "business", "organisation_name": "Bakery", "women": "-2"}]),
    )
    assert response.status_code == 400
    row = response.context["formset"].forms[0]
    assert "women" in row.errors
    assert not OtherParticipants.objects.exists()


def test_cancelling_on_the_page_needs_a_reason(browser, worker, training, today):
    session = session_create(actor=worker, activity=training, date=today + DAY)
    browser.post(
        f"/activities/sessions/{session.pk}/status/",
        {"status": "cancelled", "version": session.version, "reason": ""},
    )
    session.refresh_from_db()
    assert session.status == "planned"
    browser.post(
        f"/activities/sessions/{session.pk}/status/",
        {"status": "cancelled", "version": session.version, "reason": "Flooded road"},
    )
    session.refresh_from_db()
    assert session.status == "cancelled"


def test_a_person_is_struck_out_of_a_session(browser, worker, held_session, head):
    session_attendance_record(actor=worker, session=held_session, people=[head])
    attendance = Attendance.objects.get()
    response = browser.post(f"/activities/attendances/{attendance.pk}/remove/")
    assert response.status_code == 302
    assert not Attendance.objects.exists()


def test_the_activity_page_shows_the_attendance_grid_and_completion(
    browser, worker, training, make_held, head, child
):
    sessions = [make_held(days) for days in (20, 15, 10, 5)]
    for session in sessions:
        session_attendance_record(actor=worker, session=session, people=[head])
    session_attendance_record(actor=worker, session=sessions[0], people=[child])
    page = browser.get(f"/activities/{training.pk}/")
    rows = {row.participant.person_id: row for row in page.context["rows"]}
    assert rows[head.pk].marks == [True, True, True, True]
    assert rows[head.pk].meets_rule
    assert rows[child.pk].marks == [True, False, False, False]
    assert (rows[child.pk].attended, rows[child.pk].counted) == (1, 5)
    # Completion on its page: the head meets the rule, the child needs a reason.
    url = f"/activities/{training.pk}/participants/{child.pk}/complete/"
    response = browser.post(url, {"completed_on": sessions[-1].date.isoformat(), "version": "1"})
    assert "override_reason" in response.context["form"].errors
    response = browser.post(
        f"/activities/{training.pk}/participants/{head.pk}/complete/",
        {"completed_on": sessions[-1].date.isoformat(), "version": "1"},
    )
    assert response.status_code == 302
    participant = Participant.objects.get(person=head)
    assert participant.certificate_number.endswith("-0001")
    assert (
        participant.certificate_number
        in browser.get(f"/activities/{training.pk}/").content.decode()
    )
    # Completed once: its page is gone.
    assert (
        browser.get(f"/activities/{training.pk}/participants/{head.pk}/complete/").status_code
        == 404
    )


def test_enrolling_from_the_activity_page(browser, training, head, household_b):
    page = browser.get(f"/activities/{training.pk}/", {"q": "Dragan"})
    assert [person.pk for person in page.context["found"]] == [head.pk]
    browser.post(f"/activities/{training.pk}/participants/", {"person": head.pk})
    assert Participant.objects.filter(person=head).exists()
    # Somebody of another organisation's is not found, and cannot be enrolled by id.
    assert browser.get(f"/activities/{training.pk}/", {"q": "Jovanović"}).context["found"] == []
    stranger = household_b.members.get()
    response = browser.post(f"/activities/{training.pk}/participants/", {"person": stranger.pk})
    assert response.status_code == 404
    assert not Participant.objects.filter(person=stranger).exists()


def test_pages_that_name_people_are_not_there_for_donors_and_other_roles(
    make_user, org_a, client_for, worker, held_session, head, donor_viewer
):
    session_attendance_record(actor=worker, session=held_session, people=[head])
    activity = held_session.activity
    paths = [
        f"/projects/{activity.project.code}/activities/",
        f"/activities/{activity.pk}/",
        f"/activities/sessions/{held_session.pk}/",
    ]
    users = [donor_viewer] + [
        make_user(org_a, role) for role in ("donor_viewer", "administrator", "info_desk_operator")
    ]
    for user in users:
        browser = client_for(user)
        for path in paths:
            response = browser.get(path)
            assert response.status_code == 404, (user.username, path)
            assert head.last_name not in response.content.decode()


def test_the_project_page_shows_counts_without_names(
    client_for, donor_viewer, worker, held_session, head, project
):
    session_attendance_record(actor=worker, session=held_session, people=[head])
    content = client_for(donor_viewer).get(f"/projects/{project.code}/").content.decode()
    assert "Business training" in content
    assert head.last_name not in content
    # One participant is a small cell: a donor sees "fewer than 5", not 1.
    assert "fewer than 5" in content


def test_materials_are_recorded_on_their_page(browser, project, today):
    response = browser.post(
        f"/projects/{project.code}/materials/new/",
        {
            "kind": "leaflet",
            "title": "Free phone line",
            "languages": ["sr", "sq"],
            "quantity_produced": "1000",
            "quantity_distributed": "800",
            "people_reached": "800",
            "period_start": today.isoformat(),
        },
    )
    assert response.status_code == 302
    material = InformationMaterial.objects.get()
    assert material.languages == ["sr", "sq"]
    page = browser.get(f"/projects/{project.code}/materials/")
    assert page.context["people_reached"] == 800
    response = browser.post(
        f"/materials/{material.pk}/edit/",
        {
            "kind": "leaflet",
            "title": "Free phone line",
            "quantity_produced": "1000",
            "quantity_distributed": "1200",
            "period_start": today.isoformat(),
            "version": material.version,
        },
    )
    assert "quantity_distributed" in response.context["form"].errors
    material.refresh_from_db()
    assert material.quantity_distributed == 800


def test_a_donor_sees_the_materials_but_cannot_record_them(
    client_for, donor_viewer, worker, project, today
):
    material = material_create(
        actor=worker, project=project, kind="poster", title="Poster", period_start=today
    )
    browser = client_for(donor_viewer)
    page = browser.get(f"/projects/{project.code}/materials/")
    assert page.status_code == 200
    assert not page.context["can_record"]
    assert browser.get(f"/materials/{material.pk}/edit/").status_code == 404
    assert browser.get(f"/projects/{project.code}/materials/new/").status_code == 404


def test_the_household_page_lists_the_activities_of_its_members(
    browser, worker, make_held, head, household_a
):
    sessions = [make_held(days) for days in (20, 15, 10, 5)]
    for session in sessions:
        session_attendance_record(actor=worker, session=session, people=[head])
    participant_complete(actor=worker, participant=Participant.objects.get(), expected_version=None)
    content = browser.get(f"/registry/households/{household_a.number}/").content.decode()
    assert "Starting a small business" in content
    assert Participant.objects.get().certificate_number in content


def test_my_day_lists_sessions_coming_and_attendance_to_record(
    browser, worker, training, today, held_session
):
    session_create(actor=worker, activity=training, date=today + 2 * DAY, topic="Marketing")
    session_create(actor=worker, activity=training, date=today + 20 * DAY, topic="Far off")
    content = browser.get("/my-day/").content.decode()
    assert "Planned session" in content
    assert "Marketing" in content
    assert "Far off" not in content
    assert "Attendance to record" in content
    assert "Costs" in content
