"""Keeping the query planner informed.

SQLite chooses its plans from the statistics ``ANALYZE`` writes, and a database that was never
analysed (or analysed when it held ten households) can pick a plan that reads a whole table:
a registry search that takes 10 ms with statistics took 3 s without them at 200,000 people.
SQLite does not gather them by itself, so Homeward does, after migrations and bulk loads and
every few hours from the worker. PostgreSQL's autovacuum analyses on its own; after a bulk load
it is told to as well, because autovacuum may come minutes later.
"""

from __future__ import annotations

import logging
import threading

from django.db import connections

logger = logging.getLogger(__name__)

# Rows SQLite samples per index: approximate statistics in milliseconds, even for big tables.
SQLITE_ANALYSIS_LIMIT = 2000
REFRESH_EVERY_SECONDS = 6 * 60 * 60


def refresh_statistics(using: str = "default") -> None:
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"PRAGMA analysis_limit={SQLITE_ANALYSIS_LIMIT}")
            cursor.execute("ANALYZE")
        elif connection.vendor == "postgresql":
            cursor.execute("ANALYZE")


def refresh_statistics_after_migrate(sender, using="default", plan=None, **kwargs) -> None:
    """After ``migrate`` has changed something (it runs once per app; once is enough)."""
    if plan and sender.label == "core":
        refresh_statistics(using)


def keep_statistics_fresh(stop: threading.Event, every: float = REFRESH_EVERY_SECONDS):
    """Start a thread that refreshes the statistics now and then every ``every`` seconds."""

    def run():
        while True:
            try:
                refresh_statistics()
            except Exception:  # a busy or locked database must not stop the worker
                logger.exception("Refreshing the database statistics failed")
            finally:
                connections.close_all()
            if stop.wait(every):
                return

    thread = threading.Thread(target=run, name="statistics", daemon=True)
    thread.start()
    return thread
