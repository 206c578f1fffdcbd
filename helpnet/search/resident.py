"""What every search reads, kept in the web process between requests: bitmaps, postings and points.

Loading the facet bitmaps and a query's term bitmaps from the database costs every search a statement that
returns half a megabyte at 100 000 services (five at a million), and searching near a position needs the
positions of tens of thousands of matches. Here they stay decoded in memory, as long as the index does not
change, the way a search engine keeps its segments in memory. Bitmaps and postings are kept up to a budget
(HELPNET_SEARCH_MEMORY_MB), the least recently used going first; the points of every document always.

Freshness: the index's state row (search_indexstate) holds a token that every write to the index replaces
with a new random one (``touch``), at the start of the writing transaction, so that concurrent writers take
their turns and their documents' ids follow the order of their commits. Each search first reads the token
(one small statement, ``sync``): when it differs from the one the memory was filled under, the bitmaps and
postings are dropped and read again when needed, and the points of documents added since are read
(documents are never edited in place: an edit removes the old document and adds a new one with a higher
id, and a removed document's points do no harm, since it is in no bitmap any more). A rebuild numbers the
documents from 1 again and replaces the epoch token too: then everything is read anew.

A process never keeps what it read while its own transaction has written the index and not yet committed:
that write may still be rolled back (tests do exactly this), and its token then never comes back. Such a
search reads from the database and keeps nothing (``_bypass``).
"""

import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.conf import settings
from django.db import connection, transaction

from . import hot

# Bitmaps and postings kept at most (their bytes); the least recently used go first.
DEFAULT_BUDGET_MB = 32
_DIRTY = "helpnet_search_uncommitted"


def _budget() -> int:
    return int(getattr(settings, "HELPNET_SEARCH_MEMORY_MB", DEFAULT_BUDGET_MB)) * 1024 * 1024


@dataclass
class Points:
    """Every indexed public point, sorted by latitude: document ids, latitudes and longitudes in degrees."""

    doc: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    lat: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float64))
    lng: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float64))
    last_id: int = 0  # the highest document id read

    def extended(self, rows: list[tuple[int, float, float]]) -> "Points":
        return self.with_arrays(*(np.array([r[i] for r in rows]) for i in range(3)))

    def with_arrays(self, doc: np.ndarray, lat: np.ndarray, lng: np.ndarray) -> "Points":
        """These points and more (document ids, latitudes, longitudes)."""
        if not doc.size:
            return self
        if not self.doc.size and bool(np.all(lat[:-1] <= lat[1:])):
            # Read in order (every point at a process's first search): no second copy of a million points.
            return Points(
                doc.astype(np.int64),
                lat.astype(np.float64),
                lng.astype(np.float64),
                max(self.last_id, int(doc.max())),
            )
        doc = np.concatenate([self.doc, doc.astype(np.int64)])
        lat = np.concatenate([self.lat, lat.astype(np.float64)])
        lng = np.concatenate([self.lng, lng.astype(np.float64)])
        order = np.argsort(lat, kind="stable")
        return Points(doc[order], lat[order], lng[order], max(self.last_id, int(doc.max())))


@dataclass
class TermPostings:
    """The documents containing a term (ascending ids) and the term's impact in each (search/hot.py)."""

    ids: np.ndarray
    impacts: np.ndarray
    bits: int = 0  # the same ids as a bitmap

    @property
    def nbytes(self) -> int:
        return int(self.ids.nbytes + self.impacts.nbytes) + (self.bits.bit_length() + 7) // 8


@dataclass
class _Memory:
    epoch: int | None = None
    generation: int | None = None
    # "bitmap:<name>" -> int, "postings:<term>" -> TermPostings; None for a name or term not in the index
    entries: "OrderedDict[str, Any]" = field(default_factory=OrderedDict)
    entry_bytes: int = 0
    prefixes: dict[str, list[str]] = field(default_factory=dict)  # prefix -> names of its bitmaps
    restrictions: dict[tuple[Any, ...], tuple[float, int]] = field(default_factory=dict)
    points: Points = field(default_factory=Points)
    names: "NameOrder | None" = None


def _size(value: Any) -> int:
    if isinstance(value, int):
        return (value.bit_length() + 7) // 8
    return value.nbytes if isinstance(value, TermPostings) else 0


_memory = _Memory()
_lock = threading.Lock()


def touch(*, rebuild: bool = False) -> None:
    """Mark the index as changed, first thing in a transaction that writes it (and lock the state row
    until that transaction ends, so writers of the index take turns)."""
    generation = secrets.randbits(62)
    epoch = secrets.randbits(62) if rebuild else None
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE search_indexstate SET generation = %s, epoch = coalesce(%s, epoch) WHERE id = 1",
            [generation, epoch],
        )
        if cursor.rowcount == 0:  # the row was flushed away (a test database): put it back
            cursor.execute(
                "INSERT INTO search_indexstate (id, epoch, generation) VALUES (1, %s, %s)",
                [epoch or secrets.randbits(62), generation],
            )
    if connection.in_atomic_block:
        setattr(connection, _DIRTY, True)
        transaction.on_commit(lambda: setattr(connection, _DIRTY, False))


def _bypass() -> bool:
    if not getattr(connection, _DIRTY, False):
        return False
    if not connection.in_atomic_block:  # whatever was written has been committed or rolled back by now
        setattr(connection, _DIRTY, False)
        return False
    return True


def _read_state() -> tuple[int | None, int | None]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT epoch, generation FROM search_indexstate WHERE id = 1")
        row = cursor.fetchone()
    return (int(row[0]), int(row[1])) if row else (None, None)


def sync() -> bool:
    """Bring the memory in step with the index (one statement); False when this search must not use it."""
    if _bypass():
        return False
    epoch, generation = _read_state()
    if epoch is None:
        return False
    with _lock:
        if epoch != _memory.epoch:
            _memory.epoch, _memory.generation = epoch, None
            _memory.points = Points()
            _memory.names = None
        if generation != _memory.generation:
            _memory.generation = generation
            _memory.entries.clear()
            _memory.entry_bytes = 0
            _memory.prefixes.clear()
            _memory.restrictions.clear()
            _memory.points = _memory.points.with_arrays(*_points_after(_memory.points.last_id))
    return True


def _columns(cursor: Any, dtypes: tuple[Any, ...], chunk: int = 20_000) -> list[np.ndarray]:
    """The rows of an executed statement as one array per column, read a chunk at a time from a chunked
    cursor (server-side on PostgreSQL): a million rows held by the client library, then as Python tuples, took
    some 150 MB, which the process kept for good."""
    parts: list[list[np.ndarray]] = [[] for _ in dtypes]
    while rows := cursor.fetchmany(chunk):
        for i, dtype in enumerate(dtypes):
            parts[i].append(np.fromiter((row[i] for row in rows), dtype, len(rows)))
    columns = []
    for part, dtype in zip(parts, dtypes, strict=True):
        columns.append(np.concatenate(part) if part else np.zeros(0, dtype))
        part.clear()  # each column's pieces go before the next column is joined
    return columns


def _points_after(last_id: int) -> list[np.ndarray]:
    with connection.chunked_cursor() as cursor:
        cursor.execute(
            "SELECT document_id, latitude, longitude FROM search_documentpoint WHERE document_id > %s "
            "ORDER BY latitude",
            [last_id],
        )
        return _columns(cursor, (np.int64, np.float64, np.float64))


def points(use_memory: bool) -> Points:
    """Every indexed point (from memory after sync(), else read now)."""
    if use_memory:
        return _memory.points
    return Points().with_arrays(*_points_after(0))


@dataclass
class NameOrder:
    """Each document's place in the order of the results without words: temporarily closed last, then by
    name, then by id (rank[doc id]; documents added since it was read have ids past its end)."""

    rank: np.ndarray


# Documents added since the name order was read are ordered by name when they match; beyond this many the
# order is read again.
NAMES_UNRANKED_MAX = 1000


def _read_name_order() -> NameOrder:
    with connection.chunked_cursor() as cursor:
        cursor.execute("SELECT id FROM search_document ORDER BY demoted, sort_name, id")
        (ids,) = _columns(cursor, (np.int64,))
    rank = np.full(int(ids.max()) + 1 if ids.size else 0, ids.size, np.int64)
    rank[ids] = np.arange(ids.size)
    return NameOrder(rank)


def name_order(newest: int, use_memory: bool) -> NameOrder:
    """The name order, read when first needed and again when more than NAMES_UNRANKED_MAX documents were
    added since (``newest``: the highest document id in the index)."""
    if not use_memory:
        return _read_name_order()
    with _lock:
        kept, epoch = _memory.names, _memory.epoch
    if kept is not None and newest - kept.rank.size < NAMES_UNRANKED_MAX:
        return kept
    found = _read_name_order()
    with _lock:
        if _memory.epoch == epoch:
            _memory.names = found
    return found


def _read_bitmaps(names: list[str], prefixes: list[str]) -> list[tuple[str, bytes]]:
    conditions, params = [], []
    if names:
        conditions.append(f"name IN ({', '.join(['%s'] * len(names))})")
        params.extend(names)
    for prefix in prefixes:
        # A range on the primary key rather than LIKE, so both databases use the index.
        conditions.append("(name >= %s AND name < %s)")
        params.extend([prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1)])
    if not conditions:
        return []
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT name, bits FROM search_bitmap WHERE {' OR '.join(conditions)}", params)  # noqa: S608 - placeholders only
        return [(name, bytes(bits)) for name, bits in cursor.fetchall()]


def _to_int(bits: bytes) -> int:
    return int.from_bytes(bits, "little") if bits else 0


def _keep(found: dict[str, Any], generation: int | None) -> None:
    """Remember entries read under a generation, unless another thread has moved on meanwhile; the least
    recently used go when the budget is exceeded."""
    with _lock:
        if generation is None or _memory.generation != generation:
            return
        for key, value in found.items():
            if key not in _memory.entries:
                _memory.entries[key] = value
                _memory.entry_bytes += _size(value)
        budget = _budget()
        while _memory.entry_bytes > budget and _memory.entries:
            key, value = _memory.entries.popitem(last=False)
            _memory.entry_bytes -= _size(value)
            if key.startswith("bitmap:"):
                _memory.prefixes.clear()  # a prefix's listing may have lost a member


def _kept(keys: list[str], use_memory: bool) -> tuple[dict[str, Any], int | None]:
    """The entries kept for these keys (marked as just used) and the generation they belong to."""
    if not use_memory:
        return {}, None
    with _lock:
        found = {}
        for key in keys:
            if key in _memory.entries:
                found[key] = _memory.entries[key]
                _memory.entries.move_to_end(key)
        return found, _memory.generation


def bitmaps(names: Iterable[str], prefixes: Iterable[str], use_memory: bool) -> dict[str, int]:
    """Bitmaps by name, and all bitmaps whose names start with one of the prefixes (one statement at most)."""
    names, prefixes = list(dict.fromkeys(names)), list(dict.fromkeys(prefixes))
    with _lock:
        listed = {p: list(_memory.prefixes[p]) for p in prefixes if use_memory and p in _memory.prefixes}
    members = [n for p in prefixes for n in listed.get(p, [])]
    wanted_names = list(dict.fromkeys([*names, *members]))
    kept, generation = _kept([f"bitmap:{n}" for n in wanted_names], use_memory)
    unread = [n for n in wanted_names if f"bitmap:{n}" not in kept]
    unlisted = [p for p in prefixes if p not in listed]
    read = _read_bitmaps(unread, unlisted) if unread or unlisted else []
    found: dict[str, Any] = {f"bitmap:{n}": None for n in unread}
    found.update({f"bitmap:{name}": _to_int(bits) for name, bits in read})
    if use_memory:
        _keep(found, generation)
        with _lock:
            if _memory.generation == generation:
                for prefix in unlisted:
                    _memory.prefixes[prefix] = [n for n, _bits in read if n.startswith(prefix)]
    every = {**kept, **found}
    result: dict[str, int] = {}
    for name in [*names, *members, *(n for n, _bits in read)]:
        value = every.get(f"bitmap:{name}")
        if value is not None and (name in names or name.startswith(tuple(prefixes))):
            result[name] = value
    return result


def _read_postings(terms: list[str]) -> dict[str, TermPostings | None]:
    marks = ", ".join(["%s"] * len(terms))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT term, ids, impacts FROM search_posting WHERE term IN ({marks})", terms)  # noqa: S608 - placeholders only
        stored = {term: hot.decode_postings(bytes(ids), bytes(imp)) for term, ids, imp in cursor.fetchall()}
        cursor.execute(
            f"SELECT term, document_id, impact FROM search_postingdelta WHERE term IN ({marks})",  # noqa: S608 - placeholders only
            terms,
        )
        added: dict[str, list[tuple[int, float]]] = {}
        for term, doc_id, impact in cursor.fetchall():
            added.setdefault(term, []).append((doc_id, impact))
    found: dict[str, TermPostings | None] = {}
    for term in terms:
        if term not in stored and term not in added:
            found[term] = None
            continue
        ids, impacts = hot.merge_postings(stored.get(term), added.get(term, []))
        found[term] = TermPostings(ids, impacts, hot.ids_to_int(ids))
    return found


def postings(terms: Iterable[str], use_memory: bool) -> dict[str, TermPostings]:
    """The postings of those terms that are in the index (two statements for the terms not kept)."""
    terms = list(dict.fromkeys(terms))
    kept, generation = _kept([f"postings:{t}" for t in terms], use_memory)
    unread = [t for t in terms if f"postings:{t}" not in kept]
    found = {f"postings:{t}": value for t, value in _read_postings(unread).items()} if unread else {}
    if use_memory and found:
        _keep(found, generation)
    every = {**kept, **found}
    return {t: every[f"postings:{t}"] for t in terms if every.get(f"postings:{t}") is not None}


RESTRICTIONS_KEPT = 8


def restriction(restrict: tuple[str, Sequence[Any]], for_a_minute: bool, use_memory: bool) -> int:
    """The documents whose keys the SQL selects, as a bitmap; kept for up to a minute when the caller says
    the answer does not change sooner (the same SQL and parameters within the same index generation)."""
    sql, params = restrict
    key = (sql, *params)
    now = time.monotonic()
    if for_a_minute and use_memory:
        with _lock:
            kept = _memory.restrictions.get(key)
        if kept is not None and now - kept[0] < 60:
            return kept[1]
    with _lock:
        generation = _memory.generation
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM search_document WHERE key IN ({sql})", list(params))  # noqa: S608 - the caller's SQL with placeholders
        ids = np.fromiter((row[0] for row in cursor.fetchall()), np.int64)
    bits = hot.ids_to_int(ids)
    if for_a_minute and use_memory:
        with _lock:
            if _memory.generation == generation:
                kept_now = _memory.restrictions
                for old in [k for k, (at, _bits) in kept_now.items() if now - at >= 60]:
                    del kept_now[old]
                while len(kept_now) >= RESTRICTIONS_KEPT:
                    del kept_now[next(iter(kept_now))]
                kept_now[key] = (now, bits)
    return bits


def forget() -> None:
    """Drop everything kept (tests)."""
    global _memory
    with _lock:
        _memory = _Memory()
