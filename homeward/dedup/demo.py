"""Demo deduplication: one run over the demo registry, so that the review queue holds the
families the demo deliberately registered twice (``registry/demo.py``) the moment a manager
signs in. Idempotent like the rest of the demo: a database that has any run is left alone."""

from __future__ import annotations

from homeward.core.actors import system_actor
from homeward.dedup.models import DedupRun
from homeward.dedup.services import dedup_run_execute, dedup_run_start
from homeward.registry.models import Person


def load_demo_dedup() -> dict[str, int]:
    if DedupRun.objects.exists() or not Person.objects.exists():
        return {}
    actor = system_actor(via="cli")
    run = dedup_run_start(actor=actor, background=False)
    run = dedup_run_execute(run=run, actor=actor)
    return {"people compared": run.people, "likely duplicates": run.pairs_found}
