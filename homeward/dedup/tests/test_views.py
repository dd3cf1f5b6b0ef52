"""The deduplication pages: who sees which pair, the decisions and merges made on them (and
refused when somebody decided first), the start of a run, and one page in Serbian."""

from __future__ import annotations

import pytest
from django.conf import settings

from homeward.dedup.models import CandidatePair, DedupRun, Merge
from homeward.dedup.tests.conftest import make_pair
from homeward.registry.models import Person

pytestmark = pytest.mark.django_db


def _pair_page(browser, pair):
    return browser.get(f"/duplicates/pairs/{pair.pk}/")


def _decide(browser, pair, decision, *, expected="pending", note=""):
    return browser.post(
        f"/duplicates/pairs/{pair.pk}/decide/",
        {"decision": decision, "note": note, "expected_status": expected},
    )


def _merge(browser, pair, keep, **extra):
    return browser.post(
        f"/duplicates/pairs/{pair.pk}/merge/",
        {"keep": keep, "note": "", "expected_status": "pending"} | extra,
    )


# --- the queue ---------------------------------------------------------------------------


def test_the_queue_lists_the_pairs_of_both_records_in_scope_best_first(
    client_for, manager_a, dedup_pairs
):
    response = client_for(manager_a).get("/duplicates/")
    assert response.status_code == 200
    shown = [row["pair"] for row in response.context["rows"]]
    assert shown == [dedup_pairs.ab, dedup_pairs.wives]
    # The two pairs with the import's Dragan are counted, not named.
    assert response.context["hidden"] == 2
    content = response.content.decode()
    assert "2 more likely duplicates involve records" in content
    assert f"/duplicates/pairs/{dedup_pairs.b_import.pk}/" not in content
    assert "Petrovic<" not in content
    # The filters and the start of a run both choose a project: each its own label.
    assert content.count('id="id_project"') == 1
    assert content.count('id="id_run_project"') == 1


def test_the_queue_filters_by_probability_and_decision(client_for, manager_a, dedup_pairs):
    browser = client_for(manager_a)
    likely = browser.get("/duplicates/", {"min_probability": "0.95"})
    assert [row["pair"] for row in likely.context["rows"]] == [dedup_pairs.ab]
    assert _decide(browser, dedup_pairs.wives, "not_same").status_code == 302
    decided = browser.get("/duplicates/", {"status": "not_same"})
    assert [row["pair"] for row in decided.context["rows"]] == [dedup_pairs.wives]
    assert [row["pair"] for row in browser.get("/duplicates/").context["rows"]] == [dedup_pairs.ab]


def test_a_bad_filter_is_named_and_the_queue_still_shows(client_for, manager_a, dedup_pairs):
    response = client_for(manager_a).get("/duplicates/", {"min_probability": "2"})
    assert response.status_code == 200
    assert response.context["form"].errors["min_probability"]
    assert len(response.context["rows"]) == 2


@pytest.mark.parametrize("role", ["case_worker_a", "admin_a", "donor_viewer"])
def test_roles_without_the_capability_get_404_everywhere(request, client_for, role, dedup_pairs):
    browser = client_for(request.getfixturevalue(role))
    pair = dedup_pairs.ab
    for path in ("/duplicates/", f"/duplicates/pairs/{pair.pk}/", "/duplicates/runs/"):
        assert browser.get(path).status_code == 404, path
    assert _decide(browser, pair, "not_same").status_code == 404
    assert _merge(browser, pair, pair.person_a).status_code == 404
    assert CandidatePair.objects.get(pk=pair.pk).status == "pending"


def test_another_organisation_gets_404_on_a_pair_it_cannot_read(client_for, manager_b, dedup_pairs):
    browser = client_for(manager_b)
    # B's manager sees B's Dragan and the import, not A's household.
    assert _pair_page(browser, dedup_pairs.ab).status_code == 404
    assert _decide(browser, dedup_pairs.ab, "not_same").status_code == 404
    assert _pair_page(browser, dedup_pairs.b_import).status_code == 200


# --- one pair ----------------------------------------------------------------------------


def test_the_pair_page_shows_both_records_the_differences_and_the_evidence(
    client_for, dpo_a, dedup_pairs, dedup_people
):
    response = _pair_page(client_for(dpo_a), dedup_pairs.ab)
    assert response.status_code == 200
    rows = {row["key"]: row for row in response.context["rows"]}
    # Dragan and Драган are one name in two scripts; the missing JMBG is a difference.
    assert not rows["first_name"]["differs"]
    assert rows["national_id"]["differs"]
    assert not rows["date_of_birth"]["differs"]
    assert not rows["sex"]["differs"]
    assert rows["national_id"]["a"] == dedup_people.dragan_a.national_id
    assert rows["national_id"]["b"] == ""
    content = response.content.decode()
    assert "Драган" in content
    assert "Dragan" in content
    assert f'href="/registry/households/{dedup_people.dragan_b.household.number}/"' in content
    assert "40 times more likely the same" in content
    # The choice of the record kept, with what would move for each.
    assert len(response.context["previews"]) == 2
    assert f'value="{dedup_people.dragan_a.pk}"' in content


def test_twins_first_names_are_highlighted(client_for, manager_a, dedup_people):
    twins = make_pair(dedup_people.marko, dedup_people.luka, 0.91)
    rows = {row["key"]: row for row in _pair_page(client_for(manager_a), twins).context["rows"]}
    assert rows["first_name"]["differs"]
    assert not rows["last_name"]["differs"]
    assert not rows["household"]["differs"]


def test_evidence_against_reads_as_less_likely(client_for, manager_a, dedup_pairs):
    pair = dedup_pairs.ab
    pair.evidence = [
        {"field": "national_id", "level": "different_valid", "bayes_factor": 0.004},
        {"field": "father_name", "level": "missing", "bayes_factor": 1.0},
    ]
    pair.save()
    response = _pair_page(client_for(manager_a), pair)
    strengths = [entry["strength"] for entry in response.context["evidence"]]
    assert strengths == ["250 times less likely the same", "says nothing either way"]


def test_a_decision_is_recorded_and_leads_to_the_next_pair(client_for, manager_a, dedup_pairs):
    browser = client_for(manager_a)
    response = _decide(browser, dedup_pairs.ab, "not_same", note="Different fathers.")
    assert response.status_code == 302
    assert response.url == f"/duplicates/pairs/{dedup_pairs.wives.pk}/"
    pair = CandidatePair.objects.get(pk=dedup_pairs.ab.pk)
    assert (pair.status, pair.note, pair.decided_by) == (
        "not_same",
        "Different fathers.",
        manager_a,
    )


def test_a_decision_on_a_pair_decided_meanwhile_is_refused(
    client_for, manager_a, dpo_a, dedup_pairs
):
    pair = dedup_pairs.ab
    assert _decide(client_for(dpo_a), pair, "not_same").status_code == 302
    browser = client_for(manager_a)
    # The manager opened the page while it was still to review.
    response = _decide(browser, pair, "unsure", expected="pending")
    assert response.status_code == 302
    assert response.url == f"/duplicates/pairs/{pair.pk}/"
    page = browser.get(response.url)
    assert "has decided this pair (Not the same person) since you opened it" in (
        page.content.decode()
    )
    pair.refresh_from_db()
    assert (pair.status, pair.decided_by) == ("not_same", dpo_a)


def test_an_unknown_decision_is_named(client_for, manager_a, dedup_pairs):
    response = _decide(client_for(manager_a), dedup_pairs.ab, "same")
    assert response.status_code == 400
    assert response.context["decision_form"].errors["decision"]
    assert CandidatePair.objects.get(pk=dedup_pairs.ab.pk).status == "pending"


def test_merge_then_undo(client_for, manager_a, dedup_pairs, dedup_people):
    browser = client_for(manager_a)
    pair = dedup_pairs.wives
    kept, merged = dedup_people.ljiljana_a, dedup_people.ljiljana_b
    response = _merge(
        browser,
        pair,
        kept.pk,
        version_a=Person.objects.get(pk=pair.person_a).version,
        version_b=Person.objects.get(pk=pair.person_b).version,
    )
    assert response.status_code == 302
    merge = Merge.objects.get()
    assert response.url == f"/duplicates/merges/{merge.pk}/"
    assert (merge.kept, merge.merged) == (kept.pk, merged.pk)
    assert not Person.objects.filter(pk=merged.pk).exists()
    assert CandidatePair.objects.get(pk=pair.pk).status == "same"
    page = browser.get(response.url)
    assert page.status_code == 200
    assert "Undo the merge" in page.content.decode()
    # The merged record is kept for an undo; the index of its names is rebuilt, not listed.
    assert ("People", 1) in page.context["deleted"]
    assert "name tokens" not in page.content.decode()
    assert browser.get("/duplicates/merges/").context["page"].object_list[0] == merge
    # The merged pair's page shows the record gone, and offers no second merge.
    pair_page = _pair_page(browser, pair)
    assert pair_page.status_code == 200
    assert pair_page.context["merge_form"] is None
    assert "(merged)" in pair_page.content.decode()

    undone = browser.post(f"/duplicates/merges/{merge.pk}/undo/")
    assert undone.status_code == 302
    assert undone.url == f"/duplicates/pairs/{pair.pk}/"
    assert Person.objects.filter(pk=merged.pk).exists()
    merge.refresh_from_db()
    assert merge.is_undone
    assert CandidatePair.objects.get(pk=pair.pk).status == "pending"
    assert "Undo the merge" not in browser.get(f"/duplicates/merges/{merge.pk}/").content.decode()


def test_a_merge_the_service_refuses_says_why(client_for, manager_a, dedup_pairs, dedup_people):
    browser = client_for(manager_a)
    # B's Dragan heads a household with his wife in it: he cannot simply disappear.
    response = _merge(browser, dedup_pairs.ab, dedup_people.dragan_a.pk)
    assert response.status_code == 302
    assert response.url == f"/duplicates/pairs/{dedup_pairs.ab.pk}/"
    assert "Make another member the head" in browser.get(response.url).content.decode()
    assert not Merge.objects.exists()


def test_a_merge_keeping_a_record_outside_the_pair_is_refused(
    client_for, manager_a, dedup_pairs, dedup_people
):
    response = _merge(client_for(manager_a), dedup_pairs.ab, dedup_people.marko.pk)
    assert response.status_code == 400
    assert response.context["merge_form"].errors["keep"]
    assert not Merge.objects.exists()
    assert Person.objects.filter(pk=dedup_people.dragan_b.pk).exists()


def test_a_merge_of_a_pair_decided_meanwhile_is_refused(
    client_for, manager_a, dpo_a, dedup_pairs, dedup_people
):
    assert _decide(client_for(dpo_a), dedup_pairs.ab, "not_same").status_code == 302
    browser = client_for(manager_a)
    response = _merge(browser, dedup_pairs.ab, dedup_people.dragan_a.pk)
    assert response.status_code == 302
    assert "Somebody else decided on this pair" in browser.get(response.url).content.decode()
    assert not Merge.objects.exists()


def test_a_merge_with_a_record_changed_meanwhile_is_refused(
    client_for, manager_a, dedup_pairs, dedup_people
):
    pair, kept = dedup_pairs.wives, dedup_people.ljiljana_a
    browser = client_for(manager_a)
    response = _merge(browser, pair, kept.pk, version_a=999, version_b=999)
    assert response.status_code == 302
    assert response.url == f"/duplicates/pairs/{pair.pk}/"
    assert "was changed by somebody else" in browser.get(response.url).content.decode()
    assert not Merge.objects.exists()


# --- runs --------------------------------------------------------------------------------


def test_starting_a_run_shows_its_progress(client_for, manager_a, project_a, dedup_pairs):
    browser = client_for(manager_a)
    response = browser.post(
        "/duplicates/runs/start/",
        {"coverage": "project", "project": project_a.code, "threshold": "0.95"},
    )
    assert response.status_code == 302
    run = DedupRun.objects.get()
    assert response.url == f"/duplicates/runs/{run.pk}/"
    assert (run.coverage, run.project, run.threshold) == ("project", project_a, 0.95)
    assert run.job.kind == "dedup.run"
    page = browser.get(response.url)
    assert page.status_code == 200
    assert f"{project_a.code} — {project_a.title}" in page.content.decode()
    assert f'data-poll="/duplicates/runs/{run.pk}/progress/"' in page.content.decode()
    assert browser.get(f"/duplicates/runs/{run.pk}/progress/").status_code == 200


def test_a_run_without_its_project_is_refused_with_the_field_named(client_for, manager_a):
    response = client_for(manager_a).post(
        "/duplicates/runs/start/", {"coverage": "project", "threshold": "0.9"}
    )
    assert response.status_code == 400
    assert response.context["run_form"].errors["project"] == ["Choose the project to compare."]
    assert not DedupRun.objects.exists()


def test_a_threshold_the_service_refuses_is_named_on_the_form(client_for, manager_a):
    response = client_for(manager_a).post(
        "/duplicates/runs/start/", {"coverage": "registry", "threshold": "0"}
    )
    assert response.status_code == 400
    assert "The threshold is a probability" in response.context["run_form"].errors["threshold"][0]
    assert not DedupRun.objects.exists()


def test_a_run_with_a_project_out_of_scope_is_refused(client_for, manager_a, project_b):
    response = client_for(manager_a).post(
        "/duplicates/runs/start/", {"coverage": "project", "project": project_b.code}
    )
    assert response.status_code == 400
    assert response.context["run_form"].errors["project"]
    assert not DedupRun.objects.exists()


def test_a_finished_run_shows_its_counts_and_the_pairs_a_reader_may_see(
    client_for, manager_a, org_a, dedup_pairs
):
    run = DedupRun.objects.create(
        organisation=org_a,
        threshold=0.9,
        status=DedupRun.Status.SUCCEEDED,
        people=9,
        comparisons=36,
        pairs_found=4,
        pairs_new=4,
        timings={"read": 0.5, "predict": 1.5},
    )
    CandidatePair.objects.update(run=run)
    browser = client_for(manager_a)
    page = browser.get(f"/duplicates/runs/{run.pk}/")
    assert page.status_code == 200
    assert page.context["total_seconds"] == 2.0
    assert page.context["timings"] == [("Reading the records", 0.5), ("Comparing the pairs", 1.5)]
    assert "data-poll" not in page.content.decode()
    listing = browser.get("/duplicates/runs/")
    assert list(listing.context["page"]) == [run]
    csv = browser.get(f"/duplicates/runs/{run.pk}/pairs.csv")
    assert csv.status_code == 200
    lines = csv.content.decode().splitlines()
    # Only the two pairs whose both records A's manager may see.
    assert lines[0] == "person_id_a,person_id_b,match_probability"
    assert len(lines) == 3


# --- Serbian -----------------------------------------------------------------------------


def test_the_pair_page_in_serbian(client_for, manager_a, dedup_pairs):
    browser = client_for(manager_a)
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = "sr"
    response = _pair_page(browser, dedup_pairs.ab)
    assert response.status_code == 200
    content = response.content.decode()
    assert '<html lang="sr">' in content
    assert "Регистар" in content  # the navigation
    assert "99,8 %" in content  # the probability, with a decimal comma
