"""The demo world for the backup and jobs tests, in a committed database (transactional tests).

A transactional test starts from a database that earlier transactional tests flushed, so the rows the data
migrations load (towns, vocabularies, thesaurus) are put back first; all three are idempotent.
"""

import importlib
from io import StringIO

from django.apps import apps as django_apps
from django.core.management import call_command
from django.db import connection

SEED_DATA = [
    ("helpnet.organizations.migrations.0002_municipalities", "add_municipalities"),
    ("helpnet.directory.migrations.0002_starter_vocabularies", "add_vocabularies"),
    ("helpnet.search.migrations.0003_starter_thesaurus", "add_entries"),
]


def load_world() -> None:
    for module, function in SEED_DATA:
        getattr(importlib.import_module(module), function)(django_apps, None)
    call_command("load_demo", stdout=StringIO())


def table_names(cursor: object, vendor: str) -> list[str]:
    if vendor == "sqlite":
        sql = "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name"
    else:
        sql = "select tablename from pg_tables where schemaname = 'public' order by tablename"
    cursor.execute(sql)  # type: ignore[attr-defined]
    return [row[0] for row in cursor.fetchall()]  # type: ignore[attr-defined]


def row_counts(cursor: object, vendor: str) -> dict[str, int]:
    counts = {}
    for table in table_names(cursor, vendor):
        cursor.execute(f'select count(*) from "{table}"')  # type: ignore[attr-defined]  # noqa: S608
        counts[table] = cursor.fetchone()[0]  # type: ignore[attr-defined]
    return counts


def current_row_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        return row_counts(cursor, connection.vendor)
