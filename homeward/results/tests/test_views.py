"""The framework pages: the tree with rules in words, and the forms that build it."""

import json

import pytest

from homeward.results.models import Indicator, IndicatorTarget, ManualValue, Result

pytestmark = pytest.mark.django_db

BASE = "/projects/project-a/framework/"


@pytest.fixture
def tree(system, project_a):
    from homeward.results.tests.pages import placeholders

    return placeholders(
        system=system, case_worker=None, project=project_a, household=None, enrolment=None
    )


def test_the_framework_page_shows_the_tree_and_rules_in_words(tree, client_for, donor_viewer):
    page = client_for(donor_viewer).get(BASE)
    assert page.status_code == 200
    text = page.content.decode()
    assert "SO.1" in text
    assert "Distinct households given assistance" in text
    # A donor reads it, but no form to change it is offered.
    assert "Add a result" not in text


def test_a_manager_builds_the_framework_from_the_pages(tree, client_for, manager_a):
    browser = client_for(manager_a)
    assert "Add a result" in browser.get(BASE).content.decode()
    objective = Result.objects.get(code="SO")
    answer = browser.post(
        f"{BASE}results/new/",
        {"level": "outcome", "parent": objective.pk, "code": "R1", "statement": "Livelihoods"},
    )
    assert answer.status_code == 302
    outcome = Result.objects.get(code="R1")
    answer = browser.post(
        f"{BASE}indicators/new/",
        {
            "result": outcome.pk,
            "code": "R1.a",
            "name": "People trained",
            "unit": "people",
            "disaggregations": ["sex", "age_band"],
            "rule": '{"kind": "activity_completed", "activity_kinds": ["business_training"]}',
        },
    )
    indicator = Indicator.objects.get(code="R1.a")
    assert answer.status_code == 302
    assert indicator.rule == {"kind": "activity_completed", "activity_kinds": ["business_training"]}
    assert indicator.disaggregations == ["sex", "age_band"]
    answer = browser.post(
        f"{BASE}indicators/{indicator.pk}/targets/",
        {"label": "Year 1", "start": "2025-01-01", "end": "2025-12-31", "value": "40"},
    )
    assert answer.status_code == 302
    assert IndicatorTarget.objects.get(indicator=indicator).value == 40
    page = browser.get(f"{BASE}indicators/{indicator.pk}/")
    assert "Distinct registered people who completed an activity" in page.content.decode()
    # No form for a value typed in: the rule computes it.
    assert "Record a value" not in page.content.decode()


def test_bad_rule_json_is_shown_on_the_form(tree, client_for, manager_a):
    browser = client_for(manager_a)
    objective = Result.objects.get(code="SO")
    fields = {"result": objective.pk, "code": "X", "name": "X", "unit": "people"}
    page = browser.post(f"{BASE}indicators/new/", fields | {"rule": "{kind: oops"})
    assert page.status_code == 200
    assert "not valid JSON" in page.content.decode()
    page = browser.post(f"{BASE}indicators/new/", fields | {"rule": '{"kind": "magic"}'})
    assert "Unknown rule kind" in page.content.decode()
    assert not Indicator.objects.filter(code="X").exists()


def test_editing_an_indicator_keeps_others_work(tree, client_for, manager_a):
    browser = client_for(manager_a)
    indicator = Indicator.objects.get(pk=tree["indicator"])
    url = f"{BASE}indicators/{indicator.pk}/edit/"
    form = {
        "result": indicator.result_id,
        "code": indicator.code,
        "name": "Families given any assistance",
        "unit": "households",
        "rule": '{"kind": "assistance_delivered", "count": "households"}',
        "age_bands": "[[0, 17], [18, null]]",
        "disaggregations": ["municipality"],
        "version": indicator.version,
    }
    assert browser.post(url, form).status_code == 302
    indicator.refresh_from_db()
    assert (indicator.name, indicator.age_bands) == (
        "Families given any assistance",
        [[0, 17], [18, None]],
    )
    stale = browser.post(url, form | {"name": "Something else"})
    assert stale.status_code == 200  # somebody (here: the first save) saved in between
    indicator.refresh_from_db()
    assert indicator.name == "Families given any assistance"


def test_the_definition_is_written_in_each_language_on_the_form(tree, client_for, manager_a):
    browser = client_for(manager_a)
    indicator = Indicator.objects.get(pk=tree["indicator"])
    url = f"{BASE}indicators/{indicator.pk}/edit/"
    page = browser.get(url).content.decode()
    for label in ("Definition (Serbian, Cyrillic)", "Definition (Serbian, Latin)",
                  "Definition (Albanian)"):  # fmt: skip
        assert label in page
    form = {
        "result": indicator.result_id,
        "code": indicator.code,
        "name": indicator.name,
        "unit": indicator.unit,
        "rule": json.dumps(indicator.rule),
        "definition": "Households handed a grant.",
        "definition_sr": "Домаћинства која су добила грант.",
        "definition_sq": "Familje që morën grant.",
        "version": indicator.version,
    }
    assert browser.post(url, form).status_code == 302
    indicator.refresh_from_db()
    assert indicator.definition_sr == "Домаћинства која су добила грант."
    assert indicator.definition_sq == "Familje që morën grant."
    assert "Familje që morën grant." in browser.get(url).content.decode()  # kept for editing


def test_a_value_is_recorded_by_hand_for_an_indicator_without_rule(tree, client_for, manager_a):
    browser = client_for(manager_a)
    objective = Result.objects.get(code="SO")
    browser.post(
        f"{BASE}indicators/new/",
        {"result": objective.pk, "code": "S", "name": "Satisfaction", "unit": "percentage"},
    )
    indicator = Indicator.objects.get(code="S")
    url = f"{BASE}indicators/{indicator.pk}/values/"
    page = browser.post(url, {"as_of": "2025-06-01", "value": "70", "source": ""})
    assert page.status_code == 200
    assert not ManualValue.objects.exists()
    answer = browser.post(url, {"as_of": "2025-06-01", "value": "70", "source": "Survey"})
    assert answer.status_code == 302
    assert ManualValue.objects.get().source == "Survey"
    # On a computed indicator the value is refused, naming the field.
    page = browser.post(
        f"{BASE}indicators/{tree['indicator']}/values/",
        {"as_of": "2025-06-01", "value": "70", "source": "Survey"},
        follow=True,
    )
    assert "computed by its rule" in page.content.decode()


def test_results_are_deleted_only_when_empty(tree, client_for, manager_a):
    browser = client_for(manager_a)
    objective = Result.objects.get(code="SO")
    browser.post(f"{BASE}results/{objective.pk}/delete/")
    assert Result.objects.filter(pk=objective.pk).exists()


@pytest.mark.parametrize("user", ["case_worker_a", "donor_viewer", "manager_b"])
def test_forms_are_not_there_for_those_who_do_not_manage(request, tree, client_for, user):
    browser = client_for(request.getfixturevalue(user))
    for path in (
        f"{BASE}results/new/",
        f"{BASE}indicators/{tree['indicator']}/edit/",
    ):
        assert browser.get(path).status_code == 404
    answer = browser.post(
        f"{BASE}indicators/{tree['indicator']}/targets/",
        {"label": "Y", "start": "2025-01-01", "end": "2025-12-31", "value": "1"},
    )
    assert answer.status_code == 404
    assert not IndicatorTarget.objects.filter(label="Y").exists()


def test_another_organisations_framework_is_not_there(tree, client_for, manager_b):
    assert client_for(manager_b).get(BASE).status_code == 404


def test_the_command_prints_the_indicator_table(tree, donor_viewer):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("indicators", project="project-a", user=donor_viewer.username, stdout=out)
    text = out.getvalue()
    assert "SO.1" in text
    assert "aggregates only" in text
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("indicators", project="project-b", user=donor_viewer.username, stdout=out)
