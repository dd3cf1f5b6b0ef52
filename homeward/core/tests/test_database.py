"""The planner's statistics: gathered by migrate, by a command, and by the worker's thread."""

import threading

import pytest
from django.core.management import call_command
from django.db import connection

from homeward.core.database import keep_statistics_fresh, refresh_statistics

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _no_statistics_yet():
    """On SQLite the statistics can be wiped, so each test proves it gathered them itself."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # creates sqlite_stat1 if it is missing
            cursor.execute("DELETE FROM sqlite_stat1")
        assert statistics_rows() == 0


def statistics_rows() -> int:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM sqlite_stat1")
        else:
            cursor.execute(
                "SELECT count(*) FROM pg_stats WHERE schemaname = current_schema() "
                "AND tablename = 'geo_area'"
            )
        return cursor.fetchone()[0]


def test_refresh_statistics_describes_the_tables():
    # The places are loaded by migration: there is data to describe.
    refresh_statistics()
    assert statistics_rows() > 0


def test_the_command_refreshes_them(capsys):
    call_command("refresh_statistics")
    assert "Statistics refreshed." in capsys.readouterr().out
    assert statistics_rows() > 0


def test_the_worker_thread_refreshes_then_stops_when_told():
    stop = threading.Event()
    thread = keep_statistics_fresh(stop, every=3600)
    stop.set()
    thread.join(timeout=10)
    assert not thread.is_alive()
    assert statistics_rows() > 0
