"""The demo's run: the families the demo registers twice wait in the review queue."""

from homeward.dedup.demo import load_demo_dedup
from homeward.dedup.models import CandidatePair, DedupRun
from homeward.demo import load_demo
from homeward.registry.demo import load_demo_registry
from homeward.registry.models import DuplicateAcknowledgement


def test_the_demo_queues_the_families_it_registered_twice(db):
    load_demo()
    load_demo_registry(households=60)
    deliberate = {
        tuple(sorted((row.person_id, row.other_person_id)))
        for row in DuplicateAcknowledgement.objects.all()
    }
    assert deliberate

    found = load_demo_dedup()

    assert found["likely duplicates"] == CandidatePair.objects.count()
    assert deliberate <= set(CandidatePair.objects.values_list("person_a", "person_b"))
    # Loaded once, like the rest of the demo.
    assert load_demo_dedup() == {}
    assert DedupRun.objects.count() == 1


def test_an_empty_registry_has_no_demo_run(db):
    assert load_demo_dedup() == {}
    assert not DedupRun.objects.exists()
