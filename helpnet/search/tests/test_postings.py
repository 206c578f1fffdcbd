"""Postings with impacts (search/hot.py): what ranking reads is each term's documents and impacts, the same
whether written by edits (the delta table), compacted or rebuilt."""

import uuid

import numpy as np
import pytest
from django.db import connection

from helpnet.search import hot, resident
from helpnet.search.actions import IndexDocument, index_documents, remove_documents
from helpnet.search.models import Document, Posting, PostingDelta
from helpnet.search.queries import Request, find

pytestmark = pytest.mark.django_db

FIELDS = {
    "name": [("Svetovalnica za alkohol", "sl")],
    "description": [("Alkohol, pomoč, svetovanje, alkohol in družina. " * 3, "sl")],
    "organization": [("Društvo Alkohol", "sl")],
    "eligibility": [("Odrasli in njihove družine", "sl")],
}


def _index(fields: dict[str, list[tuple[str, str]]] = FIELDS, key: uuid.UUID | None = None) -> uuid.UUID:
    key = key or uuid.uuid4()
    index_documents([IndexDocument(key=key, fields=fields, language="sl", sort_name=str(key))])
    return key


def _postings(term: str) -> resident.TermPostings:
    return resident.postings([term], use_memory=False)[term]


def test_a_documents_postings_hold_its_terms_with_their_impacts() -> None:
    doc_id = Document.objects.get(key=_index()).pk
    found = _postings("alkohol")
    assert found.ids.tolist() == [doc_id]
    # The name weighs most: an impact greater than the description's many mentions would give alone.
    name_only = hot.impacts({"name": ["alkohol"]})["alkohol"]
    assert found.impacts[0] > name_only
    assert hot.int_to_ids(found.bits) == [doc_id]
    assert resident.postings(["nikjer"], use_memory=False) == {}


def test_added_postings_are_read_with_the_stored_ones_in_id_order_and_compaction_keeps_only_the_living() -> (
    None
):
    first, second, third = _index(), _index(), _index()
    remove_documents([second])
    ids = [Document.objects.get(key=k).pk for k in (first, third)]
    assert PostingDelta.objects.filter(term="alkohol").count() == 3  # the removed one's stays until compacted
    before = find(Request(text="alkohol"))
    assert set(before.keys) == {first, third} and before.total == 2
    assert hot.compact_postings() > 0
    assert not PostingDelta.objects.exists()
    stored = Posting.objects.get(term="alkohol")
    assert hot.decode_postings(bytes(stored.ids), bytes(stored.impacts))[0].tolist() == sorted(ids)
    after = find(Request(text="alkohol"))
    assert (after.keys, after.total) == (before.keys, before.total)
    # A document added after the compaction: stored row and delta read together, ascending.
    fourth = _index()
    merged = _postings("alkohol")
    assert merged.ids.tolist() == sorted(merged.ids.tolist())
    assert len(merged.ids) == 3
    assert fourth in find(Request(text="alkohol")).keys


def test_stored_postings_round_trip_as_little_endian_arrays() -> None:
    ids, impacts = np.array([1, 7, 70_000]), np.array([0.5, 2.25, 11.0])
    encoded = hot.encode_postings(ids, impacts)
    assert encoded[0] == (1).to_bytes(4, "little") + (7).to_bytes(4, "little") + (70_000).to_bytes(
        4, "little"
    )
    decoded_ids, decoded_impacts = hot.decode_postings(*encoded)
    assert decoded_ids.tolist() == [1, 7, 70_000]
    assert decoded_impacts.tolist() == [0.5, 2.25, 11.0]


def test_a_better_match_ranks_first_and_the_same_language_counts() -> None:
    weak = _index({"description": [("Svetovanje za alkohol in še veliko drugega o vsem mogočem", "sl")]})
    strong = _index({"name": [("Alkohol", "sl")], "description": [("Alkohol in alkohol", "sl")]})
    assert find(Request(text="alkohol", lang="sl")).keys == [strong, weak]


def test_ties_are_ordered_by_name() -> None:
    keys = []
    for name in ("Cvet", "Avtobus", "Breza"):
        key = uuid.uuid4()
        index_documents(
            [
                IndexDocument(
                    key=key,
                    fields={"name": [(f"{name} alkohol", "sl")]},
                    language="sl",
                    sort_name=name.casefold(),
                )
            ]
        )
        keys.append(key)
    page = find(Request(text="alkohol", lang="sl")).keys
    assert page == [keys[1], keys[2], keys[0]]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 rows the migration reads are SQLite's")
def test_the_migration_computes_the_same_postings_as_indexing() -> None:
    import importlib

    migration = importlib.import_module("helpnet.search.migrations.0010_postings")
    doc_id = Document.objects.get(key=_index()).pk
    with connection.cursor() as cursor:
        [(found_id, fields)] = migration._fields_of_batch(cursor, "sqlite", doc_id, doc_id + 1)
    assert found_id == doc_id
    stored = _postings("druzina")
    assert hot.impacts(fields)["druzina"] == pytest.approx(float(stored.impacts[0]), rel=1e-6)


def _index_state() -> tuple[object, ...]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, key, sort_name, demoted, tags, language FROM search_document ORDER BY id")
        documents = [tuple(str(v) for v in row) for row in cursor.fetchall()]
        cursor.execute("SELECT name, bits FROM search_bitmap ORDER BY name")
        bitmaps = [(name, bytes(bits)) for name, bits in cursor.fetchall()]
        cursor.execute("SELECT term, ids, impacts FROM search_posting ORDER BY term")
        postings = [(term, bytes(ids), bytes(impacts)) for term, ids, impacts in cursor.fetchall()]
    return documents, bitmaps, postings


def test_a_rebuild_in_other_processes_writes_what_one_process_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    from helpnet.search import actions

    docs = [
        IndexDocument(
            key=uuid.UUID(int=i + 1),
            fields={"name": [(f"Svetovanje {i}", "sl")], "description": [("Pomoč pri dolgovih", "sl")]},
            tags=[f"need:{('debt', 'food')[i % 2]}"],
            points=[(46.0 + i / 1000, 15.3)],
            sort_name=f"svetovanje {i:04d}",
            demoted=i % 5 == 0,
            language=("sl", "en")[i % 2],
        )
        for i in range(25)
    ]
    monkeypatch.setattr(actions, "REBUILD_BATCH", 4)
    parts = [docs[i : i + 4] for i in range(0, len(docs), 4)]
    assert actions.rebuild(parts, list, expected=len(docs)) == 25
    serial = _index_state()
    monkeypatch.setattr(actions, "PARALLEL_MIN", 0)
    for workers in (1, 2):
        monkeypatch.setattr(actions, "REBUILD_WORKERS", workers)
        assert actions.rebuild(parts, list, expected=len(docs)) == 25
        assert _index_state() == serial
    assert len(serial[2]) > 3 and find(Request(text="dolgovi")).total == 25
