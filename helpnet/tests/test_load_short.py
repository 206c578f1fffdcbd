"""The load test in short (issue 8, part 4), for CI: the runner of loadtest/run.py with 20 users for 20 s.

The test database gets the demo data, the staff sessions and a pool of referrals (committed: the test is
transactional), then gunicorn serves it with DEBUG off and locust drives it. Every request must succeed and
every staff write locust counted must be in the database. The full run (50 users, two minutes, its
latencies) is `.venv/bin/python loadtest/run.py`, with its numbers in docs/benchmarks.md.
"""

import importlib
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.db import connection

from loadtest.run import database_url_of, prepare, run_load

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the load test runs several gunicorn workers on PostgreSQL (SQLite takes one writer at a time)",
    ),
]


@pytest.fixture(autouse=True)
def reference_data(transactional_db: Any) -> None:
    """The towns, vocabularies and thesaurus the migrations load: an earlier transactional test may have
    flushed them (as in directory/tests/test_browser_public.py)."""
    for module, function in (
        ("helpnet.organizations.migrations.0002_municipalities", "add_municipalities"),
        ("helpnet.directory.migrations.0002_starter_vocabularies", "add_vocabularies"),
        ("helpnet.search.migrations.0003_starter_thesaurus", "add_entries"),
    ):
        getattr(importlib.import_module(module), function)(apps, None)


def test_twenty_users_for_twenty_seconds_without_one_error(tmp_path: Path) -> None:
    plan = prepare(users=20, seconds=20, migrate=False)
    failures, problems, report = run_load(
        database_url_of(connection.settings_dict),
        plan,
        users=20,
        spawn_rate=20,
        run_time="20s",
        workers=3,
        out=tmp_path,
    )
    print(report)
    assert failures == 0, report
    assert problems == [], report
