"""The indicator form's rule, chosen with fields rather than typed as JSON: every shipped rule
comes back from the page unchanged, bad combinations are named on their field, and only the
people who manage the project see the form."""

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings

from homeward.core.errors import ValidationError
from homeward.results.forms import IndicatorForm, rule_initial
from homeward.results.models import Indicator, Result
from homeward.results.rules import (
    KINDS,
    PARAMETERS,
    PEOPLE_KINDS,
    _choices,
    rule_unit,
    validate_rule,
)
from homeward.results.services import indicator_create

pytestmark = pytest.mark.django_db

BASE = "/projects/project-a/framework/"
LOGFRAMES = Path(__file__).resolve().parent.parent / "logframes"


def shipped_rules() -> list[tuple[str, dict, str]]:
    found = []

    def walk(node, where):
        if isinstance(node, dict):
            if node.get("rule"):
                found.append((f"{where} {node.get('code')}", node["rule"], node["unit"]))
            for value in node.values():
                walk(value, where)
        elif isinstance(node, list):
            for value in node:
                walk(value, where)

    for path in sorted(LOGFRAMES.glob("*.json")):
        walk(json.loads(path.read_text()), path.stem)
    return found


SHIPPED = shipped_rules()


class _FormReader(HTMLParser):
    """What a browser sends for the indicator form as the page shows it."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self.inside = False
        self.textarea = None
        self.select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and "indicator-form" in (attrs.get("class") or ""):
            self.inside = True
        if tag == "option" and self.select and "selected" in attrs:
            self.data[self.select].append(attrs.get("value", ""))
        if not self.inside or "name" not in attrs:
            return
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind in ("submit", "button"):
                return
            value = attrs.get("value", "on" if kind in ("checkbox", "radio") else "")
            self.data.setdefault(attrs["name"], []).append(value)
        elif tag == "textarea":
            self.textarea = attrs["name"]
            self.data.setdefault(self.textarea, []).append("")
        elif tag == "select":
            self.select = attrs["name"]
            self.data.setdefault(self.select, [])

    def handle_data(self, data):
        if self.textarea:
            self.data[self.textarea][-1] += data.lstrip("\n")

    def handle_endtag(self, tag):
        if tag == "textarea":
            self.textarea = None
        if tag == "select":
            self.select = None
        if tag == "form":
            self.inside = False


def form_data(html: str) -> dict:
    reader = _FormReader()
    reader.feed(html)
    return reader.data


@pytest.fixture
def tree(system, project_a):
    from homeward.results.tests.pages import placeholders

    return placeholders(
        system=system, case_worker=None, project=project_a, household=None, enrolment=None
    )


def _indicator(system, project, rule, unit, code="T.1"):
    return indicator_create(
        actor=system,
        project=project,
        result=Result.objects.get(code="SO"),
        code=code,
        name="Test",
        unit=unit,
        rule=rule,
    )


@pytest.mark.parametrize(("where", "rule", "unit"), SHIPPED, ids=[w for w, _r, _u in SHIPPED])
def test_every_shipped_rule_comes_back_unchanged_from_the_edit_page(
    where, rule, unit, tree, system, project_a, client_for, manager_a
):
    indicator = _indicator(system, project_a, rule, unit)
    browser = client_for(manager_a)
    url = f"{BASE}indicators/{indicator.pk}/edit/"
    page = browser.get(url)
    assert page.status_code == 200
    data = form_data(page.content.decode())
    assert data["rule_kind"] == [rule["kind"]]
    assert data.get("rule") == [""]  # the advanced JSON is left empty: the fields say it
    answer = browser.post(url, data)
    assert answer.status_code == 302, answer.content.decode()[:3000]
    indicator.refresh_from_db()
    assert json.dumps(indicator.rule, sort_keys=True) == json.dumps(rule, sort_keys=True)


@pytest.mark.parametrize(("where", "rule", "unit"), SHIPPED, ids=[w for w, _r, _u in SHIPPED])
def test_every_shipped_rule_is_rebuilt_from_its_fields_alone(where, rule, unit, tree, project_a):
    """A new form, knowing nothing of the rule but what its fields say, gives the same rule
    (lists in the page's order)."""
    initial = rule_initial(rule)
    data = {"result": str(Result.objects.get(code="SO").pk), "code": "X", "name": "X"}
    data |= {"unit": unit} | {name: value for name, value in initial.items() if value is not None}
    form = IndicatorForm(data, project=project_a)
    assert form.is_valid(), form.errors
    got = form.cleaned_data["rule"]
    assert {k: sorted(v) if isinstance(v, list) else v for k, v in got.items()} == {
        k: sorted(v) if isinstance(v, list) else v for k, v in rule.items()
    }


def _sample_rule(kind: str, choices: dict) -> dict:
    """A rule of ``kind`` setting every parameter, for the vocabulary as it is now."""
    rule = {"kind": kind}
    for name, shape in PARAMETERS[kind].items():
        if shape.startswith("list:"):
            rule[name] = sorted(choices[shape.removeprefix("list:")])[:2]
        elif shape.startswith("count:"):
            rule[name] = shape.removeprefix("count:").split("|")[-1]
        elif shape == "bool":
            rule[name] = True
        elif shape.startswith("int:"):
            rule[name] = int(shape.removeprefix("int:").split("-")[-1])
        elif shape == "among":
            rule[name] = {"kind": PEOPLE_KINDS[-1], "count": "people"}
    # Where two parameters do not go together, leave out the one the refusal names.
    for _attempt in range(len(rule)):
        try:
            validate_rule(rule)
        except ValidationError as error:
            message = error.message_dict["rule"][0]
            named = [name for name in rule if name != "kind" and name in message]
            rule.pop(named[0] if named else list(rule)[-1])
        else:
            break
    return rule


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_kind_and_parameter_renders_and_round_trips(
    kind, tree, system, project_a, client_for, manager_a
):
    rule = _sample_rule(kind, _choices())
    indicator = _indicator(system, project_a, rule, rule_unit(rule))
    browser = client_for(manager_a)
    url = f"{BASE}indicators/{indicator.pk}/edit/"
    page = browser.get(url)
    data = form_data(page.content.decode())
    for name in PARAMETERS[kind]:
        assert f"rule__{kind}__{name}" in page.content.decode()
    answer = browser.post(url, data)
    assert answer.status_code == 302, answer.context["form"].errors
    indicator.refresh_from_db()
    assert indicator.rule == rule


def _new(browser, project_a, fields):
    objective = Result.objects.get(code="SO")
    base = {"result": objective.pk, "code": "N.1", "name": "New", "unit": "people"}
    return browser.post(f"{BASE}indicators/new/", base | fields)


def test_a_rule_is_chosen_with_fields_and_said_in_words(tree, project_a, client_for, manager_a):
    browser = client_for(manager_a)
    page = browser.get(f"{BASE}indicators/new/")
    assert page.status_code == 200
    text = page.content.decode()
    for label in ("Share of women", "Aid kit", "Business training", "Displacement status"):
        assert label in text
    assert "rule_form.js" in text
    answer = _new(
        browser,
        project_a,
        {
            "rule_kind": "assistance_delivered",
            "rule__assistance_delivered__count": "members",
            "rule__assistance_delivered__assistance_types": ["aid-kit", "transport-assistance"],
            "rule__assistance_delivered__grants_only": "on",
            # Another kind's fields are on the page too, but not read.
            "rule__events_held__count": "activities",
            "rule__contacts__channels": ["phone"],
        },
    )
    assert answer.status_code == 302
    indicator = Indicator.objects.get(code="N.1")
    assert indicator.rule == {
        "kind": "assistance_delivered",
        "count": "members",
        "assistance_types": ["aid-kit", "transport-assistance"],
        "grants_only": True,
    }
    page = browser.get(answer.url)
    assert "Every member of the households given assistance" in page.content.decode()


def test_share_of_women_among_a_nested_rule(tree, project_a, client_for, manager_a):
    browser = client_for(manager_a)
    prefix = "rule__share_women__among"
    fields = {
        "unit": "percentage",
        "rule_kind": "share_women",
        prefix: "activity_completed",
        f"{prefix}__activity_completed__activity_kinds": ["business_training"],
        f"{prefix}__enrolled__count": "households",  # not the kind chosen: not read
    }
    assert _new(browser, project_a, fields).status_code == 302
    assert Indicator.objects.get(code="N.1").rule == {
        "kind": "share_women",
        "among": {"kind": "activity_completed", "activity_kinds": ["business_training"]},
    }


def _errors(page) -> dict:
    return page.context["form"].errors


def test_bad_combinations_are_named_on_their_field(tree, project_a, client_for, manager_a):
    browser = client_for(manager_a)
    prefix = "rule__share_women__among"
    # A share of women among households.
    page = _new(
        browser,
        project_a,
        {
            "unit": "percentage",
            "rule_kind": "share_women",
            prefix: "assistance_delivered",
            f"{prefix}__assistance_delivered__count": "households",
        },
    )
    assert page.status_code == 200
    assert f"{prefix}__assistance_delivered__count" in _errors(page)
    # A rule counting events for an indicator in people.
    page = _new(browser, project_a, {"rule_kind": "events_held"})
    assert "unit" in _errors(page)
    assert "events" in " ".join(_errors(page)["unit"])
    # A number out of its range, a value not in the list.
    page = _new(
        browser,
        project_a,
        {
            "unit": "percentage",
            "rule_kind": "grants_operating",
            "rule__grants_operating__months": "500",
        },
    )
    assert "rule__grants_operating__months" in _errors(page)
    page = _new(
        browser,
        project_a,
        {"rule_kind": "activity_attended", "rule__activity_attended__activity_kinds": ["magic"]},
    )
    assert "rule__activity_attended__activity_kinds" in _errors(page)
    # Two parameters that do not go together: the refusal is on the first it names.
    page = _new(
        browser,
        project_a,
        {
            "rule_kind": "activity_attended",
            "rule__activity_attended__age_from": "60",
            "rule__activity_attended__age_to": "18",
        },
    )
    assert "rule__activity_attended__age_from" in _errors(page)
    page = _new(browser, project_a, {"rule_kind": "no-such-kind"})
    assert "rule_kind" in _errors(page)
    assert not Indicator.objects.filter(code="N.1").exists()


def test_a_rule_refused_by_the_service_is_said_on_the_rule_choice(
    tree, system, project_a, client_for, manager_a
):
    from homeward.results.services import manual_value_record

    indicator = _indicator(system, project_a, None, "people")
    manual_value_record(
        actor=system, indicator=indicator, as_of=project_a.start_date, value=3, source="Survey"
    )
    browser = client_for(manager_a)
    url = f"{BASE}indicators/{indicator.pk}/edit/"
    data = form_data(browser.get(url).content.decode())
    data["rule_kind"] = ["activity_attended"]
    page = browser.post(url, data)
    assert page.status_code == 200
    assert "rule_kind" in _errors(page)


def test_no_rule_and_the_advanced_json(tree, project_a, client_for, manager_a):
    browser = client_for(manager_a)
    assert _new(browser, project_a, {"rule_kind": ""}).status_code == 302
    assert Indicator.objects.get(code="N.1").rule is None
    # JSON written by hand replaces the choice.
    answer = _new(
        browser,
        project_a,
        {
            "code": "N.2",
            "rule_kind": "activity_attended",
            "rule": '{"kind": "activity_completed", "activity_kinds": ["mentoring"]}',
        },
    )
    assert answer.status_code == 302
    assert Indicator.objects.get(code="N.2").rule == {
        "kind": "activity_completed",
        "activity_kinds": ["mentoring"],
    }


def test_saying_it_in_words_does_not_save(tree, project_a, client_for, manager_a):
    browser = client_for(manager_a)
    page = _new(
        browser,
        project_a,
        {
            "preview": "1",
            "rule_kind": "activity_completed",
            "rule__activity_completed__activity_kinds": ["business_training"],
        },
    )
    assert page.status_code == 200
    assert "Distinct registered people who completed an activity" in page.content.decode()
    assert not Indicator.objects.filter(code="N.1").exists()


def test_a_rule_the_fields_cannot_show_is_kept_as_json(
    tree, system, project_a, client_for, manager_a
):
    indicator = _indicator(system, project_a, None, "people")
    odd = {"kind": "activity_attended", "activity_kinds": ["mentoring"], "retired": True}
    Indicator.objects.filter(pk=indicator.pk).update(rule=odd)  # as if written long ago
    browser = client_for(manager_a)
    url = f"{BASE}indicators/{indicator.pk}/edit/"
    data = form_data(browser.get(url).content.decode())
    assert json.loads(data["rule"][0]) == odd
    page = browser.post(url, data)  # the service refuses it, saying why: nothing is lost
    assert "retired" in " ".join(_errors(page)["rule"])
    indicator.refresh_from_db()
    assert indicator.rule == odd


def test_a_change_keeps_the_order_of_the_lists(tree, system, project_a, client_for, manager_a):
    rule = {
        "kind": "assistance_delivered",
        "count": "members",
        "assistance_types": ["transport-assistance", "return-package"],
    }
    indicator = _indicator(system, project_a, rule, "people")
    browser = client_for(manager_a)
    url = f"{BASE}indicators/{indicator.pk}/edit/"
    data = form_data(browser.get(url).content.decode())
    data["rule__assistance_delivered__count"] = ["people"]
    assert browser.post(url, data).status_code == 302
    indicator.refresh_from_db()
    assert indicator.rule == rule | {"count": "people"}


@pytest.mark.parametrize(
    ("language", "aid_kit"),
    [("en", "Aid kit"), ("sr", "Пакет помоћи"), ("sr-latn", "Paket pomoći"), ("sq", "Pako ndihme")],
)
def test_the_form_speaks_the_reader_language(
    language, aid_kit, tree, system, project_a, client_for, manager_a
):
    rule = {"kind": "assistance_delivered", "count": "households", "assistance_types": ["aid-kit"]}
    indicator = _indicator(system, project_a, rule, "households")
    browser = client_for(manager_a)
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    url = f"{BASE}indicators/{indicator.pk}/edit/"
    page = browser.get(url)
    assert page.status_code == 200
    assert aid_kit in page.content.decode()
    assert browser.post(url, form_data(page.content.decode())).status_code == 302
    indicator.refresh_from_db()
    assert indicator.rule == rule


@pytest.mark.parametrize("user", ["case_worker_a", "donor_viewer"])
def test_the_rule_form_is_not_there_for_those_who_do_not_manage(request, tree, client_for, user):
    browser = client_for(request.getfixturevalue(user))
    indicator = tree["indicator"]
    for path in (f"{BASE}indicators/new/", f"{BASE}indicators/{indicator}/edit/"):
        assert browser.get(path).status_code == 404
        assert browser.post(path, {"rule_kind": "contacts", "preview": "1"}).status_code == 404
    assert Indicator.objects.get(pk=indicator).rule == {
        "kind": "assistance_delivered",
        "count": "households",
    }
