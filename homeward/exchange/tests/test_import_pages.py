"""The pages and the API of the people import, as the people who import see them."""

import io
import json

import pytest
from django.test import Client
from openpyxl import Workbook

from homeward.accounts.roles import Role
from homeward.core.jobs import run_job
from homeward.core.models import Job
from homeward.exchange.models import PeopleImport
from homeward.registry.models import Household, Person

pytestmark = pytest.mark.django_db

HEADER = (
    "person_id,household_id,relationship_to_head,first_name,last_name,sex,date_of_birth,"
    "national_id,current_municipality,displacement_status"
)
GOOD = (
    HEADER
    + "\nP-1,H-1,head,Zoran,Stojanović,M,1961-02-03,,Kraljevo,idp"
    + "\nP-2,H-1,spouse,Vesna,Stojanović,F,03.04.1965,,Kraljevo,idp"
    + "\nP-3,H-2,head,Arben,Gashi,M,1979,,Gjilan,returnee\n"
)


def _csv(text: str, name: str = "list.csv"):
    upload = io.BytesIO(text.encode("utf-8"))
    upload.name = name
    return upload


def _upload(browser, content, project="project-a", **extra):
    return browser.post("/imports/new/", {"file": content, "project": project, **extra})


@pytest.fixture
def browser(client_for, case_worker_a):
    return client_for(case_worker_a)


def _registry_size():
    return Household.objects.count(), Person.objects.count()


# --- the pages --------------------------------------------------------------------------------


def test_the_new_import_page_offers_the_projects_and_the_template(browser):
    page = browser.get("/imports/new/")
    assert page.status_code == 200
    content = page.content.decode()
    assert 'value="project-a"' in content
    assert 'enctype="multipart/form-data"' in content
    assert "/imports/template.xlsx" in content
    template = browser.get("/imports/template.csv")
    assert template.status_code == 200
    assert template.content.decode("utf-8-sig").startswith("person_id,household_id")
    assert browser.get("/imports/template.pdf").status_code == 404


def test_a_dry_run_shows_the_counts_and_writes_nothing(browser, household_a):
    before = _registry_size()
    response = _upload(browser, _csv(GOOD))
    people_import = PeopleImport.objects.get()
    assert response.status_code == 302
    assert response.url == f"/imports/{people_import.pk}/"
    assert _registry_size() == before
    assert people_import.status == PeopleImport.Status.CHECKED
    page = browser.get(response.url)
    content = page.content.decode()
    assert "Dry run: nothing has been written yet." in content
    assert (people_import.rows, people_import.people_new, people_import.households_new) == (3, 3, 2)
    assert f'action="/imports/{people_import.pk}/import/"' in content
    listing = browser.get("/imports/").content.decode()
    assert "list.csv" in listing


def test_import_runs_as_a_job_with_progress_and_shows_the_outcome(browser, project_a):
    _upload(browser, _csv(GOOD))
    checked = PeopleImport.objects.get()
    response = browser.post(f"/imports/{checked.pk}/import/")
    job = Job.objects.get(kind="people.import")
    assert response.status_code == 302
    assert response.url == f"/imports/jobs/{job.pk}/"
    waiting = browser.get(response.url).content.decode()
    assert f'data-poll="/imports/jobs/{job.pk}/progress/"' in waiting

    run_job.call(str(job.pk))
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.message
    fragment = browser.get(f"/imports/jobs/{job.pk}/progress/").content.decode()
    imported = PeopleImport.objects.get(status=PeopleImport.Status.IMPORTED)
    assert "data-poll" not in fragment
    assert f"/imports/{imported.pk}/" in fragment
    assert "Imported: 3 new people" in fragment
    assert Person.objects.filter(last_name="Stojanović").count() == 2
    # The file served its purpose: importing it again from the dry run is not offered.
    page = browser.get(f"/imports/{checked.pk}/").content.decode()
    assert f'action="/imports/{checked.pk}/import/"' not in page


def test_a_large_file_is_checked_by_a_job_then_imported(browser, monkeypatch):
    from homeward.exchange import views

    monkeypatch.setattr(views, "DIRECT_CHECK_BYTES", 10)
    response = _upload(browser, _csv(GOOD))
    job = Job.objects.get(kind="people.import")
    assert job.params["dry_run"] is True
    assert response.url == f"/imports/jobs/{job.pk}/"
    assert "Checking the file" in browser.get(response.url).content.decode()
    run_job.call(str(job.pk))
    checked = PeopleImport.objects.get()
    fragment = browser.get(f"/imports/jobs/{job.pk}/progress/").content.decode()
    assert f"/imports/{checked.pk}/" in fragment
    page = browser.get(f"/imports/{checked.pk}/").content.decode()
    assert f'action="/imports/{checked.pk}/import/"' in page
    browser.post(f"/imports/{checked.pk}/import/")
    real = Job.objects.exclude(pk=job.pk).get(kind="people.import")
    assert real.params["dry_run"] is False
    run_job.call(str(real.pk))
    assert Person.objects.filter(last_name="Gashi").exists()


def test_a_file_with_errors_cannot_be_imported_and_says_why_row_by_row(browser, household_a):
    before = _registry_size()
    bad = (
        HEADER
        + "\nP-1,H-1,head,Zoran,Stojanović,M,31.02.1961,,Kraljevo,idp"
        + "\nP-2,H-2,head,Arben,Gashi,M,1979,,Nowhere-on-earth,returnee\n"
    )
    response = _upload(browser, _csv(bad))
    people_import = PeopleImport.objects.get()
    assert people_import.errors >= 2
    page = browser.get(response.url).content.decode()
    assert "has errors and cannot be imported" in page
    assert "Nowhere-on-earth" in page
    assert "31.02.1961" in page
    assert f'action="/imports/{people_import.pk}/import/"' not in page
    refused = browser.post(f"/imports/{people_import.pk}/import/", follow=True)
    assert "Only a dry run without errors can be imported." in refused.content.decode()
    assert not Job.objects.filter(kind="people.import").exists()
    assert _registry_size() == before


def test_thousands_of_problems_are_paged_errors_and_warnings_apart(browser):
    rows = [HEADER] + [
        f"P-{n},H-{n},head,Ime,Prezime,M,1970-01-01,,Kraljevo,not-a-status" for n in range(250)
    ]
    response = _upload(browser, _csv("\n".join(rows) + "\n"))
    page = browser.get(response.url + "?show=errors")
    assert page.context["page"].paginator.count >= 250
    assert len(page.context["page"].object_list) == 100
    assert "Page 1 of" in page.content.decode()
    second = browser.get(response.url + "?show=errors&page=2")
    assert second.context["page"].number == 2
    every = browser.get(f"{response.url}problems.csv")
    lines = every.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "row,sheet,column,field,value,severity,problem"
    assert len(lines) > 250
    warnings = browser.get(response.url + "?show=warnings")
    assert all(problem.severity == "warning" for problem in warnings.context["page"])


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "empty.csv", "The submitted file is empty."),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "photo.xlsx", None),
        (None, "truncated.xlsx", None),
    ],
)
def test_a_bad_file_is_explained_on_the_page(browser, content, name, message):
    if content is None:
        book = io.BytesIO()
        workbook = Workbook()
        workbook.active.append(["household_id", "first_name"])
        workbook.save(book)
        content = book.getvalue()[:300]
    upload = io.BytesIO(content)
    upload.name = name
    response = _upload(browser, upload)
    assert response.status_code == 400
    errors = response.context["form"].errors["file"]
    assert errors
    if message:
        assert message in errors
    assert errors[0] in response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')
    assert not PeopleImport.objects.filter(rows__gt=0).exists()


def test_unknown_headers_are_mapped_on_a_page_of_their_own(browser):
    text = GOOD.replace("last_name", "Familienname").replace("person_id", "Interne Nummer")
    response = _upload(browser, _csv(text))
    assert response.status_code == 302
    assert "/columns/" in response.url
    assert not PeopleImport.objects.exists()
    page = browser.get(response.url)
    form = page.context["form"]
    index = form.headers.index("Familienname")
    assert form.fields[f"column_{index}"].initial == ""
    assert "Familienname" in page.content.decode()
    choices = {f"column_{i}": form.fields[f"column_{i}"].initial for i in range(len(form.headers))}
    # Two columns for one field are refused on the page itself.
    twice = choices | {f"column_{index}": "first_name"}
    assert browser.post(response.url, twice).status_code == 400
    mapped = choices | {f"column_{index}": "last_name"}
    checked = browser.post(response.url, mapped)
    people_import = PeopleImport.objects.get()
    assert checked.url == f"/imports/{people_import.pk}/"
    assert people_import.mapping["Familienname"] == "last_name"
    assert people_import.mapping["Interne Nummer"] == ""
    assert people_import.errors == 0


def test_another_persons_upload_token_is_not_there(browser, client_for, manager_a):
    response = _upload(browser, _csv(GOOD.replace("last_name", "Familienname")))
    assert client_for(manager_a).get(response.url).status_code == 404
    assert browser.get("/imports/new/0123abcd/columns/").status_code == 404


@pytest.mark.parametrize(
    "role",
    [Role.DONOR_VIEWER, Role.ADMINISTRATOR, Role.ME_OFFICER, Role.DATA_PROTECTION_OFFICER],
)
def test_who_does_not_register_finds_no_import(role, make_user, org_a, client_for, browser):
    _upload(browser, _csv(GOOD))
    people_import = PeopleImport.objects.get()
    other = client_for(make_user(org_a, role))
    assert _upload(other, _csv(GOOD)).status_code == 404
    assert other.get(f"/imports/{people_import.pk}/").status_code == 404
    assert other.post(f"/imports/{people_import.pk}/import/").status_code == 404
    assert PeopleImport.objects.count() == 1


def test_another_organisations_import_is_not_there(browser, client_for, manager_b):
    _upload(browser, _csv(GOOD))
    people_import = PeopleImport.objects.get()
    other = client_for(manager_b)
    assert other.get(f"/imports/{people_import.pk}/").status_code == 404
    assert other.post(f"/imports/{people_import.pk}/import/").status_code == 404
    assert "list.csv" not in other.get("/imports/").content.decode()
    # Nor may B import into A's project.
    response = _upload(other, _csv(GOOD))
    assert response.status_code == 400
    assert "project" in response.context["form"].errors


def test_the_upload_is_csrf_protected(case_worker_a):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(case_worker_a)
    assert _upload(browser, _csv(GOOD)).status_code == 403
    assert not PeopleImport.objects.exists()


def test_likely_duplicates_link_to_the_person_only_for_who_may_see_them(
    browser, client_for, household_a, manager_b, project_b
):
    dragan = household_a.members.get(relationship_to_head="head")
    row = f"\nP-9,H-9,head,Dragan,Petrović,M,1970-05-12,{dragan.national_id},Kraljevo,idp\n"
    response = _upload(browser, _csv(HEADER + row))
    page = browser.get(response.url + "?show=duplicates").content.decode()
    assert f"/registry/households/{household_a.number}/#person-{dragan.pk}" in page

    other = client_for(manager_b)
    response = _upload(other, _csv(HEADER + row), project="project-b")
    people_import = PeopleImport.objects.get(project=project_b)
    assert people_import.duplicates == 1
    page = other.get(response.url + "?show=duplicates").content.decode()
    assert household_a.number not in page
    assert "Dragan Petrović" in page  # as written in B's own file
    assert "may not see" in page


def test_the_navigation_offers_import_to_who_registers(client_for, case_worker_a, donor_viewer):
    links = {item["url"] for item in client_for(case_worker_a).get("/").context["navigation"]}
    assert "/imports/" in links
    links = {item["url"] for item in client_for(donor_viewer).get("/").context["navigation"]}
    assert "/imports/" not in links


# --- the API ----------------------------------------------------------------------------------


def test_the_api_checks_a_file_and_writes_nothing(api_client_for, case_worker_a, household_a):
    api = api_client_for(case_worker_a)
    before = _registry_size()
    response = api.post(
        "/api/v1/imports/", {"file": _csv(GOOD), "project": "project-a"}, format="multipart"
    )
    assert response.status_code == 200, response.json()
    report = response.json()
    assert report["status"] == "checked"
    assert (report["rows"], report["people_new"], report["errors"]) == (3, 3, 0)
    assert _registry_size() == before
    detail = api.get(f"/api/v1/imports/{report['id']}/").json()
    assert detail["filename"] == "list.csv"
    assert api.get("/api/v1/imports/").json()["results"][0]["id"] == report["id"]


def test_the_api_imports_in_the_background(api_client_for, case_worker_a):
    api = api_client_for(case_worker_a)
    response = api.post(
        "/api/v1/imports/",
        {"file": _csv(GOOD), "project": "project-a", "dry_run": "false"},
        format="multipart",
    )
    assert response.status_code == 202
    job_id = response.json()["job"]
    run_job.call(job_id)
    job = api.get(f"/api/v1/jobs/{job_id}/").json()
    assert job["status"] == "succeeded"
    imported = PeopleImport.objects.get(status=PeopleImport.Status.IMPORTED)
    assert imported.people_new == 3
    assert Person.objects.filter(last_name="Gashi").exists()


def test_the_api_maps_headers_and_lists_problems(api_client_for, case_worker_a):
    api = api_client_for(case_worker_a)
    text = (
        GOOD.replace("last_name", "Familienname") + "P-4,H-3,head,Ana,Ilić,X,1970,,Kraljevo,idp\n"
    )
    response = api.post(
        "/api/v1/imports/",
        {
            "file": _csv(text),
            "project": "project-a",
            "mapping": json.dumps({"Familienname": "last_name"}),
        },
        format="multipart",
    )
    report = response.json()
    assert report["mapping"]["Familienname"] == "last_name"
    assert report["errors"] >= 1
    problems = api.get(f"/api/v1/imports/{report['id']}/problems/?severity=error").json()
    assert problems["results"][0]["row"] == 5
    assert problems["results"][0]["value"] == "X"
    response = api.post(
        "/api/v1/imports/",
        {"file": _csv(GOOD), "project": "project-a", "mapping": json.dumps({"a": "nonsense"})},
        format="multipart",
    )
    assert response.status_code == 400
    assert "mapping" in response.json()["error"]["fields"]


def test_the_api_refuses_what_the_pages_refuse(
    api_client_for, case_worker_a, manager_b, donor_viewer
):
    response = api_client_for(manager_b).post(
        "/api/v1/imports/", {"file": _csv(GOOD), "project": "project-a"}, format="multipart"
    )
    assert response.status_code == 400
    assert "project" in response.json()["error"]["fields"]
    response = api_client_for(donor_viewer).post(
        "/api/v1/imports/", {"file": _csv(GOOD), "project": "project-a"}, format="multipart"
    )
    assert response.status_code == 404
    empty = io.BytesIO(b"")
    empty.name = "empty.csv"
    response = api_client_for(case_worker_a).post(
        "/api/v1/imports/", {"file": empty, "project": "project-a"}, format="multipart"
    )
    assert response.status_code == 400
    assert "file" in response.json()["error"]["fields"]
    assert not PeopleImport.objects.exists()


def test_a_problem_of_the_whole_file_says_so_on_the_page_and_in_the_csv(browser):
    without_last_name = GOOD.replace(",last_name,", ",").replace(",Stojanović,", ",")
    without_last_name = without_last_name.replace(",Gashi,", ",")
    response = _upload(browser, _csv(without_last_name))
    page = browser.get(response.url + "?show=errors").content.decode()
    assert "whole file" in page
    every = browser.get(f"{response.url}problems.csv")
    lines = every.content.decode("utf-8-sig").splitlines()
    assert any(line.startswith(",,whole file,last_name,") for line in lines[1:]), lines
