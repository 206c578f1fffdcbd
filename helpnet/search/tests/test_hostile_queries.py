"""Whatever people type, the normaliser and the query builders never raise nor build invalid syntax."""

import sqlite3
from typing import Any

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpnet.search.backends.postgres_fts import tsquery_expression
from helpnet.search.backends.sqlite_fts5 import match_expression
from helpnet.search.queries import query_groups

SYNTAX = st.sampled_from(
    [
        '"',
        "*",
        "NEAR",
        "NEAR(",
        "-",
        ":",
        "OR",
        "AND",
        "NOT",
        "(",
        ")",
        "^",
        "'",
        "&",
        "|",
        "!",
        "<->",
        "\\",
        "\x00",
        " ",
    ]
)
HOSTILE = st.lists(st.one_of(st.text(max_size=30), SYNTAX, st.sampled_from(["nasilje", "družini", "🙂", "насилие", "ryger"])), max_size=12).map(" ".join)  # fmt: skip


@pytest.fixture(scope="module")
def fts() -> Any:
    db = sqlite3.connect(":memory:")
    db.execute(
        "CREATE VIRTUAL TABLE t USING fts5(name, terms, description, organization, eligibility, "
        "tokenize = 'unicode61 remove_diacritics 2')"
    )
    db.execute("INSERT INTO t VALUES ('nasilje', 'druzina', 'pomoc', 'csd', 'vsi')")
    return db


@pytest.mark.django_db
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=HOSTILE, lang=st.sampled_from(["sl", "da", "en", "xx"]))
def test_built_fts5_match_is_always_valid(fts: Any, text: str, lang: str) -> None:
    expression = match_expression(query_groups(text, lang))
    if expression:
        fts.execute("SELECT count(*) FROM t WHERE t MATCH ?", (expression,)).fetchone()


@pytest.mark.django_db
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=HOSTILE, lang=st.sampled_from(["sl", "da", "en"]))
def test_built_tsquery_is_always_valid(text: str, lang: str) -> None:
    expression = tsquery_expression(query_groups(text, lang))
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL parses the tsquery")
    if expression:
        with connection.cursor() as cursor:
            cursor.execute("SELECT %s::tsquery", [expression])
