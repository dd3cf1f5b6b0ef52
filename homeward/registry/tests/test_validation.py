"""The checks a household and its members must pass, each naming the field at fault."""

import unicodedata
from datetime import date, timedelta

import pytest
from django.utils import timezone

from homeward.registry.jmbg import make_jmbg
from homeward.registry.validation import (
    clean_text,
    date_of_birth_error,
    household_member_errors,
    name_error,
    national_id_check,
    normalise_phone,
    phone_error,
)

pytestmark = pytest.mark.django_db


# --- names --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "Marko",
        "Ђорђевић",
        "Đorđević",
        "Krasniqi",
        "Xhafer",
        "Gëzim",
        "Çelaj",
        "ЉУБИША",
        "Marija-Ana",
        "Marija Ana",
        "O'Neil",
        "D’Angelo",
        "Dž.",
        "St. John",
    ],
)
def test_names_in_every_script_are_accepted_as_written(name):
    assert name_error(name, required=True) is None


@pytest.mark.parametrize(
    "name",
    [
        "<script>alert(1)</script>",
        "<b>Marko</b>",
        "Marko<",
        "Marko\"'><img src=x onerror=alert(1)>",
        "javascript:alert(1)",
        "=HYPERLINK(1)",
        "Marko1",
        "Marko_",
        "Marko;",
        "Ana--Marija",
        "-Ana",
        "Ana-",
        "&lt;Ana",
    ],
)
def test_markup_digits_and_symbols_in_a_name_are_refused(name):
    message = name_error(name, required=True)
    assert message is not None
    assert "letters" in message


def test_a_refused_name_is_quoted_shortened():
    message = name_error("<" + "a" * 100, required=True)
    assert "<" + "a" * 39 + "”" in message


def test_a_required_name_must_be_given_and_an_optional_one_may_be_empty():
    assert name_error("", required=True) == "This field is required."
    assert name_error("", required=False) is None


def test_clean_text_composes_unicode_and_collapses_spacing():
    decomposed = unicodedata.normalize("NFD", "Đorđević")
    assert decomposed != "Đorđević"
    assert clean_text(f"  {decomposed}\t ") == "Đorđević"
    assert clean_text("Marija   Ana") == "Marija Ana"
    assert clean_text(None) == ""


# --- dates of birth -------------------------------------------------------------------------


def test_a_date_of_birth_in_the_future_is_refused_naming_it():
    tomorrow = timezone.localdate() + timedelta(days=1)
    message = date_of_birth_error(tomorrow)
    assert "in the future" in message
    assert str(tomorrow.year) in message


def test_today_and_the_past_are_accepted_but_not_before_1900():
    assert date_of_birth_error(timezone.localdate()) is None
    assert date_of_birth_error(date(1900, 1, 1)) is None
    assert date_of_birth_error(None) is None
    assert "before 1900" in date_of_birth_error(date(1899, 12, 31))


# --- JMBG ----------------------------------------------------------------------------------


def test_a_valid_jmbg_is_normalised_without_warnings():
    number = make_jmbg(date(1970, 5, 4), region_code=91, sex="male", serial=3)
    grouped = f"{number[:7]} {number[7:9]}-{number[9:]}"
    value, error, warnings = national_id_check(
        {"national_id": grouped, "date_of_birth": date(1970, 5, 4), "sex": "male"}
    )
    assert (value, error, warnings) == (number, None, [])


def test_an_invalid_jmbg_is_an_error_that_says_why():
    number = make_jmbg(date(1970, 5, 4), region_code=71, sex="male", serial=3)
    wrong = number[:12] + str((int(number[12]) + 1) % 10)
    value, error, warnings = national_id_check({"national_id": wrong})
    assert value == wrong
    assert "check digit" in error
    assert warnings == []


def test_a_jmbg_disagreeing_with_the_date_of_birth_and_sex_warns_naming_both_values():
    number = make_jmbg(date(1970, 5, 4), region_code=71, sex="male", serial=3)
    _value, error, warnings = national_id_check(
        {"national_id": number, "date_of_birth": date(1971, 5, 4), "sex": "female"}
    )
    assert error is None
    assert warnings == [
        "The JMBG gives the date of birth 04 May 1970, but 04 May 1971 was entered.",
        "The JMBG gives the sex as male, but female was entered.",
    ]


def test_an_estimated_date_of_birth_is_compared_by_year_only():
    number = make_jmbg(date(1970, 5, 4), region_code=71, sex="male", serial=3)
    same_year = {"national_id": number, "date_of_birth": date(1970, 1, 1), "sex": "male"}
    assert national_id_check(same_year | {"date_of_birth_estimated": True})[2] == []
    other_year = same_year | {"date_of_birth": date(1969, 1, 1), "date_of_birth_estimated": True}
    assert national_id_check(other_year)[2] == [
        "The JMBG gives the year of birth 1970, but 1969 was entered."
    ]


def test_no_jmbg_is_no_error():
    assert national_id_check({"national_id": "  "}) == ("", None, [])
    assert national_id_check({}) == ("", None, [])


# --- the household as a whole ----------------------------------------------------------------


def member(relationship, born, *, estimated=False, national_id="", first_name="X"):
    return {
        "relationship_to_head": relationship,
        "date_of_birth": born,
        "date_of_birth_estimated": estimated,
        "national_id": national_id,
        "first_name": first_name,
    }


def test_a_household_with_one_head_and_generations_in_order_passes():
    members = [
        member("head", date(1970, 1, 1)),
        member("spouse", date(1965, 1, 1)),
        member("child", date(1995, 1, 1)),
        member("grandchild", date(2020, 1, 1)),
        member("child_in_law", date(1996, 1, 1)),
        member("parent", date(1940, 1, 1)),
        member("grandparent", date(1920, 1, 1)),
        member("sibling", date(1960, 1, 1)),
        member("child", None),
    ]
    assert household_member_errors(members) == {}


def test_no_head_is_reported_on_every_member():
    errors = household_member_errors([member("spouse", None), member("child", None)])
    assert set(errors) == {0, 1}
    assert "needs a head" in errors[0]["relationship_to_head"]


def test_two_heads_are_reported_on_both():
    errors = household_member_errors(
        [member("head", None), member("child", None), member("head", None)]
    )
    assert set(errors) == {0, 2}
    assert "2 members are marked as head" in errors[2]["relationship_to_head"]


@pytest.mark.parametrize("relationship", ["child", "grandchild", "child_in_law"])
def test_a_younger_generation_older_than_the_head_is_refused(relationship):
    errors = household_member_errors(
        [member("head", date(1970, 5, 4)), member(relationship, date(1960, 1, 2), first_name="Ana")]
    )
    message = errors[1]["date_of_birth"]
    assert "Ana" in message
    assert "02 Jan 1960" in message
    assert "04 May 1970" in message


@pytest.mark.parametrize("relationship", ["parent", "grandparent"])
def test_an_older_generation_younger_than_the_head_is_refused(relationship):
    errors = household_member_errors(
        [member("head", date(1970, 5, 4)), member(relationship, date(1990, 1, 1))]
    )
    assert set(errors[1]) == {"date_of_birth"}


def test_a_child_born_the_same_day_as_the_head_is_refused():
    errors = household_member_errors(
        [member("head", date(1970, 5, 4)), member("child", date(1970, 5, 4))]
    )
    assert set(errors) == {1}


def test_generations_are_compared_by_year_when_a_date_is_only_a_year():
    head = member("head", date(1970, 1, 1), estimated=True)
    # Born in the head's own year: the order cannot be known, so it is refused.
    same_year = household_member_errors([head, member("child", date(1970, 8, 1))])
    assert "born 1970" in same_year[1]["date_of_birth"]
    assert household_member_errors([head, member("child", date(1971, 1, 1))]) == {}


def test_the_same_jmbg_twice_in_a_household_names_the_later_member_and_the_earlier():
    number = make_jmbg(date(1970, 5, 4), region_code=71, sex="male", serial=3)
    errors = household_member_errors(
        [
            member("head", date(1970, 5, 4), national_id=number),
            member("spouse", date(1970, 5, 4)),
            member("sibling", date(1970, 5, 4), national_id=f" {number[:6]} {number[6:]}"),
        ]
    )
    assert errors == {2: {"national_id": "The same JMBG is given for member 1."}}


# --- phones ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        "+381 64 123 4567",
        "+381 (0)64 123 4567",
        "00381 64 123 4567",
        "064/123-4567",
        "064 123 45 67",
        "064.123.4567",
        "0641234567",
        "641234567",
    ],
)
def test_one_phone_number_written_in_many_ways_has_one_key(written):
    assert normalise_phone(written) == "641234567"


def test_a_kosovo_number_keeps_its_own_key():
    assert normalise_phone("+383 44 123 456") == "44123456"
    assert normalise_phone("044 123 456") == "44123456"


@pytest.mark.parametrize("written", ["+381 64 123 4567", "064/123-4567", "(011) 123-456", ""])
def test_phone_numbers_are_accepted(written):
    assert phone_error(written) is None


@pytest.mark.parametrize("written", ["call me", "064 123 456 7 ext", "12345", "<b>064</b>"])
def test_what_is_not_a_phone_number_is_refused(written):
    assert "is not a phone number" in phone_error(written)
