"""The casework commands act through the same services and scope as the pages."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from homeward.casework.enrolment.models import Enrolment

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_a_case_worker_enrols_and_a_manager_selects(household_a, case_worker_a, manager_a):
    said = run("enrol", household_a.number, "--project", "project-a", "--user", "caseworker-a")
    enrolment = Enrolment.objects.get(household=household_a)
    assert f"Enrolment {enrolment.pk}" in said
    assert enrolment.status == "candidate"
    said = run("enrolment_step", str(enrolment.pk), "selected", "--user", "manager-a")
    enrolment.refresh_from_db()
    assert enrolment.status == "selected"
    assert "Selected" in said


def test_a_case_worker_may_not_decide_the_selection(household_a, case_worker_a):
    run("enrol", household_a.number, "--project", "project-a", "--user", "caseworker-a")
    enrolment = Enrolment.objects.get(household=household_a)
    with pytest.raises(CommandError, match="open to you"):
        run("enrolment_step", str(enrolment.pk), "selected", "--user", "caseworker-a")


def test_a_rejection_without_reason_is_refused_naming_the_field(household_a, manager_a):
    run("enrol", household_a.number, "--project", "project-a", "--user", "manager-a")
    enrolment = Enrolment.objects.get(household=household_a)
    with pytest.raises(CommandError, match="reason"):
        run("enrolment_step", str(enrolment.pk), "rejected", "--user", "manager-a")
    with pytest.raises(CommandError, match="cannot become"):
        run("enrolment_step", str(enrolment.pk), "completed", "--user", "manager-a")


def test_another_organisation_cannot_enrol_the_household(household_a, manager_b):
    with pytest.raises(CommandError, match="open to you"):
        run("enrol", household_a.number, "--project", "project-b", "--user", "manager-b")
    assert not Enrolment.objects.exists()


def test_my_day_lists_the_decision_waiting(household_a, manager_a):
    run("enrol", household_a.number, "--project", "project-a", "--user", "manager-a")
    said = run("my_day", "--user", "manager-a")
    assert said.startswith("approval")
    assert "/projects/project-a/enrolments/" in said
    assert run("my_day", "--user", "manager-a", "--date", "2026-01-01").startswith("approval")
