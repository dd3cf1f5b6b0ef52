"""The results API: framework and indicators read and written through the services, and the
figures JSON with its suppression for donors."""

import pytest

from homeward.results.models import Indicator, ManualValue
from homeward.results.tests.conftest import AS_OF

pytestmark = pytest.mark.django_db


def test_a_manager_builds_a_framework_over_the_api(api_client_for, manager_a, project_a):
    api = api_client_for(manager_a)
    answer = api.post(
        "/api/v1/results/",
        {"project": "project-a", "level": "objective", "code": "SO", "statement": "Return"},
        format="json",
    )
    assert answer.status_code == 201, answer.json()
    answer = api.post(
        "/api/v1/indicators/",
        {
            "project": "project-a",
            "result": "SO",
            "code": "SO.1",
            "name": "Families with a grant",
            "unit": "households",
            "rule": {"kind": "assistance_delivered", "grants_only": True},
            "disaggregations": ["municipality"],
        },
        format="json",
    )
    assert answer.status_code == 201, answer.json()
    indicator = answer.json()
    answer = api.post(
        f"/api/v1/indicators/{indicator['id']}/targets/",
        {"label": "End", "start": "2025-01-01", "end": "2026-12-31", "value": "25"},
        format="json",
    )
    assert answer.json()["targets"][0]["value"] == "25.00"
    answer = api.patch(
        f"/api/v1/indicators/{indicator['id']}/",
        {"name": "IDP families with a grant", "version": indicator["version"]},
        format="json",
    )
    assert answer.json()["name"] == "IDP families with a grant"
    stale = api.patch(
        f"/api/v1/indicators/{indicator['id']}/",
        {"name": "Other", "version": indicator["version"]},
        format="json",
    )
    assert stale.status_code == 409
    listed = api.get("/api/v1/indicators/?project=project-a").json()
    assert [row["code"] for row in listed["results"]] == ["SO.1"]


def test_a_bad_rule_is_a_400_naming_the_field(api_client_for, manager_a, system, project_a):
    from homeward.results.services import result_create

    result_create(actor=system, project=project_a, level="objective", code="SO", statement="x")
    answer = api_client_for(manager_a).post(
        "/api/v1/indicators/",
        {
            "project": "project-a",
            "result": "SO",
            "code": "SO.1",
            "name": "x",
            "unit": "people",
            "rule": {"kind": "assistance_delivered", "count": "herds"},
        },
        format="json",
    )
    assert answer.status_code == 400
    assert "rule" in answer.json()["error"]["fields"]
    assert not Indicator.objects.exists()


def test_a_manual_value_over_the_api(api_client_for, manager_a, system, project_a, framework):
    ruled = framework({"kind": "events_held"}, "events")
    manual = framework(None, "percentage")
    api = api_client_for(manager_a)
    refused = api.post(
        f"/api/v1/indicators/{ruled.pk}/values/",
        {"as_of": "2025-06-01", "value": "3", "source": "count"},
        format="json",
    )
    assert refused.status_code == 400
    assert "value" in refused.json()["error"]["fields"]
    answer = api.post(
        f"/api/v1/indicators/{manual.pk}/values/",
        {"as_of": "2025-06-01", "value": "45", "source": "Survey"},
        format="json",
    )
    assert answer.status_code == 201
    assert ManualValue.objects.get().source == "Survey"


def test_the_figures_json(world, framework, api_client_for, manager_a, donor_viewer):
    framework(
        {"kind": "assistance_delivered", "count": "members"},
        "people",
        disaggregations=["sex", "municipality"],
    )
    framework({"kind": "assistance_delivered", "count": "households"}, "households")
    url = f"/api/v1/project-figures/project-a/?as_of={AS_OF.isoformat()}"
    staff = api_client_for(manager_a).get(url).json()
    assert staff["aggregate_only"] is False
    assert [i["actual"] for i in staff["indicators"]] == ["5", "2"]
    sex = staff["indicators"][0]["breakdowns"][0]
    assert {c["key"]: c["value"] for c in sex["cells"]} == {"F": "3", "M": "2"}
    donor = api_client_for(donor_viewer).get(url).json()
    assert donor["aggregate_only"] is True
    assert donor["indicators"][1]["actual"] is None
    assert donor["indicators"][1]["suppressed"] is True
    assert {c["key"]: c["suppressed"] for c in donor["indicators"][0]["breakdowns"][0]["cells"]}
    assert "Dragan" not in str(donor)
    portfolio = api_client_for(donor_viewer).get("/api/v1/project-figures/").json()
    assert [p["project_code"] for p in portfolio["projects"]] == ["project-a"]


def test_figures_outside_the_scope_are_404(api_client_for, manager_b, dpo_a, project_a):
    for user in (manager_b, dpo_a):
        answer = api_client_for(user).get("/api/v1/project-figures/project-a/")
        assert answer.status_code == 404
    answer = api_client_for(manager_b).get("/api/v1/project-figures/project-a/?as_of=x")
    assert answer.status_code == 404


def test_a_bad_date_is_a_400(api_client_for, manager_a, project_a):
    answer = api_client_for(manager_a).get("/api/v1/project-figures/project-a/?as_of=soon")
    assert answer.status_code == 400
    assert "as_of" in answer.json()["error"]["fields"]


def test_the_definition_in_every_language_over_the_api(api_client_for, manager_a, project_a):
    api = api_client_for(manager_a)
    api.post(
        "/api/v1/results/",
        {"project": "project-a", "level": "objective", "code": "SO", "statement": "Return"},
        format="json",
    )
    answer = api.post(
        "/api/v1/indicators/",
        {
            "project": "project-a",
            "result": "SO",
            "code": "SO.1",
            "name": "Families with a grant",
            "unit": "households",
            "definition": "Households handed a grant.",
            "definition_sr": "Домаћинства која су добила грант.",
            "definition_sr_latn": "Domaćinstva koja su dobila grant.",
            "definition_sq": "Familje që morën grant.",
        },
        format="json",
    )
    assert answer.status_code == 201, answer.json()
    indicator = answer.json()
    assert indicator["definition_sr"] == "Домаћинства која су добила грант."
    assert indicator["definition_sr_latn"] == "Domaćinstva koja su dobila grant."
    assert indicator["definition_sq"] == "Familje që morën grant."
    answer = api.patch(
        f"/api/v1/indicators/{indicator['id']}/",
        {"definition_sq": "  Familje që morën një grant.  ", "version": indicator["version"]},
        format="json",
    )
    assert answer.status_code == 200, answer.json()
    assert answer.json()["definition_sq"] == "Familje që morën një grant."
    stored = Indicator.objects.get(pk=indicator["id"])
    assert stored.definition_sr == "Домаћинства која су добила грант."
    bad = api.patch(
        f"/api/v1/indicators/{indicator['id']}/",
        {"definition_sr": ["not", "text"], "version": answer.json()["version"]},
        format="json",
    )
    assert bad.status_code == 400
    assert "definition_sr" in str(bad.json())
