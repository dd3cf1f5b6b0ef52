"""What ``core/tests/test_pages.py`` checks of this app's pages and endpoints.

``PAGES`` and ``API_ENDPOINTS``: url name → (path with ``{placeholders}``, capability needed);
``ELSEWHERE``: url name → the test that covers it; ``placeholders(...)`` makes the records the
paths name, visible to every role of organisation A, and returns their values.
"""

from homeward.accounts.roles import Capability

C = Capability

PAGES = {}
API_ENDPOINTS = {}
ELSEWHERE = {}


def placeholders(*, system, case_worker, project, household, enrolment) -> dict:
    return {}
