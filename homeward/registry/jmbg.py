"""The JMBG, the 13-digit personal number of Yugoslavia and of the states that kept it.

Its digits are DDMMYYYRRBBBK: date of birth (the year without its thousands digit), region of
registration, a serial that also tells the sex, and a check digit. Displaced persons often
carry documents from several of those states, and the number is copied by hand from worn
papers, so it is checked closely: a number that cannot exist is refused with a message that
says what is wrong, and one that exists but disagrees with the date of birth or sex entered
gives warnings, because either side may be the one mistyped.
"""

import datetime
import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

__all__ = [
    "FEMALE",
    "MALE",
    "InvalidJmbg",
    "Jmbg",
    "jmbg_disagreements",
    "make_jmbg",
    "normalise_jmbg",
    "parse_jmbg",
]

MALE = "male"
FEMALE = "female"
# The same words as the registry's choices for sex, so that they share one translation.
_SEX_LABELS = {MALE: _("male"), FEMALE: _("female")}

# Codes 40, 60–70, 90 and 97–99 were never assigned, so a number using them is mistyped.
_REGIONS = (
    (range(0, 10), _("Naturalised citizens and foreigners")),
    (range(10, 20), _("Bosnia and Herzegovina")),
    (range(20, 30), _("Montenegro")),
    (range(30, 40), _("Croatia")),
    (range(41, 50), _("North Macedonia")),
    (range(50, 60), _("Slovenia")),
    (range(71, 80), _("Central Serbia")),
    (range(80, 90), _("Vojvodina")),
    (range(91, 97), _("Kosovo")),
)
_KOSOVO = range(91, 97)
_SEPARATORS = re.compile(r"[\s.\-]+")
LENGTH = 13


class InvalidJmbg(ValueError):
    """A number that cannot be a JMBG; ``message`` tells the user what is wrong with it.

    ``code`` names the fault for programs ("characters", "length", "date", "future", "region",
    "check"), so that they need not read the translated message.
    """

    def __init__(self, message: str, *, code: str):
        self.message = message
        self.code = code
        super().__init__(message)


@dataclass(frozen=True)
class Jmbg:
    value: str
    date_of_birth: datetime.date
    region_code: int
    serial: int

    @property
    def sex(self) -> str:
        return MALE if self.serial < 500 else FEMALE

    @property
    def region_name(self):
        return _region_name(self.region_code)

    @property
    def is_from_kosovo(self) -> bool:
        return self.region_code in _KOSOVO


def _region_name(code: int):
    for codes, name in _REGIONS:
        if code in codes:
            return name
    return None


def _check_digit(digits: str) -> int | None:
    """The check digit for the first twelve digits, or None when no valid one exists.

    A remainder of 1 would need a check digit of 10; such numbers were simply never issued,
    rather than being given some other digit.
    """
    # Spelled out rather than zipped with the weights: an import checks 100,000 of these.
    d = [ord(c) - 48 for c in digits[:12]]
    remainder = (
        7 * (d[0] + d[6])
        + 6 * (d[1] + d[7])
        + 5 * (d[2] + d[8])
        + 4 * (d[3] + d[9])
        + 3 * (d[4] + d[10])
        + 2 * (d[5] + d[11])
    ) % 11
    if remainder == 0:
        return 0
    if remainder == 1:
        return None
    return 11 - remainder


def _year(three_digits: int) -> int:
    # Nobody alive was born before 1800, and the number will not outlive 2799.
    return (1000 if three_digits >= 800 else 2000) + three_digits


def normalise_jmbg(value: str) -> str:
    """The number without the spaces, hyphens and dots people type to group its digits."""
    return _SEPARATORS.sub("", value.strip())


def parse_jmbg(value: str, *, today: datetime.date | None = None) -> Jmbg:
    """Read and fully check a JMBG; raise ``InvalidJmbg`` saying what is wrong.

    ``today`` (default: the local date) lets an import checking 100,000 numbers ask for the
    date once rather than once per number."""
    digits = normalise_jmbg(value)
    other = next((c for c in digits if not ("0" <= c <= "9")), None)
    if other is not None:
        raise InvalidJmbg(
            gettext("A JMBG has only digits, but “%(value)s” contains “%(character)s”.")
            % {"value": digits, "character": other},
            code="characters",
        )
    if len(digits) != LENGTH:
        raise InvalidJmbg(
            ngettext(
                "A JMBG has 13 digits, but %(count)d digit was given.",
                "A JMBG has 13 digits, but %(count)d digits were given.",
                len(digits),
            )
            % {"count": len(digits)},
            code="length",
        )

    day, month, year = int(digits[0:2]), int(digits[2:4]), _year(int(digits[4:7]))
    try:
        born = datetime.date(year, month, day)
    except ValueError:
        raise InvalidJmbg(
            gettext("The date part of the JMBG, %(date)s, is not a real date.")
            % {"date": f"{digits[0:2]}.{digits[2:4]}.{year}"},
            code="date",
        ) from None
    if born > (today or timezone.localdate()):
        raise InvalidJmbg(
            gettext("The JMBG gives the date of birth %(date)s, which is in the future.")
            % {"date": date_format(born, "SHORT_DATE_FORMAT")},
            code="future",
        )

    region_code = int(digits[7:9])
    if _region_name(region_code) is None:
        raise InvalidJmbg(
            gettext("The region code %(code)s (the 8th and 9th digits) is not used in JMBGs.")
            % {"code": digits[7:9]},
            code="region",
        )

    expected = _check_digit(digits)
    if expected is None:
        raise InvalidJmbg(
            gettext(
                "No JMBG begins with these twelve digits, as its check digit would have to be "
                "10: one of them is probably mistyped."
            ),
            code="check",
        )
    if int(digits[12]) != expected:
        raise InvalidJmbg(
            gettext(
                "The last digit (the check digit) should be %(expected)d, not %(given)s: one of "
                "the digits is probably mistyped."
            )
            % {"expected": expected, "given": digits[12]},
            code="check",
        )
    return Jmbg(value=digits, date_of_birth=born, region_code=region_code, serial=int(digits[9:12]))


def jmbg_disagreements(
    jmbg: Jmbg,
    *,
    date_of_birth: datetime.date | None,
    date_of_birth_estimated: bool = False,
    sex: str | None,
) -> list[str]:
    """Warnings where a valid JMBG contradicts what was entered beside it.

    These are warnings and not errors: the documents themselves are sometimes wrong, and the
    person may know their real date of birth better. An estimated date of birth is usually set
    to 1 January of the year guessed, so only its year is held against the JMBG. A sex that the
    JMBG cannot express (neither male nor female) is not compared.
    """
    warnings = []
    if date_of_birth is not None:
        if date_of_birth_estimated:
            if date_of_birth.year != jmbg.date_of_birth.year:
                warnings.append(
                    gettext(
                        "The JMBG gives the year of birth %(jmbg_year)d, but %(entered_year)d "
                        "was entered."
                    )
                    % {"jmbg_year": jmbg.date_of_birth.year, "entered_year": date_of_birth.year}
                )
        elif date_of_birth != jmbg.date_of_birth:
            warnings.append(
                gettext(
                    "The JMBG gives the date of birth %(jmbg_date)s, but %(entered_date)s was "
                    "entered."
                )
                % {
                    "jmbg_date": date_format(jmbg.date_of_birth, "SHORT_DATE_FORMAT"),
                    "entered_date": date_format(date_of_birth, "SHORT_DATE_FORMAT"),
                }
            )
    if sex in _SEX_LABELS and sex != jmbg.sex:
        warnings.append(
            gettext("The JMBG gives the sex as %(jmbg_sex)s, but %(entered_sex)s was entered.")
            % {"jmbg_sex": _SEX_LABELS[jmbg.sex], "entered_sex": _SEX_LABELS[sex]}
        )
    return warnings


def make_jmbg(date_of_birth: datetime.date, *, region_code: int, sex: str, serial: int) -> str:
    """A valid JMBG for the given person, for demo data and tests only.

    Real numbers are issued by the registry offices; this makes plausible ones so that demo
    households and test fixtures pass the same checks as real data. ``serial`` (0–499) is the
    position within the sex's range, so women get 500 added. Where the check digit would be 10
    the next serial is taken, wrapping within the sex's range, as no such number is issued.
    """
    if _region_name(region_code) is None:
        raise ValueError(f"{region_code} is not a JMBG region code")
    if sex not in _SEX_LABELS:
        raise ValueError(f"sex must be {MALE!r} or {FEMALE!r}, not {sex!r}")
    if not 0 <= serial < 500:
        raise ValueError(f"serial must be between 0 and 499, not {serial}")
    if _year(date_of_birth.year % 1000) != date_of_birth.year:
        raise ValueError(f"a JMBG cannot hold the year {date_of_birth.year}")
    first = 500 if sex == FEMALE else 0
    for step in range(500):
        digits = (
            f"{date_of_birth:%d%m}{date_of_birth.year % 1000:03d}"
            f"{region_code:02d}{first + (serial + step) % 500:03d}"
        )
        check = _check_digit(digits)
        if check is not None:
            return f"{digits}{check}"
    raise AssertionError("every range of serials holds numbers with a valid check digit")
