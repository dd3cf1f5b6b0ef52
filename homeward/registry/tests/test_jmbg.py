"""The JMBG: reading, checking, comparing with what was entered, and making numbers for demos.

The valid numbers below were worked out by hand. Digits a..l are weighted 7 6 5 4 3 2 7 6 5 4 3 2;
the check digit is 11 minus the sum's remainder by 11 (0 for remainder 0; remainder 1 is never
issued).
"""

from datetime import date, timedelta

import pytest
from django.utils import timezone, translation

from homeward.registry.jmbg import (
    InvalidJmbg,
    Jmbg,
    jmbg_disagreements,
    make_jmbg,
    normalise_jmbg,
    parse_jmbg,
)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("value", "born", "region_code", "serial", "sex", "region", "kosovo"),
    [
        # 7+12+0+12+27+16+35+42+5+0+0+0 = 156 = 14·11 + 2 → 11 − 2 = 9
        ("1203985710009", date(1985, 3, 12), 71, 0, "male", "Central Serbia", False),
        # 7+30+0+24+27+18+28+54+5+8+9+8 = 218 = 19·11 + 9 → 2
        ("1506994912342", date(1994, 6, 15), 91, 234, "male", "Kosovo", True),
        # 14+48+0+8+0+2+14+54+10+0+0+4 = 154 = 14·11 → check digit 0
        ("2802012920020", date(2012, 2, 28), 92, 2, "male", "Kosovo", True),
        # 21+6+5+8+27+18+63+6+0+0+0+0 = 154 = 14·11 → check digit 0
        ("3112999100000", date(1999, 12, 31), 10, 0, "male", "Bosnia and Herzegovina", False),
        # 21+6+0+4+27+18+63+30+0+28+15+0 = 212 = 19·11 + 3 → 8
        ("3101999507508", date(1999, 1, 31), 50, 750, "female", "Slovenia", False),
        # 0+42+0+16+0+0+35+42+45+20+3+4 = 207 = 18·11 + 9 → 2
        ("0704005795122", date(2005, 4, 7), 79, 512, "female", "Central Serbia", False),
        # 0+6+0+8+0+0+0+48+0+0+3+4 = 69 = 6·11 + 3 → 8; year 000 is 2000
        ("0102000800128", date(2000, 2, 1), 80, 12, "male", "Vojvodina", False),
        # 0+6+0+4+24+0+0+48+0+0+0+0 = 82 = 7·11 + 5 → 6; year 800 is 1800
        ("0101800800006", date(1800, 1, 1), 80, 0, "male", "Vojvodina", False),
        # 0+12+0+24+27+18+0+54+5+20+0+0 = 160 = 14·11 + 6 → 5
        ("0206990915005", date(1990, 6, 2), 91, 500, "female", "Kosovo", True),
    ],
)
def test_valid_numbers_are_read(value, born, region_code, serial, sex, region, kosovo):
    jmbg = parse_jmbg(value)
    assert jmbg == Jmbg(value=value, date_of_birth=born, region_code=region_code, serial=serial)
    assert jmbg.sex == sex
    assert str(jmbg.region_name) == region
    assert jmbg.is_from_kosovo is kosovo


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("1203985710009", "1203985710009"),
        ("  1203985710009\n", "1203985710009"),
        ("120398 571 0009", "1203985710009"),
        ("12.03.985-71-000-9", "1203985710009"),
        ("1203985\t710009", "1203985710009"),
        ("", ""),
        ("   ", ""),
        ("12O3", "12O3"),
    ],
)
def test_normalise(raw, normalised):
    assert normalise_jmbg(raw) == normalised


def test_separators_are_accepted_when_parsing():
    assert parse_jmbg(" 12.03.985 71 000-9 ").value == "1203985710009"


@pytest.mark.parametrize(
    ("value", "code", "fragment"),
    [
        ("12O3985710009", "characters", "“O”"),
        ("1203985/710009", "characters", "“/”"),
        ("", "length", "0 digits were given"),
        ("1", "length", "but 1 digit was given"),
        ("120398571000", "length", "12 digits were given"),
        ("12039857100091", "length", "14 digits were given"),
        ("3102985710009", "date", "31.02.1985"),
        ("0013985710009", "date", "00.13.1985"),
        ("2902001710009", "date", "29.02.2001"),
        ("0101799710009", "future", "01 Jan 2799"),
        ("1203985400009", "region", "region code 40"),
        ("1203985600009", "region", "region code 60"),
        ("1203985700009", "region", "region code 70"),
        ("1203985900009", "region", "region code 90"),
        ("1203985970009", "region", "region code 97"),
        ("1203985990009", "region", "region code 99"),
        ("1203985710008", "check", "should be 9, not 8"),
        ("1203985710000", "check", "should be 9, not 0"),
        ("2802012920021", "check", "should be 0, not 1"),
        # 14+24+5+8+27+12+0+18+25+0+0+0 = 133 = 12·11 + 1: the check digit would be 10.
        ("2412960350000", "check", "would have to be 10"),
        ("2412960350009", "check", "would have to be 10"),
    ],
)
def test_invalid_numbers_say_what_is_wrong(value, code, fragment):
    with pytest.raises(InvalidJmbg) as raised:
        parse_jmbg(value)
    assert raised.value.code == code
    assert fragment in raised.value.message
    assert str(raised.value) == raised.value.message
    assert isinstance(raised.value, ValueError)


def test_today_is_a_possible_birthday_but_tomorrow_is_not():
    today = timezone.localdate()
    assert parse_jmbg(make_jmbg(today, region_code=71, sex="male", serial=1)).date_of_birth == today
    tomorrow = today + timedelta(days=1)
    with pytest.raises(InvalidJmbg) as raised:
        parse_jmbg(make_jmbg(tomorrow, region_code=71, sex="male", serial=1))
    assert raised.value.code == "future"


@pytest.mark.parametrize(
    ("region_code", "name"),
    [
        (0, "Naturalised citizens and foreigners"),
        (9, "Naturalised citizens and foreigners"),
        (10, "Bosnia and Herzegovina"),
        (19, "Bosnia and Herzegovina"),
        (20, "Montenegro"),
        (29, "Montenegro"),
        (30, "Croatia"),
        (39, "Croatia"),
        (41, "North Macedonia"),
        (49, "North Macedonia"),
        (50, "Slovenia"),
        (59, "Slovenia"),
        (71, "Central Serbia"),
        (79, "Central Serbia"),
        (80, "Vojvodina"),
        (89, "Vojvodina"),
        (91, "Kosovo"),
        (96, "Kosovo"),
    ],
)
def test_regions(region_code, name):
    jmbg = parse_jmbg(make_jmbg(date(1970, 5, 17), region_code=region_code, sex="female", serial=3))
    assert jmbg.region_code == region_code
    assert str(jmbg.region_name) == name
    assert jmbg.is_from_kosovo is (name == "Kosovo")


@pytest.mark.parametrize(
    ("serial", "sex"), [(0, "male"), (499, "male"), (500, "female"), (999, "female")]
)
def test_serial_gives_sex(serial, sex):
    jmbg = Jmbg(value="", date_of_birth=date(1990, 1, 1), region_code=71, serial=serial)
    assert jmbg.sex == sex


JOVANA = parse_jmbg("0704005795122")  # female, born 7 April 2005


@pytest.mark.parametrize(
    ("date_of_birth", "estimated", "sex", "expected"),
    [
        (None, False, None, []),
        (date(2005, 4, 7), False, "female", []),
        (date(2005, 4, 7), True, "female", []),
        (date(2005, 1, 1), True, None, []),
        (date(2005, 12, 31), True, None, []),
        (None, False, "other", []),
        (None, False, "", []),
        (
            date(2005, 7, 4),
            False,
            None,
            ["The JMBG gives the date of birth 07 Apr 2005, but 04 Jul 2005 was entered."],
        ),
        (
            date(2004, 1, 1),
            True,
            None,
            ["The JMBG gives the year of birth 2005, but 2004 was entered."],
        ),
        (None, False, "male", ["The JMBG gives the sex as female, but male was entered."]),
        (
            date(2006, 4, 7),
            False,
            "male",
            [
                "The JMBG gives the date of birth 07 Apr 2005, but 07 Apr 2006 was entered.",
                "The JMBG gives the sex as female, but male was entered.",
            ],
        ),
    ],
)
def test_disagreements(date_of_birth, estimated, sex, expected):
    warnings = jmbg_disagreements(
        JOVANA, date_of_birth=date_of_birth, date_of_birth_estimated=estimated, sex=sex
    )
    assert warnings == expected


def test_disagreement_on_sex_for_a_man():
    man = parse_jmbg("1203985710009")
    assert jmbg_disagreements(man, date_of_birth=None, sex="female") == [
        "The JMBG gives the sex as male, but female was entered."
    ]


DATES = [
    date(1800, 1, 1),
    date(1899, 12, 31),
    date(1931, 2, 28),
    date(1948, 2, 29),
    date(1985, 3, 12),
    date(1999, 12, 31),
    date(2000, 1, 1),
    date(2012, 7, 30),
    date(2024, 2, 29),
]
REGIONS = [0, 5, 10, 17, 21, 33, 41, 45, 50, 71, 75, 80, 86, 91, 93, 96]


@pytest.mark.parametrize("born", DATES)
@pytest.mark.parametrize("sex", ["male", "female"])
def test_made_numbers_read_back(born, sex):
    for region_code in REGIONS:
        for serial in (0, 1, 2, 9, 10, 123, 250, 498, 499):
            value = make_jmbg(born, region_code=region_code, sex=sex, serial=serial)
            jmbg = parse_jmbg(value)
            assert jmbg.value == value
            assert jmbg.date_of_birth == born
            assert jmbg.region_code == region_code
            assert jmbg.sex == sex
            # Only where the check digit would be 10 is a later serial taken, wrapping at 499.
            assert (jmbg.serial % 500 - serial) % 500 <= 2


def test_female_serials_are_offset():
    # Serial 16 becomes 516: 7+42+0+36+27+12+56+6+10+20+3+12 = 231 = 21·11 → 0
    assert make_jmbg(date(1968, 9, 17), region_code=12, sex="female", serial=16) == (
        "1709968125160"
    )


def test_make_skips_serials_whose_check_digit_would_be_10():
    # 241296035000 sums to 133 = 12·11 + 1; 241296035001 to 135 = 12·11 + 3 → 8.
    assert make_jmbg(date(1960, 12, 24), region_code=35, sex="male", serial=0) == ("2412960350018")


@pytest.mark.parametrize(
    ("born", "sex", "expected"),
    [
        # 090699091499 sums to 243 = 22·11 + 1, so the male range wraps to serial 000:
        # 0+54+0+24+27+18+0+54+5+0+0+0 = 182 = 16·11 + 6 → 5.
        (date(1990, 6, 9), "male", "0906990910005"),
        # 020699091999 sums to 221 = 20·11 + 1, so the female range wraps to serial 500.
        (date(1990, 6, 2), "female", "0206990915005"),
    ],
)
def test_make_wraps_within_the_sexs_range(born, sex, expected):
    assert make_jmbg(born, region_code=91, sex=sex, serial=499) == expected


@pytest.mark.parametrize(
    ("born", "region_code", "sex", "serial"),
    [
        (date(1985, 3, 12), 40, "male", 0),
        (date(1985, 3, 12), 100, "male", 0),
        (date(1985, 3, 12), 71, "other", 0),
        (date(1985, 3, 12), 71, "female", 500),
        (date(1985, 3, 12), 71, "male", -1),
        (date(1799, 12, 31), 71, "male", 0),
        (date(2800, 1, 1), 71, "male", 0),
    ],
)
def test_make_refuses_what_no_jmbg_can_hold(born, region_code, sex, serial):
    with pytest.raises(ValueError, match=r"\S"):
        make_jmbg(born, region_code=region_code, sex=sex, serial=serial)
