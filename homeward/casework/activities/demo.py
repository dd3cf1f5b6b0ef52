"""Demo activities and information materials of the seed programmes, as their descriptions
tell them: trainings with their cohorts and certificates, information events, go-and-see
visits, round tables, trainings of officials, workshops, and the campaigns with their reach.

Everything is recorded through the services, by the project's lead organisation. Registered
people who attend come from the households registered for the project (``registry.demo``);
a project without any gets its events with the other participants only. A project that has
activities already is left as it is, so a second run adds nothing twice.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils import timezone

from homeward.casework.activities.models import Activity, InformationMaterial, Participant
from homeward.casework.activities.services import (
    activity_create,
    material_create,
    meets_rule,
    participant_complete,
    session_attendance_record,
    session_create,
    session_transition,
)
from homeward.core.actors import system_actor
from homeward.geo.models import Area
from homeward.programmes.models import Project
from homeward.registry.models import Person


@dataclass(frozen=True)
class DemoActivity:
    project: str
    kind: str
    title: str
    municipality: str
    venue: str
    start: date
    sessions: int
    # Days between sessions.
    every: int = 7
    certificate: bool = False
    # How many registered people form its cohort (adults of the project's households).
    cohort: int = 0
    # (category, organisation, women, men) counted at every session held.
    others: tuple[tuple[str, str, int, int], ...] = ()
    topics: tuple[str, ...] = field(default=())


ACTIVITIES = [
    # A Step Forward to Return: business training for 40 IDPs, VET for 25, two information
    # events, training of at least 10 officials of two local self-governments.
    DemoActivity(
        "step-forward",
        "information_event",
        "Information event: the possibilities of return and the support available",
        "RS-00-zvezdara",
        "Zvezdara cultural centre",
        date(2025, 3, 12),
        1,
        cohort=18,
        others=(
            ("officials", "Municipality of Zvezdara", 2, 1),
            ("officials", "Commissariat for Refugees and Migration", 1, 1),
            ("civil_society", "League of Roma", 1, 0),
        ),
    ),
    DemoActivity(
        "step-forward",
        "business_training",
        "Start your own business – Zvezdara group",
        "RS-00-zvezdara",
        "Zvezdara municipal hall",
        date(2025, 4, 7),
        6,
        certificate=True,
        cohort=14,
        topics=(
            "Business idea",
            "Market and customers",
            "Costs and prices",
            "Registering a business",
            "Book-keeping",
            "Business plan",
        ),
    ),
    DemoActivity(
        "step-forward",
        "vocational_training",
        "Vocational course: hairdressing and beauty care",
        "RS-20-palilula",
        "Training centre, Niš",
        date(2025, 9, 1),
        10,
        certificate=True,
        cohort=8,
    ),
    DemoActivity(
        "step-forward",
        "training_of_officials",
        "Social inclusion of IDPs: training for local self-government staff",
        "RS-20-palilula",
        "Palilula municipal hall, Niš",
        date(2025, 10, 14),
        2,
        others=(
            ("officials", "Municipality of Palilula (Niš)", 4, 2),
            ("officials", "Municipality of Zvezdara", 3, 2),
        ),
    ),
    # Its second group starts now: some sessions are held, the others planned in the coming
    # weeks (they show on the case worker's day).
    DemoActivity(
        "step-forward",
        "business_training",
        "Start your own business – Niš group",
        "RS-20-palilula",
        "Palilula municipal hall, Niš",
        date(2026, 11, 10),
        6,
        certificate=True,
        cohort=10,
    ),
    # Sustainable return: 8 meetings, 5 public presentations, 12 go-and-see visits, 3 round
    # tables; vocational courses for 30 IDPs; business training and mentoring for 74.
    DemoActivity(
        "odrzivi-povratak",
        "public_presentation",
        "Public presentation: return to Kosovo* and the support available",
        "RS-12-kragujevac",
        "City hall, Kragujevac",
        date(2021, 4, 20),
        5,
        every=30,
        cohort=12,
        others=(("officials", "City of Kragujevac", 2, 2), ("civil_society", "Božur", 2, 1)),
    ),
    DemoActivity(
        "odrzivi-povratak",
        "go_and_see_visit",
        "Go-and-see visits to the villages of origin",
        "RS-12-kragujevac",
        "Departure from Kragujevac",
        date(2021, 9, 6),
        12,
        every=21,
        cohort=24,
        others=(("officials", "Office for Kosovo and Metohija", 0, 1),),
    ),
    DemoActivity(
        "odrzivi-povratak",
        "round_table",
        "Round table: sustainable return and local institutions",
        "RS-19-krusevac",
        "Kruševac city hall",
        date(2022, 3, 15),
        3,
        every=120,
        others=(
            ("officials", "City of Kruševac", 3, 2),
            ("officials", "Centre for social work Kruševac", 3, 0),
            ("civil_society", "Sveti Spas", 1, 1),
        ),
    ),
    DemoActivity(
        "odrzivi-povratak",
        "business_training",
        "Business training and mentoring for returning IDPs",
        "RS-12-kragujevac",
        "Božur training room",
        date(2022, 5, 9),
        8,
        certificate=True,
        cohort=16,
    ),
    # Reintegration II: business trainings, VET, inclusive workshops for children, trainings
    # and study visits for civil society, public sector and business representatives.
    DemoActivity(
        "asb-reintegration-ii",
        "business_training",
        "Business training – Pirot",
        "RS-22-pirot",
        "Good Neighbour Club, Pirot",
        date(2023, 3, 6),
        5,
        certificate=True,
        cohort=15,
    ),
    DemoActivity(
        "asb-reintegration-ii",
        "inclusive_workshop",
        "Inclusive workshops for children and young people",
        "RS-19-krusevac",
        "Good Neighbour Club, Kruševac",
        date(2023, 10, 2),
        8,
        cohort=14,
        others=(("community", "", 5, 4),),
    ),
    DemoActivity(
        "asb-reintegration-ii",
        "study_visit",
        "Study visit: inclusive social services in local communities",
        "RS-18-novi-pazar",
        "City of Novi Pazar",
        date(2024, 5, 21),
        2,
        every=1,
        others=(
            ("civil_society", "Roma associations of Pirot district", 4, 3),
            ("officials", "Centres for social work", 3, 1),
            ("business", "Local employers", 1, 3),
        ),
    ),
    # Returnee reintegration (GIZ): vocational training, study field visits.
    DemoActivity(
        "giz-returnee-reintegration",
        "vocational_training",
        "Vocational training: welding",
        "RS-20-nis",
        "Vocational school, Niš",
        date(2019, 2, 4),
        10,
        certificate=True,
        cohort=12,
    ),
    DemoActivity(
        "giz-returnee-reintegration",
        "study_visit",
        "Study field visit to a cooperative",
        "RS-23-leskovac",
        "Agricultural cooperative, Leskovac",
        date(2019, 6, 12),
        1,
        cohort=10,
        others=(("business", "Cooperative members", 2, 5),),
    ),
    # Durable solutions in Kosovo* (DRC): training of municipal staff on the durable
    # solutions assessment, business training of a rural grant scheme.
    DemoActivity(
        "drc-durable-solutions-y1",
        "training_of_officials",
        "Durable solutions assessment tool: training of municipal staff",
        "XK-prizren",
        "Municipal office for communities and return, Prizren",
        date(2023, 11, 7),
        2,
        every=1,
        others=(
            ("officials", "Municipality of Prizren", 3, 4),
            ("officials", "Municipality of Klina", 2, 4),
            ("officials", "Municipality of Gjilan", 3, 3),
            ("officials", "Ministry of Communities and Return", 1, 2),
        ),
    ),
    DemoActivity(
        "drc-durable-solutions-y1",
        "business_training",
        "Business training of the rural grant scheme",
        "XK-kline",
        "Klina",
        date(2024, 3, 4),
        4,
        certificate=True,
        cohort=10,
    ),
]

# (project, kind, title, languages, produced, distributed, reached, start, end, municipality)
MATERIALS = [
    (
        "step-forward",
        "brochure",
        "Informative brochure: returning to Kosovo*",
        ["sr", "sr-latn"],
        2000,
        1400,
        1400,
        date(2025, 3, 1),
        None,
        "RS-00-zvezdara",
    ),
    (
        "step-forward",
        "leaflet",
        "Free phone line for IDPs",
        ["sr", "sr-latn", "rom"],
        3000,
        2600,
        2600,
        date(2025, 2, 1),
        None,
        "RS-20-palilula",
    ),
    (
        "step-forward",
        "social_media",
        "Return and support: social media campaign",
        ["sr-latn"],
        None,
        None,
        14500,
        date(2025, 4, 1),
        date(2025, 6, 30),
        None,
    ),
    (
        "odrzivi-povratak",
        "leaflet",
        "Information for IDPs on return and support",
        ["sr", "sr-latn"],
        4000,
        3800,
        3800,
        date(2021, 3, 1),
        date(2021, 12, 31),
        "RS-12-kragujevac",
    ),
    (
        "odrzivi-povratak",
        "info_session_pack",
        "Information session pack for collective centres",
        ["sr"],
        150,
        150,
        900,
        date(2021, 4, 1),
        None,
        "RS-19-krusevac",
    ),
    (
        "asb-reintegration-ii",
        "broadcast",
        "Radio talk shows: the risks of illegal migration",
        ["sr", "rom"],
        None,
        None,
        12000,
        date(2023, 2, 1),
        date(2023, 5, 31),
        "RS-22-pirot",
    ),
    (
        "asb-reintegration-ii",
        "leaflet",
        "Consequences and challenges of illegal migration",
        ["sr", "rom"],
        6000,
        5800,
        5800,
        date(2023, 2, 1),
        None,
        "RS-19-krusevac",
    ),
    (
        "asb-reintegration-ii",
        "social_media",
        "Stay informed: campaign on illegal migration",
        ["sr-latn"],
        None,
        None,
        4500,
        date(2024, 1, 10),
        date(2024, 3, 31),
        None,
    ),
    (
        "giz-returnee-reintegration",
        "poster",
        "Information centres for returnees",
        ["sr", "rom"],
        800,
        760,
        None,
        date(2018, 6, 1),
        None,
        "RS-20-nis",
    ),
    (
        "drc-durable-solutions-y1",
        "website_article",
        "Durable solutions for returnees",
        ["sq", "sr-latn", "en"],
        None,
        None,
        2300,
        date(2024, 2, 15),
        None,
        "XK-prizren",
    ),
]


def _people(project: Project, rng: random.Random, count: int, today: date) -> list[Person]:
    """Adults of the households registered for ``project``: the cohort of an activity."""
    if count == 0:
        return []
    adults = list(
        Person.objects.filter(
            household__project=project, date_of_birth__lte=today - timedelta(days=18 * 365)
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:400]
    )
    chosen = rng.sample(adults, min(count, len(adults)))
    return list(Person.objects.filter(pk__in=chosen))


def _record(actor, project: Project, demo: DemoActivity, rng, areas, today) -> None:
    days = (demo.sessions - 1) * demo.every
    activity = activity_create(
        actor=actor,
        project=project,
        kind=demo.kind,
        title=demo.title,
        municipality=areas.get(demo.municipality),
        venue=demo.venue,
        planned_start=demo.start,
        planned_end=min(demo.start + timedelta(days=days), project.end_date),
        sessions_planned=demo.sessions,
        leads_to_certificate=demo.certificate,
    )
    cohort = _people(project, rng, demo.cohort, today)
    # Some people drop out or miss a day: each comes to a session with this likelihood.
    keen = {person.pk: rng.choice((0.97, 0.9, 0.85, 0.6)) for person in cohort}
    last_held = None
    for index in range(demo.sessions):
        day = demo.start + timedelta(days=index * demo.every)
        if day > project.end_date:
            break
        topic = demo.topics[index] if index < len(demo.topics) else ""
        session = session_create(actor=actor, activity=activity, date=day, topic=topic)
        if day > today:
            continue
        session_transition(actor=actor, session=session, status="held", expected_version=None)
        last_held = day
        present = [person for person in cohort if rng.random() < keen[person.pk]]
        others = [
            {
                "category": category,
                "organisation_name": organisation,
                "women": max(0, women + rng.randint(-1, 1)),
                "men": max(0, men + rng.randint(-1, 1)),
            }
            for category, organisation, women, men in demo.others
        ]
        if present or any(row["women"] + row["men"] for row in others):
            session_attendance_record(actor=actor, session=session, people=present, others=others)
    finished = last_held is not None and demo.start + timedelta(days=days) <= today
    if finished and demo.kind in ("business_training", "vocational_training", "mentoring"):
        for participant in Participant.objects.filter(activity=activity).select_related(
            "activity", "activity__project", "person"
        ):
            if meets_rule(participant):
                participant_complete(
                    actor=actor,
                    participant=participant,
                    expected_version=None,
                    completed_on=last_held,
                )


def load_demo_activities(*, seed: int = 2026) -> dict[str, int]:
    """Record the demo activities and materials of every seed project that has none yet."""
    actor = system_actor(via="cli")
    rng = random.Random(seed)
    today = timezone.localdate()
    projects = {project.code: project for project in Project.objects.all()}
    codes = {demo.municipality for demo in ACTIVITIES} | {row[9] for row in MATERIALS}
    areas = {area.code: area for area in Area.objects.filter(code__in=codes)}
    created = {"activities": 0, "materials": 0}
    done = set(Activity.objects.values_list("project__code", flat=True))
    for demo in ACTIVITIES:
        project = projects.get(demo.project)
        if project is None or demo.project in done or demo.start > project.end_date:
            continue
        _record(actor, project, demo, rng, areas, today)
        created["activities"] += 1
    done = set(InformationMaterial.objects.values_list("project__code", flat=True))
    for code, kind, title, languages, produced, distributed, reached, start, end, area in MATERIALS:
        project = projects.get(code)
        if project is None or code in done:
            continue
        material_create(
            actor=actor,
            project=project,
            kind=kind,
            title=title,
            languages=languages,
            quantity_produced=produced,
            quantity_distributed=distributed,
            people_reached=reached,
            period_start=start,
            period_end=end,
            municipalities=[areas[area]] if area in areas else [],
        )
        created["materials"] += 1
    return created
