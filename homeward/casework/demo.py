"""Demo casework: a believable share of the seed programmes' work, already recorded.

The households of the demo registry were registered for a project; here they become its
candidates, and the committee selects, waiting-lists or rejects them with reasons. What follows
is each programme's own work as its published description tells it (see ``../shared/seeds``).

Everything is recorded through the services by the people who would do it: enrolments and
follow-up by the case worker of the organisation that registered the household, decisions by
the lead organisation's selection committee or manager. Dates fall within each project's dates
and never after today, so a project that has ended shows completed work and an ongoing one
(A Step Forward to Return) has work due.

Drawn from one seeded ``random.Random`` over households in number order: the same registry gives
the same casework. Idempotent like the rest of the demo: a part whose records exist already is
left as it is.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from homeward.accounts.models import Organisation, User
from homeward.accounts.roles import Role
from homeward.accounts.services import user_create
from homeward.casework.activities.models import (
    Activity,
    ActivityKind,
    MaterialKind,
    Participant,
    ParticipantCategory,
    Session,
)
from homeward.casework.activities.services import (
    activity_create,
    material_create,
    meets_rule,
    participant_complete,
    session_attendance_record,
    session_create,
    session_transition,
)
from homeward.casework.assessments.definition import (
    applies,
    conditions_of,
    is_scored,
    points,
    questions_of,
)
from homeward.casework.assessments.models import Assessment, AssessmentTemplate
from homeward.casework.assessments.services import assessment_record
from homeward.casework.assistance.models import AssistanceType, Delivery
from homeward.casework.assistance.services import (
    delivery_approve,
    delivery_cancel,
    delivery_deliver,
    delivery_plan,
    delivery_verify,
    monitoring_visit_record,
)
from homeward.casework.contacts.models import Channel, Contact, Grievance, Referral
from homeward.casework.contacts.services import (
    contact_record,
    contact_update,
    grievance_record,
    grievance_transition,
    referral_create,
    referral_transition,
)
from homeward.casework.enrolment.models import Enrolment
from homeward.casework.enrolment.services import enrolment_create, enrolment_transition
from homeward.casework.selection.facts import fact_for
from homeward.casework.selection.services import (
    selection_criteria_create,
    selection_decide,
    selection_run,
)
from homeward.core.actors import Actor, actor_for_user, system_actor
from homeward.geo.models import Area
from homeward.programmes.models import Project
from homeward.registry.demo import CASE_WORKERS, COMMUNITIES
from homeward.registry.models import Household, Person, Relationship

__all__ = ["DEMO_PROJECTS", "PLANS", "load_demo_casework"]

E = Enrolment.Status


@dataclass(frozen=True)
class SelectionPlan:
    """How a project's registered households went through its selection."""

    project: str
    # When candidates were enrolled: the outreach and identification phase.
    enrol_from: date
    enrol_to: date
    # Shares of the decided candidates; the rest is rejected.
    selected: float
    waitlisted: float
    # Of the selected, the share that dropped out; the others became active, and of those
    # ``completed`` finished by today (all of them, in a project that has ended).
    dropped: float
    completed: float
    # Candidates enrolled after this date are still waiting for the committee.
    undecided_after: date | None = None


PLANS = {
    plan.project: plan
    for plan in (
        SelectionPlan(
            "odrzivi-povratak", date(2021, 2, 1), date(2022, 6, 30),
            selected=0.45, waitlisted=0.15, dropped=0.08, completed=1.0,
        ),
        SelectionPlan(
            "step-forward", date(2025, 2, 1), date(2026, 10, 31),
            selected=0.35, waitlisted=0.15, dropped=0.05, completed=0.25,
            undecided_after=date(2026, 8, 31),
        ),
        SelectionPlan(
            "asb-reintegration-ii", date(2022, 9, 1), date(2024, 3, 31),
            selected=0.6, waitlisted=0.1, dropped=0.06, completed=1.0,
        ),
        SelectionPlan(
            "giz-returnee-reintegration", date(2018, 3, 1), date(2019, 9, 30),
            selected=0.55, waitlisted=0.1, dropped=0.07, completed=1.0,
        ),
        SelectionPlan(
            "drc-durable-solutions-y1", date(2023, 10, 1), date(2024, 3, 31),
            selected=0.8, waitlisted=0.05, dropped=0.03, completed=1.0,
        ),
    )
}  # fmt: skip
DEMO_PROJECTS = tuple(PLANS)

REJECTED = {
    "odrzivi-povratak": [
        "Does not intend to return to Kosovo*; referred to the local housing programme.",
        "Already received a return package from another project in 2019.",
        "Household income above the threshold of the selection criteria.",
        "Displacement status not confirmed by the Commissariat.",
    ],
    "step-forward": [
        "Does not intend to return; not eligible for the return support of this project.",
        "Household income above the threshold of the selection criteria.",
        "Received an income-generation grant from another EU-funded project in 2023.",
        "Lives outside Zvezdara and Palilula.",
    ],
    "asb-reintegration-ii": [
        "Returned more than five years ago and is in regular employment.",
        "Household income above the threshold of the selection criteria.",
        "Received a self-employment grant in the first Reintegration project.",
        "Declined to take part after the information session.",
    ],
    "giz-returnee-reintegration": [
        "Household income above the threshold of the selection criteria.",
        "Received housing assistance from the municipality in 2017.",
        "Not a returnee under readmission nor a locally extremely vulnerable family.",
        "Declined to take part.",
    ],
    "drc-durable-solutions-y1": [
        "The assessment found no gap the project's assistance covers.",
        "Receives the same assistance from the municipal returns office.",
        "Moved back to Serbia before the assessment.",
    ],
}
WAITLISTED = [
    "Eligible, but scored below the last place available in this round.",
    "Eligible; waiting for the next round of grants.",
]
NO_PLACE = "No place became free before the project ended."
DROPPED = [
    "Moved abroad with the whole family.",
    "Withdrew: the head of household found seasonal work elsewhere.",
    "Could not be reached after three visits.",
    "The family decided not to return for now.",
]
SELECTED = [
    "Scored among the highest: no regular income and a member with a disability.",
    "Scored among the highest: large household in a collective centre.",
    "Meets every condition; single parent with children under 15.",
    "Meets every condition; intends to return within the year.",
]
COMPLETED = "Received the support planned for the household; file closed after the last visit."

# Who decides on the candidates of each lead organisation, and who approves and verifies its
# deliveries. Those of the demo NGO and DRC are demo logins (``homeward.demo.USERS``); the
# others, like the field case workers of the demo registry, have no password.
DECIDERS = {
    "demo-ngo": ("committee", "", "", Role.SELECTION_COMMITTEE),
    "asb-serbia": ("asb-manager", "Nikola", "Ristić", Role.PROJECT_MANAGER),
    "giz": ("giz-manager", "Sabine", "Hoffmann", Role.PROJECT_MANAGER),
    "drc": ("drc-manager", "", "", Role.PROJECT_MANAGER),
}
MANAGERS = {
    "demo-ngo": "manager",
    "asb-serbia": "asb-manager",
    "giz": "giz-manager",
    "drc": "drc-manager",
}


@dataclass
class Demo:
    """What every part of the casework demo draws on."""

    rng: random.Random
    today: date
    projects: dict[str, Project]
    case_workers: dict[int, Actor]  # by organisation id
    deciders: dict[int, Actor]  # by lead organisation id
    managers: dict[int, Actor]  # by lead organisation id
    counts: dict[str, int] = field(default_factory=dict)

    def day(self, start: date, end: date) -> date:
        """A day between ``start`` and ``end`` (both included), never after today."""
        end = min(end, self.today)
        if end <= start:
            return min(start, self.today)
        return start + timedelta(days=self.rng.randint(0, (end - start).days))

    def case_worker(self, organisation_id: int) -> Actor:
        return self.case_workers[organisation_id]

    def decider(self, project: Project) -> Actor:
        return self.deciders[project.lead_organisation_id]

    def manager(self, project: Project) -> Actor:
        return self.managers[project.lead_organisation_id]

    def last_day(self, project: Project) -> date:
        return min(project.end_date, self.today)

    def ongoing(self, project: Project) -> bool:
        return project.end_date >= self.today

    def add(self, kind: str, number: int = 1) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + number


def _users(organisations: dict[str, Organisation]) -> tuple[dict, dict, dict]:
    system = system_actor(via="cli")
    case_workers = {}
    for code, (username, *_names) in CASE_WORKERS.items():
        user = User.objects.filter(username=username).first()
        if user is not None:
            case_workers[organisations[code].pk] = actor_for_user(user, via="cli")
    deciders = {}
    for code, (username, first_name, last_name, role) in DECIDERS.items():
        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_create(
                actor=system,
                username=username,
                first_name=first_name,
                last_name=last_name,
                organisation=organisations[code],
                role=role,
            )
        deciders[organisations[code].pk] = actor_for_user(user, via="cli")
    managers = {
        organisations[code].pk: actor_for_user(User.objects.get(username=username), via="cli")
        for code, username in MANAGERS.items()
    }
    return case_workers, deciders, managers


def load_demo_casework(*, seed: int = 2026) -> dict[str, int]:
    """Record the demo projects' casework over the demo registry; returns how many records of
    each kind were added (none of a kind that exists already)."""
    projects = {p.code: p for p in Project.objects.filter(code__in=DEMO_PROJECTS)}
    if len(projects) < len(DEMO_PROJECTS) or not Household.objects.exists():
        return {}
    organisations = {o.code: o for o in Organisation.objects.all()}
    with transaction.atomic():
        case_workers, deciders, managers = _users(organisations)
        demo = Demo(
            rng=random.Random(seed),
            today=timezone.localdate(),
            projects=projects,
            case_workers=case_workers,
            deciders=deciders,
            managers=managers,
        )
        for part in (enrol, *PARTS):
            # Each part draws from its own generator, so that a part added to the demo later
            # draws the same whether the others ran now or in an earlier load.
            demo.rng = random.Random(f"{seed}-{part.__name__}")
            part(demo)
    return demo.counts


# --- enrolment and selection ------------------------------------------------------------------


def enrol(demo: Demo) -> None:
    """Every household registered for a demo project becomes its candidate. A Step Forward to
    Return selects in rounds on ranked lists (see ``select_in_rounds``); in the others the
    committee's decisions are recorded as they were taken, and the selected move on as the
    project's plan says."""
    if Enrolment.objects.filter(project__in=demo.projects.values()).exists():
        return
    households = (
        Household.objects.filter(project__in=demo.projects.values())
        .select_related("project")
        .order_by("number")
    )
    ranked: list[tuple[date, Household]] = []
    for household in households:
        plan = PLANS[household.project.code]
        enrolled_on = demo.day(plan.enrol_from, plan.enrol_to)
        if household.project.code in ROUNDS_PROJECTS:
            ranked.append((enrolled_on, household))
            continue
        enrolment = _enrol(demo, household, enrolled_on)
        _decide(demo, plan, enrolment, demo.case_worker(household.organisation_id))
    if ranked:
        select_in_rounds(demo, sorted(ranked, key=lambda pair: (pair[0], pair[1].number)))


def _enrol(demo: Demo, household: Household, on: date) -> Enrolment:
    enrolment = enrolment_create(
        actor=demo.case_worker(household.organisation_id),
        project=household.project,
        household=household,
        on=on,
        reason="Identified during outreach; registered for the project.",
    )
    demo.add("enrolments")
    return enrolment


def _step(demo: Demo, actor: Actor, enrolment: Enrolment, status, on: date, reason="") -> None:
    enrolment_transition(
        actor=actor,
        enrolment=enrolment,
        status=status,
        expected_version=enrolment.version,
        on=on,
        reason=reason,
    )
    demo.add(f"enrolments {status}")


def _decide(demo: Demo, plan: SelectionPlan, enrolment: Enrolment, case_worker: Actor) -> None:
    rng = demo.rng
    project = enrolment.project
    committee = demo.decider(project)
    decided_on = demo.day(
        enrolment.status_on + timedelta(days=20), enrolment.status_on + timedelta(days=60)
    )
    draw = rng.random()
    if draw >= plan.selected + plan.waitlisted:
        _step(
            demo, committee, enrolment, E.REJECTED, decided_on, rng.choice(REJECTED[project.code])
        )
        return
    if draw >= plan.selected:
        _step(demo, committee, enrolment, E.WAITLISTED, decided_on, rng.choice(WAITLISTED))
        if project.end_date < demo.today:
            # A place freed by a drop-out went to the first on the list; the rest waited in vain.
            later = demo.day(decided_on + timedelta(days=60), project.end_date)
            if rng.random() < 0.3:
                _step(demo, committee, enrolment, E.SELECTED, later, "A place became free.")
                _follow(demo, plan, enrolment, case_worker)
            else:
                _step(demo, committee, enrolment, E.REJECTED, later, NO_PLACE)
        return
    _step(demo, committee, enrolment, E.SELECTED, decided_on, rng.choice(SELECTED))
    _follow(demo, plan, enrolment, case_worker)


def _follow(demo: Demo, plan: SelectionPlan, enrolment: Enrolment, case_worker: Actor) -> None:
    rng = demo.rng
    project = enrolment.project
    started_on = demo.day(
        enrolment.status_on + timedelta(days=7), enrolment.status_on + timedelta(days=30)
    )
    if rng.random() < plan.dropped:
        _step(demo, case_worker, enrolment, E.DROPPED, started_on, rng.choice(DROPPED))
        return
    _step(demo, case_worker, enrolment, E.ACTIVE, started_on)
    ended = project.end_date < demo.today
    finished_from = started_on + timedelta(days=180)
    if ended or (rng.random() < plan.completed and finished_from < demo.today):
        finished_on = demo.day(min(finished_from, project.end_date), project.end_date)
        _step(demo, case_worker, enrolment, E.COMPLETED, max(finished_on, started_on), COMPLETED)


# A Step Forward to Return selects on ranked lists: the committee meets after each round of
# outreach. Its criteria changed before the third round, when the project saw that families
# headed by women and those without documents were ranked too low.
ROUNDS_PROJECTS = ("step-forward",)
CRITERIA_V1 = {
    "conditions": [
        {"fact": "head.displacement_status", "operator": "=", "value": "idp"},
        {"fact": "household.return_intention", "operator": "in", "value": ["return", "undecided"]},
    ],
    "criteria": [
        {"fact": "household.size", "points": 1, "per_unit": True, "max_points": 6},
        {"fact": "household.members_with_disability", "points": 4, "per_unit": True,
         "max_points": 8},
        {"fact": "household.accommodation", "operator": "in",
         "value": ["collective_centre", "informal_settlement"], "points": 5},
        {"fact": "household.single_parent", "operator": "is true", "points": 4},
        {"fact": "household.older_person_alone", "operator": "is true", "points": 3},
        {"fact": "household.return_intention", "operator": "=", "value": "return", "points": 3},
    ],
    "note": "The criteria of the project proposal.",
}  # fmt: skip
CRITERIA_V2 = {
    "conditions": CRITERIA_V1["conditions"],
    "criteria": [
        *CRITERIA_V1["criteria"],
        {"fact": "household.female_headed", "operator": "is true", "points": 3},
        {"fact": "household.missing_documents", "operator": "is true", "points": 2},
    ],
    "note": (
        "Families headed by women and those with missing documents score too: the first two "
        "rounds ranked them below families of the same need (monitoring visit of the EU "
        "Delegation)."
    ),
}


@dataclass(frozen=True)
class Round:
    enrolled_until: date
    decided_on: date
    selected: float  # of the eligible, best ranked first
    waitlisted: float  # the next ones
    # The last round is still before the committee: only its best ranked are decided.
    open: bool = False


ROUNDS = (
    Round(date(2025, 5, 31), date(2025, 6, 24), selected=0.45, waitlisted=0.2),
    Round(date(2026, 2, 28), date(2026, 3, 26), selected=0.45, waitlisted=0.2),
    Round(date(2026, 10, 31), date(2026, 11, 12), selected=0.25, waitlisted=0.0, open=True),
)


def select_in_rounds(demo: Demo, candidates: list[tuple[date, Household]]) -> None:
    """Enrol each round's candidates, rank them with those waiting from earlier rounds, and
    record the committee's decisions on the ranking, rank by rank."""
    project = candidates[0][1].project
    plan = PLANS[project.code]
    manager = demo.manager(project)
    committee = demo.decider(project)
    criteria = selection_criteria_create(actor=manager, project=project, replaces=None,
                                         **CRITERIA_V1)  # fmt: skip
    demo.add("selection criteria")
    pending = list(candidates)
    for number, selection_round in enumerate(ROUNDS, start=1):
        while pending and pending[0][0] <= selection_round.enrolled_until:
            enrolled_on, household = pending.pop(0)
            _enrol(demo, household, enrolled_on)
        run = selection_run(actor=committee, project=project, criteria=criteria)
        demo.add("selection rankings")
        if number == len(ROUNDS):
            # New criteria for the last round; ranked again, the list shows what they changed.
            criteria = selection_criteria_create(
                actor=manager, project=project, replaces=criteria.number, **CRITERIA_V2
            )
            demo.add("selection criteria")
            run = selection_run(actor=committee, project=project, criteria=criteria)
            demo.add("selection rankings")
        _decide_ranking(demo, plan, run, selection_round, committee)


def _decide_ranking(demo, plan, run, selection_round: Round, committee: Actor) -> None:
    rows = list(run.candidates.select_related("enrolment", "household").order_by("pk"))
    eligible = sorted((row for row in rows if row.eligible), key=lambda row: row.rank)
    selected = round(len(eligible) * selection_round.selected)
    waitlisted = round(len(eligible) * (selection_round.selected + selection_round.waitlisted))
    decisions = []
    for index, row in enumerate(eligible):
        if index < selected:
            reason = (
                f"Rank {row.rank} of {len(eligible)} eligible, {row.score.normalize():f} points."
            )
            decisions.append((row, E.SELECTED, reason))
        elif selection_round.open:
            break
        elif index < waitlisted:
            if row.enrolment.status != E.WAITLISTED:
                decisions.append((row, E.WAITLISTED, WAITLISTED[0]))
        else:
            decisions.append((row, E.REJECTED, "Scored below the last place on the waiting list."))
    for row in rows:
        if not row.eligible:
            decisions.append((row, E.REJECTED, _not_eligible(row)))
    for row, decision, reason in decisions:
        enrolment = row.enrolment
        selection_decide(
            actor=committee,
            run=run,
            enrolment_id=enrolment.pk,
            decision=decision,
            reason=reason,
            expected_version=enrolment.version,
            on=selection_round.decided_on,
        )
        demo.add(f"enrolments {decision}")
        if decision == E.SELECTED:
            enrolment.refresh_from_db()
            case_worker = demo.case_worker(enrolment.organisation_id)
            _follow(demo, plan, enrolment, case_worker)


def _not_eligible(row) -> str:
    failed = []
    for condition in row.failed_conditions:
        fact = fact_for(condition["fact"])
        failed.append(f"{fact.label}: {fact.display(condition['actual'])}")
    return "Not eligible – " + "; ".join(failed) + "."


# --- what every programme's work draws on -------------------------------------------------------


@dataclass
class Beneficiary:
    """A selected household of a project, with the time it was in it."""

    enrolment: Enrolment
    household: Household
    members: list[Person]
    selected_on: date
    # Until when work with it was possible: its completion or drop-out, the project's end or
    # today, whichever came first.
    until: date

    def adults(self) -> list[Person]:
        return [m for m in self.members if m.date_of_birth and _age(m, self.selected_on) >= 18]

    def children(self) -> list[Person]:
        return [m for m in self.members if m.date_of_birth and _age(m, self.selected_on) < 18]

    def school_children(self) -> list[Person]:
        return [m for m in self.members if m.date_of_birth and 6 <= _age(m, self.selected_on) < 18]

    @property
    def head(self) -> Person:
        return next(
            (m for m in self.members if m.relationship_to_head == Relationship.HEAD),
            self.members[0],
        )

    @property
    def organisation_id(self) -> int:
        return self.enrolment.organisation_id


def _age(person: Person, on: date) -> int:
    born = person.date_of_birth
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def beneficiaries(project: Project, *, today: date, everyone=False) -> list[Beneficiary]:
    """The project's selected, active and completed households, in number order; with
    ``everyone``, every household enrolled, from its enrolment (outreach reaches candidates)."""
    statuses = Enrolment.Status.values if everyone else Enrolment.BENEFICIARY
    enrolments = list(
        Enrolment.objects.filter(project=project, person__isnull=True, status__in=statuses)
        .select_related("household", "project")
        .prefetch_related("household__members", "steps")
        .order_by("household__number")
    )
    last_day = min(project.end_date, today)
    result = []
    for enrolment in enrolments:
        steps = list(enrolment.steps.all())
        selected_on = next(
            (s.on for s in steps if s.to_status == E.SELECTED and not everyone),
            enrolment.enrolled_on,
        )
        ended = [s.on for s in steps if s.to_status in (E.COMPLETED, E.DROPPED)]
        until = min([last_day, *ended])
        members = sorted(enrolment.household.members.all(), key=lambda m: m.pk)
        result.append(Beneficiary(enrolment, enrolment.household, members, selected_on, until))
    return result


def _pick(demo: Demo, pool: list, count: int) -> list:
    """``count`` of ``pool`` (all of it if fewer), in the pool's order."""
    if count >= len(pool):
        return list(pool)
    chosen = set(demo.rng.sample(range(len(pool)), count))
    return [item for index, item in enumerate(pool) if index in chosen]


def _money(value: float) -> Decimal:
    return Decimal(str(round(value, 2))).quantize(Decimal("0.01"))


# --- assistance --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kit:
    """A kind of assistance as a programme gives it: what is handed over, at what unit value
    (in euros; a project in dollars pays about a tenth more)."""

    type_code: str
    items: tuple[tuple[str, float, float], ...]
    note: str = ""


GRANT_KITS = (
    Kit("income-grant-in-kind", (("Welding machine", 1, 1450), ("Angle grinder", 1, 220),
        ("Protective equipment set", 1, 180), ("Workbench", 1, 650)), "Metalwork workshop."),
    Kit("income-grant-in-kind", (("Hairdressing chair", 2, 420), ("Hood hair dryer", 1, 580),
        ("Salon tools set", 1, 350)), "Hairdressing salon at home."),
    Kit("income-grant-in-kind", (("Industrial sewing machine", 2, 780),
        ("Overlock machine", 1, 690)), "Tailoring and alterations."),
    Kit("income-grant-in-kind", (("Carpentry tools set", 1, 950), ("Circular saw", 1, 520),
        ("Thickness planer", 1, 640)), "Carpentry and furniture repair."),
    Kit("income-grant-in-kind", (("Car repair tools set", 1, 1250), ("Hydraulic jack", 1, 380),
        ("Air compressor", 1, 620)), "Car repair."),
    Kit("agricultural-grant", (("Greenhouse 6 × 20 m", 1, 1900), ("Drip irrigation kit", 1, 450),
        ("Vegetable seedlings", 600, 0.9)), "Vegetable production for the local market."),
    Kit("agricultural-grant", (("Milking machine", 1, 980), ("Milk cooling tank", 1, 1350)),
        "Dairy: two cows already kept by the family."),
    Kit("agricultural-grant", (("Beehives with colonies", 10, 140), ("Honey extractor", 1, 420)),
        "Beekeeping."),
)  # fmt: skip
AID_KIT = Kit("aid-kit", (("Hygiene kit", 1, 85), ("Bedding set", 2, 60), ("Kitchen set", 1, 120),
              ("Food package", 1, 95)))  # fmt: skip
TRANSPORT = Kit("transport-assistance", (("Truck hire with driver, household goods", 1, 480),
                ("Bus tickets", 4, 25)), "Transport of the family and its belongings.")  # fmt: skip
RETURN_PACKAGE = Kit("return-package", (("Food and hygiene items for three months", 1, 350),
                     ("Wood stove", 1, 280), ("Basic furniture set", 1, 420)))  # fmt: skip
HOUSING_REPAIR = Kit("housing-repair", (("Roof repair materials", 1, 1200),
                     ("Windows and doors", 1, 900), ("Works", 1, 700)),
                     "Minor shelter repair before winter.")  # fmt: skip
RECONSTRUCTION = Kit("housing-reconstruction", (("Building materials", 1, 6800),
                     ("Works", 1, 3900), ("Bathroom installations", 1, 1300)),
                     "Reconstruction to minimum housing standards.")  # fmt: skip
FURNISHING = Kit("furnishing", (("Bed with mattress", 3, 180), ("Wardrobe", 1, 220),
                 ("Refrigerator", 1, 310), ("Electric cooker", 1, 290)))  # fmt: skip
FOOD = Kit("food-items", (("Monthly food parcel for a family", 3, 70),))
NON_FOOD = Kit("non-food-items", (("Hygiene items", 1, 60), ("Firewood, 4 m³", 1, 220),
               ("Winter clothing", 2, 45)))  # fmt: skip
COUNSELLING = Kit("psychosocial-counselling", (("Counselling session", 6, 30),))
LEARNING = Kit("learning-materials", (("School bag with supplies", 1, 45), ("Textbooks", 1, 55)),
               "For the school year.")  # fmt: skip


@dataclass(frozen=True)
class Share:
    """So many deliveries of a kit to a project's beneficiaries (as many as there are, if
    fewer). ``kits`` are drawn from; ``for_whom`` narrows the beneficiaries."""

    kits: tuple[Kit, ...]
    target: int
    for_whom: str = "any"  # any, returning, with_children, working_age
    # A grant in ASB's programme goes to one member, women first: at least 40% of its
    # beneficiaries are women.
    to_person: bool = False


ASSISTANCE = {
    "step-forward": (
        Share(GRANT_KITS[:6], 25, "working_age"),
        Share((AID_KIT,), 25),
        Share((TRANSPORT,), 10, "returning"),
    ),
    "odrzivi-povratak": (
        Share(GRANT_KITS, 104, "working_age"),
        Share((RETURN_PACKAGE,), 30, "returning"),
        Share((TRANSPORT,), 30, "returning"),
    ),
    "asb-reintegration-ii": (Share(GRANT_KITS, 90, "working_age", to_person=True),),
    # A share of the programme's targets (150 homes, 250 grants, 350 children): the demo
    # registry holds a few hundred of its families.
    "giz-returnee-reintegration": (
        Share((RECONSTRUCTION, HOUSING_REPAIR), 40),
        Share((FURNISHING,), 40),
        Share(GRANT_KITS[:5], 60, "working_age", to_person=True),
        Share((LEARNING,), 60, "with_children"),
    ),
    # Gap assistance to the most vulnerable, and three joint rural grant schemes of eight.
    "drc-durable-solutions-y1": (
        Share((HOUSING_REPAIR,), 30),
        Share((FOOD, NON_FOOD), 40),
        Share((FURNISHING,), 20),
        Share((COUNSELLING,), 20),
        Share(GRANT_KITS[5:], 24, "working_age"),
    ),
}
# In the ongoing project, where the deliveries stand today.
STAGES = {"verified": 0.55, "delivered": 0.2, "approved": 0.13, "planned": 0.12}
MONITORING = {
    True: "The business is operating; the equipment is in use and well kept.",
    False: "The business has stopped: the equipment is stored at home.",
}


def _for_whom(pool: list[Beneficiary], which: str) -> list[Beneficiary]:
    if which == "returning":
        return [b for b in pool if b.household.return_intention == "return"] or pool
    if which == "with_children":
        return [b for b in pool if b.school_children()]
    if which == "working_age":
        return [b for b in pool if any(18 <= _age(m, b.selected_on) < 60 for m in b.members)]
    return pool


def assistance(demo: Demo) -> None:
    if Delivery.objects.filter(project__in=demo.projects.values()).exists():
        return
    types = {t.code: t for t in AssistanceType.objects.all()}
    for code, shares in ASSISTANCE.items():
        project = demo.projects[code]
        pool = beneficiaries(project, today=demo.today)
        for share in shares:
            chosen = _pick(demo, _for_whom(pool, share.for_whom), share.target)
            women = 0
            for index, beneficiary in enumerate(chosen):
                kit = share.kits[index % len(share.kits)]
                person = None
                if share.to_person:
                    adults = [m for m in beneficiary.adults() if _age(m, demo.today) < 65]
                    adults = adults or beneficiary.adults() or beneficiary.members
                    wanted = "female" if women < 0.45 * (index + 1) else "male"
                    person = next((m for m in adults if m.sex == wanted), adults[0])
                    women += person.sex == "female"
                _deliver(demo, project, beneficiary, types[kit.type_code], kit, person)


def _deliver(demo, project, beneficiary, assistance_type, kit: Kit, person) -> None:
    rng = demo.rng
    case_worker = demo.case_worker(beneficiary.organisation_id)
    manager = demo.manager(project)
    factor = 1.1 if project.currency == "USD" else 1.0
    items = [
        {"description": description, "quantity": _money(quantity),
         "unit_value": _money(value * factor)}
        for description, quantity, value in kit.items
    ]  # fmt: skip
    if kit.type_code == "learning-materials":
        count = len(beneficiary.school_children())
        items = [dict(item, quantity=Decimal(count)) for item in items]
    if demo.ongoing(project):
        stage = rng.choices(list(STAGES), weights=list(STAGES.values()))[0]
    else:
        stage = "cancelled" if rng.random() < 0.03 else "verified"
    # Grants are handed over early enough for both monitoring visits to fall in the project.
    latest = beneficiary.until
    if assistance_type.is_grant and not demo.ongoing(project):
        latest = max(beneficiary.selected_on + timedelta(days=30),
                     min(latest, project.end_date - timedelta(days=370)))  # fmt: skip
    if stage in ("planned", "approved"):
        planned_on = demo.day(demo.today - timedelta(days=50), demo.today - timedelta(days=3))
        planned_on = max(planned_on, beneficiary.selected_on)
    else:
        planned_on = demo.day(beneficiary.selected_on + timedelta(days=10), latest)
    delivery = delivery_plan(
        actor=case_worker,
        project=project,
        assistance_type=assistance_type,
        household=beneficiary.household,
        person=person,
        currency=project.currency,
        planned_on=planned_on,
        note=kit.note,
        items=items,
    )
    demo.add("deliveries")
    if stage == "planned":
        return
    if stage == "cancelled":
        delivery_cancel(
            actor=case_worker,
            delivery=delivery,
            expected_version=delivery.version,
            reason="The family moved before the handover.",
        )
        return
    delivery_approve(actor=manager, delivery=delivery, expected_version=delivery.version)
    if stage == "approved":
        return
    handover_on = demo.day(planned_on + timedelta(days=7), planned_on + timedelta(days=45))
    handover_on = min(handover_on, demo.last_day(project))
    planned = delivery.planned_value
    delivery_deliver(
        actor=case_worker,
        delivery=delivery,
        expected_version=delivery.version,
        handover_on=handover_on,
        actual_value=_money(float(planned) * rng.uniform(0.93, 1.0)),
        currency=project.currency,
        handover_note="Handed over in the presence of the family; handover record signed.",
    )
    demo.add("deliveries handed over")
    if stage == "verified":
        delivery_verify(actor=manager, delivery=delivery, expected_version=delivery.version)
    for visit in delivery.monitoring_visits.order_by("months_after"):
        _monitor(demo, project, delivery, visit, case_worker)


def _monitor(demo, project, delivery, visit, case_worker) -> None:
    rng = demo.rng
    last_day = demo.last_day(project)
    if visit.due_on > last_day:
        if demo.ongoing(project):
            return  # due later: on the case worker's day when it comes
        # The last visit of a grant handed over late in a project that has ended was made in
        # its final month, before the project closed.
        visited_on = demo.day(max(delivery.handover_on, last_day - timedelta(days=30)), last_day)
    else:
        if demo.ongoing(project) and (
            visit.due_on > demo.today - timedelta(days=30) or rng.random() < 0.2
        ):
            return  # overdue: waiting on the case worker's day
        visited_on = demo.day(
            visit.due_on - timedelta(days=5), min(visit.due_on + timedelta(days=20), last_day)
        )
    operating = rng.random() < 0.86
    income_before = round(rng.uniform(80, 260))
    income_after = income_before + (round(rng.uniform(40, 320)) if operating else 0)
    monitoring_visit_record(
        actor=case_worker,
        visit=visit,
        expected_version=visit.version,
        visited_on=max(visited_on, delivery.handover_on),
        business_operating=operating,
        income_before=income_before,
        income_after=income_after,
        employees=rng.choice((0, 0, 0, 1, 1, 2)) if operating else 0,
        notes=MONITORING[operating],
    )
    demo.add("monitoring visits")


# --- activities --------------------------------------------------------------------------------

K = ActivityKind
P = ParticipantCategory


@dataclass(frozen=True)
class Course:
    """An activity of a programme, its sessions and whom it gathers: ``people`` registered
    members of its beneficiary households (``who``), and per session ``others`` counted by
    category, organisation, women and men."""

    kind: str
    title: str
    start: date
    sessions: int = 1
    every_days: int = 7
    people: int = 0
    who: str = "working_age"  # working_age, children, heads
    municipality: str | None = None
    venue: str = ""
    certificate: bool = False
    others: tuple[tuple[str, str, int, int], ...] = ()
    topics: tuple[str, ...] = ()
    organisation: str | None = None  # the lead's, unless a partner runs it
    # A held session whose attendance is still to be entered, for the case worker's day.
    last_unrecorded: bool = False


def _go_and_see(number: int, place: str, day: date) -> Course:
    return Course(
        K.GO_AND_SEE_VISIT, f"Go-and-see visit {number}: {place}", day, people=4, who="heads",
        venue=place,
        others=((P.OFFICIALS, "Office for Kosovo and Metohija", 0, 1),
                (P.OFFICIALS, f"Municipal office for communities and return, {place}", 1, 0)),
    )  # fmt: skip


COURSES = {
    "step-forward": (
        Course(K.INFORMATION_EVENT, "Information day: return to Kosovo* and the support "
               "available", date(2025, 5, 15), people=15, who="heads",
               municipality="RS-00-zvezdara", venue="Zvezdara cultural centre",
               others=((P.COMMUNITY, "", 18, 22),
                       (P.OFFICIALS, "Office for Kosovo and Metohija", 1, 1))),
        Course(K.BUSINESS_TRAINING, "Starting a small business – Zvezdara group",
               date(2025, 10, 6), sessions=5, people=20, municipality="RS-00-zvezdara",
               venue="Municipality of Zvezdara, small hall", certificate=True,
               topics=("Business idea", "Market and customers", "Costs and prices",
                       "Registering a business", "Business plan")),
        Course(K.TRAINING_OF_OFFICIALS, "Social inclusion of IDPs: training of local officials",
               date(2025, 11, 12), sessions=2,
               others=((P.OFFICIALS, "Municipality of Zvezdara", 3, 2),
                       (P.OFFICIALS, "Municipality of Palilula (Niš)", 4, 1)),
               topics=("Rights of IDPs and local services", "Local action plans")),
        Course(K.BUSINESS_TRAINING, "Starting a small business – Palilula group",
               date(2026, 3, 2), sessions=5, people=20, municipality="RS-20-palilula",
               venue="Municipality of Palilula, Niš", certificate=True, organisation="palilula-nis",
               topics=("Business idea", "Market and customers", "Costs and prices",
                       "Registering a business", "Business plan")),
        Course(K.VOCATIONAL_TRAINING, "Welding (VET)", date(2026, 4, 6), sessions=10,
               people=12, municipality="RS-20-palilula", venue="Technical school, Niš",
               certificate=True, organisation="palilula-nis"),
        Course(K.VOCATIONAL_TRAINING, "Hairdressing (VET)", date(2026, 4, 13), sessions=10,
               people=13, municipality="RS-00-zvezdara", venue="Hairdressing school, Belgrade",
               certificate=True, organisation="zvezdara"),
        Course(K.MENTORING, "Mentoring of grant recipients", date(2026, 6, 19), sessions=6,
               every_days=30, people=10, venue="Project office", last_unrecorded=True),
        Course(K.INFORMATION_EVENT, "Information day in Niš: return to Kosovo* and the support "
               "available", date(2026, 12, 1), people=15, who="heads",
               municipality="RS-20-palilula", venue="Palilula cultural centre, Niš"),
    ),
    "odrzivi-povratak": (
        *(_go_and_see(number, place, day) for number, (place, day) in enumerate((
            ("Gračanica", date(2021, 5, 20)), ("Štrpce", date(2021, 6, 17)),
            ("Klokot", date(2021, 9, 23)), ("Novo Brdo", date(2021, 10, 21)),
            ("Peć", date(2022, 4, 14)), ("Istok", date(2022, 5, 19)),
            ("Gračanica", date(2022, 6, 16)), ("Klina", date(2022, 9, 22)),
            ("Prizren", date(2022, 10, 20)), ("Štrpce", date(2023, 4, 20)),
            ("Zvečan", date(2023, 5, 18)), ("Gnjilane", date(2023, 6, 15)),
        ), start=1)),
        *(Course(K.PUBLIC_PRESENTATION, f"Public presentation: return and support, {place}",
                 day, municipality=code, venue=f"{place} cultural centre",
                 others=((P.COMMUNITY, "", 21, 26), (P.OFFICIALS, f"City of {place}", 1, 1)))
          for place, code, day in (
              ("Kragujevac", "RS-12-kragujevac", date(2021, 3, 25)),
              ("Kraljevo", "RS-18-kraljevo", date(2021, 4, 8)),
              ("Kruševac", "RS-19-krusevac", date(2021, 4, 22)),
              ("Niš", "RS-20-nis", date(2021, 5, 6)),
              ("Vranje", "RS-24-vranje", date(2022, 3, 10)))),
        *(Course(K.ROUND_TABLE, title, day, municipality="RS-12-kragujevac",
                 venue="City of Kragujevac, assembly hall",
                 others=((P.OFFICIALS, "Office for Kosovo and Metohija", 1, 2),
                         (P.OFFICIALS, "Commissariat for Refugees and Migration", 2, 1),
                         (P.OFFICIALS, "City of Kragujevac", 2, 2),
                         (P.CIVIL_SOCIETY, "Božur", 2, 1), (P.CIVIL_SOCIETY, "Sveti Spas", 1, 2)))
          for title, day in (
              ("Round table: conditions for sustainable return", date(2021, 11, 18)),
              ("Round table: housing and property in the return process", date(2022, 11, 17)),
              ("Round table: employment of returnees in Kosovo*", date(2023, 9, 21)))),
        *(Course(K.MEETING, f"Meeting with IDPs in collective centres, {place}", day,
                 people=6, who="heads", municipality=code, venue=f"Collective centre, {place}")
          for place, code, day in (
              ("Kragujevac", "RS-12-kragujevac", date(2021, 2, 18)),
              ("Kraljevo", "RS-18-kraljevo", date(2021, 2, 25)),
              ("Kruševac", "RS-19-krusevac", date(2021, 3, 4)),
              ("Niš", "RS-20-nis", date(2021, 3, 11)),
              ("Vranje", "RS-24-vranje", date(2021, 3, 18)),
              ("Kragujevac", "RS-12-kragujevac", date(2022, 2, 17)),
              ("Kraljevo", "RS-18-kraljevo", date(2022, 2, 24)),
              ("Niš", "RS-20-nis", date(2022, 3, 3)))),
        *(Course(K.BUSINESS_TRAINING, f"Business training and mentoring – group {number}", day,
                 sessions=4, people=25, venue="City of Kragujevac, business incubator",
                 certificate=True, organisation=organisation)
          for number, (day, organisation) in enumerate((
              (date(2021, 9, 6), None), (date(2022, 3, 7), "kragujevac"),
              (date(2022, 9, 5), "bozur")), start=1)),
        Course(K.VOCATIONAL_TRAINING, "Vocational course: agricultural machinery operator",
               date(2022, 2, 7), sessions=8, every_days=14, people=15,
               venue="Agricultural school, Kraljevo", certificate=True, organisation="bozur"),
        Course(K.VOCATIONAL_TRAINING, "Vocational course: tiling and plastering",
               date(2022, 9, 12), sessions=8, every_days=14, people=15,
               venue="Construction school, Kragujevac", certificate=True,
               organisation="sveti-spas"),
    ),
    "asb-reintegration-ii": (
        *(Course(K.BUSINESS_TRAINING, f"Business training – {place}", day, sessions=4,
                 people=15, municipality=code, venue=f"Good Neighbour Club, {place}",
                 certificate=True, organisation="idc")
          for place, code, day in (
              ("Novi Pazar", "RS-18-novi-pazar", date(2022, 11, 7)),
              ("Tutin", "RS-18-tutin", date(2023, 2, 6)),
              ("Sjenica", "RS-16-sjenica", date(2023, 4, 3)),
              ("Kruševac", "RS-19-krusevac", date(2023, 6, 5)),
              ("Pirot", "RS-22-pirot", date(2023, 10, 2)),
              ("Kraljevo", "RS-18-kraljevo", date(2024, 2, 5)),
              ("Novi Pazar", "RS-18-novi-pazar", date(2024, 4, 1)),
              ("Trstenik", "RS-19-trstenik", date(2024, 9, 2)))),
        *(Course(K.VOCATIONAL_TRAINING, title, day, sessions=6, every_days=7, people=10,
                 municipality=code, venue=venue, certificate=True)
          for title, code, venue, day in (
              ("Work qualification: cook's assistant", "RS-18-novi-pazar",
               "Catering school, Novi Pazar", date(2023, 3, 6)),
              ("Work qualification: tailoring", "RS-19-krusevac", "Textile school, Kruševac",
               date(2023, 9, 4)),
              ("Work qualification: welding", "RS-22-pirot", "Technical school, Pirot",
               date(2024, 3, 4)))),
        *(Course(K.INCLUSIVE_WORKSHOP, f"Inclusive workshops for children – Good Neighbour "
                 f"Club {place}", day, sessions=8, every_days=14, people=20, who="children",
                 municipality=code, venue=f"Good Neighbour Club, {place}", organisation="idc",
                 others=((P.COMMUNITY, "Children of the neighbourhood", 6, 5),))
          for place, code, day in (
              ("Kruševac", "RS-19-krusevac", date(2023, 3, 1)),
              ("Pirot", "RS-22-pirot", date(2023, 9, 6)))),
        Course(K.TRAINING_OF_OFFICIALS, "Inclusive local social services: training of civil "
               "society, public sector and business representatives", date(2023, 5, 16),
               sessions=3, every_days=28, venue="Regional Development Agency, Kruševac",
               others=((P.CIVIL_SOCIETY, "Local Roma associations", 6, 4),
                       (P.OFFICIALS, "Centres for social work and local self-governments", 3, 2),
                       (P.BUSINESS, "Local companies", 2, 3))),
        Course(K.STUDY_VISIT, "Study visit: social services for returnees in Germany",
               date(2024, 5, 14), venue="Berlin",
               others=((P.OFFICIALS, "Local self-governments of Rasina, Raška and Pirot", 3, 3),
                       (P.CIVIL_SOCIETY, "IDC", 2, 1))),
    ),
    "giz-returnee-reintegration": (
        *(Course(K.VOCATIONAL_TRAINING, title, day, sessions=6, people=12, municipality=code,
                 venue=venue, certificate=True, organisation=organisation)
          for title, code, venue, day, organisation in (
              ("Vocational training: forklift operator", "RS-20-nis",
               "Regional training centre, Niš", date(2018, 6, 4), "league-of-roma"),
              ("Vocational training: cook's assistant", "RS-23-leskovac",
               "Catering school, Leskovac", date(2018, 10, 1), "league-of-roma"),
              ("Vocational training: hairdressing", "RS-01-subotica",
               "Hairdressing school, Subotica", date(2019, 3, 4), "yurom-centre"),
              ("Vocational training: construction worker", "RS-12-kragujevac",
               "Construction school, Kragujevac", date(2019, 9, 2), "yurom-centre"))),
        *(Course(K.BUSINESS_TRAINING, f"Business training for grant recipients – {place}", day,
                 sessions=3, people=15, municipality=code, venue=f"Information centre, {place}",
                 certificate=True)
          for place, code, day in (("Niš", "RS-20-nis", date(2018, 9, 10)),
                                   ("Vranje", "RS-24-vranje", date(2019, 4, 8)))),
        Course(K.STUDY_VISIT, "Study visit and fair: cooperatives of Vojvodina",
               date(2019, 10, 16), people=10, venue="Subotica",
               others=((P.BUSINESS, "Cooperatives of Vojvodina", 2, 4),)),
    ),
    "drc-durable-solutions-y1": (
        Course(K.TRAINING_OF_OFFICIALS, "Durable solutions assessment tool: training of "
               "municipal returns staff", date(2023, 10, 17), sessions=3, every_days=1,
               municipality=None, venue="DRC office, Prishtinë/Priština",
               others=((P.OFFICIALS, "Municipal office for communities and return, Prizren",
                        2, 2),
                       (P.OFFICIALS, "Municipal office for communities and return, Klina", 1, 3),
                       (P.OFFICIALS, "Municipal office for communities and return, Gjilan",
                        2, 2))),
        *(Course(K.MEETING, f"Municipal working group on returns, {place}", day, sessions=3,
                 every_days=90, municipality=code, venue=f"Municipal hall, {place}",
                 others=((P.OFFICIALS, f"Municipality of {place}", 2, 4),
                         (P.OFFICIALS, "Ministry of Communities and Return", 1, 1),
                         (P.OTHER, "UNHCR", 1, 0)))
          for place, code, day in (("Prizren", "XK-prizren", date(2023, 11, 8)),
                                   ("Klina", "XK-kline", date(2023, 11, 15)),
                                   ("Gjilan", "XK-gjilan", date(2023, 11, 22)))),
        *(Course(K.BUSINESS_TRAINING, f"Rural grant scheme {number}: business training", day,
                 sessions=3, people=8, municipality=code, venue=f"Village hall, {place}",
                 certificate=True)
          for number, (place, code, day) in enumerate((
              ("Prizren", "XK-prizren", date(2023, 12, 4)),
              ("Klina", "XK-kline", date(2023, 12, 11)),
              ("Gjilan", "XK-gjilan", date(2023, 12, 18))), start=1)),
    ),
}  # fmt: skip

MATERIALS = {
    "step-forward": (
        dict(kind=MaterialKind.BROCHURE, title="Return to Kosovo*: your rights and the support "
             "available", languages=["sr", "sr-latn"], quantity_produced=2000,
             quantity_distributed=1450, people_reached=3200, period_start=date(2025, 4, 1),
             notes="Distributed at the information days, in collective centres and by the "
             "municipal offices of Zvezdara and Palilula.",
             municipalities=("RS-00-zvezdara", "RS-20-palilula")),
        dict(kind=MaterialKind.POSTER, title="Free phone line 0800 for IDPs",
             languages=["sr"], quantity_produced=300, quantity_distributed=260,
             people_reached=5000, period_start=date(2025, 3, 1),
             municipalities=("RS-00-zvezdara", "RS-20-palilula")),
    ),
    "odrzivi-povratak": (
        dict(kind=MaterialKind.LEAFLET, title="Povratak na Kosovo*: podrška i mogućnosti",
             languages=["sr", "sr-latn"], quantity_produced=5000, quantity_distributed=4700,
             people_reached=6800, period_start=date(2021, 2, 1), period_end=date(2023, 6, 30),
             notes="Handed out on visits to IDPs in private accommodation and collective "
             "centres.",
             municipalities=("RS-12-kragujevac", "RS-18-kraljevo", "RS-19-krusevac",
                             "RS-20-nis", "RS-24-vranje")),
    ),
    "asb-reintegration-ii": (
        dict(kind=MaterialKind.SOCIAL_MEDIA, title="Campaign: the consequences and risks of "
             "irregular migration", languages=["sr", "sr-latn", "rom"],
             people_reached=21500, period_start=date(2023, 3, 1), period_end=date(2024, 12, 31),
             municipalities=("RS-18-novi-pazar", "RS-18-tutin", "RS-16-sjenica",
                             "RS-19-krusevac", "RS-22-pirot")),
        dict(kind=MaterialKind.LEAFLET, title="Before you leave: what irregular migration costs",
             languages=["sr", "rom"], quantity_produced=5000, quantity_distributed=4800,
             people_reached=4800, period_start=date(2023, 3, 1), period_end=date(2024, 12, 31)),
    ),
    "giz-returnee-reintegration": (
        dict(kind=MaterialKind.LEAFLET, title="Information centres: rights and services for "
             "returnees", languages=["sr", "rom", "sq"], quantity_produced=8000,
             quantity_distributed=7600, people_reached=9100, period_start=date(2018, 4, 1),
             period_end=date(2020, 6, 30),
             municipalities=("RS-20-nis", "RS-23-leskovac", "RS-24-vranje", "RS-24-bujanovac",
                             "RS-01-subotica")),
    ),
    "drc-durable-solutions-y1": (
        dict(kind=MaterialKind.INFO_SESSION_PACK, title="Durable solutions: what returnees can "
             "ask their municipality", languages=["sq", "sr"], quantity_produced=600,
             quantity_distributed=540, people_reached=600, period_start=date(2023, 11, 1),
             period_end=date(2024, 8, 31), municipalities=("XK-prizren", "XK-kline", "XK-gjilan")),
    ),
}  # fmt: skip


# Activities that reach every family enrolled, selected or not.
OUTREACH = frozenset({K.INFORMATION_EVENT, K.MEETING, K.PUBLIC_PRESENTATION, K.GO_AND_SEE_VISIT})


def activities(demo: Demo) -> None:
    if Activity.objects.filter(project__in=demo.projects.values()).exists():
        return
    organisations = {o.code: o for o in Organisation.objects.all()}
    areas = {a.code: a for a in Area.objects.all()}
    for code, courses in COURSES.items():
        project = demo.projects[code]
        pool = beneficiaries(project, today=demo.today)
        reached = beneficiaries(project, today=demo.today, everyone=True)
        lead_actor = demo.case_worker(project.lead_organisation_id)
        taken: set[int] = set()
        for course in courses:
            organisation = organisations[course.organisation] if course.organisation else None
            actor = demo.case_worker(organisation.pk) if organisation else lead_actor
            people = _participants(
                demo,
                reached if course.kind in OUTREACH else pool,
                course,
                areas,
                taken,
                women_first=code == "asb-reintegration-ii",
            )
            _hold(demo, project, course, actor, organisation, areas, people)
        for material in MATERIALS.get(code, ()):
            fields = dict(material)
            places = [areas[c] for c in fields.pop("municipalities", ())]
            material_create(actor=lead_actor, project=project, municipalities=places, **fields)
            demo.add("information materials")


def _participants(demo, pool, course: Course, areas, taken: set, *, women_first: bool) -> list:
    """Registered people for ``course``: members of households selected before it began, from
    its municipality first, each person in one course of a kind."""
    if not course.people:
        return []
    ready = [b for b in pool if b.selected_on < course.start <= b.until]
    if course.municipality:
        near = [b for b in ready if b.household.current_municipality_id ==
                areas[course.municipality].pk]  # fmt: skip
        ready = near + [b for b in ready if b not in near]
    people = []
    for beneficiary in ready:
        if course.who == "children":
            members = [m for m in beneficiary.children() if _age(m, course.start) >= 6]
        elif course.who == "heads":
            members = [beneficiary.head]
        else:
            members = [m for m in beneficiary.adults() if _age(m, course.start) < 60]
        members = [m for m in members if (course.kind, m.pk) not in taken]
        if women_first:
            members.sort(key=lambda m: m.sex != "female")
        if members:
            people.append(members[0] if course.who != "children" else members)
    if course.who == "children":
        people = [child for children in people for child in children]
        chosen = people[: course.people]
    else:
        chosen = _pick(demo, people[: course.people * 3], course.people)
    taken.update((course.kind, m.pk) for m in chosen)
    return chosen


def _hold(demo, project, course: Course, actor, organisation, areas, people) -> None:
    rng = demo.rng
    days = [course.start + timedelta(days=course.every_days * n) for n in range(course.sessions)]
    days = [day for day in days if day <= project.end_date]
    activity = activity_create(
        actor=actor,
        project=project,
        organisation=organisation,
        kind=course.kind,
        title=course.title,
        municipality=areas[course.municipality] if course.municipality else None,
        venue=course.venue,
        planned_start=days[0],
        planned_end=days[-1],
        sessions_planned=len(days),
        leads_to_certificate=course.certificate,
        completion_share=80,
    )
    demo.add("activities")
    held = []
    for index, day in enumerate(days):
        session = session_create(
            actor=actor,
            activity=activity,
            date=day,
            topic=course.topics[index] if index < len(course.topics) else "",
        )
        demo.add("sessions")
        if day > demo.today:
            continue
        session_transition(
            actor=actor, session=session, status=Session.Status.HELD,
            expected_version=session.version,
        )  # fmt: skip
        if course.last_unrecorded and day == max(d for d in days if d <= demo.today):
            continue
        present = [person for person in people if rng.random() < 0.9]
        if len(days) == 1:
            present = list(people)
        others = [
            {"category": category, "organisation_name": name,
             "women": max(0, women + rng.randint(-1, 1)), "men": max(0, men + rng.randint(-1, 1))}
            for category, name, women, men in course.others
        ]  # fmt: skip
        if not present and not any(row["women"] + row["men"] for row in others):
            # Nobody registered came: the neighbours who did are counted.
            others = [{"category": P.COMMUNITY, "organisation_name": "",
                       "women": rng.randint(3, 9), "men": rng.randint(3, 9)}]  # fmt: skip
        session_attendance_record(actor=actor, session=session, people=present, others=others)
        demo.add("attendances", len(present))
        held.append(day)
    if not people or len(held) < len(days):
        return
    for participant in Participant.objects.filter(activity=activity).order_by("pk"):
        if not meets_rule(participant):
            continue
        participant_complete(
            actor=actor,
            participant=participant,
            expected_version=participant.version,
            completed_on=days[-1],
        )
        demo.add("completed activities")


# --- referrals, the information desk and the phone line, grievances ----------------------------

R = Referral.ReceiverCategory
RECEIVERS = {
    "step-forward": (
        ("Centre for Social Work Zvezdara", R.SOCIAL_WORK,
         "Financial social assistance and one-off help for the winter."),
        ("National Employment Service, Belgrade branch", R.EMPLOYMENT,
         "Registration as unemployed and the employment programmes for IDPs."),
        ("Office for Kosovo and Metohija", R.RETURNS_OFFICE,
         "Return: documentation of the family's property in Kosovo*."),
        ("Praxis – free legal aid", R.LEGAL_AID,
         "Replacement of a birth certificate from the relocated registry books of Kosovo*."),
        ("Health centre Zvezdara", R.HEALTH, "Registration with a family doctor."),
    ),
    "odrzivi-povratak": (
        ("UNHCR housing reconstruction programme in Kosovo*", R.RECONSTRUCTION,
         "Reconstruction of the family house in the village of origin before the return."),
        ("Ministry for Communities and Return – housing reconstruction", R.RECONSTRUCTION,
         "Application for the reconstruction of the family house."),
        ("Danish Refugee Council Kosovo* – return and reintegration", R.RECONSTRUCTION,
         "Reconstruction and return assistance in the municipality of origin."),
        ("Commissariat for Refugees and Migration", R.RETURNS_OFFICE,
         "Confirmation of IDP status and of the return."),
    ),
    "asb-reintegration-ii": (
        ("Centre for social work", R.SOCIAL_WORK, "Social assistance and child allowance."),
        ("National Employment Service", R.EMPLOYMENT, "Public works programme and job fair."),
        ("Health centre", R.HEALTH, "Health insurance and a family doctor after the return."),
    ),
    "giz-returnee-reintegration": (
        ("Primary school", R.SCHOOL,
         "Enrolment of the children returned from Germany, with a Serbian language course."),
        ("Centre for social work", R.SOCIAL_WORK, "Financial social assistance."),
        ("National Employment Service", R.EMPLOYMENT, "Registration as unemployed."),
        ("Registry office", R.OTHER, "Birth certificates of the children born in Germany."),
    ),
    "drc-durable-solutions-y1": (
        ("Municipal office for communities and return", R.RETURNS_OFFICE,
         "Registration of the return and access to municipal assistance."),
        ("Civil Rights Program Kosovo – legal aid", R.LEGAL_AID,
         "Repossession of the family's agricultural land."),
        ("Family medicine centre", R.HEALTH, "Access to health care after the return."),
    ),
}  # fmt: skip
REFERRAL_COUNTS = {"step-forward": 24, "odrzivi-povratak": 30, "asb-reintegration-ii": 15,
                   "giz-returnee-reintegration": 20, "drc-durable-solutions-y1": 15}  # fmt: skip
ACCEPTED = "Accepted; the family has an appointment."
REFUSED = "Not eligible under the receiving programme's current call."
DONE = "The service was provided; the family confirmed it on the follow-up call."


def referrals(demo: Demo) -> None:
    if Referral.objects.filter(project__in=demo.projects.values()).exists():
        return
    rng = demo.rng
    for code, count in REFERRAL_COUNTS.items():
        project = demo.projects[code]
        last_day = demo.last_day(project)
        for beneficiary in _pick(demo, beneficiaries(project, today=demo.today), count):
            actor = demo.case_worker(beneficiary.organisation_id)
            receiver, category, reason = rng.choice(RECEIVERS[code])
            ongoing = demo.ongoing(project)
            # In a project that has ended, every referral was followed up before it closed.
            sent_until = beneficiary.until if ongoing else beneficiary.until - timedelta(days=75)
            sent_on = demo.day(beneficiary.selected_on + timedelta(days=7), sent_until)
            sent_on = max(sent_on, project.start_date)
            referral = referral_create(
                actor=actor,
                household=beneficiary.household,
                project=project,
                receiver_name=receiver,
                receiver_category=category,
                reason=reason,
                consent_on=sent_on,
                sent_on=sent_on,
            )
            demo.add("referrals")
            # An open referral of the ongoing project waits for its answer; some are overdue.
            answered_on = min(sent_on + timedelta(days=rng.randint(5, 30)), last_day)
            if ongoing and (answered_on == last_day or rng.random() < 0.15):
                continue
            if rng.random() < 0.15:
                referral_transition(
                    actor=actor, referral=referral, status=Referral.Status.REJECTED,
                    expected_version=referral.version, on=answered_on, response=REFUSED,
                )  # fmt: skip
                continue
            referral_transition(
                actor=actor, referral=referral, status=Referral.Status.ACCEPTED,
                expected_version=referral.version, on=answered_on, response=ACCEPTED,
                follow_up_on=answered_on + timedelta(days=30),
            )  # fmt: skip
            done_on = min(answered_on + timedelta(days=rng.randint(10, 40)), last_day)
            if ongoing and (done_on == last_day or rng.random() < 0.3):
                continue
            referral_transition(
                actor=actor, referral=referral, status=Referral.Status.COMPLETED,
                expected_version=referral.version, on=done_on, outcome=DONE,
            )  # fmt: skip
    # ASB keeps in touch with the families of its ended project: referrals made since, on its
    # own account rather than the project's, still waiting for an answer.
    project = demo.projects["asb-reintegration-ii"]
    actor = demo.case_worker(project.lead_organisation_id)
    for beneficiary in _pick(demo, beneficiaries(project, today=demo.today), 3):
        sent_on = demo.day(demo.today - timedelta(days=25), demo.today - timedelta(days=2))
        referral_create(
            actor=actor,
            household=beneficiary.household,
            receiver_name="National Employment Service",
            receiver_category=R.EMPLOYMENT,
            reason="Seasonal employment programme: the former grant recipient asked for work "
            "over the winter.",
            consent_on=sent_on,
            sent_on=sent_on,
        )
        demo.add("referrals")


T = Contact.Topic
QUESTIONS = {
    T.RETURN: (
        ("What help is there for a family that wants to return to Kosovo*?",
         "Explained transport, return packages and the grants of the project; registered the "
         "family's interest for the next outreach visit."),
        ("Can we visit our village before we decide to return?",
         "Told about the go-and-see visits; the next one is announced by phone."),
    ),
    T.DOCUMENTS: (
        ("How do I replace a birth certificate issued in Kosovo*?",
         "The relocated registry books are kept in Serbia; gave the address of the registry "
         "office and the number of the free legal aid."),
        ("My IDP card expired. Where do I renew it?",
         "At the Commissariat's commissioner in the municipality; listed the documents needed."),
    ),
    T.PROJECT_ASSISTANCE: (
        ("When is the next call for income-generation grants?",
         "Explained the selection criteria; the next round is announced on the notice board "
         "and by phone."),
        ("Our household applied. Has the committee decided?",
         "Decisions are communicated in writing within a month of the committee's meeting."),
    ),
    T.HOUSING: (
        ("Is there help to repair a house before the winter?",
         "Housing repair is decided after a needs assessment; a case worker will call."),
    ),
    T.EMPLOYMENT: (
        ("Are there vocational courses for adults?",
         "Listed the courses of the project and the registration with the employment service."),
    ),
    T.SOCIAL_ASSISTANCE: (
        ("How do we apply for social assistance?",
         "At the centre for social work of the municipality of residence; listed the documents."),
    ),
    T.EDUCATION: (
        ("My children came back from Germany and do not speak Serbian. Which school takes them?",
         "Any primary school must enrol them; the project offers a language course and learning "
         "materials."),
    ),
}  # fmt: skip


@dataclass(frozen=True)
class Desk:
    """Calls and visits to a project's information desk or phone line."""

    project: str
    count: int
    channels: tuple[str, ...]
    topics: tuple[str, ...]
    start: date
    # Who answers: usernames; the first answers most.
    answered_by: tuple[str, ...]
    communities: tuple[str, ...] = ("serb",)
    # What callers who give their name say they are.
    displacement_status: str = "idp"


DESKS = (
    Desk("step-forward", 70, (Channel.PHONE,) * 4 + (Channel.WALK_IN,),
         (T.RETURN, T.DOCUMENTS, T.PROJECT_ASSISTANCE, T.HOUSING, T.EMPLOYMENT),
         date(2025, 2, 1), ("infodesk", "caseworker")),
    Desk("giz-returnee-reintegration", 60, (Channel.WALK_IN, Channel.WALK_IN, Channel.PHONE,
         Channel.OUTREACH), (T.DOCUMENTS, T.SOCIAL_ASSISTANCE, T.EDUCATION, T.EMPLOYMENT,
         T.HOUSING, T.PROJECT_ASSISTANCE), date(2018, 3, 1),
         ("infodesk", "league-caseworker", "yurom-caseworker"), ("roma",),
         "readmitted_returnee"),
    Desk("odrzivi-povratak", 30, (Channel.OUTREACH, Channel.PHONE), (T.RETURN, T.DOCUMENTS,
         T.PROJECT_ASSISTANCE), date(2021, 2, 1), ("caseworker", "bozur-caseworker")),
)  # fmt: skip


def contacts(demo: Demo) -> None:
    if Contact.objects.filter(project__in=demo.projects.values()).exists():
        return
    rng = demo.rng
    users = {u.username: u for u in User.objects.filter(username__in=_desk_usernames())}
    for desk in DESKS:
        project = demo.projects[desk.project]
        last_day = demo.last_day(project)
        days = [demo.day(desk.start, last_day) for _ in range(desk.count)]
        if demo.ongoing(project):
            # The last fortnight's calls, some still to be called back.
            days[-6:] = [demo.day(last_day - timedelta(days=14), last_day) for _ in range(6)]
        for day in sorted(days):
            username = desk.answered_by[0] if rng.random() < 0.6 else rng.choice(desk.answered_by)
            actor = actor_for_user(users[username], via="cli")
            topic = rng.choice(desk.topics)
            question, answer = rng.choice(QUESTIONS[topic])
            anonymous = rng.random() < 0.3
            sex = rng.choice(("female", "male"))
            name = "" if anonymous else _name(rng, rng.choice(desk.communities), sex)
            follow_up = rng.random() < (0.6 if day > last_day - timedelta(days=15) else 0.3)
            received_at = timezone.make_aware(
                datetime.combine(day, time(rng.randint(8, 15), rng.choice((0, 15, 30, 45))))
            )
            if received_at > timezone.now():
                received_at = timezone.now() - timedelta(hours=1)
            contact = contact_record(
                actor=actor,
                project=project,
                channel=rng.choice(desk.channels),
                topic=topic,
                question=question,
                answer=answer,
                received_at=received_at,
                anonymous=anonymous,
                caller_name=name,
                caller_sex=sex,
                caller_displacement_status="" if anonymous else desk.displacement_status,
                follow_up_needed=follow_up,
                follow_up_on=day + timedelta(days=7) if follow_up else None,
            )
            demo.add("contacts")
            followed_up_on = day + timedelta(days=rng.randint(1, 9))
            if (
                follow_up
                and followed_up_on <= last_day
                and not (demo.ongoing(project) and day > demo.today - timedelta(days=15))
            ):
                contact_update(
                    actor=actor,
                    contact=contact,
                    expected_version=contact.version,
                    followed_up_on=followed_up_on,
                    follow_up_notes="Called back with the answer of the case worker.",
                )


def _name(rng: random.Random, community: str, sex: str) -> str:
    surnames, men, women, _albanian = COMMUNITIES[community]
    return f"{rng.choice(women if sex == 'female' else men)} {rng.choice(surnames)}"


def _desk_usernames() -> set[str]:
    return {username for desk in DESKS for username in desk.answered_by}


G = Grievance
GRIEVANCES = (
    (G.Category.COMPLAINT, G.Channel.PHONE,
     "The family was told a case worker would visit about the grant, and nobody came."),
    (G.Category.COMPLAINT, G.Channel.BOX,
     "The aid kits in the second distribution had no winter bedding."),
    (G.Category.FEEDBACK, G.Channel.WALK_IN,
     "Thanks for the transport: the family arrived with all its belongings."),
    (G.Category.SUGGESTION, G.Channel.BOX,
     "Hold the information days in the afternoon, after working hours."),
    (G.Category.COMPLAINT, G.Channel.LETTER,
     "The selection list was not explained: why was our neighbour selected and we not?"),
    (G.Category.SENSITIVE, G.Channel.PHONE,
     "A caller says a person presenting as project staff asked for money to speed up a grant."),
)  # fmt: skip
RESOLUTIONS = {
    G.Resolution.ACTION_TAKEN: "Visited the family and explained the next steps; apology given.",
    G.Resolution.NO_ACTION: "The decision followed the published criteria; explained in writing.",
}


def grievances(demo: Demo) -> None:
    if Grievance.objects.filter(project__in=demo.projects.values()).exists():
        return
    rng = demo.rng
    for _code, project in sorted(demo.projects.items()):
        receiver = demo.case_worker(project.lead_organisation_id)
        manager = demo.manager(project)
        last_day = demo.last_day(project)
        ongoing = demo.ongoing(project)
        # The ongoing project shows a grievance at every stage; the others have closed theirs.
        stages = (
            ("received", "received", "acknowledged", "acknowledged", "action_taken", "no_action")
            if ongoing
            else ("action_taken", "action_taken", "no_action")
        )
        for index, (category, channel, description) in enumerate(GRIEVANCES):
            stage = stages[index % len(stages)]
            if stage == "received":
                received_on = demo.day(last_day - timedelta(days=12), last_day)
            elif stage == "acknowledged":
                received_on = demo.day(last_day - timedelta(days=40), last_day - timedelta(days=15))
            else:
                received_on = demo.day(project.start_date + timedelta(days=60),
                                       last_day - timedelta(days=45))  # fmt: skip
            anonymous = category == G.Category.SENSITIVE or rng.random() < 0.25
            handler = manager if category == G.Category.SENSITIVE else receiver
            grievance = grievance_record(
                actor=receiver,
                project=project,
                channel=channel,
                category=category,
                description=description,
                received_on=received_on,
                anonymous=anonymous,
                complainant_name=""
                if anonymous
                else _name(rng, "serb", rng.choice(("female", "male"))),
            )
            demo.add("grievances")
            if stage == "received":
                continue
            acknowledged_on = min(received_on + timedelta(days=rng.randint(1, 9)), last_day)
            grievance_transition(
                actor=handler, grievance=grievance, status=G.Status.ACKNOWLEDGED,
                expected_version=grievance.version, on=acknowledged_on,
            )  # fmt: skip
            if stage == "acknowledged":
                continue
            grievance_transition(
                actor=handler, grievance=grievance, status=G.Status.RESOLVED,
                expected_version=grievance.version,
                on=min(acknowledged_on + timedelta(days=rng.randint(3, 35)), last_day),
                resolution_kind=stage, resolution=RESOLUTIONS[stage],
            )  # fmt: skip


# --- assessments -------------------------------------------------------------------------------

# Questions whose answer the registry already knows: the demo answers them as recorded there.
REGISTRY_ANSWERS = {
    "has_school_age_children": lambda b: bool(b.school_children()),
    "school_age_children": lambda b: len(b.school_children()),
    "disability_members": lambda b: sum(m.has_disability for m in b.members),
    "chronic_illness_members": lambda b: sum(m.chronic_illness for m in b.members),
    "documents_missing": lambda b: any(m.missing_documents for m in b.members),
}


def _need(demo: Demo, beneficiary: Beneficiary) -> float:
    """How much a household needs, 0 to 1: what the assessor's answers lean towards."""
    need = 0.3 + demo.rng.uniform(0, 0.25)
    if beneficiary.household.accommodation in ("collective_centre", "informal_settlement"):
        need += 0.2
    if any(m.has_disability or m.chronic_illness for m in beneficiary.members):
        need += 0.15
    return min(need, 0.95)


def _answers(demo: Demo, definition: dict, beneficiary: Beneficiary, lean: float) -> dict:
    """Answers to every question that applies. ``lean`` (0–1) is how far the answers go
    towards the scored end: more need in a needs assessment, more of a durable solution in a
    durable solutions assessment."""
    answers: dict = {}
    for question in questions_of(definition):
        if not applies(question, answers):
            continue
        known = REGISTRY_ANSWERS.get(question["code"])
        value = known(beneficiary) if known else _answer(demo.rng, question, lean, answers)
        if question["code"] == "employed_members" and answers.get("no_income") is True:
            value = 0  # a household without income has nobody in work
        if value is not None:
            answers[question["code"]] = value
    return answers


def _answer(rng: random.Random, question: dict, lean: float, answers: dict):
    kind = question["type"]
    if kind == "text":
        return "Observed on the home visit." if question.get("required") else None
    if kind == "date":
        return None
    if kind == "number":
        return _number_answer(rng, question, lean, answers)
    if kind == "yes_no":
        options = [True, False]
    else:
        options = [c["value"] for c in question["choices"] if not c.get("exclusive")]
    if kind == "multiple_choice":
        exclusive = [c["value"] for c in question["choices"] if c.get("exclusive")]
        if exclusive and rng.random() > lean:
            return [exclusive[0]]
        ranked = sorted(options, key=lambda option: points(question, [option])[0])
        count = max(1, round(lean * 3))
        return _pick_leaning(rng, ranked, lean, count)
    ranked = sorted(options, key=lambda option: points(question, option)[0])
    if not is_scored(question):
        return rng.choice(options)
    return _pick_leaning(rng, ranked, lean, 1)[0]


def _pick_leaning(rng: random.Random, ranked: list, lean: float, count: int) -> list:
    """``count`` of ``ranked`` (fewest points first), around the position ``lean`` points at."""
    position = round(min(max(lean + rng.uniform(-0.25, 0.25), 0), 1) * (len(ranked) - 1))
    start = max(0, min(position - count // 2, len(ranked) - count))
    return ranked[start : start + count]


def _number_answer(rng: random.Random, question: dict, lean: float, answers: dict):
    low = question.get("min", 0)
    high = question.get("max", low + 10)
    # A count asked only when an earlier count is at least one stays within it (children out
    # of school among the children of school age).
    for condition in conditions_of(question):
        earlier = answers.get(condition.get("question"))
        if isinstance(earlier, int) and not isinstance(earlier, bool):
            high = min(high, earlier)
    bands = question.get("bands")
    if bands:
        ranked = sorted(bands, key=lambda band: band["score"])
        band = _pick_leaning(rng, ranked, lean, 1)[0]
        band_low = max(band.get("min", low), low)
        band_high = min(band.get("max", band_low * 2 + 10), high)
        if band_high < band_low:
            return max(low, min(high, band_low))
        return rng.randint(int(band_low), int(band_high))
    return rng.randint(int(low), int(min(high, low + 4)))


def assessments(demo: Demo) -> None:
    if Assessment.objects.filter(project__in=demo.projects.values()).exists():
        return
    templates = {t.kind: t for t in AssessmentTemplate.objects.filter(is_active=True)}
    needs = templates.get(AssessmentTemplate.Kind.NEEDS_VULNERABILITY)
    durable = templates.get(AssessmentTemplate.Kind.DURABLE_SOLUTIONS)
    # Identification and needs assessment of the families selected for the two IDP projects.
    for code in ("step-forward", "odrzivi-povratak"):
        project = demo.projects[code]
        for beneficiary in beneficiaries(project, today=demo.today):
            assessed_on = demo.day(
                beneficiary.selected_on - timedelta(days=25),
                beneficiary.selected_on - timedelta(days=3),
            )
            _assess(demo, project, needs, beneficiary, max(assessed_on, project.start_date),
                    _need(demo, beneficiary))  # fmt: skip
    # DRC assesses every family it supports with the durable solutions tool at the start and
    # again before the project ends: the second round shows how far each one moved.
    project = demo.projects["drc-durable-solutions-y1"]
    for beneficiary in beneficiaries(project, today=demo.today):
        first = demo.day(beneficiary.selected_on - timedelta(days=20), beneficiary.selected_on)
        standing = demo.rng.uniform(0.2, 0.55)
        _assess(demo, project, durable, beneficiary, max(first, project.start_date), standing)
        _assess(demo, project, needs, beneficiary, max(first, project.start_date),
                _need(demo, beneficiary))  # fmt: skip
        second = demo.day(date(2024, 6, 1), project.end_date)
        moved = demo.rng.choices((0.25, 0.12, -0.08), weights=(5, 4, 1))[0]
        _assess(demo, project, durable, beneficiary, second, min(0.95, standing + moved))


def _assess(demo, project, template, beneficiary, on: date, lean: float) -> None:
    assessment_record(
        actor=demo.case_worker(beneficiary.organisation_id),
        template=template,
        household=beneficiary.household,
        project=project,
        answers=_answers(demo, template.definition, beneficiary, lean),
        assessed_on=on,
    )
    demo.add("assessments")


PARTS = (assessments, assistance, activities, referrals, contacts, grievances)
