"""Counts for browsing without words are cached, and never outlive a change of the index."""

import uuid
from typing import Any

import pytest
from django.db import connection

from helpnet.search.actions import IndexDocument, index_documents, remove_documents
from helpnet.search.queries import Request, find

pytestmark = pytest.mark.django_db


def add(*tags: str) -> uuid.UUID:
    key = uuid.uuid4()
    index_documents([IndexDocument(key=key, fields={"name": [("Storitev", "sl")]}, tags=tags)])
    return key


def browse() -> Request:
    # Browsing everything (the home page's counts): with a filter, the bitmaps answer without a cache.
    return Request(facet_prefixes=("need:",))


def test_browsing_twice_reuses_the_counts(django_assert_num_queries: Any) -> None:
    add("muni:sevnica", "need:violence")
    find(browse())
    # only the page of keys: total and facet counts come from the cache
    # (PostgreSQL adds SAVEPOINT, SET LOCAL enable_seqscan, RELEASE around the search)
    with django_assert_num_queries(4 if connection.vendor == "postgresql" else 1):
        hits = find(browse())
    assert (hits.total, hits.facets) == (1, {"need:violence": 1})


def test_a_new_document_invalidates_cached_counts() -> None:
    add("muni:sevnica", "need:violence")
    find(browse())
    add("muni:sevnica", "need:violence")
    assert find(browse()).facets == {"need:violence": 2}


def test_a_removed_document_invalidates_cached_counts() -> None:
    key = add("muni:sevnica", "need:violence")
    add("muni:sevnica", "need:addiction")
    find(browse())
    remove_documents([key])
    assert find(browse()).facets == {"need:addiction": 1}


def near_sevnica() -> Request:
    return Request(near=(46.0092, 15.3150), sort="distance", facet_prefixes=("need:",))


def add_near(*tags: str) -> uuid.UUID:
    key = uuid.uuid4()
    index_documents(
        [IndexDocument(key=key, fields={"name": [("Storitev", "sl")]}, tags=tags, points=[(46.01, 15.31)])]
    )
    return key


def test_browsing_near_a_town_twice_reuses_the_whole_answer(django_assert_num_queries: Any) -> None:
    key = add_near("need:violence")
    first = find(near_sevnica())
    # PostgreSQL still opens and releases the search's savepoint with its planner setting
    with django_assert_num_queries(3 if connection.vendor == "postgresql" else 0):
        again = find(near_sevnica())
    assert (again.keys, again.total, again.facets) == (
        first.keys,
        1,
        {"need:violence": 1},
    ) and first.keys == [key]


def test_a_new_document_near_the_town_invalidates_the_cached_answer() -> None:
    add_near("need:violence")
    find(near_sevnica())
    add_near("need:addiction")
    assert find(near_sevnica()).total == 2
