"""The registry from the command line: the same search and the same scope as the web pages."""

import pytest
from django.core.management import CommandError, call_command

from homeward.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[str, str]:
    from io import StringIO

    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_search_finds_a_name_typed_in_the_other_script(household_a, case_worker_a):
    out, err = run("registry_search", "Петровић", "--user", case_worker_a.username)
    assert "Dragan (Milan) Petrović" in out
    assert "Milica Petrović" in out
    assert "2 of 2 people shown." in err


def test_search_is_limited_to_what_the_user_may_see(household_a, manager_b):
    out, err = run("registry_search", "Petrovic", "--user", manager_b.username)
    assert out == ""
    assert "0 of 0 people shown." in err


def test_search_filters_by_municipality_given_in_any_spelling(household_a, case_worker_a):
    out, _err = run(
        "registry_search", "--user", case_worker_a.username, "--municipality", "Звездара"
    )
    assert out.count("H-") == 2
    out, _err = run("registry_search", "--user", case_worker_a.username, "--municipality", "Niš")
    assert out == ""


def test_an_unknown_municipality_is_named(household_a, case_worker_a):
    with pytest.raises(CommandError, match="Atlantis"):
        run("registry_search", "--user", case_worker_a.username, "--municipality", "Atlantis")


def test_an_unknown_user_is_refused():
    with pytest.raises(CommandError, match="nobody"):
        run("registry_search", "x", "--user", "nobody")


def test_household_show_prints_the_members_and_audits_the_read(household_a, case_worker_a):
    out, _err = run("household_show", household_a.number.lower(), "--user", case_worker_a.username)
    assert household_a.number in out
    assert "Milica Petrović" in out
    assert AuditEvent.objects.filter(
        action="household.read", target_id=str(household_a.pk), via="cli"
    ).exists()


def test_household_show_outside_the_scope_is_not_found(household_a, manager_b):
    with pytest.raises(CommandError, match="No household"):
        run("household_show", household_a.number, "--user", manager_b.username)
