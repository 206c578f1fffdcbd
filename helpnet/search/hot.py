"""The structures that keep every search fast when the index holds 100 000 services and more.

A word like "pomoč" or "star" matches half of a large directory. Ranking all of its matches with bm25 or ts_rank
in the database, counting them and counting their facets by joining the tag table costs 100-200 ms at 100 000
services. Two classic structures, kept decoded in the web process (search/resident.py), make a broad search cost
about as much as a narrow one:

- **Bitmaps** (one bit per document id, stored as bytes, combined as Python integers): one of every document
  (ALL), one per tag (facets and filters, "temporarily closed", the document's language). Matches, totals and
  every facet count are AND/OR/popcount on integers instead of statements over tens of thousands of rows.
- **Postings with impacts** (an inverted index): for every index term, the ids of the documents that contain it,
  ascending, each with the term's field-weighted BM25 impact in that document (impacts(): field weights name >
  terms > description > organisation > eligibility, BM25's k1 and b with typical field lengths, so the impact
  does not depend on the rest of the index). A query's score of a document is the sum over its words of idf x
  impact, computed for every match at once with numpy: exact, whatever the filters leave.

A rebuild numbers the documents 1, 2, 3 … and writes each term's postings as one row. Later writes (an edit, an
import) append postings to a delta table, read together with the stored rows; a removed document leaves its
postings behind but is no longer in ALL, so it is in no match. compact_postings() (nightly) folds the deltas in
and drops the dead postings.
"""

import math
from array import array
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np
from django.db import connection

from .backends import FIELDS, insert_rows, safe_token

ALL = "meta:all"  # every indexed document: its popcount is N in the idf
TAG_PREFIX = "tag:"
DEMOTED_TAG = "_demoted"  # temporarily closed: listed last (a tag of the bitmaps only, never a facet)
DEMOTED = TAG_PREFIX + DEMOTED_TAG
LANGUAGE_TAG = (
    "_language:"  # the language a document is written in (its results rank higher in that language)
)
# The same field weights as the full-text ranking (name > terms > description > organisation > eligibility)
# and BM25's k1 and b with typical field lengths, so a term's impact in one document does not depend on
# the rest of the index.
WEIGHTS = dict(zip(FIELDS, (10.0, 6.0, 3.0, 1.5, 1.0), strict=True))
TYPICAL_LENGTH = {"name": 6.0, "terms": 30.0, "description": 80.0, "organization": 6.0, "eligibility": 20.0}
K1, B = 1.2, 0.75


def impacts(fields: dict[str, list[str]]) -> dict[str, float]:
    """Each index term of one document and its field-weighted BM25 term-frequency impact."""
    result: dict[str, float] = {}
    for name in FIELDS:
        tokens = [t if t.isalnum() else safe_token(t) for t in fields.get(name, [])]
        tokens = [t for t in tokens if t]
        if not tokens:
            continue
        norm = K1 * (1 - B + B * len(tokens) / TYPICAL_LENGTH[name])
        weight = WEIGHTS[name]
        for term, tf in Counter(tokens).items():
            result[term] = result.get(term, 0.0) + weight * tf * (K1 + 1) / (tf + norm)
    return result


def idf(document_frequency: int, documents: int) -> float:
    """BM25's inverse document frequency, floored as FTS5 does."""
    documents = max(documents, document_frequency)
    return max(math.log((documents - document_frequency + 0.5) / (document_frequency + 0.5)), 1e-6)


def to_int(bits: bytes | memoryview | None) -> int:
    return int.from_bytes(bytes(bits), "little") if bits else 0


def to_bytes(value: int) -> bytes:
    return value.to_bytes((value.bit_length() + 7) // 8, "little")


def ids_to_int(ids: Iterable[int] | np.ndarray) -> int:
    found = np.asarray(ids if isinstance(ids, np.ndarray) else list(ids), dtype=np.int64)
    if not found.size:
        return 0
    bits = np.zeros(int(found.max()) + 1, np.uint8)
    bits[found] = 1
    return int.from_bytes(np.packbits(bits, bitorder="little").tobytes(), "little")


def int_to_ids(value: int) -> list[int]:
    """The document ids of a bitmap, ascending."""
    return ids_array(value).tolist()


def ids_array(value: int) -> np.ndarray:
    """The document ids of a bitmap, ascending, as an array."""
    if value <= 0:
        return np.zeros(0, np.int64)
    return np.flatnonzero(np.unpackbits(np.frombuffer(to_bytes(value), np.uint8), bitorder="little"))


def contains(value: int, ids: np.ndarray) -> np.ndarray:
    """Which of the ids are in the bitmap (a boolean array)."""
    if value <= 0 or not ids.size:
        return np.zeros(ids.size, bool)
    # One byte a document of the bitmap (1 MB at a million), then a lookup: shifting and masking the ids took
    # five arrays of their size (40 MB for a million matches).
    bits = np.unpackbits(np.frombuffer(to_bytes(value), np.uint8), bitorder="little").view(bool)
    if int(ids.max()) < bits.size:
        return bits[ids]
    inside = ids < bits.size
    found = np.zeros(ids.size, bool)
    found[inside] = bits[ids[inside]]
    return found


def load_bitmaps(names: Iterable[str]) -> dict[str, int]:
    names = list(dict.fromkeys(names))
    if not names:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT name, bits FROM search_bitmap WHERE name IN ({', '.join(['%s'] * len(names))})",  # noqa: S608 - placeholders only
            names,
        )
        return {name: to_int(bits) for name, bits in cursor.fetchall()}


def _write_bitmaps(changes: dict[str, tuple[set[int], set[int]]], *, create: bool) -> None:
    """Set and clear bits: name -> (ids to set, ids to clear). Creates missing bitmaps only if asked."""
    if not changes:
        return
    existing = load_bitmaps(changes)
    updates, inserts = [], []
    for name, (to_set, to_clear) in changes.items():
        value = existing.get(name)
        if value is None and not create:
            continue
        current = value or 0
        new = (current | ids_to_int(to_set)) & ~ids_to_int(to_clear)
        if value is None:
            inserts.append((name, to_bytes(new)))
        elif new != current:
            updates.append((to_bytes(new), name))
    with connection.cursor() as cursor:
        if updates:
            cursor.executemany("UPDATE search_bitmap SET bits = %s WHERE name = %s", updates)
        if inserts:
            cursor.executemany("INSERT INTO search_bitmap (name, bits) VALUES (%s, %s)", inserts)


def add_documents(rows: Sequence[tuple[int, dict[str, float], list[str]]]) -> None:
    """Index new documents (an edit, an import): (doc id, term impacts, tags). Their postings go to the delta
    table, read together with the stored lists until the next compaction (compact_postings) or rebuild."""
    if not rows:
        return
    changes: dict[str, tuple[set[int], set[int]]] = {}
    for doc_id, _term_impacts, tags in rows:
        changes.setdefault(ALL, (set(), set()))[0].add(doc_id)
        for tag in tags:
            changes.setdefault(TAG_PREFIX + tag, (set(), set()))[0].add(doc_id)
    _write_bitmaps(changes, create=True)
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO search_postingdelta (term, document_id, impact) VALUES (%s, %s, %s)",
            [
                (term, doc_id, impact)
                for doc_id, term_impacts, _tags in rows
                for term, impact in term_impacts.items()
            ],
        )


def remove_documents(rows: Sequence[tuple[int, list[str]]]) -> None:
    """Forget documents: (doc id, their tags). Their postings stay until the next compaction: a document that
    is not in the bitmap of all documents (ALL) is in no search's matches."""
    if not rows:
        return
    changes: dict[str, tuple[set[int], set[int]]] = {}
    for doc_id, tags in rows:
        changes.setdefault(ALL, (set(), set()))[1].add(doc_id)
        for tag in tags:
            changes.setdefault(TAG_PREFIX + tag, (set(), set()))[1].add(doc_id)
    _write_bitmaps(changes, create=False)


def clear() -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM search_bitmap")
        cursor.execute("DELETE FROM search_posting")
        cursor.execute("DELETE FROM search_postingdelta")


def encode_postings(ids: np.ndarray, impacts: np.ndarray) -> tuple[bytes, bytes]:
    """A term's postings as stored: ascending document ids (uint32) and their impacts (float32), little-endian."""
    return ids.astype("<u4").tobytes(), impacts.astype("<f4").tobytes()


def decode_postings(ids: bytes, impacts: bytes) -> tuple[np.ndarray, np.ndarray]:
    return np.frombuffer(ids, "<u4").astype(np.int64), np.frombuffer(impacts, "<f4").astype(np.float32)


def merge_postings(
    stored: tuple[np.ndarray, np.ndarray] | None, added: list[tuple[int, float]]
) -> tuple[np.ndarray, np.ndarray]:
    """A term's stored postings with those added since, ascending by document id."""
    ids, impacts = stored if stored is not None else (np.zeros(0, np.int64), np.zeros(0, np.float32))
    if not added:
        return ids, impacts
    ids = np.concatenate([ids, np.fromiter((a[0] for a in added), np.int64, len(added))])
    # float32 as stored: a document's impact is the same before and after compaction
    impacts = np.concatenate([impacts, np.fromiter((a[1] for a in added), np.float32, len(added))])
    order = np.argsort(ids, kind="stable")
    return ids[order], impacts[order]


def compact_postings() -> int:
    """Fold the delta table into the stored lists and drop the postings of removed documents; returns the
    number of terms rewritten. Run nightly; a rebuild does the same for every term."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT bits FROM search_bitmap WHERE name = %s", [ALL])
        row = cursor.fetchone()
        live = to_int(row[0]) if row else 0
        cursor.execute("SELECT DISTINCT term FROM search_postingdelta")
        terms = [t for (t,) in cursor.fetchall()]
        cursor.execute("SELECT max(id) FROM search_postingdelta")
        last = cursor.fetchone()[0]
        for start in range(0, len(terms), 200):
            chunk = terms[start : start + 200]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"SELECT term, ids, impacts FROM search_posting WHERE term IN ({marks})", chunk)  # noqa: S608 - placeholders only
            stored = {term: decode_postings(bytes(ids), bytes(imp)) for term, ids, imp in cursor.fetchall()}
            cursor.execute(
                "SELECT term, document_id, impact FROM search_postingdelta "  # noqa: S608 - placeholders only
                f"WHERE term IN ({marks}) AND id <= %s",
                [*chunk, last],
            )
            added: dict[str, list[tuple[int, float]]] = {}
            for term, doc_id, impact in cursor.fetchall():
                added.setdefault(term, []).append((doc_id, impact))
            rows = []
            for term in chunk:
                ids, impacts = merge_postings(stored.get(term), added.get(term, []))
                keep = contains(live, ids)
                rows.append((term, *encode_postings(ids[keep], impacts[keep])))
            cursor.execute(f"DELETE FROM search_posting WHERE term IN ({marks})", chunk)  # noqa: S608 - placeholders only
            cursor.executemany(
                "INSERT INTO search_posting (term, ids, impacts) VALUES (%s, %s, %s)",
                [row for row in rows if row[1]],
            )
        cursor.execute("DELETE FROM search_postingdelta WHERE id <= %s", [last or 0])
    return len(terms)


BatchPostings = dict[str, tuple[array, array]]


def batch_postings(ids: Sequence[int], term_impacts: Sequence[dict[str, float]]) -> BatchPostings:
    """The postings of a batch of documents (ascending ids), term by term."""
    postings: BatchPostings = {}
    for doc_id, found in zip(ids, term_impacts, strict=True):
        for term, impact in found.items():
            lists = postings.get(term)
            if lists is None:
                postings[term] = lists = (array("I"), array("f"))
            lists[0].append(doc_id)
            lists[1].append(impact)
    return postings


class Builder:
    """Collects the bitmaps and every term's postings over a whole rebuild and writes them once at the end."""

    def __init__(self) -> None:
        self.postings: dict[str, tuple[array, array]] = {}
        self.tags: dict[str, array] = {}
        self.all = array("I")

    def add(self, ids: Sequence[int], tags: Sequence[Iterable[str]], postings: "BatchPostings") -> None:
        """A batch of documents: their ids, each one's tags, and the batch's postings (batch_postings)."""
        self.all.extend(ids)
        for doc_id, doc_tags in zip(ids, tags, strict=True):
            for tag in doc_tags:
                self.tags.setdefault(tag, array("I")).append(doc_id)
        for term, (term_ids, term_impacts) in postings.items():
            found = self.postings.get(term)
            if found is None:
                self.postings[term] = found = (array("I"), array("f"))
            found[0].extend(term_ids)
            found[1].extend(term_impacts)

    def write(self) -> None:
        insert_rows(
            "search_bitmap",
            {"name": "text", "bits": "bytea"},
            [
                (ALL, to_bytes(ids_to_int(self.all))),
                *((TAG_PREFIX + tag, to_bytes(ids_to_int(ids))) for tag, ids in self.tags.items()),
            ],
        )
        terms = list(self.postings)
        for start in range(0, len(terms), 2000):
            insert_rows(
                "search_posting",
                {"term": "text", "ids": "bytea", "impacts": "bytea"},
                [
                    (
                        term,
                        *encode_postings(
                            np.frombuffer(self.postings[term][0], np.uint32),
                            np.frombuffer(self.postings[term][1], np.float32),
                        ),
                    )
                    for term in terms[start : start + 2000]
                ],
            )
