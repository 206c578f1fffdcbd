"""Filters without words: the page in name order is the same whether the database sorts the matches by id
or the page is picked out of the name index as it is walked (queries._page_by_name)."""

import uuid

import pytest

from helpnet.search import queries
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


@pytest.mark.parametrize(("by_ids_max", "walk_max"), [(10**9, 8000), (0, 8000), (0, 40)])
@pytest.mark.parametrize("tags", [("need:debt",), ("need:food", "free")])
def test_a_page_of_filter_matches_in_name_order(
    documents: None, monkeypatch: pytest.MonkeyPatch, by_ids_max: int, walk_max: int, tags: tuple[str, ...]
) -> None:
    monkeypatch.setattr(queries, "PAGE_BY_IDS_MAX", by_ids_max)
    monkeypatch.setattr(queries, "PAGE_WALK_MAX", walk_max)  # 40: the walk gives up, the ids are sorted
    monkeypatch.setattr(queries, "PAGE_CHUNK_MIN", 3)  # several chunks of the index walk
    everything = expected(set(tags))
    assert len(everything) > 15
    for offset in (0, 7, 15, len(everything) - 3, len(everything) + 5):
        hits = find(Request(tag_groups=tuple((tag,) for tag in tags), offset=offset, limit=10))
        assert hits.total == len(everything)
        assert hits.keys == everything[offset : offset + 10]
