"""Reading the registry: the one search box, the filters, and single records — always scoped.

The search box takes whatever a case worker types: a JMBG, a phone number, a household number,
or any part of a name in any script or spelling, with one typo tolerated. A name is matched
word by word: each word of the query must match a word of the person's first, father's or last
name, exactly (after folding), as the beginning of the word, or one typo away. The typo match
is an indexed lookup in the dictionary of name words and their one-deletion variants
(``NameTokenVariant``), so it costs the same on SQLite and PostgreSQL as an exact match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import (
    CharField,
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Concat

from homeward.accounts.roles import Capability
from homeward.core.names import deletion_variants, name_tokens, within_one_edit
from homeward.core.scope import get_scoped_or_404, scoped
from homeward.registry.models import (
    Household,
    IdentityDocument,
    NameTokenVariant,
    Person,
    PersonNameToken,
    Vulnerability,
)
from homeward.registry.validation import normalise_phone

# Words shorter than these are matched exactly only: a typo in "Ana" is another name.
PREFIX_FROM = 3
TYPO_FROM = 4
# A name word borne by fewer people than this may be a misspelling already in the registry.
RARE_BELOW = 5

_HOUSEHOLD_NUMBER = re.compile(r"^[Hh]\s*-?\s*(\d{1,9})$")
_DIGITS_ONLY = re.compile(r"^[\d\s+()/.\-]+$")

PERSON_ORDERINGS = {
    "name": ["last_key", "first_key", "id"],
    "-name": ["-last_key", "-first_key", "-id"],
    "born": ["date_of_birth", "id"],
    "-born": ["-date_of_birth", "-id"],
    "household": ["household__number", "id"],
    "-household": ["-household__number", "-id"],
    "registered": ["household__registered_on", "id"],
    "-registered": ["-household__registered_on", "-id"],
}
HOUSEHOLD_ORDERINGS = {
    "number": ["number"],
    "-number": ["-number"],
    "registered": ["registered_on", "number"],
    "-registered": ["-registered_on", "-number"],
    "size": ["size", "number"],
    "-size": ["-size", "number"],
}


@dataclass(frozen=True)
class Query:
    """What the text in the search box asks for."""

    national_id: str = ""
    phone: str = ""
    household_number: str = ""
    words: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.national_id or self.phone or self.household_number or self.words)


def parse_query(text: str) -> Query:
    text = (text or "").strip()
    if not text:
        return Query()
    if match := _HOUSEHOLD_NUMBER.match(text):
        return Query(household_number=f"H-{int(match.group(1)):06d}")
    if _DIGITS_ONLY.match(text):
        digits = re.sub(r"\D", "", text)
        if len(digits) == 13 and not text.strip().startswith("+"):
            return Query(national_id=digits)
        if len(digits) >= 6:
            return Query(phone=normalise_phone(text))
        return Query(household_number=f"H-{int(digits):06d}") if digits else Query()
    return Query(words=name_tokens(text))


def matching_name_words(word: str) -> list[str]:
    """The name words in the registry that ``word`` finds: itself, the words it begins, and —
    when it is no name anyone bears, or one very few bear — the words one typo away.

    Looking the words up first, in the small dictionary, hands the database a plain list to
    match people against: a list it can estimate, where a subquery made PostgreSQL walk a
    million people in name order (2.7 s at 1,000,000). And a typo is tolerated only where it
    must be one: "Petrović" does not also bring every Petković.
    """
    exact = Q(variant=word, token=word)
    if len(word) >= PREFIX_FROM:
        if connection.vendor == "postgresql":
            # LIKE 'abc%' uses the varchar_pattern_ops index whatever the database's collation.
            prefix = Q(variant__startswith=word)
        else:
            # SQLite compares bytes: a range is the indexed form of "starts with".
            prefix = Q(variant__gte=word, variant__lt=word[:-1] + chr(ord(word[-1]) + 1))
        exact = prefix & Q(variant=F("token"))
    lookup = exact
    if len(word) >= TYPO_FROM:
        lookup |= Q(variant__in=sorted(deletion_variants(word)))
    rows = NameTokenVariant.objects.filter(lookup).values_list("variant", "token")
    found, candidates = set(), set()
    for variant, token in rows:
        if variant == token and token.startswith(word):
            found.add(token)
        else:
            candidates.add(token)
    if word not in found or _rare(word):
        # A shared deletion variant only makes a candidate: "ivana" and "vanja" share "vana"
        # yet are two edits apart. The candidates are few, so they are confirmed here.
        found |= {token for token in candidates if within_one_edit(token, word)}
    return sorted(found)


def _rare(word: str) -> bool:
    """Whether fewer than ``RARE_BELOW`` people bear ``word``: then it may well be a misspelling
    that made it into the registry ("Vasiljevci"), and the search looks one typo further."""
    return PersonNameToken.objects.filter(token=word)[:RARE_BELOW].count() < RARE_BELOW


def _word_condition(word: str) -> Q:
    """People with a name word that ``word`` finds (see ``matching_name_words``)."""
    words = matching_name_words(word)
    if not words:
        return Q(pk__in=[])
    return Q(pk__in=PersonNameToken.objects.filter(token__in=words).values("person_id"))


def _vulnerability_condition(vulnerability: str, prefix: str = "") -> Q:
    column = "has_disability" if vulnerability == Vulnerability.DISABILITY else vulnerability
    return Q(**{f"{prefix}{column}": True})


def person_search(
    *,
    actor,
    query: str = "",
    municipality=None,
    displacement_status: str = "",
    project=None,
    vulnerability: str = "",
    ordering: str = "name",
) -> QuerySet[Person]:
    """The people ``actor`` may see that match the search box and the filters."""
    people = scoped(Person.objects.all(), actor, Capability.VIEW_PERSONAL_DATA)
    terms = parse_query(query)
    if terms.national_id:
        people = people.filter(national_id=terms.national_id)
    elif terms.phone:
        people = people.filter(pk__in=_people_with_phone(terms.phone))
    elif terms.household_number:
        people = people.filter(household__number=terms.household_number)
    for word in terms.words:
        people = people.filter(_word_condition(word))
    if municipality is not None:
        people = people.filter(household__current_municipality=municipality)
    if displacement_status:
        people = people.filter(displacement_status=displacement_status)
    if project is not None:
        people = people.filter(household__project=project)
    if vulnerability in Vulnerability.values:
        people = people.filter(_vulnerability_condition(vulnerability))
    order = PERSON_ORDERINGS.get(ordering, PERSON_ORDERINGS["name"])
    if not terms.is_empty:
        order = _sorted_after_matching(order)
    people = people.order_by(*order)
    if terms.words:
        # A name can match thousands: their ids are sorted first, and the households and
        # places fetched for the page only (see ``PersonQuerySet.ids_first``).
        return people.prefetch_related("household__current_municipality").ids_first()
    # A JMBG, a phone or a household number matches a handful; browsing walks the name index.
    return people.select_related("household", "household__current_municipality")


def _people_with_phone(phone: str) -> list[int]:
    """Who has this number, or lives in a household that has it: two indexed lookups, whose
    few answers the search then matches by id. Asked as one condition with OR across the
    join, both databases read every person instead."""
    own = Person.objects.filter(phone_key=phone).values_list("pk", flat=True)
    household = Person.objects.filter(household__phone_key=phone).values_list("pk", flat=True)
    return sorted(set(own) | set(household))


def _sorted_after_matching(order: list[str]) -> list:
    """The order of a page of search results, written so that no index can serve it.

    With an index on the sort key and a LIMIT, PostgreSQL prefers to walk the whole index in
    name order until it has met 50 matches; the Petrovićs are met only after every name before
    "p" (1.7 s at 1,000,000 people). Sorting the few thousand matches instead takes
    milliseconds. A search without text (browsing) keeps the index: every row matches there.
    """
    expressions = []
    for name in order:
        descending = name.startswith("-")
        column = name.lstrip("-")
        if column.endswith("_key") or column == "number":
            expression = Concat(F(column), Value(""), output_field=CharField())
            expressions.append(expression.desc() if descending else expression.asc())
        else:
            expressions.append(name)
    return expressions


def household_search(
    *,
    actor,
    query: str = "",
    municipality=None,
    displacement_status: str = "",
    project=None,
    vulnerability: str = "",
    ordering: str = "number",
) -> QuerySet[Household]:
    """Households ``actor`` may see with a member that matches, or whose number or phone does."""
    households = scoped(Household.objects.all(), actor, Capability.VIEW_PERSONAL_DATA)
    terms = parse_query(query)
    member_filters = displacement_status or vulnerability in Vulnerability.values
    if terms.household_number:
        households = households.filter(number=terms.household_number)
    elif terms.phone:
        households = households.filter(
            Q(phone_key=terms.phone)
            | Q(pk__in=Person.objects.filter(phone_key=terms.phone).values("household_id"))
        )
    if terms.national_id or terms.words or member_filters:
        members = Person.objects.all()
        if terms.national_id:
            members = members.filter(national_id=terms.national_id)
        for word in terms.words:
            members = members.filter(_word_condition(word))
        if displacement_status:
            members = members.filter(displacement_status=displacement_status)
        if vulnerability in Vulnerability.values:
            members = members.filter(_vulnerability_condition(vulnerability))
        households = households.filter(pk__in=members.values("household_id"))
    if municipality is not None:
        households = households.filter(current_municipality=municipality)
    if project is not None:
        households = households.filter(project=project)
    order = HOUSEHOLD_ORDERINGS.get(ordering, HOUSEHOLD_ORDERINGS["number"])
    if not terms.is_empty or member_filters:
        order = _sorted_after_matching(order)
    return (
        households.select_related("current_municipality", "organisation", "project")
        .annotate(size=_household_size())
        .prefetch_related(
            Prefetch(
                "members",
                queryset=Person.objects.filter(relationship_to_head="head"),
                to_attr="heads",
            )
        )
        .order_by(*order)
    )


def _household_size():
    """The number of members, as a subquery: a join and GROUP BY would also weigh on the count
    of matching households, which leaves a subquery out (64 → 40 ms for 1,400 households)."""
    members = (
        Person.objects.filter(household=OuterRef("pk"))
        .order_by()
        .values("household")
        .annotate(size=Count("pk"))
        .values("size")
    )
    return Coalesce(Subquery(members, output_field=IntegerField()), 0)


def household_get(*, actor, number: str) -> Household:
    return get_scoped_or_404(
        Household.objects.select_related(
            "organisation",
            "project",
            "current_municipality",
            "origin_municipality",
            "registered_by",
            "split_from",
        ),
        actor,
        Capability.VIEW_PERSONAL_DATA,
        number=number,
    )


def household_members(household: Household) -> list[Person]:
    """The members, head first, then by age."""
    members = list(
        household.members.prefetch_related(
            Prefetch("documents", queryset=IdentityDocument.objects.order_by("kind")),
            "consents__taken_by",
        )
    )
    members.sort(
        key=lambda person: (
            person.relationship_to_head != "head",
            person.date_of_birth is None,
            person.date_of_birth,
        )
    )
    return members


def person_get(*, actor, pk) -> Person:
    return get_scoped_or_404(
        Person.objects.select_related("household", "household__organisation"),
        actor,
        Capability.VIEW_PERSONAL_DATA,
        pk=pk,
    )


def household_history(*, actor, household: Household):
    """Every recorded change of the household, of its present members and the records merged
    into them, and of the casework records about them that ``actor`` may see (enrolments,
    deliveries, …), newest first."""
    from homeward.casework.panels import household_history_events
    from homeward.core.models import AuditEvent
    from homeward.registry.history import merged_records

    member_ids = [str(pk) for pk in household.members.values_list("pk", flat=True)]
    merged_people, merged_households = merged_records(member_ids)
    return (
        AuditEvent.objects.filter(
            Q(
                target_type="registry.household",
                target_id__in=[str(household.pk), *merged_households],
            )
            | Q(target_type="registry.person", target_id__in=[*member_ids, *merged_people])
            | household_history_events(actor=actor, household=household)
        )
        .exclude(action__endswith=".read")
        .select_related("actor")
    )
