"""The results dashboard: a project's indicators against their targets for its staff, the same
pages with counts only and no name for its donor, nothing at all for anybody else."""

import datetime
import io
import re
import zipfile
from decimal import Decimal
from itertools import count

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from lxml import html as lxml_html

from homeward.accounts.roles import Role
from homeward.casework.assistance.models import AssistanceType
from homeward.casework.assistance.services import (
    delivery_approve,
    delivery_deliver,
    delivery_plan,
)
from homeward.casework.enrolment.services import enrolment_create, enrolment_transition
from homeward.core.actors import Actor
from homeward.geo.models import Area
from homeward.registry.jmbg import make_jmbg
from homeward.registry.services import household_register
from homeward.results.services import (
    indicator_create,
    indicator_update,
    manual_value_record,
    result_create,
    target_set,
)

pytestmark = pytest.mark.django_db

# The names of the people of the fixtures: none may appear on a donor's page.
FIRST_NAMES = ["Jelena", "Bekim", "Snežana", "Arben", "Vesna", "Dušan", "Ljiljana", "Fatmir"]
LAST_NAMES = ["Jovanović", "Krasniqi", "Stojanović", "Berisha", "Nikolić", "Gashi"]
serials = count(200)


@pytest.fixture
def framework(system, project_a):
    """Project A's framework: an objective measured by hand, an outcome, and an output with
    people enrolled (broken down), grant households and the share of women."""
    objective = result_create(
        actor=system, project=project_a, level="objective", code="OBJ", statement="Durable return"
    )
    outcome = result_create(
        actor=system,
        project=project_a,
        level="outcome",
        code="OC1",
        statement="Families earn a living",
        parent=objective,
    )
    output = result_create(
        actor=system,
        project=project_a,
        level="output",
        code="OP1.1",
        statement="Families are supported",
        parent=outcome,
    )
    people = indicator_create(
        actor=system,
        project=project_a,
        result=output,
        code="1.1.1",
        name="People in beneficiary families",
        unit="people",
        disaggregations=["sex", "age_band", "displacement_status", "municipality"],
        rule={"kind": "enrolled", "count": "people"},
    )
    target_set(
        actor=system,
        indicator=people,
        label="Year 1",
        start=datetime.date(2025, 1, 1),
        end=datetime.date(2025, 12, 31),
        value=20,
    )
    target_set(
        actor=system,
        indicator=people,
        label="Year 2",
        start=datetime.date(2026, 1, 1),
        end=datetime.date(2026, 12, 31),
        value=40,
    )
    grants = indicator_create(
        actor=system,
        project=project_a,
        result=output,
        code="1.1.2",
        name="Families given an income-generation grant",
        unit="households",
        disaggregations=["municipality"],
        rule={"kind": "assistance_delivered", "count": "households", "grants_only": True},
    )
    target_set(
        actor=system,
        indicator=grants,
        label="Year 2",
        start=datetime.date(2026, 1, 1),
        end=datetime.date(2026, 12, 31),
        value=25,
    )
    women = indicator_create(
        actor=system,
        project=project_a,
        result=output,
        code="1.1.3",
        name="Share of women among beneficiaries",
        unit="percentage",
        disaggregations=[],
        rule={"kind": "share_women", "among": "beneficiaries"},
    )
    target_set(
        actor=system,
        indicator=women,
        label="Year 2",
        start=datetime.date(2026, 1, 1),
        end=datetime.date(2026, 12, 31),
        value=40,
    )
    using = indicator_create(
        actor=system,
        project=project_a,
        result=objective,
        code="OBJ.1",
        name="Returnees and residents using the capacities created",
        unit="people",
    )
    target_set(
        actor=system,
        indicator=using,
        label="Year 2",
        start=datetime.date(2026, 1, 1),
        end=datetime.date(2026, 12, 31),
        value=2250,
    )
    manual_value_record(
        actor=system,
        indicator=using,
        as_of=datetime.date(2025, 6, 30),
        value=310,
        source="Municipal survey of June 2025",
    )
    return {"people": people, "grants": grants, "women": women, "using": using}


@pytest.fixture
def family(system, case_worker_a, org_a, project_a):
    """``family()``: another displaced family of project A (two people, named), selected."""

    def make():
        serial = next(serials)
        first = FIRST_NAMES[serial % len(FIRST_NAMES)]
        last = LAST_NAMES[serial % len(LAST_NAMES)]
        born = datetime.date(1960 + serial % 30, 1 + serial % 12, 1 + serial % 27)
        household = household_register(
            actor=Actor(user=case_worker_a),
            organisation=org_a,
            project=project_a,
            household={
                "current_municipality": Area.objects.get(code="RS-00-zvezdara"),
                "accommodation": "private",
                "origin_municipality": Area.objects.get(code="XK-gjilan"),
            },
            members=[
                {
                    "relationship_to_head": "head",
                    "first_name": first,
                    "last_name": last,
                    "sex": "female" if serial % 2 else "male",
                    "date_of_birth": born,
                    "national_id": make_jmbg(
                        born,
                        region_code=91,
                        sex="female" if serial % 2 else "male",
                        serial=serial,
                    ),
                    "displacement_status": "idp",
                },
                {
                    "relationship_to_head": "child",
                    "first_name": FIRST_NAMES[(serial + 3) % len(FIRST_NAMES)],
                    "last_name": last,
                    "sex": "female",
                    "date_of_birth": datetime.date(2012, 5, 5),
                    "displacement_status": "idp",
                },
            ],
        )
        _select(system, project_a, household)
        return household

    return make


def _select(system, project, household):
    enrolment = enrolment_create(actor=system, project=project, household=household)
    enrolment_transition(
        actor=system, enrolment=enrolment, status="selected", expected_version=None
    )


def _grant(case_worker, manager, project, household):
    worker, approver = Actor(user=case_worker), Actor(user=manager)
    delivery = delivery_plan(
        actor=worker,
        project=project,
        household=household,
        assistance_type=AssistanceType.objects.get(code="income-grant-in-kind"),
        planned_value=Decimal("1500"),
    )
    delivery = delivery_approve(
        actor=approver, delivery=delivery, expected_version=delivery.version
    )
    return delivery_deliver(
        actor=worker,
        delivery=delivery,
        expected_version=delivery.version,
        handover_on=datetime.date(2025, 3, 10),
        actual_value=Decimal("1480"),
    )


@pytest.fixture
def work(system, framework, project_a, household_a, case_worker_a, manager_a):
    """A's household selected and given a grant: 2 people, 1 household — small cells."""
    _select(system, project_a, household_a)
    _grant(case_worker_a, manager_a, project_a, household_a)
    return framework


@pytest.fixture
def me_officer_a(make_user, org_a, project_a):
    return make_user(org_a, Role.ME_OFFICER, username="me-officer-a")


def _page(browser, path, **extra):
    response = browser.get(path, **extra)
    assert response.status_code == 200, response.status_code
    return response.text


def _names() -> set[str]:
    from homeward.registry.models import Person

    names = set()
    for person in Person.objects.all():
        names.update({person.first_name, person.last_name, person.father_name})
        if person.national_id:
            names.add(person.national_id)
    return {name for name in names if name}


# Staff ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.PROJECT_MANAGER, Role.ME_OFFICER])
def test_staff_see_every_indicator_under_its_result_with_exact_counts(
    role, work, make_user, org_a, client_for
):
    browser = client_for(make_user(org_a, role))
    text = _page(browser, "/projects/project-a/results/")
    document = lxml_html.fromstring(text)
    headings = [
        h.text_content().strip() for h in document.xpath("//h2[contains(@class, 'result-heading')]")
    ]
    assert headings == [
        "Objective OBJDurable return",
        "Outcome OC1Families earn a living",
        "Output OP1.1Families are supported",
    ]
    articles = {
        article.get("aria-labelledby"): article.text_content()
        for article in document.xpath("//article[contains(@class, 'indicator')]")
    }
    people = articles[f"indicator-{work['people'].pk}"]
    # Two people of A's household: no suppression for those who may see them.
    assert "2 of 40 people (5 % of the target)" in " ".join(people.split())
    assert not any("fewer than 5" in article for article in articles.values())
    assert "Computed from the recorded work" in people
    assert 'href="/projects/project-a/framework/"' in text
    using = " ".join(articles[f"indicator-{work['using'].pk}"].split())
    assert "310 of 2,250 people" in using
    assert "Entered by hand. Source: Municipal survey of June 2025" in using
    # Charts with their tables, and the budget.
    assert len(document.xpath("//svg[@role='img']")) >= 8
    assert len(document.xpath("//figure[@class='chart']//table[@class='chart-table']")) == len(
        document.xpath("//svg[@role='img']")
    )
    assert "1,500.00\xa0EUR" in text  # committed
    assert "1,480.00\xa0EUR" in text  # delivered


def test_a_lagging_indicator_is_said_in_words(work, client_for, manager_a):
    # On 30 June 2026, three quarters of the way, 2 people of the 40 asked lag far behind.
    text = _page(client_for(manager_a), "/projects/project-a/results/?as_of=2026-06-30")
    document = lxml_html.fromstring(text)
    people = document.xpath(f"//article[@aria-labelledby='indicator-{work['people'].pk}']")[0]
    assert people.xpath(".//*[contains(@class, 'status-lagging')]")[0].text_content() == "Lagging"
    assert "lagging behind" in people.text_content()
    assert "At an even pace, 29.9 by now" in " ".join(people.text_content().split())


def test_every_indicator_is_listed_at_a_glance_linking_to_its_card(work, client_for, manager_a):
    text = _page(client_for(manager_a), "/projects/project-a/results/?as_of=2026-06-30")
    document = lxml_html.fromstring(text)
    rows = document.xpath("//table[@class='glance']/tbody/tr")
    cards = document.xpath("//article[contains(@class, 'indicator')]/@aria-labelledby")
    assert [row.xpath(".//a/@href")[0] for row in rows] == [f"#{card}" for card in cards]
    people = next(r for r in rows if r.xpath(f".//a[@href='#indicator-{work['people'].pk}']"))
    cells = [" ".join(cell.text_content().split()) for cell in people.xpath("./td")]
    # The same figures as the card: nobody had been enrolled by 30 June 2026.
    assert cells == ["40", "0", "0 %", "29.9", "Lagging"]


def test_the_figures_of_a_reporting_period(work, client_for, manager_a):
    text = _page(client_for(manager_a), "/projects/project-a/results/?period=Year+1")
    assert "Figures of Year 1, as of 31 Dec 2025" in text
    assert '<option value="Year 1" selected>' in text


@pytest.mark.parametrize(
    ("as_of", "error"),
    [
        ("2099-01-01", "The figures of a day to come are not known yet."),
        ("2024-06-01", "The project starts on"),
        ("not-a-date", "Enter a valid date."),
    ],
)
def test_a_day_that_cannot_be_shown_is_refused_and_today_shown(
    as_of, error, work, client_for, manager_a
):
    text = _page(client_for(manager_a), f"/projects/project-a/results/?as_of={as_of}")
    assert error in text
    assert "Figures as of" in text


def test_an_unknown_period_is_refused(work, client_for, manager_a):
    text = _page(client_for(manager_a), "/projects/project-a/results/?period=Year+9")
    assert "Select a valid choice." in text


def test_a_project_without_a_framework(client_for, manager_a, project_a):
    text = _page(client_for(manager_a), "/projects/project-a/results/")
    assert "This project has no results framework yet." in text


# The donor -------------------------------------------------------------------------------


def test_the_donor_sees_counts_only_with_small_cells_suppressed(work, client_for, donor_viewer):
    text = _page(client_for(donor_viewer), "/projects/project-a/results/")
    document = lxml_html.fromstring(text)
    assert "Counts only, never a name." in text
    people = document.xpath(f"//article[@aria-labelledby='indicator-{work['people'].pk}']")[0]
    words = " ".join(people.text_content().split())
    assert "fewer than 5 of 40 people" in words
    # Whether so few lag behind is not said either.
    assert people.xpath(".//span[contains(@class, 'status')]")[0].text_content() == (
        "Too few to assess"
    )
    assert "/framework/" not in text
    # The suppressed count is nowhere: not in the headline, the chart or its table.
    for cell in people.xpath(".//td | .//text"):
        assert cell.text_content().strip() != "2"
    assert document.xpath("//rect[@class='chart-suppressed']")


def _readable(response) -> str:
    """What a page or a download says: the text of every part of a DOCX or XLSX."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return " ".join(
                archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
            )
    return content.decode("utf-8", "replace")


def test_no_name_is_on_any_page_or_download_the_donor_reaches(
    work, family, client_for, donor_viewer, household_a
):
    for _ in range(3):
        family()
    names = _names()
    assert {"Dragan", "Petrović", "Milica"} <= names
    browser = client_for(donor_viewer)
    start = ["/results/", "/projects/project-a/results/", "/projects/project-a/"]
    seen = set(start)
    for path in start:
        text = _page(browser, path)
        for name in names:
            assert name not in text, (path, name)
        assert household_a.number not in text
        for link in lxml_html.fromstring(text).xpath("//main//a[@href]"):
            href = link.get("href")
            if href.startswith("/") and href not in seen:
                seen.add(href)
                followed = browser.get(href)
                assert followed.status_code == 200, href
                said = _readable(followed)
                for name in names:
                    assert name not in said, (href, name)
    linked = seen - set(start)
    assert linked
    assert not [path for path in linked if path.startswith(("/registry", "/activities"))]


def test_a_project_the_donor_does_not_fund_is_not_found(client_for, donor_viewer, project_b):
    browser = client_for(donor_viewer)
    assert browser.get("/projects/project-b/results/").status_code == 404
    assert "project-b" not in _page(browser, "/results/")


# Nobody else --------------------------------------------------------------------------------


def test_a_case_worker_of_another_organisation_finds_nothing(
    work, make_user, org_b, project_b, client_for
):
    browser = client_for(make_user(org_b, Role.CASE_WORKER))
    assert browser.get("/projects/project-a/results/").status_code == 404
    assert browser.get("/projects/no-such-project/results/").status_code == 404
    portfolio = _page(browser, "/results/")
    assert "project-a" not in portfolio
    assert "/projects/project-b/results/" in portfolio


def test_the_data_protection_officer_has_no_dashboard(work, client_for, dpo_a):
    browser = client_for(dpo_a)
    assert browser.get("/projects/project-a/results/").status_code == 404
    assert browser.get("/results/").status_code == 404


# Across projects ---------------------------------------------------------------------------


def test_the_portfolio_shows_each_project_with_its_standing(
    work, client_for, manager_a, project_a2
):
    text = _page(client_for(manager_a), "/results/")
    document = lxml_html.fromstring(text)
    cards = {
        card.get("aria-labelledby"): " ".join(card.text_content().split())
        for card in document.xpath("//div[@class='project-cards']/section")
    }
    assert set(cards) == {"project-project-a", "project-project-a2"}
    assert "4 indicators" in cards["project-project-a"]
    assert "Committed1,500 EUR Delivered1,480 EUR" in cards["project-project-a"]
    assert "No results framework yet." in cards["project-project-a2"]
    assert document.xpath("//a[@href='/projects/project-a/results/']")


def test_the_navigation_leads_to_results(client_for, manager_a, donor_viewer, dpo_a):
    for user, shown in ((manager_a, True), (donor_viewer, True), (dpo_a, False)):
        response = client_for(user).get("/")
        urls = [item["url"] for item in response.context["navigation"]]
        assert ("/results/" in urls) is shown, user


def test_the_project_page_shows_the_results_panel(work, client_for, manager_a, donor_viewer):
    manager_page = _page(client_for(manager_a), "/projects/project-a/")
    assert 'href="/projects/project-a/results/"' in manager_page
    assert "1.1.1 · People in beneficiary families" in manager_page
    donor_page = _page(client_for(donor_viewer), "/projects/project-a/")
    assert 'href="/projects/project-a/results/"' in donor_page
    assert "fewer than 5" in donor_page


# Languages and speed ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "target", "june"),
    [
        ("sr", "2.250", "јун 2026"),
        ("sr-latn", "2.250", "jun 2026"),
        ("sq", "2\xa0250", "qershor 2026"),
    ],
)
def test_the_page_in_another_language(language, target, june, work, client_for, manager_a):
    browser = client_for(manager_a)
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    text = _page(browser, "/projects/project-a/results/?as_of=2026-06-30")
    assert f'<html lang="{language}">' in text
    # Numbers, dates and months as the language writes them, whatever the words' translation.
    document = lxml_html.fromstring(text)
    using = document.xpath(f"//article[@aria-labelledby='indicator-{work['using'].pk}']")[0]
    assert target in using.text_content()
    assert june in using.text_content().lower()
    assert "30.06.2026" in text
    assert re.search(r"1[.\xa0]500,00\xa0EUR", text)


@pytest.mark.parametrize(
    ("language", "shown", "hidden"),
    [
        ("en", "Every member of a family.", "Сваки члан породице."),
        ("sr", "Сваки члан породице.", "Every member of a family."),
        ("sr-latn", "Svaki član porodice.", "Сваки члан породице."),
        ("sq", "Çdo anëtar i familjes.", "Every member of a family."),
    ],
)
def test_the_definition_is_shown_in_the_readers_language(
    language, shown, hidden, work, system, client_for, manager_a
):
    people = work["people"]
    indicator_update(
        actor=system,
        indicator=people,
        expected_version=people.version,
        definition="Every member of a family.",
        definition_sr="Сваки члан породице.",
        definition_sr_latn="Svaki član porodice.",
        definition_sq="Çdo anëtar i familjes.",
    )
    browser = client_for(manager_a)
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    with translation.override("en"):  # the request's language must not outlive the test
        pages = [
            _page(browser, "/projects/project-a/results/"),
            _page(browser, f"/projects/project-a/framework/indicators/{people.pk}/"),
        ]
    for text in pages:
        assert shown in text
        assert hidden not in text


def test_an_untranslated_definition_is_shown_in_english(work, system, client_for, manager_a):
    people = work["people"]
    indicator_update(
        actor=system,
        indicator=people,
        expected_version=people.version,
        definition="Every member of a family.",
    )
    browser = client_for(manager_a)
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = "sq"
    with translation.override("en"):
        assert "Every member of a family." in _page(browser, "/projects/project-a/results/")


def _queries(browser, path) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert browser.get(path).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("user", ["manager_a", "donor_viewer"])
@pytest.mark.parametrize("path", ["/projects/project-a/results/", "/results/"])
def test_queries_do_not_grow_with_the_work_recorded(
    request, user, path, work, family, client_for, case_worker_a, manager_a, project_a
):
    browser = client_for(request.getfixturevalue(user))
    few = _queries(browser, path)
    for _ in range(6):
        household = family()
        _grant(case_worker_a, manager_a, project_a, household)
    assert _queries(browser, path) <= few


def test_the_layout_adds_no_query_per_indicator(work, system, project_a, client_for, manager_a):
    """The selector computes the figures; the page lays them out with a fixed number of
    queries of its own (the period choices, the scope), however many indicators there are."""
    from homeward.results.models import Result
    from homeward.results.selectors import project_figures

    browser = client_for(manager_a)

    def own_queries() -> int:
        with CaptureQueriesContext(connection) as figures:
            project_figures(actor=Actor(user=manager_a), project=project_a)
        return _queries(browser, "/projects/project-a/results/") - len(figures.captured_queries)

    few = own_queries()
    output = Result.objects.get(project=project_a, code="OP1.1")
    for number in range(4, 8):
        indicator = indicator_create(
            actor=system,
            project=project_a,
            result=output,
            code=f"1.1.{number}",
            name=f"Indicator {number}",
            unit="people",
            disaggregations=["sex", "municipality"],
            rule={"kind": "enrolled", "count": "people"},
        )
        target_set(
            actor=system,
            indicator=indicator,
            label=f"Year {number}",
            start=datetime.date(2025, 1, 1),
            end=datetime.date(2026, 12, 31),
            value=10,
        )
    assert own_queries() <= few


def test_the_pages_need_nothing_the_content_security_policy_forbids(work, client_for, manager_a):
    browser = client_for(manager_a)
    for path in ("/projects/project-a/results/", "/results/", "/projects/project-a/"):
        response = browser.get(path)
        assert "Content-Security-Policy" in response.headers
        text = response.text
        # No inline style, no script of its own, nothing fetched from elsewhere.
        assert " style=" not in text, path
        assert "<style" not in text, path
        assert text.count("<script") == 1, path
        assert not re.search(r'(src|href)="https?://', text), path
