"""The one search box: names in any script or spelling with one typo, JMBG, phone and household
number; the filters and orderings; and above all the scope: nobody finds what they may not see."""

from datetime import date

import pytest
from django.core.paginator import Paginator

from homeward.accounts.roles import Role
from homeward.registry.models import Person
from homeward.registry.selectors import household_search, parse_query, person_search

pytestmark = pytest.mark.django_db

DRAGAN_BORN = date(1970, 5, 4)


@pytest.fixture
def registry(register, person, jmbg, kraljevo, project_a2, case_worker_b, org_b, project_b):
    """Five households: three of A's project, one of A's second project, one of A without a
    project, and one of B."""
    dragan_id = jmbg(DRAGAN_BORN)
    households = {
        "dordevic": register(
            person(
                "Драган", "Ђорђевић", father_name="Милан", born=DRAGAN_BORN, national_id=dragan_id
            ),
            person(
                "Gordana", "Đorđević", relationship="spouse", sex="female", born=date(1972, 8, 9)
            ),
            person(
                "Ljubiša", "Djordjevic", relationship="child", born=date(1995, 3, 1), wg_walking=3
            ),
            household_fields={"phone": "+381 64 123 4567"},
        ),
        "krasniqi": register(
            person(
                "Valon",
                "Krasniqi",
                born=date(1985, 6, 1),
                status="returnee",
                phone="+383 44 123 456",
            ),
            person(
                "Ana",
                "Krasnići",
                relationship="spouse",
                sex="female",
                born=date(1987, 1, 1),
                status="returnee",
                chronic_illness=True,
            ),
            person(
                "Edi", "Красничи", relationship="child", born=date(2010, 1, 1), status="returnee"
            ),
            household_fields={"current_municipality": kraljevo, "accommodation": "private"},
        ),
        "gashi": register(
            person(
                "Agron",
                "Gashi",
                born=date(1940, 2, 2),
                status="local_vulnerable",
                older_person_alone=True,
                wg_seeing=2,
            ),
            project=None,
        ),
        "petrovic": register(
            person("Anka", "Petrović", sex="female", born=date(1990, 3, 3), single_parent=True),
            person(
                "Anastasija", "Petrović", relationship="child", sex="female", born=date(2015, 4, 4)
            ),
            person("Vanja", "Petrović", relationship="child", sex="female", born=date(2013, 5, 5)),
            person("Ivana", "Petrović", relationship="child", sex="female", born=date(2012, 6, 6)),
            project=project_a2,
        ),
        "b": register(
            person("Milan", "Đorđević", born=date(1950, 9, 9)),
            user=case_worker_b,
            organisation=org_b,
            project=project_b,
        ),
    }
    households["dragan_id"] = dragan_id
    return households


@pytest.fixture
def search(actor, case_worker_a):
    """``search("text", **filters)``: the first names found, as a set (by A's case worker
    unless ``user`` is given)."""

    def run(query="", *, user=None, **filters) -> set[str]:
        people = person_search(actor=actor(user or case_worker_a), query=query, **filters)
        return {p.first_name for p in people}

    return run


@pytest.fixture
def search_households(actor, case_worker_a):
    def run(query="", *, user=None, **filters) -> list[str]:
        found = household_search(actor=actor(user or case_worker_a), query=query, **filters)
        return [h.number for h in found]

    return run


DORDEVIC = {"Драган", "Gordana", "Ljubiša"}
KRASNIQI = {"Valon", "Ana", "Edi"}
PETROVIC = {"Anka", "Anastasija", "Vanja", "Ivana"}
EVERYONE_OF_A = DORDEVIC | KRASNIQI | PETROVIC | {"Agron"}


# --- names in any script and spelling --------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    ["Djordjevic", "Đorđević", "Dordevic", "ђорђевић", "ĐORĐEVIĆ", "Ђорђевић", " dordevic "],
)
def test_a_family_name_is_found_in_every_script_and_spelling(registry, search, query):
    assert search(query) == DORDEVIC


@pytest.mark.parametrize("query", ["Krasniqi", "Krasnići", "Красничи", "KRASNIQI", "Krasnici"])
def test_an_albanian_name_is_found_in_serbian_spelling_and_back(registry, search, query):
    assert search(query) == KRASNIQI


@pytest.mark.parametrize(
    ("query", "first_name"),
    [
        ("Gaši", "Agron"),
        ("Gashi", "Agron"),
        ("ЉУБИША", "Ljubiša"),
        ("LJUBIŠA", "Ljubiša"),
        ("ljubisa", "Ljubiša"),
        ("Dragan", "Драган"),
    ],
)
def test_first_names_and_family_names_across_scripts(registry, search, query, first_name):
    assert search(query) == {first_name}


def test_one_name_in_different_scripts_has_one_key(registry):
    def last_keys(household):
        return set(household.members.values_list("last_key", flat=True))

    assert last_keys(registry["dordevic"]) == {"dordevic"}
    assert last_keys(registry["krasniqi"]) == {"krasnici"}
    assert last_keys(registry["gashi"]) == {"gasi"}
    assert Person.objects.get(first_name="Ljubiša").first_key == "ljubisa"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Đorđ", DORDEVIC),
        ("Djordj", DORDEVIC),
        ("Kras", KRASNIQI),
        ("Anast", {"Anastasija"}),
        ("Ljub", {"Ljubiša"}),
    ],
)
def test_the_beginning_of_a_name_is_enough(registry, search, query, expected):
    assert search(query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Djordjevci", DORDEVIC),  # two letters swapped
        ("Krasnqi", KRASNIQI),  # a letter left out
        ("Krasniqqi", KRASNIQI),  # a letter doubled (folded away)
        ("Krassniqi", KRASNIQI),
        ("Valom", {"Valon"}),  # a letter mistyped
        ("Dragam", {"Драган"}),
        ("Gordanna", {"Gordana"}),
        ("Agrion", {"Agron"}),  # a letter too many
    ],
)
def test_one_typo_is_tolerated(registry, search, query, expected):
    assert search(query) == expected


@pytest.mark.parametrize("query", ["Krasnaqu", "Djordjavec", "Vlaom", "Gprdsna"])
def test_two_typos_are_not(registry, search, query):
    assert search(query) == set()


def test_a_shared_deletion_is_no_typo(registry, search):
    # "ivana" and "vanja" both become "vana" with a letter deleted, yet they are two edits
    # apart: the search must not take one for the other.
    assert search("Ivana") == {"Ivana"}
    assert search("Vanja") == {"Vanja"}


def test_every_word_of_the_query_must_match(registry, search):
    assert search("Dragan Djordjevic") == {"Драган"}
    assert search("Đorđević Dragan") == {"Драган"}
    assert search("Gordana Krasniqi") == set()
    assert search("Ana Krasniqi") == {"Ana"}


def test_the_fathers_name_is_searched_too(registry, search, case_worker_b):
    assert search("Milan") == {"Драган"}
    assert search("Milan Đorđević") == {"Драган"}
    assert search("Milan Đorđević", user=case_worker_b) == {"Milan"}


def test_short_words_match_exactly_only(registry, search, register, person):
    # "Ed" is no name here: neither "Edi" by its beginning nor by a letter more.
    assert search("Ed") == set()
    assert search("Edi") == {"Edi"}
    assert search("An") == set()
    # Three letters: the word and names beginning with it, but no typo ("Anka" is another name).
    assert search("Ana") == {"Ana", "Anastasija"}


def test_a_two_letter_name_is_found_exactly(registry, search, register, person):
    register(person("Li", "Wei", born=date(1990, 1, 1)))
    assert search("Li") == {"Li"}
    assert search("Wei") == {"Li"}


# --- JMBG, phone and household number --------------------------------------------------------


def test_a_jmbg_finds_its_person(registry, search):
    number = registry["dragan_id"]
    assert search(number) == {"Драган"}
    assert search(f"{number[:7]} {number[7:]}") == {"Драган"}
    assert search(f"{number[:-1]}{(int(number[-1]) + 1) % 10}") == set()


def test_a_jmbg_outside_the_scope_finds_nothing(registry, search, case_worker_b):
    assert search(registry["dragan_id"], user=case_worker_b) == set()


@pytest.mark.parametrize(
    "query", ["+381 64 123 4567", "064/123-4567", "0641234567", "00381641234567", "064 123 45 67"]
)
def test_a_household_phone_in_any_format_finds_the_household(registry, search, query):
    assert search(query) == DORDEVIC


@pytest.mark.parametrize("query", ["+383 44 123 456", "044 123 456", "044/123-456"])
def test_a_persons_own_phone_finds_the_person(registry, search, query):
    assert search(query) == {"Valon"}


def test_a_household_number_in_any_form_finds_its_members(registry, search):
    pk = registry["krasniqi"].pk
    for query in (registry["krasniqi"].number, f"H-{pk}", f"h{pk}", f"H {pk}", f"h-{pk}", str(pk)):
        assert search(query) == KRASNIQI, query


def test_parse_query_reads_what_was_typed():
    assert parse_query("H-12").household_number == "H-000012"
    assert parse_query("h12").household_number == "H-000012"
    assert parse_query("12").household_number == "H-000012"
    assert parse_query("0405970710019").national_id == "0405970710019"
    assert parse_query("+381 64 123 4567").phone == "641234567"
    assert parse_query("064/123-4567").phone == "641234567"
    assert parse_query("Đorđević Dragan").words == ["dordevic", "dragan"]
    assert parse_query("   ").is_empty


# --- filters ---------------------------------------------------------------------------------


def test_an_empty_query_lists_everybody_in_scope(registry, search):
    assert search() == EVERYONE_OF_A


def test_filter_by_municipality(registry, search, kraljevo, zvezdara):
    assert search(municipality=kraljevo) == KRASNIQI
    assert search(municipality=zvezdara) == DORDEVIC | PETROVIC | {"Agron"}


def test_filter_by_displacement_status(registry, search):
    assert search(displacement_status="returnee") == KRASNIQI
    assert search(displacement_status="local_vulnerable") == {"Agron"}
    assert search(displacement_status="refugee") == set()


def test_filter_by_project(registry, search, project_a, project_a2):
    assert search(project=project_a) == DORDEVIC | KRASNIQI
    assert search(project=project_a2) == PETROVIC


@pytest.mark.parametrize(
    ("vulnerability", "expected"),
    [
        # "A lot of difficulty" walking; Agron's "some difficulty" seeing is no disability.
        ("disability", {"Ljubiša"}),
        ("chronic_illness", {"Ana"}),
        ("single_parent", {"Anka"}),
        ("older_person_alone", {"Agron"}),
        ("unaccompanied_child", set()),
        ("missing_documents", set()),
        ("no-such-thing", EVERYONE_OF_A),
    ],
)
def test_filter_by_vulnerability(registry, search, vulnerability, expected):
    assert search(vulnerability=vulnerability) == expected


def test_filters_and_the_query_combine(registry, search, kraljevo, project_a):
    assert search("Krasniqi", vulnerability="chronic_illness") == {"Ana"}
    assert search("Djordjevic", municipality=kraljevo) == set()
    assert search("Dordevic", project=project_a, displacement_status="idp") == DORDEVIC


# --- orderings and pages ---------------------------------------------------------------------


def test_people_are_ordered_by_name_birth_or_household(registry, actor, case_worker_a):
    def order(ordering):
        return [p.pk for p in person_search(actor=actor(case_worker_a), ordering=ordering)]

    people = list(person_search(actor=actor(case_worker_a)))
    by_name = sorted(people, key=lambda p: (p.last_key, p.first_key, p.pk))
    assert order("name") == [p.pk for p in by_name]
    assert order("-name") == [p.pk for p in reversed(by_name)]
    by_birth = sorted(people, key=lambda p: (p.date_of_birth, p.pk))
    assert order("born") == [p.pk for p in by_birth]
    assert order("-born") == [p.pk for p in reversed(by_birth)]
    by_household = sorted(people, key=lambda p: (p.household.number, p.pk))
    assert order("household") == [p.pk for p in by_household]
    assert order("-household") == [p.pk for p in reversed(by_household)]
    # An unknown ordering falls back to the name.
    assert order("; DROP TABLE") == [p.pk for p in by_name]


def test_results_page_without_gaps_or_repeats(registry, actor, case_worker_a):
    people = person_search(actor=actor(case_worker_a), ordering="born")
    pages = Paginator(people, 4)
    assert pages.count == len(EVERYONE_OF_A)
    assert pages.num_pages == 3
    seen = [p.pk for number in pages.page_range for p in pages.page(number)]
    assert seen == [p.pk for p in people]
    assert len(set(seen)) == len(seen)


# --- scope -----------------------------------------------------------------------------------


def test_organisation_b_never_sees_a_person_of_a(registry, search, case_worker_b):
    assert search(user=case_worker_b) == {"Milan"}
    for query in ("Dragan", "Djordjevic", "Krasniqi", "064/123-4567", registry["dordevic"].number):
        assert search(query, user=case_worker_b) == (
            {"Milan"} if query == "Djordjevic" else set()
        ), query


def test_a_user_limited_to_a_project_sees_only_its_households(
    registry, search, make_user, org_a, project_a2
):
    limited = make_user(org_a, Role.CASE_WORKER, projects=[project_a2])
    assert search(user=limited) == PETROVIC
    assert search("Djordjevic", user=limited) == set()
    assert search(registry["dragan_id"], user=limited) == set()


@pytest.mark.parametrize("role", [Role.DONOR_VIEWER, Role.ADMINISTRATOR, Role.INFO_DESK_OPERATOR])
def test_a_role_without_personal_data_finds_nobody(registry, search, make_user, org_a, role):
    user = make_user(org_a, role)
    assert search(user=user) == set()
    assert search("Djordjevic", user=user) == set()
    assert search(registry["dragan_id"], user=user) == set()


def test_the_donor_of_the_project_finds_nobody(registry, search, donor_viewer, project_a):
    assert search(user=donor_viewer) == set()
    assert search(project=project_a, user=donor_viewer) == set()


def test_a_superuser_sees_everybody(registry, search, superuser):
    assert search(user=superuser) == EVERYONE_OF_A | {"Milan"}
    assert search("Djordjevic", user=superuser) == DORDEVIC | {"Milan"}


def test_a_partner_organisation_sees_the_shared_projects_households(
    registry, search, system, org_a, org_b, register, person, case_worker_b
):
    from homeward.programmes.services import project_create

    shared = project_create(
        actor=system,
        code="shared",
        title="Shared",
        lead_organisation=org_a,
        start_date=date(2025, 1, 1),
        end_date=date(2026, 12, 31),
        partners=[org_b],
    )
    register(person("Besa", "Hoxha", sex="female", born=date(1980, 1, 1)), project=shared)
    assert search(user=case_worker_b) == {"Milan", "Besa"}


# --- households ------------------------------------------------------------------------------


def test_a_household_is_found_once_by_any_member(registry, search_households, actor, case_worker_a):
    assert search_households("Djordjevic") == [registry["dordevic"].number]
    [household] = household_search(actor=actor(case_worker_a), query="Dordevic")
    assert household.size == 3
    assert [head.first_name for head in household.heads] == ["Драган"]


def test_households_are_found_by_number_phone_and_jmbg(registry, search_households):
    dordevic = registry["dordevic"].number
    assert search_households(dordevic) == [dordevic]
    assert search_households(f"h{registry['dordevic'].pk}") == [dordevic]
    assert search_households("064/123-4567") == [dordevic]
    assert search_households("+383 44 123 456") == [registry["krasniqi"].number]
    assert search_households(registry["dragan_id"]) == [dordevic]


def test_households_are_filtered_by_what_their_members_are(
    registry, search_households, kraljevo, project_a2
):
    assert search_households(displacement_status="returnee") == [registry["krasniqi"].number]
    assert search_households(vulnerability="disability") == [registry["dordevic"].number]
    assert search_households(vulnerability="single_parent") == [registry["petrovic"].number]
    assert search_households(municipality=kraljevo) == [registry["krasniqi"].number]
    assert search_households(project=project_a2) == [registry["petrovic"].number]
    # Both conditions hold for one and the same member.
    assert search_households("Valon", vulnerability="chronic_illness") == []
    assert search_households("Ana", vulnerability="chronic_illness") == [
        registry["krasniqi"].number
    ]


def test_households_are_ordered_by_number_or_size(registry, search_households):
    of_a = [registry[key] for key in ("dordevic", "krasniqi", "gashi", "petrovic")]
    numbers = sorted(h.number for h in of_a)
    assert search_households() == numbers
    assert search_households(ordering="-number") == numbers[::-1]
    # Sizes: Gashi 1, Đorđević 3, Krasniqi 3, Petrović 4; a tie goes by number.
    threes = sorted([registry["dordevic"].number, registry["krasniqi"].number])
    gashi, petrovic = registry["gashi"].number, registry["petrovic"].number
    assert search_households(ordering="size") == [gashi, *threes, petrovic]
    assert search_households(ordering="-size") == [petrovic, *threes, gashi]


def test_households_are_scoped_like_people(
    registry, search_households, case_worker_b, donor_viewer, make_user, org_a, project_a2
):
    assert search_households(user=case_worker_b) == [registry["b"].number]
    assert search_households("Djordjevic", user=case_worker_b) == [registry["b"].number]
    assert search_households(registry["dordevic"].number, user=case_worker_b) == []
    assert search_households(user=donor_viewer) == []
    limited = make_user(org_a, Role.CASE_WORKER, projects=[project_a2])
    assert search_households(user=limited) == [registry["petrovic"].number]
