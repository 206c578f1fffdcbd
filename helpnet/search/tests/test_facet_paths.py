"""Totals and facet counts are the same whether read from the tag strings or grouped from the tag table."""

import uuid

import pytest

from helpnet.search import queries
from helpnet.search.actions import IndexDocument, index_documents
from helpnet.search.queries import Request, find

pytestmark = pytest.mark.django_db


def add(name: str, *tags: str) -> None:
    index_documents([IndexDocument(key=uuid.uuid4(), fields={"name": [(name, "sl")]}, tags=tags)])


def request() -> Request:
    return Request(text="svetovanje", facet_prefixes=("need:", "group:"))


@pytest.fixture
def documents() -> None:
    add("Svetovanje", "need:violence", "group:adults")
    add("Svetovanje za mlade", "need:violence", "group:children-youth", "free")
    add("Svetovanje o dolgovih", "need:debt", "group:adults")
    add("Kuhinja", "need:food")


def test_many_matches_count_the_same_facets_by_grouping(
    documents: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from_strings = find(request())
    monkeypatch.setattr(queries, "FACETS_FROM_TAG_STRINGS_MAX", 1)
    grouped = find(request())
    assert (grouped.total, grouped.facets, grouped.keys) == (
        from_strings.total,
        from_strings.facets,
        from_strings.keys,
    )


def test_tag_strings_give_the_total_and_the_facets(documents: None) -> None:
    hits = find(request())
    assert (hits.total, hits.facets) == (
        3,
        {"need:violence": 2, "need:debt": 1, "group:adults": 2, "group:children-youth": 1},
    )
