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
import sys
from array import array
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import connection

from helpnet.lib.geo import bounding_box, haversine_km

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
# Spatial cells: the documents with a public point in a cell of a grid, at three sizes. The finest cell is
# 1/80 of a degree of latitude by 3/160 of longitude (about 1.4 km square in Slovenia and Denmark); each
# coarser level is 4 x 4 cells of the one below (about 5.5 and 22 km).
CELL_PREFIX = "cell:"
CELL_LAT, CELL_LNG = 0.0125, 0.01875
CELL_LEVELS = 3
CELL_FANOUT = 4
# A circle whose bounding box spans more top-level cells than this is answered without cells.
MAX_TOP_CELLS = 64
# Cells are stored as their sorted ids (4 bytes each) when they hold fewer than one document in this many
# of the index, else as a bitmap.
SPARSE_CELL_RATIO = 32
_SPARSE, _DENSE = b"s", b"d"


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


_BITS_OF_BYTE = tuple(tuple(bit for bit in range(8) if byte >> bit & 1) for byte in range(256))


def int_to_ids(value: int) -> list[int]:
    """The document ids of a bitmap, ascending."""
    ids: list[int] = []
    extend, bits_of = ids.extend, _BITS_OF_BYTE
    for byte_index, byte in enumerate(to_bytes(value)):
        if byte:
            base = byte_index << 3
            extend([base + bit for bit in bits_of[byte]])
    return ids


def encode(name: str, value: int) -> bytes:
    """The stored form of a bitmap: its bytes, or for a sparse cell its ids."""
    if not name.startswith(CELL_PREFIX):
        return to_bytes(value)
    count = value.bit_count()
    if count * SPARSE_CELL_RATIO < value.bit_length():
        ids = array("I", int_to_ids(value))
        if sys.byteorder != "little":
            ids.byteswap()
        return _SPARSE + ids.tobytes()
    return _DENSE + to_bytes(value)


def decode_cell(bits: bytes | memoryview | None) -> tuple[int, array | None]:
    """A stored cell as (bitmap, None) or, when stored sparse, (0, its ids)."""
    data = bytes(bits or b"")
    if data[:1] == _SPARSE:
        ids = array("I")
        ids.frombytes(data[1:])
        if sys.byteorder != "little":
            ids.byteswap()
        return 0, ids
    return int.from_bytes(data[1:], "little"), None


def decode(name: str, bits: bytes | memoryview | None) -> int:
    if not name.startswith(CELL_PREFIX):
        return to_int(bits)
    value, ids = decode_cell(bits)
    return ids_to_int(ids) if ids is not None else value


def cell_name(level: int, i: int, j: int) -> str:
    return f"{CELL_PREFIX}{level}:{i}:{j}"


def cell_names(points: Iterable[tuple[float, float]]) -> set[str]:
    """The cells, at every level, that hold the points."""
    names = set()
    for lat, lng in points:
        # The finest cell by division, the coarser ones by integer division of its indices, so that a
        # point is always in the parent of its cell.
        i, j = math.floor(lat / CELL_LAT), math.floor(lng / CELL_LNG)
        for level in range(CELL_LEVELS):
            names.add(cell_name(level, i, j))
            i, j = i // CELL_FANOUT, j // CELL_FANOUT
    return names


@dataclass(frozen=True)
class Cell:
    name: str
    near_km: float  # no point of the cell is nearer to the centre than this
    far_km: float  # nor farther than this
    inside: bool  # wholly within the radius


def cover(lat: float, lng: float, radius_km: float) -> list[Cell] | None:
    """Cells that together hold every point within the radius: the largest cells wholly inside it (but
    the finest near the centre, so that the nearest documents are found among few), and the finest cells
    on its edge. None when the circle is too large for cells to pay.

    The bounds are the great-circle distances to the cell's corners (its farthest points) and to the point
    of the cell nearest to the centre in latitude and longitude, widened by a margin for the curvature of
    parallels and the difference between the nearest point in degrees and on the sphere."""
    radius_km = max(radius_km, 0.0)
    min_lat, max_lat, min_lng, max_lng = bounding_box(lat, lng, radius_km)
    top = CELL_LEVELS - 1
    size = CELL_FANOUT**top
    rows = range(math.floor(min_lat / (CELL_LAT * size)), math.floor(max_lat / (CELL_LAT * size)) + 1)
    columns = range(math.floor(min_lng / (CELL_LNG * size)), math.floor(max_lng / (CELL_LNG * size)) + 1)
    if len(rows) * len(columns) > MAX_TOP_CELLS or max_lat >= 89.0 or min_lat <= -89.0:
        return None
    margin = 0.05 + 0.005 * radius_km
    corners: dict[tuple[int, int], float] = {}

    def corner(gi: int, gj: int) -> float:
        found = corners.get((gi, gj))
        if found is None:
            corners[(gi, gj)] = found = haversine_km(lat, lng, gi * CELL_LAT, gj * CELL_LNG)
        return found

    stack = [(top, i, j) for i in rows for j in columns]
    cells = []
    while stack:
        level, i, j = stack.pop()
        size = CELL_FANOUT**level
        gi, gj = i * size, j * size
        south, north = gi * CELL_LAT, (gi + size) * CELL_LAT
        west, east = gj * CELL_LNG, (gj + size) * CELL_LNG
        distances = (
            corner(gi, gj),
            corner(gi + size, gj),
            corner(gi, gj + size),
            corner(gi + size, gj + size),
        )
        if south <= lat <= north or west <= lng <= east:
            near = haversine_km(lat, lng, min(max(lat, south), north), min(max(lng, west), east))
        else:  # the nearest point in degrees is a corner
            near = min(distances)
        if near > radius_km + margin:
            continue
        far = max(distances)
        inside = far <= radius_km - margin
        if level > 0 and (not inside or near < size * CELL_LAT * 111.0):
            stack.extend(
                (level - 1, i * CELL_FANOUT + a, j * CELL_FANOUT + b)
                for a in range(CELL_FANOUT)
                for b in range(CELL_FANOUT)
            )
            continue
        cells.append(Cell(cell_name(level, i, j), max(near - margin, 0.0), far + margin, inside))
    return cells


def load_bitmaps(names: Iterable[str]) -> dict[str, int]:
    names = list(dict.fromkeys(names))
    if not names:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT name, bits FROM search_bitmap WHERE name IN ({', '.join(['%s'] * len(names))})",  # noqa: S608 - placeholders only
            names,
        )
        return {name: decode(name, bits) for name, bits in cursor.fetchall()}


def load_bitmaps_and_prefixes(
    names: Iterable[str], prefixes: Iterable[str], cells: Iterable[str] = ()
) -> tuple[dict[str, int], dict[str, bytes]]:
    """Bitmaps by name and all bitmaps whose name starts with one of the prefixes, in one statement;
    cells (by name) as stored, to be decoded only when used (decode_cell)."""
    names = list(dict.fromkeys([*names, *cells]))
    conditions, params = [], []
    if names:
        conditions.append(f"name IN ({', '.join(['%s'] * len(names))})")
        params.extend(names)
    for prefix in prefixes:
        # A range on the primary key rather than LIKE, so both databases use the index.
        conditions.append("(name >= %s AND name < %s)")
        params.extend([prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1)])
    if not conditions:
        return {}, {}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT name, bits FROM search_bitmap WHERE {' OR '.join(conditions)}", params)  # noqa: S608 - placeholders only
        bitmaps, raw_cells = {}, {}
        for name, bits in cursor.fetchall():
            if name.startswith(CELL_PREFIX):
                raw_cells[name] = bytes(bits)
            else:
                bitmaps[name] = to_int(bits)
        return bitmaps, raw_cells


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
            inserts.append((name, encode(name, new)))
        elif new != current:
            updates.append((encode(name, new), name))
    with connection.cursor() as cursor:
        if updates:
            cursor.executemany("UPDATE search_bitmap SET bits = %s WHERE name = %s", updates)
        if inserts:
            cursor.executemany("INSERT INTO search_bitmap (name, bits) VALUES (%s, %s)", inserts)


Points = Iterable[tuple[float, float]]


def add_documents(rows: Sequence[tuple[int, dict[str, list[str]], list[str], Points]]) -> None:
    """Index new documents one at a time (an edit, an import): (doc id, field tokens, tags, points)."""
    if not rows:
        return
    changes: dict[str, tuple[set[int], set[int]]] = {}
    per_term: dict[str, list[tuple[float, int]]] = {}
    for doc_id, fields, tags, points in rows:
        changes.setdefault(ALL, (set(), set()))[0].add(doc_id)
        for tag in tags:
            changes.setdefault(TAG_PREFIX + tag, (set(), set()))[0].add(doc_id)
        for cell in cell_names(points):
            changes.setdefault(cell, (set(), set()))[0].add(doc_id)
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


def remove_documents(rows: Sequence[tuple[int, list[str], list[str], Points]]) -> None:
    """Forget documents: (doc id, their index terms, their tags, their points)."""
    if not rows:
        return
    changes: dict[str, tuple[set[int], set[int]]] = {}
    for doc_id, terms, tags, points in rows:
        changes.setdefault(ALL, (set(), set()))[1].add(doc_id)
        for tag in tags:
            changes.setdefault(TAG_PREFIX + tag, (set(), set()))[1].add(doc_id)
        for cell in cell_names(points):
            changes.setdefault(cell, (set(), set()))[1].add(doc_id)
        for term in terms:
            changes.setdefault(TERM_PREFIX + term, (set(), set()))[1].add(doc_id)
    _write_bitmaps(changes, create=False)
    ids = [doc_id for doc_id, _terms, _tags, _points in rows]
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
        self.cells: dict[str, array] = {}
        self.next_id = 1

    def take_ids(self, count: int) -> list[int]:
        """Ids for the next documents of the rebuild: 1, 2, 3 … so the bitmaps stay as short as the index."""
        ids = list(range(self.next_id, self.next_id + count))
        self.next_id += count
        return ids

    def add(
        self, doc_id: int, fields: dict[str, list[str]], tags: Iterable[str], points: Points = ()
    ) -> None:
        self.all.append(doc_id)
        for tag in tags:
            self.tags.setdefault(tag, array("I")).append(doc_id)
        for cell in cell_names(points):
            self.cells.setdefault(cell, array("I")).append(doc_id)
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
                [(name, encode(name, ids_to_int(ids))) for name, ids in self.cells.items()],
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
