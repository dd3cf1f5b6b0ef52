"""What ``core/tests/test_pages.py`` checks of deduplication's pages and endpoints.

``PAGES`` and ``API_ENDPOINTS``: url name → (path with ``{placeholders}``, capability needed);
``ELSEWHERE``: url name → the test that covers it; ``placeholders(...)`` makes a pair, a run and a
merge that every reviewer of organisation A reaches, and returns their ids.
"""

from homeward.accounts.roles import Capability

C = Capability

PAGES = {
    "duplicates": ("/duplicates/", C.RESOLVE_DUPLICATES),
    "dedup-pair": ("/duplicates/pairs/{dedup_pair}/", C.RESOLVE_DUPLICATES),
    "dedup-runs": ("/duplicates/runs/", C.RESOLVE_DUPLICATES),
    "dedup-run": ("/duplicates/runs/{dedup_run}/", C.RESOLVE_DUPLICATES),
    "dedup-run-progress": ("/duplicates/runs/{dedup_run}/progress/", C.RESOLVE_DUPLICATES),
    "dedup-run-pairs-csv": ("/duplicates/runs/{dedup_run}/pairs.csv", C.RESOLVE_DUPLICATES),
    "dedup-merges": ("/duplicates/merges/", C.RESOLVE_DUPLICATES),
    "dedup-merge": ("/duplicates/merges/{dedup_merge}/", C.RESOLVE_DUPLICATES),
    # The assistance overlap report: resolving duplicates or running exports, with personal
    # data; by role, exactly those who run exports (managers, M&E officers, DPOs).
    "dedup-overlap": ("/duplicates/overlap/", C.RUN_EXPORTS),
}
API_ENDPOINTS = {
    "dedup-run-list": ("/api/v1/dedup-runs/", C.RESOLVE_DUPLICATES),
    "dedup-run-detail": ("/api/v1/dedup-runs/{dedup_run}/", C.RESOLVE_DUPLICATES),
    "duplicate-pair-list": ("/api/v1/duplicate-pairs/", C.RESOLVE_DUPLICATES),
    "duplicate-pair-detail": ("/api/v1/duplicate-pairs/{dedup_pair}/", C.RESOLVE_DUPLICATES),
    "merge-list": ("/api/v1/merges/", C.RESOLVE_DUPLICATES),
    "merge-detail": ("/api/v1/merges/{dedup_merge}/", C.RESOLVE_DUPLICATES),
    "assistance-overlap-list": ("/api/v1/assistance-overlap/", C.RUN_EXPORTS),
}
ELSEWHERE = {
    "dedup-run-start": "dedup/tests/test_views.py (POST only)",
    "dedup-pair-decide": "dedup/tests/test_views.py (POST only)",
    "dedup-pair-merge": "dedup/tests/test_views.py (POST only)",
    "dedup-merge-undo": "dedup/tests/test_views.py (POST only)",
    "duplicate-pair-decide": "dedup/tests/test_api.py (POST only)",
    "duplicate-pair-merge": "dedup/tests/test_api.py (POST only)",
    "merge-undo": "dedup/tests/test_api.py (POST only)",
}


def placeholders(*, system, case_worker, project, household, enrolment) -> dict:
    """The head of A's household and his daughter as a pair to review, a finished run of
    project A that found it, and a merge of the head with a record since gone."""
    from homeward.dedup.models import CandidatePair, DedupRun, Merge

    head, child = household.members.order_by("pk")[:2]
    organisation = project.lead_organisation
    run = DedupRun.objects.create(
        organisation=organisation,
        coverage=DedupRun.Coverage.PROJECT,
        project=project,
        threshold=0.9,
        status=DedupRun.Status.SUCCEEDED,
        people=2,
        comparisons=1,
        pairs_found=1,
        pairs_new=1,
        timings={"read": 0.1, "predict": 0.2},
    )
    pair = CandidatePair.objects.create(
        person_a=min(head.pk, child.pk),
        person_b=max(head.pk, child.pk),
        run=run,
        match_probability=0.93,
        evidence=[
            {"field": "last_name", "level": "exact", "bayes_factor": 12.0},
            {"field": "sex", "level": "different", "bayes_factor": 0.05},
        ],
    )
    merge = Merge.objects.create(
        kept=head.pk,
        merged=head.pk + 1_000_000,
        kept_label=head.full_name,
        merged_label=head.full_name,
        organisation=organisation,
        moved={"assistance.Delivery": [{"id": 1, "person": head.pk + 1_000_000}]},
    )
    return {"dedup_pair": pair.pk, "dedup_run": run.pk, "dedup_merge": merge.pk}
