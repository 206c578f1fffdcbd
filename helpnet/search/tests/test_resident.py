"""What the web process keeps of the index (search/resident.py) follows every committed write and never keeps
what a transaction wrote and then rolled back. These tests commit, as the app does outside tests."""

import uuid

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from helpnet.search import resident
from helpnet.search.actions import IndexDocument, index_documents, remove_documents
from helpnet.search.queries import Request, find

pytestmark = pytest.mark.django_db(transaction=True)

SEVNICA, KRSKO, RANDERS = (46.0092, 15.3150), (45.9590, 15.4920), (56.4607, 10.0364)


def _place(key: uuid.UUID, point: tuple[float, float], name: str = "Svetovanje") -> None:
    index_documents(
        [
            IndexDocument(
                key=key, fields={"name": [(name, "sl")]}, tags=["need:debt"], points=[point], language="sl"
            )
        ]
    )


def _near(point: tuple[float, float]) -> list[uuid.UUID]:
    return find(Request(text="svetovanje", near=point, radius_km=2.0)).keys


def test_a_search_in_memory_reads_only_the_index_state_and_the_page() -> None:
    keys = [uuid.uuid4() for _ in range(3)]
    for key in keys:
        _place(key, SEVNICA)
    request = Request(text="svetovanje", near=SEVNICA, radius_km=5.0, facet_prefixes=("need:",))
    first = find(request)  # fills the memory
    with CaptureQueriesContext(connection) as queries:
        again = find(request)
    assert (again.keys, again.total, again.facets) == (first.keys, first.total, first.facets)
    assert set(again.keys) == set(keys) and again.facets == {"need:debt": 3}
    statements = [q["sql"] for q in queries.captured_queries]
    assert len([s for s in statements if "search_indexstate" in s]) == 1
    assert not [
        s for s in statements if "search_bitmap" in s or "search_posting" in s or "documentpoint" in s
    ]


def test_the_memory_follows_an_edit_and_a_removal() -> None:
    key = uuid.uuid4()
    _place(key, SEVNICA)
    assert _near(SEVNICA) == [key]
    _place(key, RANDERS)  # moved to Denmark
    assert (_near(SEVNICA), _near(RANDERS)) == ([], [key])
    other = uuid.uuid4()
    _place(other, RANDERS, "Svetovanje za dolgove")
    assert set(_near(RANDERS)) == {key, other}
    remove_documents([key])
    assert _near(RANDERS) == [other]
    assert find(Request(text="dolgovi")).keys == [other]


def test_a_write_rolled_back_leaves_nothing_behind() -> None:
    kept = uuid.uuid4()
    _place(kept, SEVNICA)
    assert _near(SEVNICA) == [kept]
    gone = uuid.uuid4()
    with pytest.raises(RuntimeError), transaction.atomic():
        _place(gone, SEVNICA)
        assert set(_near(SEVNICA)) == {kept, gone}  # this transaction sees its own write
        raise RuntimeError("rolled back")
    assert _near(SEVNICA) == [kept]
    # The same ids may be given again (SQLite reuses a rolled-back id): the memory must not mix them up.
    again = uuid.uuid4()
    _place(again, KRSKO)
    assert (_near(SEVNICA), _near(KRSKO)) == ([kept], [again])
    # And the memory is used again once the rolled-back transaction is over.
    with CaptureQueriesContext(connection) as queries:
        assert _near(KRSKO) == [again]
    assert not [q for q in queries.captured_queries if "search_posting" in q["sql"]]


def test_the_memory_keeps_within_its_budget(settings: object) -> None:
    for i in range(5):
        index_documents([IndexDocument(key=uuid.uuid4(), fields={"name": [(f"beseda{i} skupna", "sl")]})])
    settings.HELPNET_SEARCH_MEMORY_MB = 0  # type: ignore[attr-defined]
    for i in range(5):
        assert len(find(Request(text=f"beseda{i}")).keys) == 1
    assert resident._memory.entry_bytes == 0
    assert len(find(Request(text="skupna")).keys) == 5
