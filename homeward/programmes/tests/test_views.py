"""Editing a project in the web pages: no edit silently overwrites another."""

import pytest

from homeward.accounts.roles import Role
from homeward.programmes.models import Project

pytestmark = pytest.mark.django_db


def _form(project, **changes):
    data = {
        "title": project.title,
        "start_date": project.start_date.isoformat(),
        "end_date": project.end_date.isoformat(),
        "lead_organisation": project.lead_organisation.code,
        "donors": [o.code for o in project.donors.all()],
        "currency": project.currency,
        "version": project.version,
    }
    data.update(changes)
    return data


def test_a_manager_edits_the_project(client_for, manager_a, project_a):
    response = client_for(manager_a).post(
        "/projects/project-a/edit/", _form(project_a, title="New title")
    )
    assert response.status_code == 302
    assert Project.objects.get(pk=project_a.pk).title == "New title"


def test_the_second_of_two_editors_gets_a_conflict_and_nothing_is_overwritten(
    client_for, manager_a, make_user, org_a, project_a
):
    colleague = make_user(org_a, Role.PROJECT_MANAGER, username="colleague")
    first, second = client_for(manager_a), client_for(colleague)
    read_by_both = _form(project_a)
    assert (
        first.post("/projects/project-a/edit/", {**read_by_both, "title": "First"}).status_code
        == 302
    )
    response = second.post("/projects/project-a/edit/", {**read_by_both, "title": "Second"})
    assert response.status_code == 200
    assert response.context["conflict"] is not None
    page = response.content.decode()
    assert "First" in page  # what the other person saved is shown
    assert Project.objects.get(pk=project_a.pk).title == "First"
    # The form now carries the version just seen: saving again is a conscious overwrite.
    saved_again = second.post(
        "/projects/project-a/edit/",
        {**read_by_both, "title": "Second", "version": response.context["form"]["version"].value()},
    )
    assert saved_again.status_code == 302
    assert Project.objects.get(pk=project_a.pk).title == "Second"


def test_an_end_before_the_start_names_the_field(client_for, manager_a, project_a):
    response = client_for(manager_a).post(
        "/projects/project-a/edit/", _form(project_a, end_date="2000-01-01")
    )
    assert response.status_code == 200
    assert "end_date" in response.context["form"].errors
    assert Project.objects.get(pk=project_a.pk).end_date == project_a.end_date


def test_a_case_worker_cannot_edit_and_sees_no_edit_link(client_for, case_worker_a, project_a):
    browser = client_for(case_worker_a)
    assert browser.get("/projects/project-a/edit/").status_code == 404
    assert "/projects/project-a/edit/" not in browser.get("/projects/project-a/").content.decode()


def test_another_organisations_manager_gets_404(client_for, manager_b, project_a):
    assert client_for(manager_b).get("/projects/project-a/edit/").status_code == 404
