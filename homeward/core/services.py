"""The one write path: every change of state is a service function decorated with ``@service``.

A service is named ``<noun>_<verb>``, takes keyword arguments only (``actor`` first among them),
runs in one transaction, and writes its audit rows in that same transaction. The decorator
enforces all three, so a view, an API endpoint, an import and a task cannot forget one.
"""

from __future__ import annotations

import functools

from django.db import transaction

from homeward.core import audit
from homeward.core.actors import Actor


class UnauditedChange(RuntimeError):
    pass


class NothingChanged(Exception):
    """Raised inside a service that found nothing to change: it then needs no audit row."""

    def __init__(self, result=None):
        self.result = result


def service(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        if args:
            raise TypeError(f"{func.__name__}() takes keyword arguments only")
        actor = kwargs.get("actor")
        if not isinstance(actor, Actor):
            raise TypeError(f"{func.__name__}() needs actor=<Actor>, got {actor!r}")
        outer = audit._audit_counter.get()
        counter = [0]
        token = audit._audit_counter.set(counter)
        try:
            with transaction.atomic():
                try:
                    result = func(**kwargs)
                except NothingChanged as unchanged:
                    return unchanged.result
                if counter[0] == 0:
                    raise UnauditedChange(f"{func.__name__}() changed state without an audit row")
        finally:
            audit._audit_counter.reset(token)
        # A service called by another audits for it too.
        if outer is not None:
            outer[0] += counter[0]
        return result

    wrapper.is_service = True
    return wrapper
