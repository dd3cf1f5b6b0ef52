"""The assessment pages: recording from the household page with the form built from the
template in the page's language, reading, correcting without overwriting another's save, the
household's durable solutions profile, and 404 for whoever may not see them."""

from datetime import date

import pytest

from homeward.accounts.roles import Role
from homeward.casework.assessments.models import Assessment
from homeward.casework.assessments.services import assessment_update
from homeward.casework.assessments.tests.answers import durable_solutions_answers, needs_answers
from homeward.core.actors import Actor
from homeward.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def form_data(answers: dict, **fields) -> dict:
    """What the browser posts for ``answers``: yes/no as "yes"/"no", lists as repeated keys."""
    data = {"assessed_on": "2025-04-02", "person": "", "project": ""}
    for code, value in answers.items():
        if isinstance(value, bool):
            value = "yes" if value else "no"
        data[code] = value
    data.update(fields)
    return data


def test_the_household_page_offers_each_template(client_for, case_worker_a, household_a):
    page = client_for(case_worker_a).get(f"/registry/households/{household_a.number}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f"/assessments/households/{household_a.number}/new/durable-solutions/" in html
    assert f"/assessments/households/{household_a.number}/new/needs-vulnerability/" in html
    assert "No assessment recorded yet." in html


def test_the_form_speaks_the_page_language_and_explains_conditions(
    client_for, case_worker_a, household_a
):
    browser = client_for(case_worker_a)
    path = f"/assessments/households/{household_a.number}/new/needs-vulnerability/"
    html = browser.get(path).content.decode()
    assert "Is the household without any regular income?" in html
    assert "Answer only if “Is the household without any regular income?” is “No”." in html
    assert "<script" not in html.split("</head>")[1]
    browser.post("/i18n/setlang/", {"language": "sq", "next": "/"})
    html = browser.get(path).content.decode()
    assert "A është familja pa asnjë të ardhur të rregullt?" in html
    assert "Vlerësimi i nevojave dhe cenueshmërisë" in html


def test_recording_from_the_page(client_for, case_worker_a, household_a, project_a):
    browser = client_for(case_worker_a)
    path = f"/assessments/households/{household_a.number}/new/needs-vulnerability/"
    head = household_a.members.get(relationship_to_head="head")
    response = browser.post(
        path, form_data(needs_answers(), project="project-a", person=str(head.pk))
    )
    assessment = Assessment.objects.get()
    assert response.status_code == 302
    assert response.url == f"/assessments/{assessment.pk}/"
    assert assessment.scores["total"] == 81
    assert assessment.project == project_a
    assert assessment.person == head
    assert assessment.assessed_on == date(2025, 4, 2)
    page = browser.get(response.url).content.decode()
    assert "Collective centre" in page
    assert "81" in page
    assert AuditEvent.objects.filter(action="assessment.read").exists()


def test_bad_answers_are_shown_by_their_question_and_nothing_is_saved(
    client_for, case_worker_a, household_a
):
    path = f"/assessments/households/{household_a.number}/new/needs-vulnerability/"
    answers = needs_answers(days_without_enough_food=45)
    del answers["tenure"]
    response = client_for(case_worker_a).post(path, form_data(answers, assessed_on="2099-01-01"))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["days_without_enough_food"] == ["The number cannot be more than 30."]
    assert form.errors["tenure"] == ["This question needs an answer."]
    assert form.errors["assessed_on"] == ["The date cannot be in the future."]
    assert not Assessment.objects.exists()


def test_the_profile_on_the_household_page(
    record, ds_template, client_for, case_worker_a, household_a
):
    record(ds_template, durable_solutions_answers(), on=date(2024, 5, 10))
    record(
        ds_template,
        durable_solutions_answers(member_employed=True, feels_safe="unsafe"),
        on=date(2025, 5, 10),
    )
    html = client_for(case_worker_a).get(f"/registry/households/{household_a.number}/")
    html = html.content.decode()
    assert "Durable solutions profile" in html
    assert "3. Access to employment and livelihoods" in html
    assert 'value="63"' in html  # a bar for each criterion's latest score
    assert "↑ 25 points" in html  # employment: 38 → 63
    assert "↓ 12 points" in html  # safety: 75 → 63
    assert "How the profile moved" in html


def test_editing_keeps_what_was_typed_when_somebody_saved_first(
    record, ds_template, client_for, case_worker_a, manager_a
):
    assessment = record(ds_template, durable_solutions_answers())
    browser = client_for(case_worker_a)
    page = browser.get(f"/assessments/{assessment.pk}/edit/")
    assert page.context["form"]["feels_safe"].value() == "mostly_safe"
    assert page.context["form"]["voted"].value() == "no"
    # The manager corrects it meanwhile.
    assessment_update(
        actor=Actor(user=manager_a),
        assessment=assessment,
        expected_version=1,
        answers=durable_solutions_answers(trusts_police="yes"),
    )
    mine = form_data(durable_solutions_answers(feels_safe="safe"), version="1")
    response = browser.post(f"/assessments/{assessment.pk}/edit/", mine)
    assert response.status_code == 200
    assert response.context["conflict"] is not None
    html = response.content.decode()
    assert "Would the police protect the household if it needed it?" in html
    assert response.context["form"]["feels_safe"].value() == "safe"  # what I typed, kept
    assessment.refresh_from_db()
    assert assessment.answers["feels_safe"] == "mostly_safe"
    # Saving again, knowingly, over the version now seen.
    again = browser.post(f"/assessments/{assessment.pk}/edit/", mine | {"version": "2"})
    assert again.status_code == 302
    assessment.refresh_from_db()
    assert assessment.answers["feels_safe"] == "safe"
    assert assessment.answers["trusts_police"] == "partly"


def test_an_edit_that_does_not_say_which_version_it_read_is_refused(
    record, ds_template, client_for, case_worker_a
):
    assessment = record(ds_template, durable_solutions_answers())
    mine = form_data(durable_solutions_answers(feels_safe="safe"), version="")
    response = client_for(case_worker_a).post(f"/assessments/{assessment.pk}/edit/", mine)
    assert response.status_code == 200
    assert "version" in response.context["form"].errors
    assessment.refresh_from_db()
    assert assessment.answers["feels_safe"] == "mostly_safe"


def test_the_template_list_shows_the_questions(client_for, case_worker_a, donor_viewer):
    html = client_for(donor_viewer).get("/assessments/templates/").content.decode()
    assert "Durable solutions assessment (IASC criteria)" in html
    assert "Is any member missing a personal document?" in html
    assert "criterion 8" in html


def test_pages_are_not_there_for_other_organisations_and_roles(
    record, needs_template, client_for, household_a, manager_b, make_user, org_a
):
    assessment = record(needs_template, needs_answers())
    new = f"/assessments/households/{household_a.number}/new/needs-vulnerability/"
    for user in (
        manager_b,
        make_user(org_a, Role.DONOR_VIEWER),
        make_user(org_a, Role.ADMINISTRATOR),
    ):
        browser = client_for(user)
        assert browser.get(f"/assessments/{assessment.pk}/").status_code == 404
        assert browser.get(f"/assessments/{assessment.pk}/edit/").status_code == 404
        assert browser.get(new).status_code == 404
    committee = client_for(make_user(org_a, Role.SELECTION_COMMITTEE))
    assert committee.get(f"/assessments/{assessment.pk}/").status_code == 200
    assert committee.get(f"/assessments/{assessment.pk}/edit/").status_code == 404
    assert committee.post(new, form_data(needs_answers())).status_code == 404
    assert Assessment.objects.count() == 1


def test_an_unknown_template_is_not_there(client_for, case_worker_a, household_a):
    path = f"/assessments/households/{household_a.number}/new/no-such-template/"
    assert client_for(case_worker_a).get(path).status_code == 404
