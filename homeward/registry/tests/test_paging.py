"""A name search's page is found ids first (``PersonQuerySet.ids_first``): it must hold the very
people, in the very order, that the plain query gives, with their households already fetched."""

from datetime import date

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from homeward.core.actors import Actor
from homeward.registry.models import Person
from homeward.registry.selectors import person_search

pytestmark = pytest.mark.django_db


@pytest.fixture
def petrovic_families(register, person):
    for index, first_name in enumerate(
        ["Ana", "Zoran", "Milica", "Đorđe", "Bojan", "Ivana", "Ljubica"]
    ):
        register(
            person(
                first_name, "Petrović" if index % 2 else "Петровић", born=date(1960 + index, 1, 2)
            )
        )


@pytest.mark.parametrize("ordering", ["name", "-name", "born", "-born", "household"])
def test_a_page_found_ids_first_is_the_plain_page(petrovic_families, case_worker_a, ordering):
    results = person_search(actor=Actor(user=case_worker_a), query="petrovic", ordering=ordering)
    plain = results._chain()
    plain._ids_first = False
    assert results._ids_first
    for start, stop in [(0, 3), (3, 6), (6, 9), (0, 50)]:
        assert [p.pk for p in results[start:stop]] == [p.pk for p in plain[start:stop]]
    assert results.count() == 7


def test_the_page_brings_its_households_in_a_fixed_number_of_queries(
    petrovic_families, case_worker_a
):
    results = person_search(actor=Actor(user=case_worker_a), query="Петровић")
    with CaptureQueriesContext(connection) as queries:
        page = Paginator(results, 5).get_page(1)
        rows = [
            (p.full_name, p.household.number, p.household.current_municipality.code) for p in page
        ]
    assert len(rows) == 5
    # count, ids, people, households, places — whatever the page size
    assert len(queries.captured_queries) <= 5
    assert all(isinstance(p, Person) for p in page)


def test_an_exact_look_up_is_not_found_ids_first(household_a, case_worker_a):
    results = person_search(actor=Actor(user=case_worker_a), query=household_a.number)
    assert not results._ids_first
    assert results.count() == 2


def test_the_search_page_asks_as_many_queries_for_many_people_as_for_few(
    register, person, case_worker_a, client_for
):
    browser = client_for(case_worker_a)

    def queries_for_page() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = browser.get("/registry/", {"q": "Petrović"})
        assert response.status_code == 200
        return len(queries.captured_queries)

    register(person("Ana", "Petrović"))
    few = queries_for_page()
    for year, first_name in enumerate(["Zoran", "Milica", "Bojan", "Ivana", "Goran", "Jelena"]):
        register(person(first_name, "Петровић", born=date(1975 + 3 * year, 3, 4)))
    assert queries_for_page() == few
