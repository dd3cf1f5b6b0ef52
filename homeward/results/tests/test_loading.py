"""Loading a results framework from a file: the five seed logframes, a bad file refused whole
with the paths of its faults, a second load refused, the command and the demo."""

import copy
import json
import re

import pytest
from django.core.management import CommandError, call_command
from django.http import Http404

from homeward.accounts.roles import Role
from homeward.core.errors import ValidationError
from homeward.core.models import AuditEvent
from homeward.core.names import to_latin
from homeward.demo import load_demo
from homeward.programmes.models import Project
from homeward.results.demo import MANUAL_VALUES, load_demo_results
from homeward.results.loading import (
    framework_check,
    framework_load,
    read_definition,
    shipped_logframes,
)
from homeward.results.models import Indicator, IndicatorTarget, ManualValue, Result

SEEDS = (
    "asb-reintegration-ii",
    "drc-durable-solutions-y1",
    "giz-returnee-reintegration",
    "odrzivi-povratak",
    "step-forward",
)


def _definition(code: str) -> dict:
    return read_definition(shipped_logframes()[code])


def _indicators(definition: dict):
    yield from definition["objective"].get("indicators", [])
    for outcome in definition.get("outcomes", []):
        yield from outcome.get("indicators", [])
        for output in outcome.get("outputs", []):
            yield from output.get("indicators", [])


def _small(code: str = "project-a") -> dict:
    """A framework for the conftest projects (2025-01-01 – 2026-12-31)."""
    return {
        "format": "homeward-results-framework/1",
        "project": code,
        "objective": {"code": "OBJ", "statement": "Families return for good."},
        "outcomes": [
            {
                "code": "OC1",
                "statement": {"en": "Families earn a living.", "sr": "Породице зарађују."},
                "indicators": [
                    {
                        "code": "OC1.1",
                        "name": {"en": "Share of women", "sr": "Удео жена", "sq": "Përqindja"},
                        "unit": "percentage",
                        "rule": {"kind": "share_women", "among": "beneficiaries"},
                        "targets": [
                            {"label": "End", "start": "2025-01-01", "end": "2026-12-31",
                             "value": 40}
                        ],
                    }
                ],
                "outputs": [
                    {
                        "code": "OP1",
                        "statement": "Grants handed over.",
                        "indicators": [
                            {
                                "code": "OP1.1",
                                "name": "Families with a grant",
                                "unit": "households",
                                "rule": {"kind": "assistance_delivered", "count": "households",
                                         "grants_only": True},
                                "targets": [
                                    {"label": "2025", "start": "2025-01-01",
                                     "end": "2025-12-31", "value": 10},
                                    {"label": "End", "start": "2025-01-01",
                                     "end": "2026-12-31", "value": 25},
                                ],
                            },
                            {
                                "code": "OP1.2",
                                "name": "Clubs opened",
                                "unit": "organisations",
                                "targets": [],
                                "manual_values": [
                                    {"as_of": "2025-06-30", "value": 1,
                                     "source": "Opening record of the club."}
                                ],
                            },
                        ],
                    }
                ],
            }
        ],
    }  # fmt: skip


@pytest.fixture
def seed_projects(db):
    load_demo()
    return {p.code: p for p in Project.objects.filter(code__in=SEEDS)}


def test_a_logframe_is_shipped_for_every_seed_project():
    assert sorted(shipped_logframes()) == sorted(SEEDS)


@pytest.mark.parametrize("code", SEEDS)
def test_every_shipped_logframe_validates_and_loads(code, seed_projects, system):
    project = seed_projects[code]
    definition = _definition(code)
    framework_check(project=project, definition=definition)

    created = framework_load(actor=system, project=project, definition=definition)

    indicators = list(_indicators(definition))
    assert created["indicators"] == len(indicators) == project.indicators.count()
    assert created["results"] == Result.objects.filter(project=project).count()
    assert created["targets"] == sum(len(i["targets"]) for i in indicators)
    for entry in indicators:
        indicator = Indicator.objects.get(project=project, code=entry["code"])
        assert indicator.name == entry["name"]["en"]
        assert indicator.name_sr == entry["name"]["sr"]
        assert indicator.name_sr_latn == to_latin(entry["name"]["sr"])
        assert indicator.name_sq == entry["name"]["sq"]
        assert indicator.rule == entry["rule"]
        assert indicator.definition == entry["definition"]["en"]
        assert indicator.definition_sr == entry["definition"]["sr"]
        assert indicator.definition_sr_latn == to_latin(entry["definition"]["sr"])
        assert indicator.definition_sq == entry["definition"]["sq"]
        assert [t.value for t in indicator.targets.all()] == [t["value"] for t in entry["targets"]]
        for target in indicator.targets.all():
            assert project.start_date <= target.start <= target.end <= project.end_date
    objective = Result.objects.get(project=project, level="objective")
    assert objective.statement_sr_latn == to_latin(objective.statement_sr)
    assert AuditEvent.objects.filter(action="results.framework_load", target_id=project.pk).exists()


@pytest.mark.parametrize("code", SEEDS)
def test_every_shipped_indicator_is_defined_in_english_serbian_and_albanian(code):
    for entry in _indicators(_definition(code)):
        definition = entry.get("definition")
        assert isinstance(definition, dict), entry["code"]
        assert all(definition.get(language, "").strip() for language in ("en", "sr", "sq")), entry[
            "code"
        ]
        # Serbian in Cyrillic, as the names are: no Latin word but codes and proper names.
        latin = re.findall(r"\b[a-z]{4,}\b", definition["sr"])
        assert not latin, (entry["code"], latin)


def test_the_seed_targets_are_the_published_ones(seed_projects):
    """A few of the numbers the seeds publish, where they are."""

    def target(code, indicator):
        entry = next(i for i in _indicators(_definition(code)) if i["code"] == indicator)
        return [t["value"] for t in entry["targets"]]

    assert target("step-forward", "OP1.1") == [40]
    assert target("step-forward", "OP1.3") == [25]
    assert target("step-forward", "OP4.1") == [10]
    assert target("step-forward", "OP3.1") == []  # the phone line: no number published
    assert target("asb-reintegration-ii", "OC1.1") == [2250]
    assert target("asb-reintegration-ii", "OC1.3") == [40]
    assert target("odrzivi-povratak", "OP3.1") == [104]
    assert target("giz-returnee-reintegration", "OP6.1") == [700]
    assert target("drc-durable-solutions-y1", "OBJ.1") == [156]


def test_a_small_framework_loads_as_a_tree_in_file_order(project_a, manager_a, actor):
    created = framework_load(actor=actor(manager_a), project=project_a, definition=_small())

    assert created == {"results": 3, "indicators": 3, "targets": 3, "manual_values": 1}
    output = Result.objects.get(project=project_a, code="OP1")
    assert output.parent.code == "OC1"
    assert output.parent.parent.code == "OBJ"
    assert output.statement_sr == ""  # only English given
    outcome = Result.objects.get(project=project_a, code="OC1")
    assert outcome.statement_sr_latn == "Porodice zarađuju."
    assert list(project_a.indicators.values_list("code", flat=True)) == [
        "OC1.1", "OP1.1", "OP1.2",
    ]  # fmt: skip
    manual = ManualValue.objects.get(indicator__code="OP1.2")
    assert manual.source == "Opening record of the club."
    assert manual.recorded_by == manager_a


def test_a_bad_definition_is_refused_whole_naming_each_fault(project_a, manager_a, actor):
    definition = _small()
    outcome = definition["outcomes"][0]
    outcome["indicators"][0]["targets"][0]["end"] = "2030-01-01"
    outputs = outcome["outputs"][0]["indicators"]
    outputs[0]["rule"] = {"kind": "assistance_delivered", "count": "villages"}
    outputs[1]["rule"] = {"kind": "events_held"}  # unit organisations: no rule gives them
    outputs[1]["unit"] = "organisations"
    outputs.append({"code": "OP1.1", "name": "Twice", "unit": "people", "colour": "red"})
    definition["outcomes"].append({"code": "OC2", "statement": {"en": "", "de": "Ziel"}})

    with pytest.raises(ValidationError) as refused:
        framework_load(actor=actor(manager_a), project=project_a, definition=definition)

    faults = refused.value.message_dict
    assert set(faults) >= {
        "outcomes[0].indicators[0].targets[0].end",
        "outcomes[0].outputs[0].indicators[0].rule",
        "outcomes[0].outputs[0].indicators[1].rule",
        "outcomes[0].outputs[0].indicators[1].manual_values",
        "outcomes[0].outputs[0].indicators[2].code",
        "outcomes[0].outputs[0].indicators[2].colour",
        "outcomes[1].statement.en",
        "outcomes[1].statement.de",
    }
    assert "Outside the project's dates" in faults["outcomes[0].indicators[0].targets[0].end"][0]
    assert Result.objects.filter(project=project_a).count() == 0
    assert not Indicator.objects.exists()
    assert not IndicatorTarget.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="result").exists()


def test_an_indicator_definition_in_languages_or_as_plain_text(project_a, manager_a, actor):
    definition = _small()
    outcome = definition["outcomes"][0]
    outcome["indicators"][0]["definition"] = {
        "en": "Women among the beneficiaries.",
        "sr": "Жене међу корисницима.",
        "sq": "Gratë ndër përfituesit.",
    }
    outputs = outcome["outputs"][0]["indicators"]
    outputs[0]["definition"] = "Households handed a grant."
    outputs[1]["definition"] = {"en": "Clubs.", "sr": "Клубови.", "sr_latn": "Klubovi (KDS)."}

    framework_load(actor=actor(manager_a), project=project_a, definition=definition)

    share = Indicator.objects.get(project=project_a, code="OC1.1")
    assert (share.definition, share.definition_sr, share.definition_sr_latn) == (
        "Women among the beneficiaries.",
        "Жене међу корисницима.",
        "Žene među korisnicima.",
    )
    assert share.definition_sq == "Gratë ndër përfituesit."
    grants = Indicator.objects.get(project=project_a, code="OP1.1")
    assert grants.definition == "Households handed a grant."
    assert (grants.definition_sr, grants.definition_sr_latn, grants.definition_sq) == ("", "", "")
    clubs = Indicator.objects.get(project=project_a, code="OP1.2")
    assert clubs.definition_sr_latn == "Klubovi (KDS)."  # given: not transliterated over


def test_a_bad_indicator_definition_is_refused_naming_it(project_a, manager_a, actor):
    definition = _small()
    outputs = definition["outcomes"][0]["outputs"][0]["indicators"]
    outputs[0]["definition"] = {"sr": "Само српски.", "de": "Nur Deutsch."}
    outputs[1]["definition"] = 12

    with pytest.raises(ValidationError) as refused:
        framework_load(actor=actor(manager_a), project=project_a, definition=definition)

    faults = refused.value.message_dict
    assert set(faults) >= {
        "outcomes[0].outputs[0].indicators[0].definition.en",
        "outcomes[0].outputs[0].indicators[0].definition.de",
        "outcomes[0].outputs[0].indicators[1].definition",
    }
    assert not Indicator.objects.exists()


def test_a_definition_that_is_not_an_object_is_refused(project_a, system):
    with pytest.raises(ValidationError) as refused:
        framework_load(actor=system, project=project_a, definition=["objective"])
    assert "" in refused.value.message_dict


def test_a_file_written_for_another_project_is_refused(project_a, system):
    with pytest.raises(ValidationError) as refused:
        framework_load(actor=system, project=project_a, definition=_small("project-b"))
    assert "project" in refused.value.message_dict
    definition = _small()
    del definition["project"]
    framework_load(actor=system, project=project_a, definition=definition)
    assert project_a.indicators.count() == 3


def test_loading_twice_is_refused_and_duplicates_nothing(project_a, system):
    framework_load(actor=system, project=project_a, definition=_small())

    with pytest.raises(ValidationError) as refused:
        framework_load(actor=system, project=project_a, definition=_small())

    assert "project" in refused.value.message_dict
    assert Result.objects.filter(project=project_a).count() == 3
    assert project_a.indicators.count() == 3
    assert ManualValue.objects.count() == 1


def test_only_a_manager_of_the_lead_may_load(project_a, make_user, org_a, org_b, actor):
    case_worker = make_user(org_a, Role.CASE_WORKER)
    other_manager = make_user(org_b, Role.PROJECT_MANAGER)
    for user in (case_worker, other_manager):
        with pytest.raises(Http404):
            framework_load(actor=actor(user), project=project_a, definition=_small())
    assert not Result.objects.exists()


def test_the_command_loads_a_file_and_refuses_a_bad_one(project_a, manager_a, tmp_path):
    bad = _small()
    bad["outcomes"][0]["outputs"][0]["indicators"][0]["rule"] = {"kind": "guesswork"}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        call_command("results_framework_load", str(path), project="project-a", user="manager-a")
    assert "outcomes[0].outputs[0].indicators[0].rule" in str(refused.value)
    assert "nothing was written" in str(refused.value)
    assert not Result.objects.exists()

    path.write_text(json.dumps(_small()), encoding="utf-8")
    call_command("results_framework_load", str(path), project="project-a", user="manager-a")
    assert project_a.indicators.count() == 3

    with pytest.raises(CommandError, match="No project"):
        call_command("results_framework_load", str(path), project="nowhere")
    unreadable = tmp_path / "broken.json"
    unreadable.write_text("{", encoding="utf-8")
    with pytest.raises(CommandError, match="file"):
        call_command("results_framework_load", str(unreadable), project="project-a")


def test_the_command_takes_a_shipped_logframe_by_name(seed_projects):
    call_command("results_framework_load", "step-forward", project="step-forward")
    assert seed_projects["step-forward"].indicators.filter(code="OP1.1").exists()


def test_the_demo_loads_the_five_frameworks_and_their_manual_values_once(seed_projects):
    added = load_demo_results()

    assert added["frameworks"] == 5
    assert added["manual values"] == len(MANUAL_VALUES)
    for project in seed_projects.values():
        assert project.indicators.exists()
    for _code, indicator, *_rest in MANUAL_VALUES:
        assert ManualValue.objects.filter(indicator__code=indicator).exists()
    assert not ManualValue.objects.filter(indicator__rule__isnull=False).exists()

    again = load_demo_results()
    assert again == {"frameworks": 0, "indicators": 0, "manual values": 0}
    assert ManualValue.objects.count() == len(MANUAL_VALUES)


def test_a_shipped_logframe_copied_for_another_project_keeps_its_checks(seed_projects, system):
    definition = copy.deepcopy(_definition("step-forward"))
    del definition["project"]
    with pytest.raises(ValidationError) as refused:
        framework_load(
            actor=system, project=seed_projects["odrzivi-povratak"], definition=definition
        )
    # Step Forward's targets fall in 2025–2027, outside Održivi povratak's dates.
    assert "outcomes[0].outputs[0].indicators[0].targets[0].start" in refused.value.message_dict


@pytest.mark.parametrize("code", SEEDS)
def test_every_seed_statement_and_name_is_written_in_three_languages(code):
    definition = _definition(code)
    results = [definition["objective"]]
    for outcome in definition["outcomes"]:
        results += [outcome, *outcome.get("outputs", [])]
    texts = [r["statement"] for r in results] + [i["name"] for i in _indicators(definition)]
    for text in texts:
        assert all(text.get(language) for language in ("en", "sr", "sq")), text
        # Serbian in Cyrillic: Latin letters only in an acronym such as DRC.
        words = [word for word in text["sr"].split() if not word.isupper()]
        assert not any("a" <= letter <= "z" for letter in " ".join(words).lower()), text["sr"]


def test_the_demo_manual_values_fall_within_their_projects(seed_projects):
    for code, _indicator, as_of, _value, source in MANUAL_VALUES:
        project = seed_projects[code]
        assert project.start_date <= as_of <= project.end_date
        assert source
