"""Whatever people type reaches the real search backend (SQLite FTS5 or PostgreSQL) and never raises.

helpnet/search/tests/test_hostile_queries.py checks that the built MATCH/tsquery strings parse; here the
whole path runs: the public search page, the query builder over an indexed directory, word suggestions
and the anonymous search statistics, with any text: FTS syntax, NUL, lone surrogates, RTL marks, private
use and the last code point, 10 000 characters.
"""

import uuid
from typing import Any
from urllib.parse import quote_from_bytes

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpnet.search.actions import IndexDocument, index_documents, record_search
from helpnet.search.queries import Request, find, suggest
from helpnet.search.tests.test_hostile_queries import SYNTAX
from helpnet.search.views import MAX_PREFIX

pytestmark = pytest.mark.django_db

# The search app's own list of FTS syntax (its hostile-query tests), and what reaches a whole page:
# LIKE wildcards, NUL, code points that break encoders or case mapping, real words.
SPECIAL = SYNTAX | st.sampled_from(
    [
        "%",
        "_",
        "\x00",
        "\ud800",  # a lone surrogate: not encodable as UTF-8
        "\u200f",  # right-to-left mark
        "\u202e",  # right-to-left override
        "\ufeff",
        "\U0010ffff",  # the last code point
        "\ud7ff",  # the code point just before the surrogates
        "İ",  # lower-cases to two code points
        "ß",
        "ﬁ",
        "nasilje",
        "družini",
        "ryger",
        "🙂",
    ]
)
ANY_TEXT = st.text(alphabet=st.characters(codec=None), max_size=40)
HOSTILE = st.lists(st.one_of(ANY_TEXT, SPECIAL), max_size=12).map(" ".join) | st.builds(
    lambda piece, n: (piece * n)[:10_000], st.one_of(SPECIAL, ANY_TEXT.filter(bool)), st.integers(1, 10_000)
)
FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def quoted(text: str) -> str:
    return quote_from_bytes(text.encode("utf-8", "surrogatepass"))


@pytest.fixture
def indexed(db: Any) -> None:
    texts = [
        ("Svetovanje žrtvam nasilja v družini", "sl"),
        ("Rygestop for unge", "da"),
        ("Help with debts and \u202etext\u202c", "en"),
        ("Zdravljenje alkoholizma", "sl"),
    ]
    index_documents(
        [IndexDocument(key=uuid.uuid4(), fields={"description": [(text, lang)]}) for text, lang in texts]
    )


@FUZZ
@given(text=HOSTILE, lang=st.sampled_from(["sl", "da", "en", "xx"]))
def test_the_query_builder_runs_any_text_through_the_real_backend(
    indexed: None, text: str, lang: str
) -> None:
    hits = find(Request(text=text, lang=lang, limit=5))
    assert hits.total >= len(hits.keys)


@FUZZ
@given(prefix=HOSTILE, lang=st.sampled_from(["sl", "da", "en"]))
def test_suggestions_never_raise(indexed: None, prefix: str, lang: str) -> None:
    assert all(isinstance(word, str) for word in suggest(prefix, lang))


@FUZZ
@given(text=HOSTILE)
def test_search_statistics_store_any_query(text: str) -> None:
    record_search(text, language="sl", result_count=0)


@FUZZ
@given(text=HOSTILE, page=st.one_of(st.just("1"), ANY_TEXT))
def test_the_public_search_page_and_suggestions_answer_any_query(
    client: Client, indexed: None, text: str, page: str
) -> None:
    # Percent-encoded as a browser would, lone surrogates as the invalid UTF-8 bytes they become.
    query = f"q={quoted(text)}&page={quoted(page)}"
    response = client.get(f"/en/search/?{query}")
    assert response.status_code == 200
    response = client.get(f"/en/search/suggest/?q={quoted(text)}")
    assert response.status_code == 200
    assert len(response.json()["q"]) <= MAX_PREFIX


def test_suggestions_after_the_last_code_point_and_before_the_surrogates(indexed: None) -> None:
    # The prefix range's upper bound is "the last character plus one": not past U+10FFFF nor into
    # the surrogates (PostgreSQL cannot store those).
    assert suggest("ab\U0010ffff", "sl") == []
    assert suggest("ab\ud7ff", "sl") == []
