"""Demo data: the organisations and projects of the seed programmes and a user for each role.

Loading is idempotent: what exists (by code or username) is left as it is, so a second run
adds nothing twice. Everything is created through the services, so the demo's own history is in
the audit trail like any other.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from homeward.accounts.models import Organisation, User
from homeward.accounts.roles import Role
from homeward.accounts.services import membership_grant, organisation_create, user_create
from homeward.core.actors import system_actor
from homeward.geo.models import Area
from homeward.programmes.models import Currency, Project, TargetGroup
from homeward.programmes.services import project_create, project_update

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


@dataclass(frozen=True)
class DemoProject:
    """A seed programme as a project: what its published description says about it."""

    code: str
    title: str  # in English; the page falls back to it where a translation is missing
    title_sr: str
    title_sr_latn: str
    title_sq: str
    lead: str
    partners: tuple[str, ...]
    donors: tuple[str, ...]
    start: date
    end: date
    # Only where the seed publishes one; the others are left empty rather than invented.
    budget: Decimal | None
    currency: str
    municipalities: tuple[str, ...]
    target_groups: tuple[str, ...]
    description: str


T = TargetGroup
PROJECTS = [
    DemoProject(
        code="odrzivi-povratak",
        title="Sustainable return – support and empowerment",
        title_sr="Одрживи повратак – подршка и оснаживање",
        title_sr_latn="Održivi povratak – podrška i osnaživanje",
        title_sq="Kthim i qëndrueshëm – mbështetje dhe fuqizim",
        lead="demo-ngo",
        partners=("kragujevac", "bozur", "sveti-spas"),
        donors=("eu-delegation",),
        start=date(2021, 1, 1),
        end=date(2023, 12, 31),
        budget=None,
        currency=Currency.EUR,
        # Kragujevac and the towns of central and southern Serbia where IDPs from Kosovo live
        # in private accommodation and collective centres.
        municipalities=(
            "RS-12-kragujevac",
            "RS-18-kraljevo",
            "RS-19-krusevac",
            "RS-24-vranje",
            "RS-20-nis",
            "RS-20-crveni-krst",
            "RS-20-medijana",
        ),
        target_groups=(T.IDP, T.LOCAL_SELF_GOVERNMENTS),
        description=(
            "Addresses the priority needs of internally displaced persons who wish to return "
            "to Kosovo*, before and during their return: an information campaign (visits to "
            "IDPs in private accommodation and collective centres, 8 meetings, 5 public "
            "presentations, 12 go-and-see visits, 3 round tables); identification and needs "
            "assessment of IDPs who want to return, technical and administrative help, "
            "referrals to the agencies that reconstruct houses in Kosovo*, transport and return "
            "packages for 30 families (about 108 people); income-generation grants in equipment "
            "and tools for 104 families (about 216 people), vocational courses for 30 IDPs and "
            "business training and mentoring for 74 IDPs. Funded by the European Union through "
            "its Delegation to the Republic of Serbia, with the City of Kragujevac, Božur and "
            "Sveti Spas, in cooperation with the Office for Kosovo and Metohija and the "
            "Commissariat for Refugees and Migration."
        ),
    ),
    DemoProject(
        code="step-forward",
        title="A Step Forward to Return",
        title_sr="Корак напред ка повратку",
        title_sr_latn="Korak napred ka povratku",
        title_sq="Një hap përpara drejt kthimit",
        lead="demo-ngo",
        partners=("zvezdara", "palilula-nis"),
        donors=("eu-delegation",),
        start=date(2025, 1, 1),
        end=date(2027, 4, 30),
        budget=Decimal("439418.00"),
        currency=Currency.EUR,
        municipalities=("RS-00-zvezdara", "RS-20-palilula"),
        target_groups=(T.IDP, T.LOCAL_SELF_GOVERNMENTS),
        description=(
            "Support for improving the living conditions of internally displaced persons and "
            "for a sustainable return to Kosovo*, in the municipalities of Zvezdara (Belgrade) "
            "and Palilula (Niš). At least 40 IDPs trained to start their own business, 25 in "
            "vocational education and training, 25 IDP families with income-generation grants, "
            "25 with aid kits and about 10 with transport for their return; a free telephone "
            "line, 2 information events and an information brochure; at least 10 officials of "
            "2 local self-governments trained in social inclusion. Financed by the European "
            "Union."
        ),
    ),
    DemoProject(
        code="asb-reintegration-ii",
        title="Reintegration II – further support to the sustainable (re)integration of "
        "returnees in Serbia",
        title_sr="Реинтеграција II – даља подршка одрживој (ре)интеграцији повратника у Србији",
        title_sr_latn="Reintegracija II – dalja podrška održivoj (re)integraciji povratnika "
        "u Srbiji",
        title_sq="Riintegrimi II – mbështetje e mëtejshme për (ri)integrimin e qëndrueshëm "
        "të të kthyerve në Serbi",
        lead="asb-serbia",
        partners=("idc",),
        donors=("bmz",),
        start=date(2022, 7, 15),
        end=date(2025, 4, 30),
        budget=None,
        currency=Currency.EUR,
        # The Pirot, Rasina and Raška districts, with Sjenica of the Sandžak towns of the
        # first phase.
        municipalities=(
            "RS-22-pirot",
            "RS-22-babusnica",
            "RS-22-bela-palanka",
            "RS-19-krusevac",
            "RS-19-trstenik",
            "RS-19-aleksandrovac",
            "RS-18-kraljevo",
            "RS-18-novi-pazar",
            "RS-18-tutin",
            "RS-16-sjenica",
        ),
        target_groups=(
            T.READMITTED_RETURNEE,
            T.RETURNEE,
            T.ROMA_ASHKALI_EGYPTIAN,
            T.LOCAL_VULNERABLE,
            T.CHILDREN_YOUTH,
            T.WOMEN,
            T.CIVIL_SOCIETY,
            T.LOCAL_SELF_GOVERNMENTS,
            T.BUSINESSES,
        ),
        description=(
            "Contributes to the sustainable (re)integration of returnees and the locally "
            "vulnerable population in central and southern Serbia through economic, "
            "psychosocial and institutional support: business training for 400 beneficiaries, "
            "work qualifications for 90, grants in equipment and machines for 90, 1,000 "
            "inclusive workshops for 2,000 returnees and members of vulnerable families "
            "(especially children and young people), training of civil society, public sector "
            "and business representatives, two Good Neighbour Clubs and five social initiatives. "
            "At least 40% of all beneficiaries are women. Held by ASB Serbia, implemented with "
            "the Initiative for Development and Cooperation (IDC), financed by BMZ."
        ),
    ),
    DemoProject(
        code="giz-returnee-reintegration",
        title="Support to the reintegration of returnees in Serbia",
        title_sr="Подршка реинтеграцији повратника у Србији",
        title_sr_latn="Podrška reintegraciji povratnika u Srbiji",
        title_sq="Mbështetje për riintegrimin e të kthyerve në Serbi",
        lead="giz",
        partners=("league-of-roma", "yurom-centre"),
        donors=("bmz",),
        start=date(2018, 1, 1),
        end=date(2020, 6, 30),
        budget=Decimal("2943105.90"),
        currency=Currency.EUR,
        # Country-wide, with the ten places the project names, and the city municipalities of
        # Niš and Belgrade where its information centres' clients live.
        municipalities=(
            "RS-20-nis",
            "RS-23-leskovac",
            "RS-22-pirot",
            "RS-24-vranje",
            "RS-24-bujanovac",
            "RS-01-subotica",
            "RS-12-kragujevac",
            "RS-19-krusevac",
            "RS-11-pozarevac",
            "RS-00-beograd",
            "RS-20-crveni-krst",
            "RS-20-medijana",
            "RS-20-palilula",
            "RS-20-pantelej",
            "RS-24-presevo",
            "RS-00-zemun",
            "RS-00-palilula",
            "RS-00-cukarica",
        ),
        target_groups=(
            T.READMITTED_RETURNEE,
            T.RETURNEE,
            T.ASYLUM_SEEKER,
            T.ROMA_ASHKALI_EGYPTIAN,
            T.LOCAL_VULNERABLE,
            T.CHILDREN_YOUTH,
        ),
        description=(
            "Migration management and support to the return of asylum seekers: at least 8 "
            "information centres (hubs) with the League of Roma and the Yurom Centre giving "
            "information, advice and legal support to returnees; support for 350 returnee "
            "children to enter formal education; construction, reconstruction or furnishing of "
            "the homes of 150 extremely vulnerable families; in-kind grants for the micro "
            "businesses of 250 unemployed people; three cooperatives with at least 24 members; "
            "vocational training, study visits and fairs for about 700 participants."
        ),
    ),
    DemoProject(
        code="drc-durable-solutions-y1",
        title="Promoting sustainable, evidence-based durable solutions programming in Kosovo – "
        "Year 1",
        title_sr="Унапређење одрживих програма трајних решења на Косову заснованих на доказима "
        "– прва година",
        title_sr_latn="Unapređenje održivih programa trajnih rešenja na Kosovu zasnovanih na "
        "dokazima – prva godina",
        title_sq="Promovimi i programeve të qëndrueshme të zgjidhjeve të qëndrueshme në Kosovë, "
        "të bazuara në dëshmi – Viti 1",
        lead="drc",
        partners=(),
        donors=("us-prm",),
        start=date(2023, 9, 1),
        end=date(2024, 8, 31),
        budget=None,
        currency=Currency.USD,
        # Prizren, Klinë/Klina and Gjilan/Gnjilane, and the returnee villages around them.
        municipalities=(
            "XK-prizren",
            "XK-kline",
            "XK-gjilan",
            "XK-kllokot",
            "XK-shterpce",
            "XK-peje",
        ),
        target_groups=(T.RETURNEE, T.REFUGEE, T.REMAINEE, T.LOCAL_SELF_GOVERNMENTS),
        description=(
            "Strengthens local returns mechanisms to assess returnees' needs with a durable "
            "solutions assessment tool and to support their durable solutions, and increases "
            "the impact of community integration assistance: gap assistance to the most "
            "vulnerable returnee families (minor shelter repair, food and non-food items, "
            "furniture, psychosocial counselling) and three joint rural grant schemes with "
            "business training and monitoring. 156 direct beneficiaries and 30 return "
            "stakeholders in Prizren, Klinë/Klina and Gjilan/Gnjilane. Funded by the United "
            "States Government (PRM)."
        ),
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
    # Sees the durable solutions assessments of DRC's project and how households moved.
    DemoUser("drc-manager", "Lars", "Nielsen", "drc", Role.PROJECT_MANAGER),
]


def _project_fields(demo_project: DemoProject, organisations, areas) -> dict:
    return {
        "title": demo_project.title,
        "title_sr": demo_project.title_sr,
        "title_sr_latn": demo_project.title_sr_latn,
        "title_sq": demo_project.title_sq,
        "description": demo_project.description,
        "lead_organisation": organisations[demo_project.lead],
        "partners": [organisations[code] for code in demo_project.partners],
        "donors": [organisations[code] for code in demo_project.donors],
        "start_date": demo_project.start,
        "end_date": demo_project.end,
        "budget": demo_project.budget,
        "currency": demo_project.currency,
        "municipalities": [areas[code] for code in demo_project.municipalities],
        "target_groups": list(demo_project.target_groups),
    }


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

    areas = {
        area.code: area
        for area in Area.objects.filter(
            code__in={code for project in PROJECTS for code in project.municipalities}
        )
    }
    existing = {project.code: project for project in Project.objects.all()}
    for demo_project in PROJECTS:
        fields = _project_fields(demo_project, organisations, areas)
        project = existing.get(demo_project.code)
        if project is None:
            project_create(actor=actor, code=demo_project.code, **fields)
            created["projects"] += 1
        elif not project.target_groups and not project.municipalities.exists():
            # Made by an earlier demo that knew only titles and dates: complete it, so an
            # existing demo database gains the places, budgets and target groups too.
            project_update(actor=actor, project=project, expected_version=None, **fields)

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
    # The information desk operator of the League of Roma's information centre also answers
    # the free phone line of A Step Forward to Return for the demo NGO.
    infodesk = User.objects.get(username="infodesk")
    if not infodesk.memberships.filter(organisation__code="demo-ngo", is_active=True).exists():
        membership_grant(
            actor=actor,
            user=infodesk,
            organisation=organisations["demo-ngo"],
            role=Role.INFO_DESK_OPERATOR,
            projects=[Project.objects.get(code="step-forward")],
        )
    return created
