"""Reads from the search index: matching, ranking, facets and suggestions.

A search runs a fixed number of SQL statements whatever the number of hits: one vocabulary lookup (only
when a word is unknown), then count + page + facet counts, or, with a position, one fetch of the candidates
inside the bounding box whose exact distances, facets and order are computed here.
"""

import hashlib
import heapq
import math
import operator
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import reduce
from typing import Any

from django.core.cache import cache
from django.db import connection, transaction

from helpnet.lib.geo import EARTH_RADIUS_KM, bounding_box

from . import hot, normalize
from .backends import FIELDS, Groups, get_backend, safe_token
from .models import Term

GENERATION_KEY = "search:generation"
MIN_TYPO_LENGTH = 5
MAX_TYPO_WORDS = 6
MAX_CORRECTIONS = 3
DEFAULT_RADIUS_KM = 50.0
MIN_ALL_WORDS_HITS = 20
# Up to this many matches every one is ranked; above it, only the champions among them (search/hot.py).
EXACT_RANKING_MAX = 1000
# Champions (search/hot.py) ranked exactly after a first order by their known impacts.
SCORED_CANDIDATES = 100
# Near a position, the points of at most this many matches are read by id rather than by bounding box.
NEAR_BY_IDS_MAX = 15000
# Near a position, above this many matches anywhere the spatial cells of search/hot.py find those within
# the radius; up to it every match's points are read and measured.
NEAR_CELLS_MIN = 1000
# Filters without words: up to this many matches the database sorts them by name from their ids (above
# it the page is picked out of the name index as it is walked, see _page_by_name).
PAGE_BY_IDS_MAX = 4000
PAGE_CHUNK_MIN = 100
PAGE_WALK_MAX = 1500
# Browsing without words (the home and municipality pages) counts facets over a large part of the
# index; those counts are kept this long per filter combination (0 switches the cache off).
BROWSE_CACHE_SECONDS = 60
# Totals and facet counts for at most this many matches come from the documents' tag strings (_count).
FACETS_FROM_TAG_STRINGS_MAX = 5000
# With a position, relevance and nearness are blended: nearness 1 at the door, 0.5 at this distance.
HALF_NEARNESS_KM = 5.0
DISTANCE_WEIGHT = 0.35
# Among equally good matches, a service written in the page's language is the one the reader can use.
SAME_LANGUAGE_BOOST = 1.5


@dataclass(frozen=True)
class Request:
    text: str = ""
    lang: str = "sl"
    tag_groups: tuple[tuple[str, ...], ...] = ()  # groups are ANDed, tags inside a group ORed
    restrict: tuple[str, Sequence[Any]] | None = None  # SQL selecting the keys allowed
    near: tuple[float, float] | None = None
    radius_km: float | None = None
    sort: str = "relevance"  # or "distance"
    offset: int = 0
    limit: int = 20
    facet_prefixes: tuple[str, ...] = ()


@dataclass
class Hits:
    keys: list[uuid.UUID]
    total: int
    facets: dict[str, int] = field(default_factory=dict)  # tag -> count, for the requested prefixes
    distances_km: dict[uuid.UUID, float] = field(default_factory=dict)


def _as_uuid(value: object) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def query_groups(text: str, lang: str) -> Groups:
    """One group of alternative index forms per meaningful query word, typo-corrected where unknown."""
    query_words = normalize.query_words(text)
    groups: Groups = []
    unknown: dict[int, set[str]] = {}
    for i, word in enumerate(query_words):
        forms = normalize.query_alternatives(word, lang)
        groups.append([(f, False) for f in forms if safe_token(f)])
        folded = normalize.fold(word)
        if (
            len(folded) >= MIN_TYPO_LENGTH
            and len(unknown) < MAX_TYPO_WORDS
            and folded.isalpha()
            and folded.isascii()
            and not any(normalize.is_known(word, code) for code in normalize.LANGS)
            and len(forms) <= 2 + len(normalize.LANGS)  # no diacritic restoration found
        ):
            unknown[i] = set(forms) | normalize.one_edit_variants(folded)
    if unknown:
        wanted = set().union(*unknown.values())
        present = set(Term.objects.filter(term__in=wanted).values_list("term", flat=True))
        for i, candidates in unknown.items():
            own = {form for form, _prefix in groups[i]}
            if own & present:
                continue  # the word itself is in the index: not a typo
            corrections = sorted(candidates & present)[:MAX_CORRECTIONS]
            groups[i].extend((c, False) for c in corrections)
    return [g for g in groups if g]


class _Sql:
    """The candidate set as SQL: FROM + WHERE over search_document d (and the text index when matching)."""

    def __init__(
        self, request: Request, groups: Groups, *, every: bool = False, ids: Sequence[int] | None = None
    ) -> None:
        backend = get_backend()
        self.params: list[Any] = []
        where: list[str] = []
        if groups:
            self.from_sql, match_where, match_params = backend.match(groups, every=every)
            self.score = backend.score_sql
            if request.lang in normalize.LANGS:  # a known constant, safe to inline before the FROM params
                boost = f"CASE WHEN d.language = '{request.lang}' THEN {SAME_LANGUAGE_BOOST} ELSE 1.0 END"
                self.score = f"({self.score} * {boost})"
            where.append(match_where)
            self.params.extend(match_params)
        else:
            self.from_sql, self.score = "search_document d", "0.0"
        if ids is not None:  # the matches, known from the bitmaps: the filters need no tag rows
            ids_sql, ids_params = backend.id_list(list(ids))
            where.append(f"d.id IN ({ids_sql})")
            self.params.extend(ids_params)
        for tags in request.tag_groups:
            where.append(
                "d.id IN (SELECT document_id FROM search_documenttag "  # noqa: S608 - placeholders only
                f"WHERE tag IN ({', '.join(['%s'] * len(tags))}))"
            )
            self.params.extend(tags)
        if request.near is not None:
            radius = request.radius_km if request.radius_km is not None else DEFAULT_RADIUS_KM
            min_lat, max_lat, min_lng, max_lng = bounding_box(*request.near, radius)
            where.append(
                "d.id IN (SELECT document_id FROM search_documentpoint "
                "WHERE latitude BETWEEN %s AND %s AND longitude BETWEEN %s AND %s)"
            )
            self.params.extend([min_lat, max_lat, min_lng, max_lng])
            self.bbox = (min_lat, max_lat, min_lng, max_lng)
        if request.restrict is not None:
            restrict_sql, restrict_params = request.restrict
            where.append(f"d.key IN ({restrict_sql})")
            self.params.extend(restrict_params)
        self.where = " AND ".join(where) if where else "1 = 1"

    def select(self, columns: str, tail: str = "") -> str:
        return f"SELECT {columns} FROM {self.from_sql} WHERE {self.where} {tail}"  # noqa: S608


def _facets(rows: list[tuple[str, int]], prefixes: tuple[str, ...]) -> dict[str, int]:
    return {tag: count for tag, count in rows if tag.startswith(prefixes)} if prefixes else {}


def find(request: Request) -> Hits:
    """Keys of the matching documents for one page, the total, facet counts and distances."""
    backend = get_backend()
    if not backend.search_settings:
        return _find(request)
    with transaction.atomic():
        backend.prepare_search()
        return _find(request)


def _find(request: Request) -> Hits:
    groups = query_groups(request.text, request.lang) if request.text.strip() else []
    # When at least a page of services matches every word, those are the answer (precise, and a far
    # smaller set to rank and count at scale); otherwise any word may match ("mož pije": no service
    # says "mož").
    if request.restrict is None:
        hot_hits = _find_hot(request, groups)
        if hot_hits is not None:
            return hot_hits
    sql = _Sql(request, groups, every=len(groups) > 1)
    if request.near is not None:
        # Near a town without words, most of the index lies within the radius (7 000 of 10 000
        # services): like browse counts, the whole answer is kept for a while per town and filters.
        near_key = _browse_cache_key(request) if not groups and request.restrict is None else None
        cached_hits = cache.get(near_key) if near_key else None
        if isinstance(cached_hits, Hits):
            return cached_hits
        hits = _find_near(request, sql)
        enough = hits.total >= MIN_ALL_WORDS_HITS or len(groups) < 2
        hits = hits if enough else _find_near(request, _Sql(request, groups))
        if near_key:
            cache.set(near_key, hits, BROWSE_CACHE_SECONDS)
        return hits
    browse_key = _browse_cache_key(request) if not groups and request.restrict is None else None
    cached = cache.get(browse_key) if browse_key else None
    with connection.cursor() as cursor:
        total, facets = cached if cached is not None else _count(cursor, sql, request)
        if total < MIN_ALL_WORDS_HITS and len(groups) > 1:
            sql = _Sql(request, groups)
            total, facets = _count(cursor, sql, request)
        if total == 0:
            return Hits(keys=[], total=0)
        # Without words every score is 0: leaving it out of the ORDER BY lets the planner walk the
        # (demoted, sort_name) index instead of sorting every service.
        order_by = "d.demoted, score DESC, d.sort_name, d.id" if groups else "d.demoted, d.sort_name, d.id"
        cursor.execute(
            sql.select(f"d.key, {sql.score} AS score", f"ORDER BY {order_by} LIMIT %s OFFSET %s"),
            [*sql.params, max(request.limit, 0), max(request.offset, 0)],
        )
        keys = [_as_uuid(row[0]) for row in cursor.fetchall()]
        if browse_key and cached is None:
            cache.set(browse_key, (total, facets), BROWSE_CACHE_SECONDS)
    return Hits(keys=keys, total=total, facets=facets)


def _find_hot(request: Request, groups: Groups) -> Hits | None:
    """Matches, total and facets from bitmaps; the page ranked among a few candidates (search/hot.py).

    None when a query word is a prefix, when "open now" restricts the keys, or when browsing without
    words near a town or everywhere (the browse cache keeps those cheap): the statements below answer.
    """
    if request.restrict is not None or any(prefix for group in groups for _form, prefix in group):
        return None
    if not groups and (request.near is not None or not request.tag_groups):
        return None
    terms = [form for group in groups for form, _prefix in group]
    facet_prefixes = [hot.TAG_PREFIX + prefix for prefix in request.facet_prefixes]
    filter_names = [hot.TAG_PREFIX + tag for tags in request.tag_groups for tag in tags]
    cells: list[hot.Cell] | None = None
    if request.near is not None:
        radius = request.radius_km if request.radius_km is not None else DEFAULT_RADIUS_KM
        cells = hot.cover(*request.near, radius)
    loaded, raw_cells = hot.load_bitmaps_and_prefixes(
        [hot.ALL, hot.DEMOTED, *(hot.TERM_PREFIX + t for t in terms), *filter_names],
        facet_prefixes,
        [cell.name for cell in cells or ()],
    )
    backend = get_backend()
    # A term without a bitmap was rare at the last rebuild (or came later): its ids come from the index.
    rare = backend.ids_matching([t for t in terms if hot.TERM_PREFIX + t not in loaded])
    frequency = {form: len(ids) for form, ids in rare.items()}
    for form in terms:
        if hot.TERM_PREFIX + form in loaded:
            frequency[form] = loaded[hot.TERM_PREFIX + form].bit_count()
    group_bits = [
        reduce(
            operator.or_,
            (loaded.get(hot.TERM_PREFIX + form) or hot.ids_to_int(rare.get(form, ())) for form, _p in group),
            0,
        )
        for group in groups
    ]
    allowed = -1  # every document
    for tags in request.tag_groups:
        allowed &= reduce(operator.or_, (loaded.get(hot.TAG_PREFIX + tag, 0) for tag in tags), 0)
    geo: _Geo | None = None
    if request.near is not None:
        anywhere = reduce(operator.or_, group_bits, 0) & allowed if groups else allowed
        if cells is not None and anywhere.bit_count() > NEAR_CELLS_MIN:
            geo = _CellGeo(request, cells, raw_cells, anywhere)
        else:
            # Positions of the matching documents when they are fewer than what a bounding box around a
            # town holds (tens of thousands at 100 000 services), else of everything in the box.
            among = anywhere if anywhere.bit_count() <= NEAR_BY_IDS_MAX else None
            geo = _ExactGeo(_within_radius(request, among))
        allowed &= geo.within
    every = len(groups) > 1
    if groups:
        match = reduce(operator.and_, group_bits) & allowed
        if every and match.bit_count() < MIN_ALL_WORDS_HITS:
            every = False
            match = reduce(operator.or_, group_bits) & allowed
    else:
        match = allowed
    total = match.bit_count()
    if total == 0:
        return Hits(keys=[], total=0)
    facets: dict[str, int] = {}
    for name, bits in loaded.items():
        if name.startswith(tuple(facet_prefixes)):
            count = (bits & match).bit_count()
            if count:
                facets[name.removeprefix(hot.TAG_PREFIX)] = count
    weights = {form: hot.idf(frequency.get(form, 0), loaded.get(hot.ALL, 0).bit_count()) for form in terms}
    if geo is not None:
        return _rank_near(request, match, total, facets, weights, geo, loaded.get(hot.DEMOTED, 0))
    if groups and total > EXACT_RANKING_MAX:
        keys = _rank_champions(request, match, weights)
        if keys is not None:
            return Hits(keys=keys, total=total, facets=facets)
    if not groups:
        everything = loaded.get(hot.ALL, 0).bit_count() or total
        return Hits(keys=_page_by_name(request, match, total, everything), total=total, facets=facets)
    # Few matches (or too few champions among them, when the filters are narrow): rank every match, found
    # by id rather than by joining the filters' tag rows.
    sql = _Sql(replace(request, tag_groups=()), groups, every=every, ids=hot.int_to_ids(match))
    order_by = "d.demoted, score DESC, d.sort_name, d.id" if groups else "d.demoted, d.sort_name, d.id"
    with connection.cursor() as cursor:
        cursor.execute(
            sql.select(f"d.key, {sql.score} AS score", f"ORDER BY {order_by} LIMIT %s OFFSET %s"),
            [*sql.params, max(request.limit, 0), max(request.offset, 0)],
        )
        keys = [_as_uuid(row[0]) for row in cursor.fetchall()]
    return Hits(keys=keys, total=total, facets=facets)


_FIRST_BY_NAME = (
    "SELECT id, key, demoted, sort_name FROM search_document ORDER BY demoted, sort_name, id LIMIT %s"
)
# (demoted, sort_name) >= rather than (demoted, sort_name, id) >: PostgreSQL walks its (demoted, sort_name)
# index for the first (5 ms for 2 000 rows at 100 000 documents) but not for the second (260 ms).
_NEXT_BY_NAME = (
    "SELECT id, key, demoted, sort_name FROM search_document WHERE (demoted, sort_name) >= (%s, %s) "
    "ORDER BY demoted, sort_name, id LIMIT %s"
)


def _page_by_name(request: Request, match: int, total: int, everything: int) -> list[uuid.UUID]:
    """A page of the matches in name order (temporarily closed last), without joining the filters' tag
    rows in SQL: the page is picked out of the (demoted, sort_name) index as it is walked, a chunk at a
    time, by the match bitmap; when the matches are few, or the walk finds too few of them (names cluster:
    the services of one need area often share words), the database sorts the matches from their ids."""
    start, wanted = max(request.offset, 0), max(request.offset, 0) + max(request.limit, 0)
    if wanted == 0 or total == 0:
        return []
    with connection.cursor() as cursor:
        if total > PAGE_BY_IDS_MAX:
            data = hot.to_bytes(match)
            size = len(data)
            # Enough rows, at the matches' share of the index, for the page twice over.
            chunk = min(max(2 * wanted * everything // total, PAGE_CHUNK_MIN), PAGE_WALK_MAX)
            found: list[Any] = []
            walked = 0
            last: tuple[Any, Any, int] | None = None
            while walked < PAGE_WALK_MAX:
                if last is None:
                    cursor.execute(_FIRST_BY_NAME, [chunk])
                else:
                    cursor.execute(_NEXT_BY_NAME, [last[0], last[1], chunk])
                rows = cursor.fetchall()
                walked += len(rows)
                for doc_id, key, demoted, sort_name in rows:
                    if last is not None and (demoted, sort_name) == last[:2] and doc_id <= last[2]:
                        continue  # seen in the chunk before (the same name)
                    if doc_id >> 3 < size and data[doc_id >> 3] >> (doc_id & 7) & 1:
                        found.append(key)
                if len(found) >= wanted or len(rows) < chunk:
                    return [_as_uuid(key) for key in found[start:wanted]]
                last = (rows[-1][2], rows[-1][3], rows[-1][0])
                chunk *= 2
        ids_sql, ids_params = get_backend().id_list(hot.int_to_ids(match))
        cursor.execute(
            f"SELECT key FROM search_document WHERE id IN ({ids_sql}) "  # noqa: S608 - backend SQL
            "ORDER BY demoted, sort_name, id LIMIT %s OFFSET %s",
            [*ids_params, wanted - start, start],
        )
        return [_as_uuid(row[0]) for row in cursor.fetchall()]


def _within_radius(request: Request, among: int | None) -> dict[int, float]:
    """Documents (among a bitmap of candidates, if given) with a public point within the radius, with
    their nearest distance in km."""
    assert request.near is not None  # noqa: S101 - narrowed for the type checker
    lat, lng = request.near
    radius = request.radius_km if request.radius_km is not None else DEFAULT_RADIUS_KM
    min_lat, max_lat, min_lng, max_lng = bounding_box(lat, lng, radius)
    with connection.cursor() as cursor:
        if among is None:
            cursor.execute(
                "SELECT document_id, latitude, longitude FROM search_documentpoint "
                "WHERE latitude BETWEEN %s AND %s AND longitude BETWEEN %s AND %s",
                [min_lat, max_lat, min_lng, max_lng],
            )
        else:
            ids_sql, ids_params = get_backend().id_list(hot.int_to_ids(among))
            cursor.execute(
                "SELECT document_id, latitude, longitude FROM search_documentpoint "  # noqa: S608 - backend SQL
                f"WHERE document_id IN ({ids_sql}) "
                "AND latitude BETWEEN %s AND %s AND longitude BETWEEN %s AND %s",
                [*ids_params, min_lat, max_lat, min_lng, max_lng],
            )
        rows = cursor.fetchall()
    # haversine_km inlined with the centre's terms computed once (the same operations, the same distances)
    phi1 = math.radians(lat)
    cos_phi1 = math.cos(phi1)
    radians, sin, cos, asin, sqrt = math.radians, math.sin, math.cos, math.asin, math.sqrt
    found: dict[int, float] = {}
    for doc_id, p_lat, p_lng in rows:
        phi2 = radians(p_lat)
        a = sin((phi2 - phi1) / 2) ** 2 + cos_phi1 * cos(phi2) * sin(radians(p_lng - lng) / 2) ** 2
        distance = 2 * EARTH_RADIUS_KM * asin(min(1.0, sqrt(a)))
        if distance <= radius and distance < found.get(doc_id, math.inf):
            found[doc_id] = distance
    return found


def _estimates(weights: dict[str, float], match: int) -> dict[int, float]:
    """The champions that match, each with the part of its score its champion impacts tell."""
    found = hot.champions(weights)
    inside = hot.int_to_ids(hot.ids_to_int(found) & match)
    return {doc: sum(weights[t] * impact for t, impact in found[doc].items()) for doc in inside}


def _rank_champions(request: Request, match: int, weights: dict[str, float]) -> list[uuid.UUID] | None:
    """The page ranked among the champions that match: first by their known impacts, then the best
    SCORED_CANDIDATES exactly. None when fewer champions match than the page needs."""
    start, limit = max(request.offset, 0), max(request.limit, 0)
    estimate = _estimates(weights, match)
    if len(estimate) < start + limit:
        return None
    best = heapq.nlargest(max(SCORED_CANDIDATES, start + limit), estimate, key=estimate.__getitem__)
    ranked = sorted(
        (demoted, -score, sort_name, doc_id, key)
        for doc_id, key, demoted, sort_name, score in _exact_scores(request, weights, best)
    )
    return [_as_uuid(row[4]) for row in ranked[start : start + limit]]


class _Geo:
    """The documents within the radius (a bitmap) and their distances, computed as few as a page needs."""

    within: int

    def candidates(self, bits: int, count: int) -> list[int]:
        """Documents of the bitmap among which its `count` nearest are (all of them, or more)."""
        raise NotImplementedError

    def distances(self, doc_ids: Sequence[int]) -> dict[int, float]:
        """Nearest distance in km of each document (within the radius) to the centre."""
        raise NotImplementedError

    def nearest(self, bits: int, count: int, distances: dict[int, float]) -> list[int]:
        """The `count` nearest documents of a bitmap, nearer first, ties by id, from known distances."""
        return heapq.nsmallest(count, sorted(self.candidates(bits, count)), key=distances.__getitem__)


class _ExactGeo(_Geo):
    """Every document in the bounding box measured (few matches, or no cells)."""

    def __init__(self, distances: dict[int, float]) -> None:
        self.known = distances
        self.within = hot.ids_to_int(distances)

    def candidates(self, bits: int, count: int) -> list[int]:
        return hot.int_to_ids(bits) if count > 0 else []

    def distances(self, doc_ids: Sequence[int]) -> dict[int, float]:
        return {doc_id: self.known[doc_id] for doc_id in doc_ids}


class _CellGeo(_Geo):
    """Spatial cells (search/hot.py, cover): the documents of cells wholly inside the radius are within it
    without a distance; only those of the cells on its edge are measured. The nearest documents are found
    cell by cell from the centre outwards, and only they (and the page's candidates) are measured."""

    def __init__(self, request: Request, cells: list[hot.Cell], raw: dict[str, bytes], anywhere: int) -> None:
        assert request.near is not None  # noqa: S101 - narrowed for the type checker
        self.request = request
        self.parts: list[tuple[float, float, int, Any]] = []  # (near, far, bitmap, sparse ids or None)
        inside_bits, edge_bits = 0, 0
        inside_ids: list[int] = []
        edge_ids: list[int] = []
        for cell in cells:
            stored = raw.get(cell.name)
            if not stored:
                continue
            bits, ids = hot.decode_cell(stored)
            self.parts.append((cell.near_km, cell.far_km, bits, ids))
            if cell.inside:
                inside_bits |= bits
                if ids is not None:
                    inside_ids.extend(ids)
            else:
                edge_bits |= bits
                if ids is not None:
                    edge_ids.extend(ids)
        self.parts.sort(key=operator.itemgetter(0))
        inside = (inside_bits | hot.ids_to_int(inside_ids)) & anywhere
        edge = (edge_bits | hot.ids_to_int(edge_ids)) & anywhere & ~inside
        self.known = _within_radius(request, edge) if edge else {}
        self.within = inside | hot.ids_to_int(self.known)

    def candidates(self, bits: int, count: int) -> list[int]:
        if count <= 0 or not bits:
            return []
        data = hot.to_bytes(bits)
        size = len(data)
        found: set[int] = set()
        reach, bound = 0.0, math.inf
        for near, far, cell_bits, ids in self.parts:
            if near > bound:
                break
            if ids is None:
                members = hot.int_to_ids(cell_bits & bits)
            else:
                members = [i for i in ids if i >> 3 < size and data[i >> 3] >> (i & 7) & 1]
            if members:
                found.update(members)
                reach = max(reach, far)
                if bound == math.inf and len(found) >= count:
                    # `count` documents lie within `reach`: one farther away is in no cell nearer.
                    bound = reach
        return list(found)

    def distances(self, doc_ids: Sequence[int]) -> dict[int, float]:
        unknown = [d for d in doc_ids if d not in self.known]
        if unknown:
            self.known.update(_within_radius(self.request, hot.ids_to_int(unknown)))
        return {doc_id: self.known[doc_id] for doc_id in doc_ids}


def _rank_near(
    request: Request,
    match: int,
    total: int,
    facets: dict[str, int],
    weights: dict[str, float],
    geo: _Geo,
    demoted_bits: int,
) -> Hits:
    """A page near a position: by distance, or relevance blended with nearness among candidates (the
    best champions and the nearest matches, or every match when they are few)."""
    start, limit = max(request.offset, 0), max(request.limit, 0)
    demoted_match = demoted_bits & match
    if request.sort == "distance" or not weights:
        # Open services first, then the temporarily closed: the nearest of each, as many as the page needs.
        first = match & ~demoted_match
        wanted = start + limit
        pool = geo.candidates(first, wanted)
        if first.bit_count() < wanted:
            pool += geo.candidates(demoted_match, wanted - first.bit_count())
        distances = geo.distances(pool)
        nearest = geo.nearest(first, wanted, distances)
        if len(nearest) < wanted:
            nearest += geo.nearest(demoted_match, wanted - len(nearest), distances)
        nearest = nearest[start:]
        rows = {row[0]: row for row in _exact_scores(request, {}, nearest)}
        demoted = set(hot.int_to_ids(demoted_match)) if demoted_match else set()
        page = sorted(nearest, key=lambda d: (d in demoted, distances[d], rows[d][3], d))
        return Hits(
            keys=[_as_uuid(rows[d][1]) for d in page],
            total=total,
            facets=facets,
            distances_km={_as_uuid(rows[d][1]): round(distances[d], 2) for d in page},
        )
    if total > 2 * SCORED_CANDIDATES:
        estimate = _estimates(weights, match)
        best = heapq.nlargest(SCORED_CANDIDATES, estimate, key=estimate.__getitem__)
        near_pool = geo.candidates(match, SCORED_CANDIDATES)
        distances = geo.distances(list({*best, *near_pool}))
        inside = list({*best, *geo.nearest(match, SCORED_CANDIDATES, distances)})
    else:
        inside = hot.int_to_ids(match)
        distances = geo.distances(inside)
    scored = _exact_scores(request, weights, inside)
    top_score = max((row[4] for row in scored), default=0.0) or 1.0

    def order(row: tuple[int, Any, bool, str, float]) -> tuple[bool, float, str]:
        nearness = 1.0 / (1.0 + distances[row[0]] / HALF_NEARNESS_KM)
        blended = (1 - DISTANCE_WEIGHT) * (row[4] / top_score) + DISTANCE_WEIGHT * nearness
        return (bool(row[2]), -blended, row[3])

    best_rows = heapq.nsmallest(start + limit, scored, key=order)[start:]
    return Hits(
        keys=[_as_uuid(row[1]) for row in best_rows],
        total=total,
        facets=facets,
        distances_km={_as_uuid(row[1]): round(distances[row[0]], 2) for row in best_rows},
    )


def _exact_scores(
    request: Request, weights: dict[str, float], doc_ids: Sequence[int]
) -> list[tuple[int, Any, bool, str, float]]:
    """(id, key, demoted, sort_name, score) of a few documents: BM25 over the query forms as FTS5 computes
    it (with the typical field lengths of search/hot.py), times the same-language boost."""
    if not doc_ids:
        return []
    result = []
    forms = list(weights)
    for doc_id, key, demoted, language, sort_name, lengths, counts in get_backend().candidate_rows(
        list(doc_ids), forms
    ):
        score = 0.0
        for i, name in enumerate(FIELDS):
            if not lengths[i]:
                continue
            norm = hot.K1 * (1 - hot.B + hot.B * lengths[i] / hot.TYPICAL_LENGTH[name])
            for form, weight in weights.items():
                found = counts.get(form)
                tf = found[i] if found else 0
                if tf:
                    score += weight * hot.WEIGHTS[name] * tf * (hot.K1 + 1) / (tf + norm)
        if language == request.lang:
            score *= SAME_LANGUAGE_BOOST
        result.append((doc_id, key, bool(demoted), sort_name, score))
    return result


def _count(cursor: Any, sql: _Sql, request: Request) -> tuple[int, dict[str, int]]:
    """The number of matches and, when asked for, the facet counts over them."""
    if request.facet_prefixes:
        # Up to a few thousand matches, reading each document's own tag string is one statement for
        # both the total and the facets, and several times cheaper than joining the tag table and
        # grouping (1-2 ms instead of 5-15 ms at 10 000 services).
        cursor.execute(sql.select("d.tags", f"LIMIT {FACETS_FROM_TAG_STRINGS_MAX + 1}"), sql.params)
        rows = cursor.fetchall()
        if len(rows) <= FACETS_FROM_TAG_STRINGS_MAX:
            counts: Counter[str] = Counter()
            for (tags,) in rows:
                counts.update(set(tags.split()))
            return len(rows), _facets(list(counts.items()), request.facet_prefixes)
    cursor.execute(sql.select("count(*)"), sql.params)
    total = int(cursor.fetchone()[0])
    if not request.facet_prefixes or total == 0:
        return total, {}
    # A join, not IN: the planner then walks the (document, tag) index once per match instead of
    # scanning every tag row.
    cursor.execute(
        f"SELECT t.tag, count(*) FROM ({sql.select('d.id AS id')}) m "  # noqa: S608 - built from constants
        "JOIN search_documenttag t ON t.document_id = m.id GROUP BY t.tag",
        sql.params,
    )
    return total, _facets(cursor.fetchall(), request.facet_prefixes)


def _browse_cache_key(request: Request) -> str | None:
    if BROWSE_CACHE_SECONDS <= 0:
        return None
    filters = "|".join(",".join(sorted(group)) for group in sorted(request.tag_groups))
    described = f"{filters}#{','.join(request.facet_prefixes)}"
    if request.near is not None:  # a whole page of hits: where, how far, which order and page
        described += (
            f"#{request.near!r}:{request.radius_km!r}:{request.sort}:{request.offset}:{request.limit}"
        )
    digest = hashlib.sha256(described.encode()).hexdigest()[:32]
    return f"search:browse:{index_generation()}:{digest}"


def index_generation() -> int:
    """Changes whenever the index does, so cached browse counts never outlive a write."""
    return int(cache.get_or_set(GENERATION_KEY, 1, None) or 1)


def _find_near(request: Request, sql: _Sql) -> Hits:
    assert request.near is not None  # noqa: S101 - narrowed for the type checker
    lat, lng = request.near
    radius = request.radius_km if request.radius_km is not None else DEFAULT_RADIUS_KM
    min_lat, max_lat, min_lng, max_lng = sql.bbox
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT c.key, c.score, c.demoted, c.sort_name, c.tags, p.latitude, p.longitude "  # noqa: S608
            f"FROM ({sql.select(f'd.id, d.key, d.demoted, d.sort_name, d.tags, {sql.score} AS score')}) c "
            "JOIN search_documentpoint p ON p.document_id = c.id "
            "WHERE p.latitude BETWEEN %s AND %s AND p.longitude BETWEEN %s AND %s",
            [*sql.params, min_lat, max_lat, min_lng, max_lng],
        )
        rows = cursor.fetchall()
    # A town without words puts most of the index in the box (7 000 rows at 10 000 services): the loop
    # below is haversine_km inlined with the centre's terms computed once (the same operations in the same
    # order, so the same distances), and the facets are counted in one pass over the joined tags.
    phi1 = math.radians(lat)
    cos_phi1 = math.cos(phi1)
    radians, sin, cos, asin, sqrt = math.radians, math.sin, math.cos, math.asin, math.sqrt
    best: dict[object, tuple[float, float, bool, str, str]] = {}
    for key, score, demoted, sort_name, tags, p_lat, p_lng in rows:
        phi2 = radians(p_lat)
        a = sin((phi2 - phi1) / 2) ** 2 + cos_phi1 * cos(phi2) * sin(radians(p_lng - lng) / 2) ** 2
        distance = 2 * EARTH_RADIUS_KM * asin(min(1.0, sqrt(a)))
        if distance <= radius:
            known = best.get(key)
            if known is None or distance < known[0]:
                best[key] = (distance, float(score or 0.0), bool(demoted), sort_name, tags)
    top_score = max((v[1] for v in best.values()), default=0.0) or 1.0

    def order(item: tuple[object, tuple[float, float, bool, str, str]]) -> tuple[bool, float, str]:
        distance, score, demoted, sort_name, _tags = item[1]
        if request.sort == "distance":
            return (demoted, distance, sort_name)
        nearness = 1.0 / (1.0 + distance / HALF_NEARNESS_KM)
        blended = (1 - DISTANCE_WEIGHT) * (score / top_score) + DISTANCE_WEIGHT * nearness
        return (demoted, -blended, sort_name)

    start = max(request.offset, 0)
    # Only the requested page is ordered (nsmallest is sorted()[:n], ties kept in the same order).
    page = heapq.nsmallest(start + max(request.limit, 0), best.items(), key=order)[start:]
    facets: dict[str, int] = {}
    if request.facet_prefixes:
        counts = Counter(" ".join(v[4] for v in best.values()).split())
        facets = {tag: n for tag, n in counts.items() if tag.startswith(request.facet_prefixes)}
    return Hits(
        keys=[_as_uuid(key) for key, _v in page],
        total=len(best),
        facets=facets,
        distances_km={_as_uuid(key): round(v[0], 2) for key, v in page},
    )


def suggest(prefix: str, lang: str = "sl", *, limit: int = 8) -> list[str]:
    """Indexed words starting with what the user has typed so far (diacritics optional)."""
    typed = normalize.words(prefix)
    if not typed:
        return []
    folded = normalize.fold(typed[-1])
    if len(folded) < 2:
        return []
    # A range rather than LIKE, so both databases walk the primary-key index.
    upper = folded[:-1] + chr(ord(folded[-1]) + 1)
    rows = (
        Term.objects.filter(term__gte=folded, term__lt=upper)
        .order_by("term")
        .values_list("display", "language")[: limit * 5]
    )
    ranked = sorted(rows, key=lambda r: (r[1] != lang, len(r[0]), r[0]))
    return list(dict.fromkeys(display for display, _lang in ranked))[:limit]
