"""Labelled test data for deduplication: a population registered more than once, as lists differ.

A model is only as good as the data it is measured on, and real beneficiary lists cannot leave
the organisations that hold them. So this module makes a population of displaced families from
Kosovo (Serbian, Albanian, Roma and Bosniak names, with the skew of real names: a few surnames
are very common, most are rare), gives most adults a valid JMBG, and registers a share of them a
second (sometimes a third) time, as another organisation would: in another household record, in
the other script, with or without diacritics, an Albanian name in Serbian spelling or a Serbian
one in Albanian spelling, with a slip of the keyboard, without the father's name or the JMBG, a
JMBG mistyped, the day and month of birth swapped, the year off by one, 1 January written for an
unknown date, no date at all, another municipality of origin or none.

It also plants the people a careless model merges: twins (one household, one surname, one date
of birth, two first names and two JMBGs), siblings, a father and his son of the same first name
(the son's father's name is that name; decades apart) and namesakes (a common first and last
name, born the same year or the next, in another family).

Every record knows the person it belongs to (``cluster``), so predicted pairs can be scored
pairwise (``score``): every two records of one person are a true pair. ``diagnose`` says which
variations a model misses and which confounders it merges.

Everything is drawn from one seeded ``random.Random``: the same seed and size give the same
records. Names are written once per (name, style) and then looked up, and the table is built
column by column, so a million people take seconds, not minutes.
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cache

import pyarrow as pa

from homeward.dedup.matching import INPUT_SCHEMA
from homeward.registry.demo import COMMUNITIES, KOSOVO_REGIONS, write
from homeward.registry.jmbg import FEMALE, MALE, make_jmbg

__all__ = [
    "CONFOUNDERS",
    "SCHEMA",
    "VARIATIONS",
    "Labelled",
    "Scores",
    "diagnose",
    "generate",
    "score",
]

SCHEMA = INPUT_SCHEMA.append(pa.field("cluster", pa.int64()))

# How a record may differ from the person it describes; ``Labelled.variations`` lists the
# records carrying each.
VARIATIONS = (
    "script",  # Cyrillic on one record, Latin on another
    "diacritics",  # Latin with diacritics on one, without on another
    "spelling",  # an Albanian name in Serbian spelling (or a Serbian one in Albanian) on one
    "first_name_typo",
    "last_name_typo",
    "father_name_typo",
    "father_name_missing",
    "national_id_missing",
    "national_id_typo",
    "dob_day_month_swapped",
    "dob_year_off_by_one",
    "dob_placeholder",  # 1 January of the year, marked as estimated
    "dob_missing",
    "municipality_missing",
    "municipality_other",
    "sex_wrong",
)
# Different people who look alike; ``Labelled.confounders`` lists their pairs of clusters.
CONFOUNDERS = ("twins", "siblings", "father_son", "namesakes")

# Whose families: most of the displaced from Kosovo are Serbs, then Roma, Albanians, Bosniaks.
_COMMUNITY_WEIGHTS = {"serb": 58, "albanian": 20, "roma": 16, "bosniak": 6}
_SIZE_WEIGHTS = {1: 14, 2: 20, 3: 18, 4: 20, 5: 13, 6: 8, 7: 5, 8: 2}  # 3.3 people on average

# Shares of people registered again, and what the second registration gets wrong.
_REGISTERED_AGAIN = 0.14  # the whole family, by another organisation
_PARTLY_AGAIN = 0.07  # some of its members, in a household record of their own
_THIRD_TIME = 0.15  # of the families registered again, those registered a third time
_AGAIN = {
    "first_name_typo": 0.05,
    "last_name_typo": 0.04,
    "father_name_typo": 0.03,
    "father_name_missing": 0.15,
    "national_id_missing": 0.25,
    "national_id_typo": 0.03,
    "dob_day_month_swapped": 0.04,
    "dob_year_off_by_one": 0.03,
    "dob_placeholder": 0.04,
    "dob_missing": 0.03,
    "municipality_missing": 0.25,
    "municipality_other": 0.05,
    "sex_wrong": 0.005,
}
# The first registration is more careful, but not flawless.
_FIRST = {
    "first_name_typo": 0.01,
    "last_name_typo": 0.01,
    "father_name_typo": 0.01,
    "father_name_missing": 0.06,
    "national_id_missing": 0.08,
    "national_id_typo": 0.005,
    "dob_day_month_swapped": 0.005,
    "dob_year_off_by_one": 0.005,
    "dob_placeholder": 0.01,
    "dob_missing": 0.005,
    "municipality_missing": 0.1,
    "municipality_other": 0.01,
    "sex_wrong": 0.0,
}

_TWINS = 0.03  # of households with two or more children
_FATHER_SON = 0.04  # of households whose head is a man with a son
_NAMESAKE = 0.03  # of household heads: named as someone already drawn, born that year or next


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    f1: float
    true_positives: int
    false_positives: int
    false_negatives: int


@dataclass
class Labelled:
    """Records with the truth about them.

    ``records`` has the matching input columns and ``cluster``, the person a record describes;
    ``clusters`` is that column as a list (the cluster of ``unique_id`` n is ``clusters[n - 1]``).
    ``variations`` maps each of ``VARIATIONS`` to the ``unique_id`` of the records carrying it;
    ``confounders`` maps each of ``CONFOUNDERS`` to pairs of clusters ``(a, b)``, ``a < b``,
    that are different people however alike their records are.
    """

    records: pa.Table
    people: int
    variations: dict[str, list[int]]
    confounders: dict[str, set[tuple[int, int]]]
    clusters: list[int] = field(repr=False)

    def cluster_of(self, unique_id: int) -> int:
        if not 1 <= unique_id <= len(self.clusters):
            raise ValueError(f"no record has the unique_id {unique_id}")
        return self.clusters[unique_id - 1]

    def true_pairs(self) -> Iterable[tuple[int, int]]:
        """Every pair of records of one person, ``(a, b)`` with ``a < b``."""
        members = defaultdict(list)
        for unique_id, cluster in enumerate(self.clusters, start=1):
            members[cluster].append(unique_id)
        for ids in members.values():
            for i, a in enumerate(ids):
                for b in ids[i + 1 :]:
                    yield (a, b)

    @property
    def true_pair_count(self) -> int:
        return sum(n * (n - 1) // 2 for n in Counter(self.clusters).values())


def _normalised(predicted_pairs: Iterable[tuple[int, int]], labelled: Labelled) -> set:
    pairs = set()
    for a, b in predicted_pairs:
        if a == b:
            raise ValueError(f"a record paired with itself: {a}")
        labelled.cluster_of(a), labelled.cluster_of(b)
        pairs.add((a, b) if a < b else (b, a))
    return pairs


def score(predicted_pairs: Iterable[tuple[int, int]], labelled: Labelled) -> Scores:
    """Pairwise precision, recall and F1 of ``predicted_pairs`` (``unique_id`` pairs, either
    order, each counted once) against the true clusters.

    With no pair predicted the precision is 1 (nothing wrong was said); with no true pair the
    recall is 1 (nothing was missed). A pair naming an unknown record or one record twice is
    refused, as it means the predictions belong to other data.
    """
    pairs = _normalised(predicted_pairs, labelled)
    cluster = labelled.clusters
    true_positives = sum(1 for a, b in pairs if cluster[a - 1] == cluster[b - 1])
    false_positives = len(pairs) - true_positives
    false_negatives = labelled.true_pair_count - true_positives
    precision = true_positives / len(pairs) if pairs else 1.0
    recall = (
        true_positives / (true_positives + false_negatives) if labelled.true_pair_count else 1.0
    )
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Scores(precision, recall, f1, true_positives, false_positives, false_negatives)


def diagnose(predicted_pairs: Iterable[tuple[int, int]], labelled: Labelled) -> dict:
    """Where a model goes wrong: per variation, the true pairs with a record carrying it and how
    many were found; per confounder, its pairs of people and how many of them were merged (at
    least one predicted pair joining a record of one to a record of the other). Twins are
    siblings too, so they count among both."""
    pairs = _normalised(predicted_pairs, labelled)
    cluster = labelled.clusters
    carriers = {kind: set(ids) for kind, ids in labelled.variations.items()}
    variations = {kind: {"pairs": 0, "found": 0} for kind in VARIATIONS}
    for a, b in labelled.true_pairs():
        found = (a, b) in pairs
        for kind, ids in carriers.items():
            if a in ids or b in ids:
                variations[kind]["pairs"] += 1
                variations[kind]["found"] += found
    joined = {
        (ca, cb) if ca < cb else (cb, ca)
        for ca, cb in ((cluster[a - 1], cluster[b - 1]) for a, b in pairs)
        if ca != cb
    }
    confounders = {
        kind: {"pairs": len(clusters), "merged": len(clusters & joined)}
        for kind, clusters in labelled.confounders.items()
    }
    return {"variations": variations, "confounders": confounders}


# --- names -----------------------------------------------------------------------------------


def _stem(name: str) -> str:
    return name[:-1] if name[-1] in "aeo" else name


def _serbian_tail(men: tuple[str, ...]) -> list[str]:
    """Rarer surnames made the way Serbian ones are, from a first name: Dragan → Draganović."""
    names = []
    for man in men:
        stem = _stem(man)
        soft = stem.endswith(("č", "ć", "š", "ž", "đ", "j"))
        names += [f"{stem}ić", f"{stem}{'ević' if soft else 'ović'}"]
    return names


def _albanian_tail(men: tuple[str, ...], surnames: tuple[str, ...]) -> list[str]:
    """Rarer Albanian surnames: a father's name with -i (Ahmet → Ahmeti), a clan name in -aj."""
    names = [f"{man}i" for man in men if man[-1] not in "aeiouë"]
    names += [f"{surname[:-1]}aj" for surname in surnames if surname.endswith("i")]
    return names


class _Choice:
    """Draws one of ``items`` with the given weights, by bisecting their running total (a
    million draws cost well under a second)."""

    def __init__(self, items: Iterable, weights: Iterable[float]):
        self.items = list(items)
        self.cumulative = list(itertools.accumulate(weights))
        self.total = self.cumulative[-1]

    def draw(self, rng: random.Random):
        return self.items[bisect.bisect(self.cumulative, rng.random() * self.total)]


_COMMUNITY = _Choice(_COMMUNITY_WEIGHTS, _COMMUNITY_WEIGHTS.values())
_SIZE = _Choice(_SIZE_WEIGHTS, _SIZE_WEIGHTS.values())


def _skewed(names: Iterable[str]) -> _Choice:
    """Names with a realistic skew: the weight of the r-th name is 1 / (r + 8) ** 1.1, so the
    most common of a few hundred surnames is borne by about 2 % of its community."""
    names = list(dict.fromkeys(names))
    return _Choice(names, (1 / (rank + 9) ** 1.1 for rank in range(len(names))))


@dataclass(frozen=True)
class _Community:
    surnames: _Choice
    men: _Choice
    women: _Choice
    albanian: bool


# Albanian first names whose Serbian spelling differs most (xh, gj, q, y), added to the
# demo registry's.
_MORE_ALBANIAN_MEN = ("Xhafer", "Gjergj", "Gjon", "Ylber", "Qazim", "Gjelosh", "Xhevdet", "Yll")
_MORE_ALBANIAN_WOMEN = ("Gjyljeta", "Xhemile", "Ylfete", "Qefsere", "Gjylizare", "Yllka")


def _communities() -> dict[str, _Community]:
    made = {}
    for code, (surnames, men, women, albanian) in COMMUNITIES.items():
        tail = _albanian_tail(men, surnames) if albanian else _serbian_tail(men)
        if albanian:
            men, women = (*men, *_MORE_ALBANIAN_MEN), (*women, *_MORE_ALBANIAN_WOMEN)
        made[code] = _Community(_skewed([*surnames, *tail]), _skewed(men), _skewed(women), albanian)
    return made


# How an organisation writes names (the styles of the demo registry's ``write``, and two more).
# Serbian-orthography names: Cyrillic, Latin with diacritics, without them, capitals without
# them, or as an Albanian office spells them (Đorđević → Gjorgjeviq). Albanian names: Albanian
# spelling, without ë and ç, capitals, or as a Serbian document writes them (Krasniqi →
# Krasnići, Краснићи, or Красничи where ч stands for q).
_SERBIAN_STYLES = {"cyrillic": 30, "latin": 35, "ascii": 20, "upper_latin": 8,
                   "upper_cyrillic": 4, "albanian": 3}  # fmt: skip
_ALBANIAN_STYLES = {"albanian": 50, "ascii": 20, "upper_latin": 5, "serbian_latin": 12,
                    "cyrillic": 9, "cyrillic_ch": 4}  # fmt: skip
_STYLES = {
    False: _Choice(_SERBIAN_STYLES, _SERBIAN_STYLES.values()),
    True: _Choice(_ALBANIAN_STYLES, _ALBANIAN_STYLES.values()),
}
_CYRILLIC_STYLES = {"cyrillic", "upper_cyrillic", "cyrillic_ch"}
_ASCII_STYLES = {"ascii", "upper_latin"}
# Styles that spell a name the other language's way.
_FOREIGN_SPELLING = {False: {"albanian"}, True: {"serbian_latin", "cyrillic", "cyrillic_ch"}}
_SERBIAN_TO_ALBANIAN = (
    ("dž", "xh"), ("Dž", "Xh"), ("č", "ç"), ("Č", "Ç"), ("ć", "q"), ("Ć", "Q"), ("đ", "gj"),
    ("Đ", "Gj"), ("š", "sh"), ("Š", "Sh"), ("ž", "zh"), ("Ž", "Zh"),
)  # fmt: skip


@cache
def _write(name: str, style: str, albanian: bool) -> str:
    if style == "albanian":
        if not albanian:
            for serbian, albanian_spelling in _SERBIAN_TO_ALBANIAN:
                name = name.replace(serbian, albanian_spelling)
        return name
    if style == "cyrillic_ch":
        return write(name, "cyrillic", albanian=albanian).replace("ћ", "ч").replace("Ћ", "Ч")
    return write(name, style, albanian=albanian)


def _style_differences(first: str, other: str, albanian: bool) -> list[str]:
    differences = []
    if (first in _CYRILLIC_STYLES) != (other in _CYRILLIC_STYLES):
        differences.append("script")
    elif (first in _ASCII_STYLES) != (other in _ASCII_STYLES):
        differences.append("diacritics")
    foreign = _FOREIGN_SPELLING[albanian]
    if (first in foreign) != (other in foreign):
        differences.append("spelling")
    return differences


_LATIN_LETTERS = "abcdefghijklmnoprstuvzčćšžđ"
_CYRILLIC_LETTERS = "абвгдђежзијклљмнњопрстћуфхцчџш"


def _typo(rng: random.Random, text: str) -> str:
    """One slip: a letter dropped, doubled, replaced, or two neighbours swapped."""
    if len(text) < 3:
        return text
    index = rng.randrange(1, len(text) - 1)
    kind = rng.random()
    if kind < 0.3:
        return text[:index] + text[index + 1 :]
    if kind < 0.5:
        return text[:index] + text[index] + text[index:]
    if kind < 0.75:
        return text[:index] + text[index + 1] + text[index] + text[index + 2 :]
    letters = _CYRILLIC_LETTERS if "\u0400" <= text[0] <= "\u04ff" else _LATIN_LETTERS
    letter = rng.choice(letters.replace(text[index].lower(), ""))
    return text[:index] + (letter.upper() if text[index].isupper() else letter) + text[index + 1 :]


def _jmbg_typo(rng: random.Random, jmbg: str) -> str:
    """A digit replaced or two neighbours swapped, as numbers copied by hand go wrong."""
    index = rng.randrange(12)
    if rng.random() < 0.5 and jmbg[index] != jmbg[index + 1]:
        return jmbg[:index] + jmbg[index + 1] + jmbg[index] + jmbg[index + 2 :]
    digit = rng.choice("0123456789".replace(jmbg[index], ""))
    return jmbg[:index] + digit + jmbg[index + 1 :]


# --- people and households -------------------------------------------------------------------


class _Person:
    __slots__ = ("albanian", "born", "cluster", "estimated", "father", "first", "jmbg", "last",
                 "sex", "twin")  # fmt: skip

    def __init__(self, cluster, first, father, last, sex, born, estimated, albanian):
        self.cluster = cluster
        self.first = first
        self.father = father
        self.last = last
        self.sex = sex
        self.born = born
        self.estimated = estimated
        self.albanian = albanian
        self.jmbg = ""
        self.twin: _Person | None = None  # the elder twin, whose birth date is this one's


_ORIGINS = [
    (f"XK-{municipality}", region)
    for region, municipalities in KOSOVO_REGIONS.items()
    for municipality in municipalities.split()
]
_SERBIAN_REGIONS = tuple(range(71, 80))
_DISPLACED = date(1999, 6, 1)


class _Population:
    def __init__(self, rng: random.Random, as_of: date):
        self.rng = rng
        self.as_of = as_of.toordinal()
        self.communities = _communities()
        self.people: list[_Person] = []
        self.heads: list[_Person] = []
        self.households: list[tuple[list[_Person], str, int]] = []  # members, origin, region
        self.jmbgs: set[str] = set()
        self.confounders: dict[str, set[tuple[int, int]]] = {kind: set() for kind in CONFOUNDERS}

    def person(self, first, father, last, sex, born, community) -> _Person:
        made = _Person(len(self.people), first, father, last, sex, born, False, community.albanian)
        self.people.append(made)
        return made

    def born(self, age: int) -> date:
        return date.fromordinal(self.as_of - age * 365 - self.rng.randrange(365))

    def confound(self, kind: str, a: _Person, b: _Person) -> None:
        self.confounders[kind].add((a.cluster, b.cluster) if a.cluster < b.cluster else
                                   (b.cluster, a.cluster))  # fmt: skip

    def household(self, size: int) -> None:
        rng = self.rng
        name = _COMMUNITY.draw(rng)
        community = self.communities[name]
        origin, region = rng.choice(_ORIGINS) if rng.random() < 0.88 else ("", 0)
        members = [self.head(community, size)]
        head = members[0]
        husband = head.first if head.sex == MALE else community.men.draw(rng)
        head_age = parents_age = (self.as_of - head.born.toordinal()) // 365
        if size >= 2 and head.sex == MALE and rng.random() < 0.85:
            keeps_own = community.albanian and rng.random() < 0.4
            age = max(18, head_age + rng.randint(-8, 3))
            parents_age = min(head_age, age)
            members.append(self.person(
                self.first_name(community, FEMALE, members), community.men.draw(rng),
                community.surnames.draw(rng) if keeps_own else head.last, FEMALE,
                self.born(age), community,
            ))  # fmt: skip
        if len(members) < size and head_age < 62 and rng.random() < 0.15:
            parent_age = min(95, head_age + rng.randint(22, 35))
            if rng.random() < 0.5:
                parent = self.person(head.father, community.men.draw(rng), head.last, MALE,
                                     self.born(parent_age), community)  # fmt: skip
            else:
                parent = self.person(self.first_name(community, FEMALE, members),
                                     community.men.draw(rng), head.last, FEMALE,
                                     self.born(parent_age), community)  # fmt: skip
            members.append(parent)
        self.children(community, members, size, parents_age, husband)
        for member in members:
            self.estimate(member, name)
            self.give_jmbg(member, name, origin, region)
        self.households.append((members, origin, region))

    def head(self, community: _Community, size: int) -> _Person:
        rng = self.rng
        # Families are headed by men; people living alone are mostly widows.
        sex = MALE if rng.random() < (0.85 if size > 1 else 0.4) else FEMALE
        age = rng.randint(60, 90) if size == 1 and rng.random() < 0.6 else rng.randint(24, 75)
        if self.heads and rng.random() < _NAMESAKE:
            other = self.heads[rng.randrange(len(self.heads))]
            if other.albanian == community.albanian:
                father = other.father if rng.random() < 0.1 else community.men.draw(rng)
                born = self.born((self.as_of - other.born.toordinal()) // 365 + rng.randint(-1, 0))
                head = self.person(other.first, father, other.last, other.sex, born, community)
                self.confound("namesakes", other, head)
                self.heads.append(head)
                return head
        first = (community.men if sex == MALE else community.women).draw(rng)
        head = self.person(first, community.men.draw(rng), community.surnames.draw(rng), sex,
                           self.born(age), community)  # fmt: skip
        self.heads.append(head)
        return head

    def first_name(self, community: _Community, sex: str, family: list[_Person]) -> str:
        """A first name nobody else in the family bears (parents do not name two children
        alike); a son named after his father is the deliberate exception."""
        pool = community.men if sex == MALE else community.women
        taken = {member.first for member in family}
        for _attempt in range(20):
            name = pool.draw(self.rng)
            if name not in taken:
                return name
        return name

    def children(self, community, members, size, parents_age, father_name) -> None:
        """The head's children, the eldest born when the younger parent was 18 to 32, the
        others one to four years apart; sometimes twins, sometimes a son with his father's
        name."""
        rng = self.rng
        head = members[0]
        count = size - len(members)
        if count <= 0 or parents_age < 19:
            return
        age = parents_age - rng.randint(18, min(32, parents_age))
        born = self.born(age).toordinal()
        twins = count >= 2 and rng.random() < _TWINS
        named_after_father = head.sex == MALE and rng.random() < _FATHER_SON
        children = []
        while len(children) < count and born < self.as_of:
            sex = MALE if rng.random() < 0.51 else FEMALE
            if named_after_father and sex == MALE:
                first, named_after_father = head.first, False
                son = True
            else:
                first, son = self.first_name(community, sex, members), False
            child = self.person(first, father_name, head.last, sex, date.fromordinal(born),
                                community)  # fmt: skip
            if son:
                self.confound("father_son", head, child)
            for sibling in children:
                self.confound("siblings", sibling, child)
            children.append(child)
            members.append(child)
            if twins and len(children) < count:
                twins = False
                sex = MALE if rng.random() < 0.51 else FEMALE
                twin = self.person(self.first_name(community, sex, members), father_name,
                                   head.last, sex, child.born, community)  # fmt: skip
                twin.twin = child
                for sibling in children:
                    self.confound("siblings", sibling, twin)
                self.confound("twins", child, twin)
                children.append(twin)
                members.append(twin)
            born += rng.randint(400, 1500)

    def estimate(self, member: _Person, community: str) -> None:
        """Some people know only their year of birth: 1 January, marked as estimated."""
        if member.twin is not None:
            member.born, member.estimated = member.twin.born, member.twin.estimated
            return
        age = (self.as_of - member.born.toordinal()) // 365
        if self.rng.random() < (0.1 if community == "roma" or age > 70 else 0.02):
            member.born = date(member.born.year, 1, 1)
            member.estimated = True

    def give_jmbg(self, member: _Person, community: str, origin: str, region: int) -> None:
        rng = self.rng
        if member.estimated:
            return
        adult = (self.as_of - member.born.toordinal()) // 365 >= 18
        share = {
            "serb": 0.93 if adult else 0.85,
            "roma": 0.7 if adult else 0.6,
            "bosniak": 0.88,
            "albanian": 0.7 if member.born < date(1992, 1, 1) else 0.0,
        }[community]
        if rng.random() >= share:
            return
        if not (origin and member.born < _DISPLACED):
            region = rng.choice(_SERBIAN_REGIONS)
        serial = rng.randrange(500)
        for step in range(500):
            jmbg = make_jmbg(member.born, region_code=region, sex=member.sex,
                             serial=(serial + step) % 500)  # fmt: skip
            if jmbg not in self.jmbgs:
                self.jmbgs.add(jmbg)
                member.jmbg = jmbg
                return


# --- registration ----------------------------------------------------------------------------


class _Records:
    """The table's columns, filled one registration (a household record) at a time."""

    def __init__(self, rng: random.Random, first_style: dict[int, str]):
        self.rng = rng
        self.columns: dict[str, list] = {name: [] for name in SCHEMA.names}
        self.variations: dict[str, list[int]] = {kind: [] for kind in VARIATIONS}
        # How each person's first registration writes names, for what later ones change.
        self.first_style = first_style
        self.households = 0

    def register(self, members, origin, region, style, rates, *, first_time) -> None:
        rng = self.rng
        columns = self.columns
        self.households += 1
        household = self.households
        for person in members:
            unique_id = len(columns["unique_id"]) + 1
            carries = self.variations
            albanian = person.albanian
            person_style = style[albanian]
            if not first_time:
                first = self.first_style[person.cluster]
                for kind in _style_differences(first, person_style, albanian):
                    carries[kind].append(unique_id)
            first_name = _write(person.first, person_style, albanian)
            if rng.random() < rates["first_name_typo"]:
                first_name = _typo(rng, first_name)
                carries["first_name_typo"].append(unique_id)
            last_name = _write(person.last, person_style, albanian)
            if rng.random() < rates["last_name_typo"]:
                last_name = _typo(rng, last_name)
                carries["last_name_typo"].append(unique_id)
            father_name = _write(person.father, person_style, albanian)
            if rng.random() < rates["father_name_missing"]:
                father_name = ""
                carries["father_name_missing"].append(unique_id)
            elif rng.random() < rates["father_name_typo"]:
                father_name = _typo(rng, father_name)
                carries["father_name_typo"].append(unique_id)
            sex = person.sex
            if rng.random() < rates["sex_wrong"]:
                sex = FEMALE if sex == MALE else MALE
                carries["sex_wrong"].append(unique_id)
            jmbg = person.jmbg
            if jmbg:
                if rng.random() < rates["national_id_missing"]:
                    jmbg = ""
                    carries["national_id_missing"].append(unique_id)
                elif rng.random() < rates["national_id_typo"]:
                    jmbg = _jmbg_typo(rng, jmbg)
                    carries["national_id_typo"].append(unique_id)
            born, estimated = self.date_of_birth(person, rates, unique_id)
            columns["unique_id"].append(unique_id)
            columns["first_name"].append(first_name)
            columns["father_name"].append(father_name)
            columns["last_name"].append(last_name)
            columns["sex"].append(sex)
            columns["date_of_birth"].append(born)
            columns["date_of_birth_estimated"].append(estimated)
            columns["national_id"].append(jmbg)
            columns["origin_municipality"].append(origin)
            columns["household"].append(household)
            columns["cluster"].append(person.cluster)
        if origin:
            if rng.random() < rates["municipality_missing"]:
                self.replace_origin(len(members), "", "municipality_missing")
            elif rng.random() < rates["municipality_other"]:
                others = [code for code, other in _ORIGINS if other == region and code != origin]
                self.replace_origin(len(members), rng.choice(others), "municipality_other")

    def replace_origin(self, count: int, origin: str, kind: str) -> None:
        column = self.columns["origin_municipality"]
        column[-count:] = [origin] * count
        self.variations[kind] += self.columns["unique_id"][-count:]

    def date_of_birth(self, person: _Person, rates, unique_id) -> tuple[date | None, bool]:
        rng = self.rng
        born, estimated = person.born, person.estimated
        roll = rng.random()
        carries = self.variations
        if roll < rates["dob_missing"]:
            carries["dob_missing"].append(unique_id)
            return None, False
        roll -= rates["dob_missing"]
        if estimated:
            return born, True
        if roll < rates["dob_placeholder"]:
            carries["dob_placeholder"].append(unique_id)
            return date(born.year + (rng.choice((-1, 1)) if rng.random() < 0.3 else 0), 1, 1), True
        roll -= rates["dob_placeholder"]
        if roll < rates["dob_day_month_swapped"]:
            if born.day <= 12 and born.day != born.month:
                carries["dob_day_month_swapped"].append(unique_id)
                return date(born.year, born.day, born.month), False
            return born, False
        roll -= rates["dob_day_month_swapped"]
        if roll < rates["dob_year_off_by_one"]:
            carries["dob_year_off_by_one"].append(unique_id)
            year = born.year + rng.choice((-1, 1))
            day = 28 if born.month == 2 and born.day == 29 else born.day
            return date(year, born.month, day), False
        return born, False


def _styles(rng: random.Random, avoid: dict[bool, str] | None = None) -> dict[bool, str]:
    """How one organisation writes Serbian-orthography (False) and Albanian (True) names; a
    second organisation usually writes them differently from the first."""
    chosen = {}
    for albanian, styles in _STYLES.items():
        style = styles.draw(rng)
        if avoid is not None and rng.random() < 0.8:
            while style == avoid[albanian]:
                style = styles.draw(rng)
        chosen[albanian] = style
    return chosen


def generate(
    people: int,
    *,
    seed: int = 0,
    as_of: date = date(2026, 6, 30),
) -> Labelled:
    """About ``people`` people (whole households: a few more, never fewer) and their records:
    each registered once, a fifth of them again by another organisation, some a third time.

    ``as_of`` is the day ages are counted from, fixed so that a seed means the same data in
    any year.
    """
    if people < 1:
        raise ValueError("people must be at least 1")
    rng = random.Random(seed)
    population = _Population(rng, as_of)
    while len(population.people) < people:
        population.household(_SIZE.draw(rng))

    # Every household is registered once as it is, some again (whole or in part) by other
    # organisations; the registrations are shuffled so that ids say nothing.
    registrations = []
    first_style = {}
    for members, origin, region in population.households:
        style = _styles(rng)
        registrations.append((0, members, origin, region, style))
        for member in members:
            first_style[member.cluster] = style[member.albanian]
        roll = rng.random()
        if roll < _REGISTERED_AGAIN:
            again = members
        elif roll < _REGISTERED_AGAIN + _PARTLY_AGAIN and len(members) > 1:
            again = rng.sample(members, rng.randint(1, len(members) - 1))
        else:
            continue
        registrations.append((1, again, origin, region, _styles(rng, avoid=style)))
        if rng.random() < _THIRD_TIME:
            registrations.append((2, again, origin, region, _styles(rng, avoid=style)))
    rng.shuffle(registrations)
    records = _Records(rng, first_style)
    for later, members, origin, region, style in registrations:
        rates = _AGAIN if later else _FIRST
        records.register(members, origin, region, style, rates, first_time=not later)
    return _labelled(records, population)


def _labelled(records: _Records, population: _Population) -> Labelled:
    columns = records.columns
    table = pa.table({name: pa.array(columns[name], type=SCHEMA.field(name).type)
                      for name in SCHEMA.names})  # fmt: skip
    variations = {kind: sorted(ids) for kind, ids in records.variations.items()}
    return Labelled(
        records=table,
        people=len(population.people),
        variations=variations,
        confounders=population.confounders,
        clusters=columns["cluster"],
    )
