"""Precomputed structures that keep broad searches fast when the index holds 100 000 services and more.

A word like "pomoč" or "star" matches half of a large directory. Ranking all of its matches with bm25 or
ts_rank, counting them and counting their facets by joining the tag table costs 100-200 ms at 100 000
services. Two classic structures make such a search cost about the same as a narrow one:

- **Bitmaps** (one bit per document id, stored as bytes, combined as Python integers): one per facet tag,
  and one per *frequent* index term (in at least FREQUENT_MIN documents when the index was built). The
  matches of a query made only of frequent terms, their total and every facet count are then a few
  AND/OR/popcount operations on integers instead of statements over tens of thousands of rows.
- **Champion lists** (Manning, Raghavan & Schütze, *Introduction to Information Retrieval*, §7.1.3):
  for every index term the CHAMPIONS documents with the highest field-weighted term impact. The ranking
  candidates of a query are the union of its terms' champions that match the whole query and pass the
  filters; only those are scored exactly by the full-text engine. When they are fewer than the page
  needs, the caller falls back to ranking every match (the filters then leave few matches, so that is
  cheap too).

Both are kept current by the same writes that change the full-text index, in the same transaction, so
they are never wrong, only sometimes less complete: a term that becomes frequent after the last
`helpnet reindex` goes on being read from the full-text index (correct, a little slower), and a champion
list shortened by deletions is refilled by the next rebuild (until then the fallback ranks every match).
"""

import heapq
import math
from array import array
from collections import Counter
from collections.abc import Iterable

from django.db import connection

from .backends import FIELDS, safe_token

CHAMPIONS = 200
FREQUENT_MIN = 1000
ALL = "meta:all"  # every indexed document: its popcount is N in the idf
TAG_PREFIX = "tag:"
DEMOTED_TAG = "_demoted"  # temporarily closed: listed last (a tag of the bitmaps only, never a facet)
DEMOTED = TAG_PREFIX + DEMOTED_TAG
TERM_PREFIX = "term:"
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


def ids_to_int(ids: Iterable[int]) -> int:
    ids = list(ids)
    if not ids:
        return 0
    buffer = bytearray(max(ids) // 8 + 1)
    for i in ids:
        buffer[i >> 3] |= 1 << (i & 7)
    return int.from_bytes(buffer, "little")


def int_to_ids(value: int) -> list[int]:
    """The document ids of a bitmap, ascending."""
    ids = []
    data = to_bytes(value)
    for byte_index, byte in enumerate(data):
        if byte:
            base = byte_index << 3
            for bit in range(8):
                if byte >> bit & 1:
                    ids.append(base + bit)
    return ids


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


def load_bitmaps_and_prefixes(names: Iterable[str], prefixes: Iterable[str]) -> dict[str, int]:
    """Bitmaps by name and all bitmaps whose name starts with one of the prefixes, in one statement."""
    names = list(dict.fromkeys(names))
    conditions, params = [], []
    if names:
        conditions.append(f"name IN ({', '.join(['%s'] * len(names))})")
        params.extend(names)
    for prefix in prefixes:
        # A range on the primary key rather than LIKE, so both databases use the index.
        conditions.append("(name >= %s AND name < %s)")
        params.extend([prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1)])
    if not conditions:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT name, bits FROM search_bitmap WHERE {' OR '.join(conditions)}", params)  # noqa: S608 - placeholders only
        return {name: to_int(bits) for name, bits in cursor.fetchall()}


def champions(terms: Iterable[str]) -> dict[int, dict[str, float]]:
    """The champion documents of the terms, each with its impact for the terms it is a champion of."""
    terms = list(dict.fromkeys(terms))
    found: dict[int, dict[str, float]] = {}
    if not terms:
        return found
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT document_id, term, impact FROM search_champion "  # noqa: S608 - placeholders only
            f"WHERE term IN ({', '.join(['%s'] * len(terms))})",
            terms,
        )
        for doc_id, term, impact in cursor.fetchall():
            found.setdefault(doc_id, {})[term] = impact
    return found


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


def add_documents(rows: list[tuple[int, dict[str, list[str]], list[str]]]) -> None:
    """Index new documents one at a time (an edit, an import): (doc id, field tokens, tags)."""
    if not rows:
        return
    changes: dict[str, tuple[set[int], set[int]]] = {}
    per_term: dict[str, list[tuple[float, int]]] = {}
    for doc_id, fields, tags in rows:
        changes.setdefault(ALL, (set(), set()))[0].add(doc_id)
        for tag in tags:
            changes.setdefault(TAG_PREFIX + tag, (set(), set()))[0].add(doc_id)
        for term, impact in impacts(fields).items():
            changes.setdefault(TERM_PREFIX + term, (set(), set()))[0].add(doc_id)
            per_term.setdefault(term, []).append((impact, doc_id))
    tag_changes = {k: v for k, v in changes.items() if not k.startswith(TERM_PREFIX)}
    term_changes = {k: v for k, v in changes.items() if k.startswith(TERM_PREFIX)}
    _write_bitmaps(tag_changes, create=True)
    _write_bitmaps(term_changes, create=False)  # only terms that were frequent at the last rebuild
    _add_champions(per_term)


def _add_champions(per_term: dict[str, list[tuple[float, int]]]) -> None:
    terms = list(per_term)
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO search_champion (term, document_id, impact) VALUES (%s, %s, %s)",
            [(term, doc_id, impact) for term, found in per_term.items() for impact, doc_id in found],
        )
        full: list[str] = []
        for start in range(0, len(terms), 500):
            chunk = terms[start : start + 500]
            cursor.execute(
                "SELECT term FROM search_champion "  # noqa: S608 - placeholders only
                f"WHERE term IN ({', '.join(['%s'] * len(chunk))}) GROUP BY term HAVING count(*) > %s",
                [*chunk, CHAMPIONS],
            )
            full.extend(row[0] for row in cursor.fetchall())
        for term in full:
            cursor.execute(
                "DELETE FROM search_champion WHERE term = %s AND id IN ("
                "SELECT id FROM search_champion WHERE term = %s ORDER BY impact DESC, id LIMIT %s OFFSET %s)",
                [term, term, 1_000_000_000, CHAMPIONS],
            )


def remove_documents(rows: list[tuple[int, list[str], list[str]]]) -> None:
    """Forget documents: (doc id, their index terms, their tags)."""
    if not rows:
        return
    changes: dict[str, tuple[set[int], set[int]]] = {}
    for doc_id, terms, tags in rows:
        changes.setdefault(ALL, (set(), set()))[1].add(doc_id)
        for tag in tags:
            changes.setdefault(TAG_PREFIX + tag, (set(), set()))[1].add(doc_id)
        for term in terms:
            changes.setdefault(TERM_PREFIX + term, (set(), set()))[1].add(doc_id)
    _write_bitmaps(changes, create=False)
    ids = [doc_id for doc_id, _terms, _tags in rows]
    with connection.cursor() as cursor:
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            cursor.execute(
                f"DELETE FROM search_champion WHERE document_id IN ({', '.join(['%s'] * len(chunk))})",  # noqa: S608 - placeholders only
                chunk,
            )


def clear() -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM search_bitmap")
        cursor.execute("DELETE FROM search_champion")


class Builder:
    """Collects bitmaps and champion lists over a whole rebuild and writes them once at the end."""

    def __init__(self) -> None:
        self.postings: dict[str, array] = {}
        self.tags: dict[str, array] = {}
        self.all = array("I")
        self.best: dict[str, list[tuple[float, int]]] = {}

    def add(self, doc_id: int, fields: dict[str, list[str]], tags: Iterable[str]) -> None:
        self.all.append(doc_id)
        for tag in tags:
            self.tags.setdefault(tag, array("I")).append(doc_id)
        postings, best, push, pushpop = self.postings, self.best, heapq.heappush, heapq.heappushpop
        for term, impact in impacts(fields).items():
            found = postings.get(term)
            if found is None:
                postings[term] = found = array("I")
                best[term] = []
            found.append(doc_id)
            heap = best[term]
            if len(heap) < CHAMPIONS:
                push(heap, (impact, doc_id))
            elif impact > heap[0][0]:
                pushpop(heap, (impact, doc_id))

    def write(self) -> None:
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO search_bitmap (name, bits) VALUES (%s, %s)",
                [
                    (ALL, to_bytes(ids_to_int(self.all))),
                    *((TAG_PREFIX + tag, to_bytes(ids_to_int(ids))) for tag, ids in self.tags.items()),
                ],
            )
            cursor.executemany(
                "INSERT INTO search_bitmap (name, bits) VALUES (%s, %s)",
                [
                    (TERM_PREFIX + term, to_bytes(ids_to_int(ids)))
                    for term, ids in self.postings.items()
                    if len(ids) >= FREQUENT_MIN
                ],
            )
            rows = [(term, doc_id, impact) for term, heap in self.best.items() for impact, doc_id in heap]
            for start in range(0, len(rows), 5000):
                cursor.executemany(
                    "INSERT INTO search_champion (term, document_id, impact) VALUES (%s, %s, %s)",
                    rows[start : start + 5000],
                )
