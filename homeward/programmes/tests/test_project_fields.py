"""Every field of a project: created and changed through the services, the pages and the
API, each rule refused with the field named and nothing saved."""

from datetime import date
from decimal import Decimal

import pytest
from django.http import Http404
from django.utils import translation

from homeward.accounts.models import Organisation
from homeward.accounts.roles import Role
from homeward.accounts.services import organisation_create
from homeward.core.errors import ConflictError, ValidationError
from homeward.core.models import AuditEvent
from homeward.geo.models import Area
from homeward.programmes.models import Project
from homeward.programmes.services import municipalities_resolve, project_create, project_update

pytestmark = pytest.mark.django_db


def full_values(**extra) -> dict:
    return {
        "code": "step-forward",
        "title": "A Step Forward to Return",
        "title_sr": "Корак напред ка повратку",
        "title_sr_latn": "Korak napred ka povratku",
        "title_sq": "Një hap përpara drejt kthimit",
        "description": "Support for returnees in Zvezdara and Palilula.",
        "start_date": date(2025, 1, 1),
        "end_date": date(2027, 4, 30),
        "budget": Decimal("1200000"),
        "currency": "EUR",
        "target_groups": ["returnee", "idp"],
    } | extra


@pytest.fixture
def gjilan():
    return Area.objects.get(code="XK-gjilan")


@pytest.fixture
def zvezdara():
    return Area.objects.get(code="RS-00-zvezdara")


def test_a_project_is_created_with_every_field_and_audited(
    actor, manager_a, org_a, org_b, donor_org, gjilan, zvezdara
):
    project = project_create(
        actor=actor(manager_a),
        lead_organisation=org_a,
        partners=[org_b],
        donors=[donor_org],
        municipalities=[gjilan, zvezdara],
        **full_values(),
    )
    project.refresh_from_db()
    assert project.budget == Decimal("1200000.00")
    assert project.title_sq == "Një hap përpara drejt kthimit"
    assert set(project.municipalities.values_list("code", flat=True)) == {
        "XK-gjilan",
        "RS-00-zvezdara",
    }
    assert project.target_groups == ["returnee", "idp"]
    changes = AuditEvent.objects.get(action="project.create", target_id=str(project.pk)).changes
    assert changes["municipalities"]["after"] == ["RS-00-zvezdara", "XK-gjilan"]
    assert changes["budget"]["after"] == "1200000.00"
    assert changes["currency"]["after"] == "EUR"


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"end_date": date(2024, 12, 31)}, "end_date"),
        ({"budget": Decimal("-1")}, "budget"),
        ({"currency": "CHF"}, "currency"),
        ({"target_groups": ["aliens"]}, "target_groups"),
        ({"code": "Not a slug!"}, "code"),
        ({"code": "new"}, "code"),
        ({"title": ""}, "title"),
    ],
)
def test_each_bad_value_is_refused_naming_its_field(system, org_a, extra, field):
    with pytest.raises(ValidationError) as refused:
        project_create(actor=system, lead_organisation=org_a, **full_values(**extra))
    assert field in refused.value.message_dict
    assert not Project.objects.filter(title="A Step Forward to Return").exists()


def test_the_lead_cannot_be_its_own_partner(system, org_a):
    with pytest.raises(ValidationError) as refused:
        project_create(actor=system, lead_organisation=org_a, partners=[org_a], **full_values())
    assert set(refused.value.message_dict) == {"partners"}


def test_only_donor_organisations_fund_projects(system, org_a, org_b):
    with pytest.raises(ValidationError) as refused:
        project_create(actor=system, lead_organisation=org_a, donors=[org_b], **full_values())
    assert "Organisation B" in refused.value.message_dict["donors"][0]


def test_only_municipalities_are_project_places(system, org_a):
    district = Area.objects.exclude(
        kind__in=["city", "municipality", "city_municipality", "kosovo_municipality"]
    ).first()
    with pytest.raises(ValidationError) as refused:
        project_create(
            actor=system, lead_organisation=org_a, municipalities=[district], **full_values()
        )
    assert set(refused.value.message_dict) == {"municipalities"}


def test_municipalities_resolve_from_any_spelling_or_code(gjilan, zvezdara):
    assert municipalities_resolve(["Гњилане", "Gnjilane", "Gjilan", "XK-gjilan"]) == [gjilan]
    assert municipalities_resolve(["zvezdara", "", "Звездара"]) == [zvezdara]
    with pytest.raises(ValidationError) as refused:
        municipalities_resolve(["Gjilan", "Atlantis", "Palilula"])
    assert len(refused.value.message_dict["municipalities"]) == 2


def test_an_update_changes_every_field_and_records_it(
    actor, manager_a, project_a, org_b, donor_org, gjilan
):
    project_update(
        actor=actor(manager_a),
        project=project_a,
        expected_version=project_a.version,
        title_sq="Projekti A",
        description="Now with a description.",
        budget=Decimal("5000.5"),
        currency="RSD",
        partners=[org_b],
        donors=[],
        municipalities=[gjilan],
        target_groups=["remainee"],
    )
    project_a.refresh_from_db()
    assert (project_a.budget, project_a.currency, project_a.version) == (
        Decimal("5000.50"),
        "RSD",
        2,
    )
    assert list(project_a.partners.all()) == [org_b]
    assert not project_a.donors.exists()
    changes = AuditEvent.objects.get(action="project.update").changes
    assert changes["partners"] == {"before": [], "after": ["org-b"]}
    assert changes["donors"] == {"before": ["donor"], "after": []}
    assert changes["municipalities"] == {"before": [], "after": ["XK-gjilan"]}
    assert changes["currency"] == {"before": "EUR", "after": "RSD"}


def test_a_change_of_partners_alone_moves_the_version(system, project_a, org_b):
    project_update(actor=system, project=project_a, expected_version=1, partners=[org_b])
    project_a.refresh_from_db()
    assert project_a.version == 2
    with pytest.raises(ConflictError):
        project_update(actor=system, project=project_a, expected_version=1, partners=[])
    assert list(project_a.partners.all()) == [org_b]


def test_saving_the_same_values_writes_nothing(system, project_a):
    project_update(actor=system, project=project_a, expected_version=1, title=project_a.title)
    assert not AuditEvent.objects.filter(action="project.update").exists()


def test_an_update_refuses_bad_values_and_keeps_the_saved_ones(system, project_a, org_a):
    for changes, field in [
        ({"budget": Decimal("-5")}, "budget"),
        ({"partners": [org_a]}, "partners"),
        ({"start_date": date(2030, 1, 1)}, "end_date"),
    ]:
        with pytest.raises(ValidationError) as refused:
            project_update(actor=system, project=project_a, expected_version=None, **changes)
        assert field in refused.value.message_dict
    saved = Project.objects.get(pk=project_a.pk)
    assert (saved.budget, saved.start_date, saved.version) == (None, date(2025, 1, 1), 1)
    assert not saved.partners.exists()


def test_the_lead_moves_only_to_an_organisation_the_manager_manages(
    actor, manager_a, project_a, org_b
):
    with pytest.raises(Http404):
        project_update(
            actor=actor(manager_a), project=project_a, expected_version=1, lead_organisation=org_b
        )
    assert (
        Project.objects.get(pk=project_a.pk).lead_organisation_id == project_a.lead_organisation_id
    )


def test_the_title_follows_the_language(system, org_a):
    project = project_create(actor=system, lead_organisation=org_a, **full_values())
    for language, title in [
        ("sr", "Корак напред ка повратку"),
        ("sr-latn", "Korak napred ka povratku"),
        ("sq", "Një hap përpara drejt kthimit"),
        ("en", "A Step Forward to Return"),
    ]:
        with translation.override(language):
            assert project.localised_title == title


# --- pages -----------------------------------------------------------------------------------


def _new_form(**extra) -> dict:
    return {
        "code": "step-forward",
        "title": "A Step Forward to Return",
        "title_sq": "Një hap përpara drejt kthimit",
        "lead_organisation": "org-a",
        "start_date": "2025-01-01",
        "end_date": "2027-04-30",
        "budget": "1200000",
        "currency": "EUR",
        "municipalities": "Гњилане\nZvezdara",
        "target_groups": ["returnee", "idp"],
        "donors": ["donor"],
    } | extra


def test_a_manager_creates_a_project_on_the_new_page(client_for, manager_a, donor_org):
    browser = client_for(manager_a)
    assert browser.get("/projects/new/").status_code == 200
    assert "/projects/new/" in browser.get("/projects/").content.decode()
    response = browser.post("/projects/new/", _new_form())
    assert response.status_code == 302, response.context["form"].errors
    assert response.url == "/projects/step-forward/"
    project = Project.objects.get(code="step-forward")
    assert set(project.municipalities.values_list("code", flat=True)) == {
        "XK-gjilan",
        "RS-00-zvezdara",
    }
    assert list(project.donors.all()) == [donor_org]


def test_the_new_page_names_every_bad_field_and_saves_nothing(client_for, manager_a, donor_org):
    response = client_for(manager_a).post(
        "/projects/new/",
        _new_form(budget="-3", municipalities="Atlantis", end_date="2020-01-01", currency="XYZ"),
    )
    assert response.status_code == 200
    assert {"budget", "end_date", "currency"} <= set(response.context["form"].errors)
    assert not Project.objects.filter(code="step-forward").exists()
    # The places are resolved once the rest is valid: an unknown one is named.
    response = client_for(manager_a).post("/projects/new/", _new_form(municipalities="Atlantis"))
    assert "municipalities" in response.context["form"].errors
    assert not Project.objects.filter(code="step-forward").exists()


def test_the_new_page_offers_only_the_managers_own_organisation(client_for, manager_a, org_b):
    response = client_for(manager_a).post("/projects/new/", _new_form(lead_organisation="org-b"))
    assert "lead_organisation" in response.context["form"].errors
    assert not Project.objects.filter(code="step-forward").exists()


@pytest.mark.parametrize("role", [Role.CASE_WORKER, Role.DONOR_VIEWER, Role.SELECTION_COMMITTEE])
def test_roles_that_do_not_manage_projects_find_no_new_page(client_for, make_user, org_a, role):
    browser = client_for(make_user(org_a, role))
    assert browser.get("/projects/new/").status_code == 404
    assert browser.post("/projects/new/", _new_form()).status_code == 404
    assert not Project.objects.filter(code="step-forward").exists()


def test_the_project_page_shows_everything_in_its_language(
    client_for, system, manager_a, org_a, org_b, gjilan
):
    project_create(
        actor=system,
        lead_organisation=org_a,
        partners=[org_b],
        municipalities=[gjilan],
        **full_values(),
    )
    browser = client_for(manager_a)
    page = browser.get("/projects/step-forward/").content.decode()
    assert "A Step Forward to Return" in page
    assert "Gjilan / Gnjilane" in page
    assert "Organisation B" in page
    assert "EUR" in page
    browser.post("/i18n/setlang/", {"language": "sr", "next": "/"})
    page = browser.get("/projects/step-forward/").content.decode()
    assert "Корак напред ка повратку" in page
    assert "Гњилане" in page


def test_the_edit_page_changes_every_field(client_for, manager_a, project_a, org_b):
    browser = client_for(manager_a)
    form = browser.get("/projects/project-a/edit/").context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        {
            "start_date": "2025-01-01",
            "end_date": "2026-12-31",
            "title_sr": "Пројекат А",
            "partners": ["org-b"],
            "municipalities": "Gjilan\nPalilula, Niš",
            "budget": "250000",
            "currency": "USD",
            "target_groups": ["women"],
        }
    )
    response = browser.post("/projects/project-a/edit/", data)
    assert response.status_code == 302, response.context["form"].errors
    project = Project.objects.get(pk=project_a.pk)
    assert (project.title_sr, project.currency, project.budget) == (
        "Пројекат А",
        "USD",
        Decimal("250000.00"),
    )
    assert list(project.partners.all()) == [org_b]
    assert project.municipalities.count() == 2
    assert project.target_groups == ["women"]
    # What the edit page shows again resolves to the same places: nothing changes.
    again = browser.get("/projects/project-a/edit/").context["form"].initial
    assert municipalities_resolve(again["municipalities"].split("\n")) == list(
        project.municipalities.all()
    )


def test_a_donor_is_not_offered_as_partner(client_for, manager_a, project_a, donor_org):
    form = client_for(manager_a).get("/projects/project-a/edit/").context["form"]
    assert donor_org not in form.fields["partners"].queryset
    assert donor_org in form.fields["donors"].queryset


# --- API -------------------------------------------------------------------------------------


def _api_body(**extra) -> dict:
    return {
        "code": "step-forward",
        "title": "A Step Forward to Return",
        "title_sr_latn": "Korak napred ka povratku",
        "lead_organisation": "org-a",
        "partners": ["org-b"],
        "donors": ["donor"],
        "start_date": "2025-01-01",
        "end_date": "2027-04-30",
        "budget": "1200000.00",
        "currency": "EUR",
        "municipalities": ["Гњилане", "RS-00-zvezdara"],
        "target_groups": ["returnee"],
    } | extra


def test_the_api_creates_a_project_and_lists_it_with_codes(
    api_client_for, manager_a, org_b, donor_org
):
    api = api_client_for(manager_a)
    response = api.post("/api/v1/projects/", _api_body(), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["municipalities"] == ["RS-00-zvezdara", "XK-gjilan"]
    assert body["partners"] == ["org-b"]
    assert body["budget"] == "1200000.00"
    listed = {row["code"]: row for row in api.get("/api/v1/projects/").json()["results"]}
    assert listed["step-forward"]["target_groups"] == ["returnee"]
    assert listed["step-forward"]["title_sr_latn"] == "Korak napred ka povratku"


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"currency": "CHF"}, "currency"),
        ({"budget": "-1"}, "budget"),
        ({"end_date": "2020-01-01"}, "end_date"),
        ({"municipalities": ["Atlantis"]}, "municipalities"),
        ({"partners": ["org-a"]}, "partners"),
        ({"donors": ["org-b"]}, "donors"),
        ({"target_groups": ["aliens"]}, "target_groups"),
        ({"lead_organisation": "no-such-org"}, "lead_organisation"),
    ],
)
def test_the_api_refuses_bad_values_naming_the_field(
    api_client_for, manager_a, org_b, donor_org, extra, field
):
    response = api_client_for(manager_a).post(
        "/api/v1/projects/", _api_body(**extra), format="json"
    )
    assert response.status_code == 400, response.content
    # A bad item of a list is named with its position: "target_groups.0".
    assert any(name.split(".")[0] == field for name in response.json()["error"]["fields"])
    assert not Project.objects.filter(code="step-forward").exists()


def test_the_api_refuses_a_project_for_another_organisation(api_client_for, manager_a, org_b):
    response = api_client_for(manager_a).post(
        "/api/v1/projects/", _api_body(lead_organisation="org-b", partners=[]), format="json"
    )
    assert response.status_code == 404
    assert not Project.objects.filter(code="step-forward").exists()


@pytest.mark.parametrize("role", [Role.CASE_WORKER, Role.DONOR_VIEWER])
def test_the_api_refuses_creation_to_roles_without_project_management(
    api_client_for, make_user, org_a, org_b, donor_org, role
):
    response = api_client_for(make_user(org_a, role)).post(
        "/api/v1/projects/", _api_body(), format="json"
    )
    assert response.status_code == 404
    assert not Project.objects.filter(code="step-forward").exists()


def test_the_api_changes_places_and_groups_with_the_version(api_client_for, manager_a, project_a):
    api = api_client_for(manager_a)
    response = api.patch(
        "/api/v1/projects/project-a/",
        {"version": 1, "municipalities": ["Gnjilane"], "target_groups": ["idp", "women"]},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["municipalities"] == ["XK-gjilan"]
    assert response.json()["version"] == 2
    stale = api.patch(
        "/api/v1/projects/project-a/", {"version": 1, "municipalities": []}, format="json"
    )
    assert stale.status_code == 409
    assert Project.objects.get(pk=project_a.pk).municipalities.count() == 1


def test_a_donor_organisation_kind_is_checked_not_its_name(system, org_a):
    funder = organisation_create(
        actor=system, code="funder", name="Funder", kind=Organisation.Kind.DONOR
    )
    project = project_create(
        actor=system, lead_organisation=org_a, donors=[funder], **full_values()
    )
    assert list(project.donors.all()) == [funder]
