"""The demo's casework: the seed programmes' work recorded through the services, once."""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from homeward.accounts.models import User
from homeward.casework.activities.models import (
    Activity,
    ActivityKind,
    Attendance,
    InformationMaterial,
    OtherParticipants,
    Participant,
    Session,
)
from homeward.casework.assessments.models import Assessment
from homeward.casework.assistance.models import Delivery, MonitoringVisit
from homeward.casework.contacts.models import Contact, Grievance, Referral
from homeward.casework.demo import ASSISTANCE, COURSES, PLANS, beneficiaries
from homeward.casework.enrolment.models import Enrolment, EnrolmentStep
from homeward.casework.panels import agenda
from homeward.casework.selection.models import SelectionCriteria, SelectionRun
from homeward.core.actors import actor_for_user
from homeward.core.models import AuditEvent
from homeward.demo import PROJECTS
from homeward.programmes.models import Project
from homeward.registry.models import Household

pytestmark = pytest.mark.django_db

HOUSEHOLDS = 60


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """The demo, loaded once for the module inside a transaction rolled back after it: every
    test runs in a savepoint of its own within it."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("demo", no_serve=True, households=HOUSEHOLDS, stdout=StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(loaded, db):
    return loaded


def test_the_seed_programmes_are_projects_with_their_places_budgets_and_groups(demo):
    projects = {project.code: project for project in Project.objects.all()}
    step_forward = projects["step-forward"]
    assert str(step_forward.budget) == "439418.00"
    assert step_forward.currency == "EUR"
    assert set(step_forward.municipalities.values_list("code", flat=True)) == {
        "RS-00-zvezdara",
        "RS-20-palilula",
    }
    assert set(step_forward.partners.values_list("code", flat=True)) == {"zvezdara", "palilula-nis"}
    assert str(projects["giz-returnee-reintegration"].budget) == "2943105.90"
    # Budgets the seeds do not publish are left empty, not invented.
    assert projects["asb-reintegration-ii"].budget is None
    assert projects["drc-durable-solutions-y1"].currency == "USD"
    assert {"XK-prizren", "XK-kline", "XK-gjilan"} <= set(
        projects["drc-durable-solutions-y1"].municipalities.values_list("code", flat=True)
    )
    assert {"RS-18-novi-pazar", "RS-16-sjenica", "RS-18-tutin", "RS-22-pirot"} <= set(
        projects["asb-reintegration-ii"].municipalities.values_list("code", flat=True)
    )
    for demo_project in PROJECTS:
        project = projects[demo_project.code]
        for name in ("title_sr", "title_sr_latn", "title_sq", "description", "target_groups"):
            assert getattr(project, name), (project.code, name)


def test_the_seed_targets_are_the_demos_targets():
    step_forward = {share.kits[0].type_code: share.target for share in ASSISTANCE["step-forward"]}
    assert step_forward == {"income-grant-in-kind": 25, "aid-kit": 25, "transport-assistance": 10}
    people = Counter()
    events = Counter()
    for course in COURSES["step-forward"]:
        people[course.kind] += course.people
        events[course.kind] += 1
    assert people[ActivityKind.BUSINESS_TRAINING] == 40
    assert people[ActivityKind.VOCATIONAL_TRAINING] == 25
    assert events[ActivityKind.INFORMATION_EVENT] == 2
    (officials,) = [c for c in COURSES["step-forward"] if c.kind == "training_of_officials"]
    assert sum(women + men for _c, _o, women, men in officials.others) == 10
    assert len({name for _c, name, _w, _m in officials.others}) == 2
    odrzivi = Counter(course.kind for course in COURSES["odrzivi-povratak"])
    assert odrzivi[ActivityKind.GO_AND_SEE_VISIT] == 12
    assert odrzivi[ActivityKind.PUBLIC_PRESENTATION] == 5
    assert odrzivi[ActivityKind.ROUND_TABLE] == 3
    assert odrzivi[ActivityKind.MEETING] == 8
    assert ASSISTANCE["odrzivi-povratak"][0].target == 104


def test_every_registered_household_is_a_candidate_of_its_project(demo):
    registered = Household.objects.filter(project__isnull=False)
    assert Enrolment.objects.count() == registered.count() > 0
    for enrolment in Enrolment.objects.select_related("household"):
        assert enrolment.project_id == enrolment.household.project_id


def test_ended_projects_have_decided_everyone_and_the_ongoing_one_has_work_left(demo):
    statuses = set(Enrolment.objects.values_list("project__code", "status"))
    for code in PLANS:
        if code == "step-forward":
            continue
        for status in ("candidate", "selected", "active", "waitlisted"):
            assert (code, status) not in statuses, (code, status)
    assert ("step-forward", "active") in statuses
    decisions = EnrolmentStep.objects.filter(to_status__in=Enrolment.DECISIONS)
    assert set(decisions.values_list("actor__username", flat=True)) <= {
        "committee",
        "asb-manager",
        "giz-manager",
        "drc-manager",
    }
    assert not decisions.filter(to_status__in=Enrolment.NEEDS_REASON, reason="").exists()


def test_step_forward_selects_on_ranked_lists_under_two_versions_of_its_criteria(demo):
    criteria = SelectionCriteria.objects.filter(project__code="step-forward")
    assert sorted(criteria.values_list("number", flat=True)) == [1, 2]
    runs = list(SelectionRun.objects.filter(project__code="step-forward").order_by("pk"))
    assert [run.criteria.number for run in runs] == [1, 1, 1, 2]
    # The last ranking is compared with the one under the first version.
    assert runs[-1].previous_id == runs[-2].pk
    decided = EnrolmentStep.objects.filter(
        enrolment__project__code="step-forward", to_status__in=Enrolment.DECISIONS
    )
    assert decided.exists()
    for step in decided:
        assert step.context["run"] in {run.pk for run in runs}, step


def test_every_casework_app_holds_the_programmes_work(demo):
    codes = set(PLANS)
    assert Assessment.objects.filter(project__code__in=codes).exists()
    assert Delivery.objects.filter(project__code__in=codes).exists()
    assert MonitoringVisit.objects.filter(visited_on__isnull=False).exists()
    assert Activity.objects.filter(project__code__in=codes).count() == sum(
        len(courses) for courses in COURSES.values()
    )
    assert Attendance.objects.exists()
    assert OtherParticipants.objects.filter(category="officials").exists()
    assert Participant.objects.filter(completed_on__isnull=False).exists()
    assert InformationMaterial.objects.filter(project__code="step-forward", kind="brochure")
    assert Referral.objects.filter(project__code__in=codes).exists()
    assert Contact.objects.filter(project__code="step-forward", channel="phone").exists()
    assert Contact.objects.filter(anonymous=True).exists()
    stages = set(
        Grievance.objects.filter(project__code="step-forward").values_list("status", flat=True)
    )
    assert stages == {"received", "acknowledged", "resolved"}


def test_work_is_dated_within_the_project_and_never_in_the_future(demo):
    today = timezone.localdate()

    def within(project, day, what):
        assert project.start_date <= day <= min(project.end_date, today), (project.code, what)

    for step in EnrolmentStep.objects.select_related("enrolment__project"):
        within(step.enrolment.project, step.on, step)
    for delivery in Delivery.objects.exclude(handover_on=None).select_related("project"):
        within(delivery.project, delivery.handover_on, delivery)
    for visit in MonitoringVisit.objects.exclude(visited_on=None).select_related(
        "delivery__project"
    ):
        within(visit.delivery.project, visit.visited_on, visit)
    for session in Session.objects.filter(status="held").select_related("activity__project"):
        within(session.activity.project, session.date, session)
    for assessment in Assessment.objects.select_related("project"):
        within(assessment.project, assessment.assessed_on, assessment)
    for referral in Referral.objects.exclude(project=None).select_related("project"):
        within(referral.project, referral.closed_on or referral.sent_on, referral)
    for grievance in Grievance.objects.select_related("project"):
        within(grievance.project, grievance.resolved_on or grievance.received_on, grievance)
    # A project that has ended left nothing open.
    ended = Project.objects.filter(end_date__lt=today)
    assert not Delivery.objects.filter(project__in=ended, status__in=["planned", "approved"])
    assert not MonitoringVisit.objects.filter(delivery__project__in=ended, visited_on=None)
    assert not Referral.objects.filter(project__in=ended, status__in=["sent", "accepted"])
    assert not Grievance.objects.filter(project__in=ended).exclude(status="resolved")


def test_deliveries_go_to_beneficiaries_in_the_projects_currency_up_to_the_targets(demo):
    for delivery in Delivery.objects.select_related("project"):
        assert delivery.currency == delivery.project.currency
        assert Enrolment.objects.filter(
            project=delivery.project,
            household=delivery.household_id,
            status__in=Enrolment.BENEFICIARY,
        ).exists()
    step_forward = Project.objects.get(code="step-forward")
    kits = Counter(
        Delivery.objects.filter(project=step_forward).values_list(
            "assistance_type__code", flat=True
        )
    )
    assert kits["aid-kit"] == min(25, len(beneficiaries(step_forward, today=timezone.localdate())))
    # ASB's grants go to one member each, women first.
    grants = Delivery.objects.filter(project__code="asb-reintegration-ii")
    assert grants.exists()
    assert grants.filter(person__sex="female").count() >= 0.4 * grants.count()


def test_durable_solutions_are_assessed_twice_and_show_the_movement(demo):
    rounds = {}
    for assessment in Assessment.objects.filter(
        template__kind="durable_solutions", project__code="drc-durable-solutions-y1"
    ).order_by("assessed_on", "pk"):
        rounds.setdefault(assessment.household_id, []).append(assessment)
    assert rounds
    for first, second in rounds.values():
        assert first.assessed_on < second.assessed_on
    moved = [second.scores["total"] - first.scores["total"] for first, second in rounds.values()]
    assert sum(moved) > 0


def test_the_demo_users_have_work_on_their_day(demo):
    today = timezone.localdate()
    for username in ("manager", "caseworker", "infodesk", "committee", "asb-caseworker"):
        actor = actor_for_user(User.objects.get(username=username), via="ui")
        assert agenda(actor=actor, today=today), username


def test_the_casework_is_made_through_the_services(demo):
    def audited(action):
        return AuditEvent.objects.filter(action=action, via="cli").count()

    assert audited("enrolment.create") == Enrolment.objects.count()
    assert audited("enrolment.transition") == EnrolmentStep.objects.count() - (
        Enrolment.objects.count()
    )
    assert audited("delivery.plan") == Delivery.objects.count()
    assert audited("activity.create") == Activity.objects.count()
    assert audited("assessment.record") == Assessment.objects.count()
    assert audited("referral.create") == Referral.objects.count()
    assert audited("contact.create") == Contact.objects.count()
    assert audited("grievance.create") == Grievance.objects.count()


def test_a_second_load_adds_nothing(demo):
    before = {
        "audit": AuditEvent.objects.count(),
        "users": User.objects.count(),
        "enrolments": Enrolment.objects.aggregate(n=Count("pk"))["n"],
    }
    out = StringIO()
    call_command("demo", no_serve=True, households=HOUSEHOLDS, stdout=out)
    assert before == {
        "audit": AuditEvent.objects.count(),
        "users": User.objects.count(),
        "enrolments": Enrolment.objects.aggregate(n=Count("pk"))["n"],
    }
    assert "Demo casework: nothing added." in out.getvalue()


def test_the_demo_logins_open_their_projects_and_households(demo, client_for):
    durable = Assessment.objects.filter(template__kind="durable_solutions").first()
    grant = Delivery.objects.filter(project__code="step-forward").first()
    for username, project, household in (
        ("manager", "step-forward", grant.household.number),
        ("caseworker", "step-forward", grant.household.number),
        ("committee", "step-forward", grant.household.number),
        ("drc-manager", "drc-durable-solutions-y1", durable.household.number),
    ):
        client = client_for(User.objects.get(username=username))
        assert client.get(f"/projects/{project}/").status_code == 200, username
        assert client.get(f"/registry/households/{household}/").status_code == 200, username
        assert client.get("/my-day/").status_code == 200, username
