"""Demo data: the organisations and projects of the seed programmes and a user for each role.

Loading is idempotent: what exists (by code or username) is left as it is, so a second run
adds nothing twice. Everything is created through the services, so the demo's own history is in
the audit trail like any other.
"""

from dataclasses import dataclass
from datetime import date

from homeward.accounts.models import Organisation, User
from homeward.accounts.roles import Role
from homeward.accounts.services import membership_grant, organisation_create, user_create
from homeward.core.actors import system_actor
from homeward.programmes.models import Project
from homeward.programmes.services import project_create

DEMO_PASSWORD = "homeward-demo-2026"  # noqa: S105 - printed to the person running the demo

ORGANISATIONS = [
    ("drc", "Danish Refugee Council", Organisation.Kind.INTERNATIONAL),
    ("asb-serbia", "ASB Serbia", Organisation.Kind.NGO),
    ("idc", "Initiative for Development and Cooperation (IDC)", Organisation.Kind.NGO),
    (
        "giz",
        "Deutsche Gesellschaft für Internationale Zusammenarbeit (GIZ)",
        Organisation.Kind.GOVERNMENT_AGENCY,
    ),
    ("league-of-roma", "League of Roma", Organisation.Kind.NGO),
    ("yurom-centre", "Yurom Centre", Organisation.Kind.NGO),
    ("kragujevac", "City of Kragujevac", Organisation.Kind.MUNICIPALITY),
    ("bozur", "Božur", Organisation.Kind.NGO),
    ("sveti-spas", "Sveti Spas", Organisation.Kind.NGO),
    ("zvezdara", "Municipality of Zvezdara", Organisation.Kind.MUNICIPALITY),
    ("palilula-nis", "Municipality of Palilula (Niš)", Organisation.Kind.MUNICIPALITY),
    # The two EU seed programmes do not name their lead; a demo NGO stands in for it.
    ("demo-ngo", "Homeward Demo NGO", Organisation.Kind.NGO),
    (
        "eu-delegation",
        "Delegation of the European Union to the Republic of Serbia",
        Organisation.Kind.DONOR,
    ),
    ("us-prm", "U.S. Bureau of Population, Refugees, and Migration", Organisation.Kind.DONOR),
    (
        "bmz",
        "German Federal Ministry for Economic Cooperation and Development (BMZ)",
        Organisation.Kind.DONOR,
    ),
]

PROJECTS = [
    (
        "odrzivi-povratak",
        "Održivi povratak – podrška i osnaživanje",
        "demo-ngo",
        ["kragujevac", "bozur", "sveti-spas"],
        ["eu-delegation"],
        date(2021, 1, 1),
        date(2023, 12, 31),
    ),
    (
        "step-forward",
        "A Step Forward to Return",
        "demo-ngo",
        ["zvezdara", "palilula-nis"],
        ["eu-delegation"],
        date(2025, 1, 1),
        date(2027, 4, 30),
    ),
    (
        "asb-reintegration-ii",
        "Reintegration II – sustainable (re)integration of returnees in Serbia",
        "asb-serbia",
        ["idc"],
        ["bmz"],
        date(2022, 7, 15),
        date(2025, 4, 30),
    ),
    (
        "giz-returnee-reintegration",
        "Support to the reintegration of returnees in Serbia",
        "giz",
        ["league-of-roma", "yurom-centre"],
        ["bmz"],
        date(2018, 1, 1),
        date(2020, 6, 30),
    ),
    (
        "drc-durable-solutions-y1",
        "Promoting sustainable, evidence-based durable solutions programming in Kosovo – Year 1",
        "drc",
        [],
        ["us-prm"],
        date(2023, 9, 1),
        date(2024, 8, 31),
    ),
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    organisation: str
    role: str


USERS = [
    DemoUser("admin", "Ana", "Administratorović", "demo-ngo", Role.ADMINISTRATOR),
    DemoUser("manager", "Milan", "Petrović", "demo-ngo", Role.PROJECT_MANAGER),
    DemoUser("monitoring", "Marija", "Jovanović", "demo-ngo", Role.ME_OFFICER),
    DemoUser("caseworker", "Jelena", "Nikolić", "demo-ngo", Role.CASE_WORKER),
    DemoUser("infodesk", "Arben", "Krasniqi", "league-of-roma", Role.INFO_DESK_OPERATOR),
    DemoUser("committee", "Dragan", "Stojanović", "demo-ngo", Role.SELECTION_COMMITTEE),
    DemoUser("donor", "Claire", "Martin", "eu-delegation", Role.DONOR_VIEWER),
    DemoUser("dpo", "Vesna", "Đorđević", "demo-ngo", Role.DATA_PROTECTION_OFFICER),
    DemoUser("asb-caseworker", "Emina", "Hodžić", "asb-serbia", Role.CASE_WORKER),
]


def load_demo() -> dict[str, int]:
    """Create what is missing; returns how many of each kind were created."""
    actor = system_actor(via="cli")
    created = {"organisations": 0, "projects": 0, "users": 0}
    existing = set(Organisation.objects.values_list("code", flat=True))
    for code, name, kind in ORGANISATIONS:
        if code not in existing:
            organisation_create(actor=actor, code=code, name=name, kind=kind)
            created["organisations"] += 1
    organisations = {o.code: o for o in Organisation.objects.all()}

    existing = set(Project.objects.values_list("code", flat=True))
    for code, title, lead, partners, donors, start, end in PROJECTS:
        if code in existing:
            continue
        project_create(
            actor=actor,
            code=code,
            title=title,
            lead_organisation=organisations[lead],
            partners=[organisations[c] for c in partners],
            donors=[organisations[c] for c in donors],
            start_date=start,
            end_date=end,
        )
        created["projects"] += 1

    existing = set(User.objects.values_list("username", flat=True))
    for demo_user in USERS:
        if demo_user.username in existing:
            continue
        user_create(
            actor=actor,
            username=demo_user.username,
            first_name=demo_user.first_name,
            last_name=demo_user.last_name,
            password=DEMO_PASSWORD,
            organisation=organisations[demo_user.organisation],
            role=demo_user.role,
        )
        created["users"] += 1
    # The administrator of the demo NGO also administers the partner municipality's accounts,
    # to show a user with roles in two organisations.
    admin = User.objects.get(username="admin")
    if not admin.memberships.filter(organisation__code="kragujevac", is_active=True).exists():
        membership_grant(
            actor=actor,
            user=admin,
            organisation=organisations["kragujevac"],
            role=Role.ADMINISTRATOR,
        )
    return created
