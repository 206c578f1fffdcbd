"""Filters without words: the page in name order (queries._page_by_name), from the name order kept in memory
and the documents added since it was read."""

import uuid

import pytest

from helpnet.search import resident
from helpnet.search.actions import IndexDocument, index_documents
from helpnet.search.models import Document
from helpnet.search.queries import Request, find

pytestmark = pytest.mark.django_db


@pytest.fixture
def documents() -> None:
    docs = []
    for i in range(240):
        name = f"Storitev {(i * 37) % 50:02d}"  # repeated names: the id breaks the tie
        docs.append(
            IndexDocument(
                key=uuid.uuid4(),
                fields={"name": [(name, "sl")]},
                tags=[f"need:{('debt', 'food', 'violence')[i % 3]}", *(["free"] if i % 4 == 0 else [])],
                sort_name=name.casefold(),
                demoted=i % 7 == 0,
            )
        )
    index_documents(docs)


def expected(tags: set[str]) -> list[uuid.UUID]:
    rows = Document.objects.order_by("demoted", "sort_name", "id").values_list("key", "tags")
    return [key for key, doc_tags in rows if tags <= set(doc_tags.split())]


@pytest.mark.parametrize("added_since", [0, 60])
@pytest.mark.parametrize("tags", [("need:debt",), ("need:food", "free")])
def test_a_page_of_filter_matches_in_name_order(
    documents: None, monkeypatch: pytest.MonkeyPatch, added_since: int, tags: tuple[str, ...]
) -> None:
    if added_since:
        # The name order was read before the last documents were added: they are ordered by name when they match.
        newest = Document.objects.order_by("-id").values_list("id", flat=True)[added_since]
        stale = resident._read_name_order()
        stale.rank = stale.rank[: newest + 1]
        monkeypatch.setattr(resident, "_read_name_order", lambda: stale)
    everything = expected(set(tags))
    assert len(everything) > 15
    for offset in (0, 7, 15, len(everything) - 3, len(everything) + 5):
        hits = find(Request(tag_groups=tuple((tag,) for tag in tags), offset=offset, limit=10))
        assert hits.total == len(everything)
        assert hits.keys == everything[offset : offset + 10]
