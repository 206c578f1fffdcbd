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
    return Request(tag_groups=(("muni:sevnica",),), facet_prefixes=("need:",))


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
