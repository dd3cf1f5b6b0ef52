"""Demo results: the five seed programmes' logframes (``logframes/``) and, for the indicators no
rule computes, a few values recorded by hand with their sources.

Each framework is loaded by the manager of the project's lead organisation, through the same
service as ``homeward results-framework-load``. Idempotent like the rest of the demo: a project
that has a framework keeps it, and an indicator with values recorded by hand gets no more.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from homeward.accounts.models import User
from homeward.casework.demo import MANAGERS
from homeward.core.actors import actor_for_user, system_actor
from homeward.programmes.models import Project
from homeward.results.loading import framework_load, read_definition, shipped_logframes
from homeward.results.models import Indicator, Result
from homeward.results.services import manual_value_record

# (project, indicator, as of, value, source): what the programme's own records would say of
# what the casework does not record. Consistent with the demo casework where it touches it.
MANUAL_VALUES = (
    ("asb-reintegration-ii", "OP3.4", date(2023, 9, 30), 2,
     "Opening records of the Good Neighbour Clubs in Kruševac (March 2023) and Pirot "
     "(September 2023)."),
    ("asb-reintegration-ii", "OP3.5", date(2024, 6, 30), 3,
     "Agreements with the local self-governments on social initiatives (quarterly report, "
     "second quarter of 2024)."),
    ("asb-reintegration-ii", "OP3.5", date(2025, 3, 31), 5,
     "Agreements with the local self-governments on social initiatives (final report)."),
    ("giz-returnee-reintegration", "OP1.1", date(2018, 12, 31), 8,
     "Opening records of the information centres of the League of Roma and the Yurom Centre."),
    ("giz-returnee-reintegration", "OP5.1", date(2019, 12, 31), 3,
     "Registration documents of the three cooperatives (Serbian Business Registers Agency)."),
    ("drc-durable-solutions-y1", "OBJ.4", date(2024, 8, 31), 640,
     "Estimates of the municipal offices for communities and return of Prizren, Klina and "
     "Gjilan, in the final report."),
    ("drc-durable-solutions-y1", "OP2.2", date(2024, 2, 29), 3,
     "Capacity assessment reports of the municipal coordination mechanisms on returns of "
     "Prizren, Klina and Gjilan."),
    ("drc-durable-solutions-y1", "OP4.1", date(2024, 3, 31), 3,
     "Handover records of the three joint rural grant schemes."),
)  # fmt: skip


def _manager(project: Project):
    """The manager of the project's lead organisation, as the casework demo has them."""
    username = MANAGERS.get(project.lead_organisation.code)
    user = User.objects.filter(username=username).first() if username else None
    return actor_for_user(user, via="cli") if user else system_actor(via="cli")


def load_demo_results() -> dict[str, int]:
    """Load the seed logframes of the demo projects that have none yet, then the manual values
    of the indicators that have none; returns how many of each were added."""
    added = {"frameworks": 0, "indicators": 0, "manual values": 0}
    projects = {
        p.code: p
        for p in Project.objects.filter(code__in=shipped_logframes()).select_related(
            "lead_organisation"
        )
    }
    with transaction.atomic():
        for code, path in shipped_logframes().items():
            project = projects.get(code)
            if project is None or Result.objects.filter(project=project).exists():
                continue
            created = framework_load(
                actor=_manager(project), project=project, definition=read_definition(path)
            )
            added["frameworks"] += 1
            added["indicators"] += created["indicators"]
        recorded: set[tuple[str, str]] = set()
        for code, indicator_code, as_of, value, source in MANUAL_VALUES:
            indicator = (
                Indicator.objects.filter(project__code=code, code=indicator_code, rule__isnull=True)
                .select_related("project__lead_organisation")
                .first()
            )
            if indicator is None:
                continue
            key = (code, indicator_code)
            if key not in recorded and indicator.manual_values.exists():
                continue  # recorded by an earlier demo, or by hand
            recorded.add(key)
            manual_value_record(
                actor=_manager(indicator.project),
                indicator=indicator,
                as_of=as_of,
                value=value,
                source=source,
            )
            added["manual values"] += 1
    return added
