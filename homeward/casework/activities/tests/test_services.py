"""The rules of activities, through their services: what is refused is named and nothing is
saved; every change is audited."""

import datetime

import pytest
from django.http import Http404

from homeward.casework.activities import selectors
from homeward.casework.activities.models import (
    Activity,
    Attendance,
    InformationMaterial,
    OtherParticipants,
    Participant,
    Session,
)
from homeward.casework.activities.services import (
    activity_create,
    activity_update,
    attendance_remove,
    attendance_share,
    material_create,
    material_update,
    meets_rule,
    participant_complete,
    participant_enrol,
    session_attendance_record,
    session_create,
    session_transition,
    session_update,
)
from homeward.core.actors import Actor
from homeward.core.errors import ConflictError, TransitionNotAllowed, ValidationError
from homeward.core.models import AuditEvent
from homeward.geo.models import Area

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _fields(error: ValidationError) -> set[str]:
    return set(error.value.message_dict)


# --- activities ---------------------------------------------------------------------------


def test_an_activity_is_recorded_for_the_actors_organisation_and_audited(training, org_a):
    assert training.organisation == org_a
    assert training.completion_share == 80
    event = AuditEvent.objects.get(action="activity.create", target_id=str(training.pk))
    assert event.organisation_id == org_a.pk
    assert event.changes["kind"]["after"] == "business_training"


def test_an_activity_outside_the_projects_dates_is_refused(worker, project):
    with pytest.raises(ValidationError) as error:
        activity_create(
            actor=worker,
            project=project,
            kind="round_table",
            title="Round table on return",
            planned_start=project.start_date - DAY,
            planned_end=project.end_date + DAY,
        )
    assert _fields(error) == {"planned_start", "planned_end"}
    assert not Activity.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "  "}, "title"),
        ({"kind": "picnic"}, "kind"),
        ({"completion_share": 0}, "completion_share"),
        ({"completion_share": 120}, "completion_share"),
        ({"sessions_planned": 0}, "sessions_planned"),
    ],
)
def test_bad_activity_fields_are_named(worker, project, today, changes, field):
    fields = {
        "kind": "mentoring",
        "title": "Mentoring",
        "planned_start": today,
        "planned_end": today + DAY,
    } | changes
    with pytest.raises(ValidationError) as error:
        activity_create(actor=worker, project=project, **fields)
    assert field in _fields(error)
    assert not Activity.objects.exists()


def test_an_activity_ending_before_it_starts_is_refused(worker, project, today):
    with pytest.raises(ValidationError) as error:
        activity_create(
            actor=worker,
            project=project,
            kind="study_visit",
            title="Study visit",
            planned_start=today,
            planned_end=today - DAY,
        )
    assert _fields(error) == {"planned_end"}


def test_a_municipality_must_be_a_municipality(worker, project, today):
    district = Area.objects.exclude(kind__in=["city", "municipality", "city_municipality"])
    district = district.exclude(kind="kosovo_municipality").first()
    with pytest.raises(ValidationError) as error:
        activity_create(
            actor=worker,
            project=project,
            kind="meeting",
            title="Meeting",
            planned_start=today,
            planned_end=today,
            municipality=district,
        )
    assert _fields(error) == {"municipality"}


def test_an_activity_of_another_organisations_project_is_not_there(worker, project_b, today):
    with pytest.raises(Http404):
        activity_create(
            actor=worker,
            project=project_b,
            kind="meeting",
            title="Meeting",
            planned_start=project_b.start_date,
            planned_end=project_b.start_date,
        )


def test_roles_without_casework_cannot_record_activities(make_user, org_a, project, today):
    for role in ("donor_viewer", "me_officer", "info_desk_operator", "administrator"):
        with pytest.raises(Http404):
            activity_create(
                actor=Actor(user=make_user(org_a, role)),
                project=project,
                kind="meeting",
                title="Meeting",
                planned_start=today,
                planned_end=today,
            )
    assert not Activity.objects.exists()


def test_an_edit_over_somebody_elses_is_a_conflict(worker, training):
    version = training.version
    activity_update(actor=worker, activity=training, expected_version=version, title="New title")
    stale = Activity.objects.get(pk=training.pk)
    with pytest.raises(ConflictError):
        activity_update(actor=worker, activity=stale, expected_version=version, venue="Hall")
    stale.refresh_from_db()
    assert stale.title == "New title"
    assert stale.venue == ""


# --- sessions -----------------------------------------------------------------------------


def test_a_session_outside_the_projects_dates_is_refused(worker, training, project):
    with pytest.raises(ValidationError) as error:
        session_create(actor=worker, activity=training, date=project.end_date + DAY)
    assert _fields(error) == {"date"}
    assert not Session.objects.exists()


def test_a_session_is_planned_held_or_cancelled_and_goes_no_further(worker, training, today):
    session = session_create(actor=worker, activity=training, date=today - DAY)
    assert session.status == "planned"
    assert session.place == training.venue
    session_transition(actor=worker, session=session, status="held", expected_version=None)
    with pytest.raises(TransitionNotAllowed):
        session_transition(
            actor=worker, session=session, status="cancelled", expected_version=None, reason="x"
        )
    with pytest.raises(TransitionNotAllowed):
        session_transition(actor=worker, session=session, status="planned", expected_version=None)
    assert Session.objects.get(pk=session.pk).status == "held"


def test_a_session_cannot_be_held_before_its_day(worker, training, today):
    session = session_create(actor=worker, activity=training, date=today + DAY)
    with pytest.raises(ValidationError) as error:
        session_transition(actor=worker, session=session, status="held", expected_version=None)
    assert _fields(error) == {"status"}
    assert Session.objects.get(pk=session.pk).status == "planned"


def test_cancelling_needs_a_reason(worker, training, today):
    session = session_create(actor=worker, activity=training, date=today + DAY)
    with pytest.raises(ValidationError) as error:
        session_transition(actor=worker, session=session, status="cancelled", expected_version=None)
    assert _fields(error) == {"reason"}
    session_transition(
        actor=worker,
        session=session,
        status="cancelled",
        expected_version=session.version,
        reason="The trainer fell ill",
    )
    session.refresh_from_db()
    assert session.status == "cancelled"
    assert session.cancel_reason == "The trainer fell ill"
    event = AuditEvent.objects.get(action="session.transition", target_id=str(session.pk))
    assert event.changes["status"] == {"before": "planned", "after": "cancelled"}


def test_a_held_session_cannot_move_into_the_future(worker, held_session, today):
    with pytest.raises(ValidationError) as error:
        session_update(actor=worker, session=held_session, expected_version=None, date=today + DAY)
    assert _fields(error) == {"date"}


# --- attendance ---------------------------------------------------------------------------


def test_attendance_of_registered_and_other_people_is_recorded(worker, held_session, head):
    result = session_attendance_record(
        actor=worker,
        session=held_session,
        people=[head],
        others=[
            {"category": "officials", "organisation_name": "Town hall", "women": 2, "men": 1},
            {"category": "business", "organisation_name": "Bakery Sunce", "women": 0, "men": 1},
        ],
    )
    assert [a.person for a in result["attendances"]] == [head]
    assert Participant.objects.filter(activity=held_session.activity, person=head).exists()
    counts = {
        (o.category, o.organisation_name): (o.women, o.men) for o in OtherParticipants.objects.all()
    }
    assert counts == {("officials", "Town hall"): (2, 1), ("business", "Bakery Sunce"): (0, 1)}
    assert AuditEvent.objects.filter(action="session.attendance").count() == 1
    assert AuditEvent.objects.filter(action="participant.enrol").count() == 1


def test_counts_given_again_replace_the_earlier_ones(worker, held_session):
    row = {"category": "civil_society", "organisation_name": "Božur", "women": 3, "men": 0}
    session_attendance_record(actor=worker, session=held_session, others=[row])
    session_attendance_record(
        actor=worker,
        session=held_session,
        others=[row | {"organisation_name": "BOŽUR", "women": 4, "men": 1}],
    )
    count = OtherParticipants.objects.get()
    assert (count.women, count.men) == (4, 1)
    # The same counts once more change nothing and write nothing.
    audited = AuditEvent.objects.count()
    session_attendance_record(
        actor=worker, session=held_session, others=[row | {"women": 4, "men": 1}]
    )
    assert AuditEvent.objects.count() == audited


def test_no_attendance_in_a_session_that_has_not_happened_yet(worker, training, today, head):
    future = session_create(actor=worker, activity=training, date=today + 2 * DAY)
    with pytest.raises(ValidationError) as error:
        session_attendance_record(actor=worker, session=future, people=[head])
    assert _fields(error) == {"session"}
    assert "once it has taken place" in error.value.message_dict["session"][0]
    assert not Attendance.objects.exists()
    assert not Participant.objects.exists()


def test_no_attendance_in_a_past_session_not_marked_held(worker, training, today, head):
    session = session_create(actor=worker, activity=training, date=today - DAY)
    with pytest.raises(ValidationError) as error:
        session_attendance_record(
            actor=worker,
            session=session,
            people=[head],
            others=[{"category": "other", "women": 1}],
        )
    assert _fields(error) == {"session"}
    assert not Attendance.objects.exists()
    assert not OtherParticipants.objects.exists()


def test_no_attendance_in_a_cancelled_session(worker, training, today, head):
    session = session_create(actor=worker, activity=training, date=today - DAY)
    session_transition(
        actor=worker, session=session, status="cancelled", expected_version=None, reason="Snow"
    )
    with pytest.raises(ValidationError):
        session_attendance_record(actor=worker, session=session, people=[head])
    assert not Attendance.objects.exists()


def test_the_same_person_twice_is_refused_and_nothing_saved(worker, held_session, head, child):
    with pytest.raises(ValidationError) as error:
        session_attendance_record(actor=worker, session=held_session, people=[child, head, head])
    assert _fields(error) == {"people.2"}
    assert not Attendance.objects.exists()
    assert not Participant.objects.exists()
    session_attendance_record(actor=worker, session=held_session, people=[head])
    with pytest.raises(ValidationError) as error:
        session_attendance_record(actor=worker, session=held_session, people=[child, head.pk])
    assert _fields(error) == {"people.1"}
    assert list(Attendance.objects.values_list("person", flat=True)) == [head.pk]


def test_negative_counts_are_refused(worker, held_session, head):
    with pytest.raises(ValidationError) as error:
        session_attendance_record(
            actor=worker,
            session=held_session,
            people=[head],
            others=[
                {"category": "officials", "organisation_name": "Town hall", "women": -1, "men": 2},
                {"category": "nobody", "women": 1},
            ],
        )
    assert _fields(error) == {"others.0.women", "others.1.category"}
    assert not Attendance.objects.exists()
    assert not OtherParticipants.objects.exists()


def test_a_person_out_of_scope_is_not_there(worker, held_session, household_b, head):
    stranger = household_b.members.get()
    with pytest.raises(Http404):
        session_attendance_record(actor=worker, session=held_session, people=[head, stranger])
    with pytest.raises(Http404):
        session_attendance_record(actor=worker, session=held_session, people=["not-a-number"])
    assert not Attendance.objects.exists()


def test_attendance_needs_somebody(worker, held_session):
    with pytest.raises(ValidationError) as error:
        session_attendance_record(actor=worker, session=held_session)
    assert _fields(error) == {"people"}


def test_another_organisation_cannot_record_attendance(manager_b, held_session, household_b):
    with pytest.raises(Http404):
        session_attendance_record(
            actor=Actor(user=manager_b),
            session=held_session,
            people=[household_b.members.get()],
        )


def test_a_person_struck_out_is_removed_and_audited(worker, held_session, head):
    session_attendance_record(actor=worker, session=held_session, people=[head])
    attendance_remove(actor=worker, attendance=Attendance.objects.get())
    assert not Attendance.objects.exists()
    assert AuditEvent.objects.filter(action="session.attendance_remove").exists()


# --- participants and completion ----------------------------------------------------------


def test_enrolling_twice_is_refused(worker, training, head):
    participant_enrol(actor=worker, activity=training, person=head)
    with pytest.raises(ValidationError) as error:
        participant_enrol(actor=worker, activity=training, person=head)
    assert _fields(error) == {"person"}
    assert Participant.objects.count() == 1


def test_enrolling_a_person_out_of_scope_is_not_there(worker, training, household_b):
    with pytest.raises(Http404):
        participant_enrol(actor=worker, activity=training, person=household_b.members.get())


def _attend(worker, sessions, people):
    for session in sessions:
        session_attendance_record(actor=worker, session=session, people=people)


def test_completion_is_measured_against_the_sessions_planned(worker, make_held, head, child):
    sessions = [make_held(days) for days in (30, 20, 10, 5)]
    _attend(worker, sessions, [head])
    _attend(worker, sessions[:2], [child])
    by_person = {p.person_id: p for p in Participant.objects.select_related("activity")}
    # Five sessions planned, four held: the head attended 4 of 5 (80 %), the child 2 of 5.
    assert attendance_share(by_person[head.pk]) == (4, 5)
    assert meets_rule(by_person[head.pk])
    assert attendance_share(by_person[child.pk]) == (2, 5)
    assert not meets_rule(by_person[child.pk])


def test_more_sessions_held_than_planned_count_all(worker, make_held, training, head):
    sessions = [make_held(days) for days in (40, 30, 20, 10, 5, 2)]
    _attend(worker, sessions[:4], [head])
    participant = Participant.objects.get()
    assert attendance_share(participant) == (4, 6)
    assert not meets_rule(participant)


def test_completion_with_the_rule_met_gives_a_certificate_number(worker, make_held, head, child):
    sessions = [make_held(days) for days in (30, 20, 10, 5)]
    _attend(worker, sessions, [head, child])
    head_part = Participant.objects.get(person=head)
    completed = participant_complete(
        actor=worker, participant=head_part, expected_version=head_part.version
    )
    activity = head_part.activity
    assert completed.completed_on is not None
    assert completed.certificate_number == f"PROJECT-A-A{activity.pk}-0001"
    assert completed.completion_override_reason == ""
    child_part = Participant.objects.get(person=child)
    participant_complete(actor=worker, participant=child_part, expected_version=None)
    child_part.refresh_from_db()
    assert child_part.certificate_number == f"PROJECT-A-A{activity.pk}-0002"
    event = AuditEvent.objects.filter(action="participant.complete").first()
    assert event.changes["certificate_number"]["after"].endswith("-0002")


def test_completion_without_the_rule_met_needs_a_reason(worker, make_held, head):
    _attend(worker, [make_held(10)], [head])
    participant = Participant.objects.get()
    with pytest.raises(ValidationError) as error:
        participant_complete(actor=worker, participant=participant, expected_version=None)
    assert _fields(error) == {"override_reason"}
    assert "Attended 1 of 5" in error.value.message_dict["override_reason"][0]
    participant.refresh_from_db()
    assert participant.completed_on is None
    assert participant.certificate_number == ""
    participant_complete(
        actor=worker,
        participant=participant,
        expected_version=None,
        override_reason="Missed sessions in hospital; did the final test",
    )
    participant.refresh_from_db()
    assert participant.completed_on is not None
    event = AuditEvent.objects.get(action="participant.complete")
    assert event.changes["completion_override_reason"]["after"].startswith("Missed sessions")


def test_completion_is_recorded_once(worker, make_held, head):
    _attend(worker, [make_held(d) for d in (20, 15, 10, 5)], [head])
    participant = Participant.objects.get()
    participant_complete(actor=worker, participant=participant, expected_version=None)
    with pytest.raises(ValidationError) as error:
        participant_complete(actor=worker, participant=participant, expected_version=None)
    assert _fields(error) == {"completed_on"}


def test_completion_dates_and_certificate_numbers_are_checked(
    worker, make_held, head, child, today
):
    _attend(worker, [make_held(d) for d in (20, 15, 10, 5)], [head, child])
    head_part = Participant.objects.get(person=head)
    with pytest.raises(ValidationError) as error:
        participant_complete(
            actor=worker, participant=head_part, expected_version=None, completed_on=today + DAY
        )
    assert _fields(error) == {"completed_on"}
    with pytest.raises(ValidationError) as error:
        participant_complete(
            actor=worker,
            participant=head_part,
            expected_version=None,
            completed_on=today - 30 * DAY,
        )
    assert _fields(error) == {"completed_on"}
    participant_complete(
        actor=worker, participant=head_part, expected_version=None, certificate_number="C-7"
    )
    child_part = Participant.objects.get(person=child)
    with pytest.raises(ValidationError) as error:
        participant_complete(
            actor=worker, participant=child_part, expected_version=None, certificate_number="C-7"
        )
    assert _fields(error) == {"certificate_number"}
    child_part.refresh_from_db()
    assert child_part.completed_on is None


def test_no_certificate_number_for_an_activity_without_certificates(
    worker, project, today, make_held, head
):
    workshop = activity_create(
        actor=worker,
        project=project,
        kind="psychosocial_workshop",
        title="Parents' workshop",
        planned_start=today - 30 * DAY,
        planned_end=today,
        sessions_planned=1,
    )
    _attend(worker, [make_held(3, activity=workshop)], [head])
    participant = Participant.objects.get()
    with pytest.raises(ValidationError) as error:
        participant_complete(
            actor=worker, participant=participant, expected_version=None, certificate_number="X"
        )
    assert _fields(error) == {"certificate_number"}
    participant_complete(actor=worker, participant=participant, expected_version=None)
    participant.refresh_from_db()
    assert participant.completed_on
    assert participant.certificate_number == ""


def test_completed_participants_are_counted_by_kind_and_date(
    worker, make_held, head, child, today, donor_viewer, project
):
    _attend(worker, [make_held(d) for d in (20, 15, 10, 5)], [head, child])
    for participant in Participant.objects.all():
        participant_complete(actor=worker, participant=participant, expected_version=None)
    donor = Actor(user=donor_viewer)
    assert selectors.completed_participants(actor=donor, kind="business_training").count() == 2
    assert selectors.completed_participants(actor=donor, kind="mentoring").count() == 0
    assert (
        selectors.completed_participants(
            actor=donor, project=project, completed_from=today, completed_to=today
        ).count()
        == 2
    )
    assert selectors.completed_participants(actor=donor, completed_to=today - DAY).count() == 0


def test_certificates_cannot_be_switched_off_once_issued(worker, make_held, training, head):
    _attend(worker, [make_held(d) for d in (20, 15, 10, 5)], [head])
    participant_complete(actor=worker, participant=Participant.objects.get(), expected_version=None)
    with pytest.raises(ValidationError) as error:
        activity_update(
            actor=worker, activity=training, expected_version=None, leads_to_certificate=False
        )
    assert _fields(error) == {"leads_to_certificate"}


# --- information materials ----------------------------------------------------------------


def test_a_material_is_recorded_and_its_reach_summed(worker, project, today):
    gjilan = Area.objects.get(code="XK-gjilan")
    material_create(
        actor=worker,
        project=project,
        kind="brochure",
        title="Return to Kosovo: your options",
        languages=["sr", "sq", "sr"],
        quantity_produced=2000,
        quantity_distributed=1500,
        people_reached=1500,
        period_start=today - 10 * DAY,
        municipalities=[gjilan],
    )
    material_create(
        actor=worker,
        project=project,
        kind="broadcast",
        title="Radio talk show",
        people_reached=12000,
        period_start=today - 5 * DAY,
        period_end=today - 5 * DAY,
    )
    brochure = InformationMaterial.objects.get(kind="brochure")
    assert brochure.languages == ["sr", "sq"]
    assert list(brochure.municipalities.all()) == [gjilan]
    assert selectors.people_reached(project) == 13500
    event = AuditEvent.objects.get(action="material.create", target_id=str(brochure.pk))
    assert event.changes["municipalities"]["after"] == ["XK-gjilan"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"quantity_produced": -5}, "quantity_produced"),
        ({"people_reached": -1}, "people_reached"),
        ({"quantity_produced": 10, "quantity_distributed": 11}, "quantity_distributed"),
        ({"languages": ["xx"]}, "languages"),
        ({"kind": "billboard"}, "kind"),
        ({"period_start": None}, "period_start"),
        ({"period_end": "before"}, "period_end"),
    ],
)
def test_bad_material_fields_are_named(worker, project, today, changes, field):
    fields = {"kind": "leaflet", "title": "Leaflet", "period_start": today}
    if changes.get("period_end") == "before":
        changes = {"period_end": today - DAY}
    with pytest.raises(ValidationError) as error:
        material_create(actor=worker, project=project, **(fields | changes))
    assert field in _fields(error)
    assert not InformationMaterial.objects.exists()


def test_a_material_is_updated_with_its_version(worker, project, today):
    material = material_create(
        actor=worker, project=project, kind="poster", title="Poster", period_start=today
    )
    version = material.version
    material_update(
        actor=worker,
        material=material,
        expected_version=version,
        quantity_distributed=40,
        municipalities=[Area.objects.get(code="RS-00-zvezdara")],
    )
    material.refresh_from_db()
    assert material.quantity_distributed == 40
    assert [a.code for a in material.municipalities.all()] == ["RS-00-zvezdara"]
    with pytest.raises(ConflictError):
        material_update(
            actor=worker,
            material=InformationMaterial.objects.get(pk=material.pk),
            expected_version=version,
            title="Old",
        )
