"""The data scope: a record outside the actor's scope does not exist for them (404, not 403)."""

import pytest
from django.http import Http404

from homeward.accounts.models import Organisation
from homeward.accounts.roles import Capability, Role
from homeward.accounts.selectors import organisation_list
from homeward.core.jobs import job_start
from homeward.core.scope import scope_for
from homeward.core.selectors import job_list
from homeward.programmes.models import Project
from homeward.programmes.selectors import project_get, project_list

pytestmark = pytest.mark.django_db


def codes(projects) -> set[str]:
    return {project.code for project in projects}


def test_a_user_of_b_sees_b_projects_but_not_a(actor, manager_b, project_a, project_b):
    assert codes(project_list(actor=actor(manager_b))) == {"project-b"}
    with pytest.raises(Http404):
        project_get(actor=actor(manager_b), code="project-a")


def test_project_of_b_is_404_in_the_ui_for_a_user_of_a(
    client_for, manager_a, manager_b, project_a, project_b
):
    assert client_for(manager_a).get("/projects/project-b/").status_code == 404
    assert client_for(manager_b).get("/projects/project-b/").status_code == 200
    assert client_for(manager_a).get("/projects/project-a/").status_code == 200
    listing = client_for(manager_a).get("/projects/")
    assert b"project-a" in listing.content
    assert b"project-b" not in listing.content


def test_an_unknown_project_and_a_foreign_one_look_the_same(client_for, manager_a, project_b):
    foreign = client_for(manager_a).get("/projects/project-b/")
    unknown = client_for(manager_a).get("/projects/no-such-project/")
    assert foreign.status_code == unknown.status_code == 404
    assert main_of(foreign) == main_of(unknown)


def main_of(response) -> str:
    """The page's own content, without the nonce and CSRF token that differ on every page."""
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def test_project_of_b_is_404_in_the_api_for_a_user_of_a(
    api_client_for, manager_a, manager_b, project_a, project_b
):
    response = api_client_for(manager_a).get("/api/v1/projects/project-b/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert api_client_for(manager_b).get("/api/v1/projects/project-b/").status_code == 200
    listing = api_client_for(manager_a).get("/api/v1/projects/").json()
    assert [project["code"] for project in listing["results"]] == ["project-a"]


def test_organisation_of_b_is_404_to_the_administrator_of_a(
    actor, client_for, api_client_for, admin_a, admin_b, org_a, org_b
):
    assert {o.code for o in organisation_list(actor=actor(admin_a))} == {"org-a"}
    assert client_for(admin_a).get("/organisations/org-b/").status_code == 404
    assert client_for(admin_a).get("/organisations/org-a/").status_code == 200
    assert client_for(admin_b).get("/organisations/org-b/").status_code == 200
    assert api_client_for(admin_a).get("/api/v1/organisations/org-b/").status_code == 404
    assert api_client_for(admin_b).get("/api/v1/organisations/org-b/").status_code == 200


def test_users_of_b_are_404_to_the_administrator_of_a(client_for, admin_a, admin_b, manager_b):
    assert client_for(admin_a).get(f"/users/{manager_b.username}/").status_code == 404
    assert client_for(admin_b).get(f"/users/{manager_b.username}/").status_code == 200
    listing = client_for(admin_a).get("/users/")
    assert manager_b.username.encode() not in listing.content


def test_a_job_of_b_is_404_to_a_user_of_a(actor, client_for, api_client_for, admin_a, admin_b):
    job = job_start(
        actor=actor(admin_b),
        kind="audit.export",
        params={},
        organisation_id=admin_b.memberships.get().organisation_id,
    )
    for page in ("", "progress/", "download/"):
        assert client_for(admin_a).get(f"/jobs/{job.pk}/{page}").status_code == 404
    assert client_for(admin_b).get(f"/jobs/{job.pk}/").status_code == 200
    assert api_client_for(admin_a).get(f"/api/v1/jobs/{job.pk}/").status_code == 404
    assert api_client_for(admin_b).get(f"/api/v1/jobs/{job.pk}/").status_code == 200


def test_a_membership_limited_to_one_project_sees_only_that_project(
    make_user, actor, client_for, api_client_for, org_a, project_a, project_a2, project_b
):
    limited = make_user(org_a, Role.CASE_WORKER, projects=[project_a2])
    assert codes(project_list(actor=actor(limited))) == {"project-a2"}
    assert client_for(limited).get("/projects/project-a/").status_code == 404
    assert client_for(limited).get("/projects/project-a2/").status_code == 200
    assert api_client_for(limited).get("/api/v1/projects/project-a/").status_code == 404
    assert api_client_for(limited).get("/api/v1/projects/project-a2/").status_code == 200
    # An unrestricted member of the same organisation sees both of its projects.
    everything = make_user(org_a, Role.CASE_WORKER)
    assert codes(project_list(actor=actor(everything))) == {"project-a", "project-a2"}


def test_a_donor_viewer_sees_the_funded_project_only(
    actor, client_for, donor_viewer, project_a, project_a2, project_b
):
    assert codes(project_list(actor=actor(donor_viewer))) == {"project-a"}
    assert client_for(donor_viewer).get("/projects/project-a/").status_code == 200
    assert client_for(donor_viewer).get("/projects/project-a2/").status_code == 404


def test_a_partner_sees_the_project_it_implements(system, make_user, actor, org_a, org_b):
    from datetime import date

    from homeward.programmes.services import project_create

    project_create(
        actor=system,
        code="shared",
        title="Shared",
        lead_organisation=org_a,
        partners=[org_b],
        start_date=date(2025, 1, 1),
        end_date=date(2025, 12, 31),
    )
    partner = make_user(org_b, Role.CASE_WORKER)
    assert codes(project_list(actor=actor(partner))) == {"shared"}


def test_the_superuser_and_the_system_see_everything(
    actor, system, client_for, superuser, project_a, project_a2, project_b
):
    everything = set(Project.objects.values_list("code", flat=True))
    assert codes(project_list(actor=actor(superuser))) == everything
    assert codes(project_list(actor=system)) == everything
    assert set(organisation_list(actor=system)) == set(Organisation.objects.all())
    assert client_for(superuser).get("/projects/project-b/").status_code == 200
    assert scope_for(system, Capability.VIEW_AUDIT).is_global


def test_a_deactivated_user_has_an_empty_scope(system, actor, manager_a):
    from homeward.accounts.services import user_set_active

    user_set_active(actor=system, user=manager_a, is_active=False)
    assert scope_for(actor(manager_a), Capability.VIEW_PROJECTS).is_empty


def test_scope_is_computed_per_capability(actor, case_worker_a, donor_viewer, project_a):
    # A case worker sees personal data in A's projects; a donor viewer only aggregates.
    assert actor(case_worker_a).can(Capability.VIEW_PERSONAL_DATA)
    assert not actor(donor_viewer).can(Capability.VIEW_PERSONAL_DATA)
    assert actor(donor_viewer).can(Capability.VIEW_AGGREGATES)


@pytest.mark.parametrize(
    "path",
    ["/audit/", "/users/", "/users/new/", "/organisations/", "/organisations/org-a/"],
)
def test_a_page_the_role_lacks_is_404_not_403(client_for, case_worker_a, path):
    assert client_for(case_worker_a).get(path).status_code == 404


@pytest.mark.parametrize("path", ["/api/v1/audit-events/", "/api/v1/organisations/"])
def test_an_endpoint_the_role_lacks_is_404_not_403(api_client_for, case_worker_a, path):
    response = api_client_for(case_worker_a).get(path)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_the_audit_export_is_404_to_a_role_without_audit(client_for, case_worker_a):
    assert client_for(case_worker_a).post("/audit/export/", {}).status_code == 404


@pytest.mark.parametrize("malformed", ["not-a-uuid", "12", ""])
def test_a_malformed_id_is_as_unknown_as_a_missing_one(actor, admin_a, malformed):
    from homeward.core.models import Job
    from homeward.core.scope import get_scoped_or_404

    with pytest.raises(Http404):
        get_scoped_or_404(Job.objects.all(), actor(admin_a), Capability.VIEW_AUDIT, pk=malformed)


def test_an_anonymous_visitor_is_not_the_system(rf, actor, admin_a, project_a):
    job_start(actor=actor(admin_a), kind="audit.export", params={}, organisation_id=None)
    from django.contrib.auth.models import AnonymousUser

    from homeward.core.actors import actor_from_request

    for path in ("/projects/", "/api/v1/projects/"):
        request = rf.get(path)
        request.user = AnonymousUser()
        visitor = actor_from_request(request)
        assert visitor.user is None
        assert not visitor.can(Capability.VIEW_PROJECTS)
        assert not visitor.can(Capability.VIEW_AUDIT)
        assert list(project_list(actor=visitor)) == []
        assert list(job_list(actor=visitor)) == []


def test_a_token_request_is_scoped_to_the_token_user(api_client_for, manager_b, project_a):
    # The middleware sees no user on a token request (DRF authenticates later); the API's
    # actor must be the token's user, and the anonymous one must reach nothing.
    body = api_client_for(manager_b).get("/api/v1/projects/").json()
    assert [project["code"] for project in body["results"]] == ["project-b"]
