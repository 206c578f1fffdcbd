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
from dataclasses import dataclass, field
from functools import reduce
from typing import Any

import numpy as np
from django.core.cache import cache
from django.db import connection, transaction

from helpnet.lib.geo import EARTH_RADIUS_KM, bounding_box

from . import hot, normalize, resident
from .backends import Groups, get_backend, safe_token
from .models import Term

GENERATION_KEY = "search:generation"
MIN_TYPO_LENGTH = 5
MAX_TYPO_WORDS = 6
MAX_CORRECTIONS = 3
DEFAULT_RADIUS_KM = 50.0
MIN_ALL_WORDS_HITS = 20
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
    # The restriction's answer stays the same for a minute (e.g. "open now", which changes on whole minutes):
    # the documents it allows are then kept in memory for that long.
    restrict_minute: bool = False
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

    def __init__(self, request: Request, groups: Groups, *, every: bool = False) -> None:
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
    # Before any transaction of the search's own: outside one, whatever this connection wrote is committed or
    # rolled back, and the memory may be used again (search/resident.py).
    use_memory = resident.sync()
    backend = get_backend()
    if not backend.search_settings:
        return _find(request, use_memory)
    with transaction.atomic():
        backend.prepare_search()
        return _find(request, use_memory)


def _find(request: Request, use_memory: bool) -> Hits:
    groups = query_groups(request.text, request.lang) if request.text.strip() else []
    # When at least a page of services matches every word, those are the answer (precise, and a far
    # smaller set to rank and count at scale); otherwise any word may match ("mož pije": no service
    # says "mož").
    hot_hits = _find_hot(request, groups, use_memory=use_memory)
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


def _find_hot(request: Request, groups: Groups, *, use_memory: bool) -> Hits | None:
    """Matches, total and facets from bitmaps; the page ranked among a few candidates (search/hot.py).

    None when a query word is a prefix, or when browsing without words near a town or everywhere (the
    browse cache keeps those cheap): the statements below answer.
    """
    if any(prefix for group in groups for _form, prefix in group):
        return None
    if not groups and (request.near is not None or not (request.tag_groups or request.restrict)):
        return None
    terms = [form for group in groups for form, _prefix in group]
    facet_prefixes = [hot.TAG_PREFIX + prefix for prefix in request.facet_prefixes]
    filter_names = [hot.TAG_PREFIX + tag for tags in request.tag_groups for tag in tags]
    same_language = hot.TAG_PREFIX + hot.LANGUAGE_TAG + request.lang
    loaded = resident.bitmaps(
        [hot.ALL, hot.DEMOTED, same_language, *filter_names], facet_prefixes, use_memory
    )
    lists = resident.postings(terms, use_memory)
    live = loaded.get(hot.ALL, 0)  # removed documents leave postings behind until they are compacted
    group_bits = [
        reduce(operator.or_, (lists[form].bits for form, _p in group if form in lists), 0) & live
        for group in groups
    ]
    allowed = live
    if request.restrict is not None:
        allowed &= resident.restriction(request.restrict, request.restrict_minute, use_memory)
    for tags in request.tag_groups:
        allowed &= reduce(operator.or_, (loaded.get(hot.TAG_PREFIX + tag, 0) for tag in tags), 0)
    geo: _NearGeo | None = None
    if request.near is not None:
        anywhere = reduce(operator.or_, group_bits, 0) & allowed if groups else allowed
        geo = _NearGeo(request, anywhere, resident.points(use_memory))
        allowed &= geo.within
    if groups:
        match = reduce(operator.and_, group_bits) & allowed
        if len(groups) > 1 and match.bit_count() < MIN_ALL_WORDS_HITS:
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
    documents = live.bit_count()
    weights = {
        form: hot.idf((lists[form].bits & live).bit_count() if form in lists else 0, documents)
        for form in terms
    }
    if geo is None and not groups:
        by_name = _page_by_name(request, match, live, loaded.get(hot.DEMOTED, 0), use_memory)
        return Hits(keys=by_name, total=total, facets=facets)
    ids = hot.ids_array(match)
    demoted = hot.contains(loaded.get(hot.DEMOTED, 0), ids)
    distances = geo.distances_of(ids) if geo is not None else None
    if weights:
        scores = _scores(ids, weights, lists)
        scores[hot.contains(loaded.get(same_language, 0), ids)] *= SAME_LANGUAGE_BOOST
    if distances is None:
        primary = -scores
    elif request.sort == "distance" or not weights:
        primary = distances
    else:
        # Relevance blended with nearness: nearness 1 at the door, 0.5 at HALF_NEARNESS_KM.
        top = float(scores.max()) or 1.0
        nearness = 1.0 / (1.0 + distances / HALF_NEARNESS_KM)
        primary = -((1 - DISTANCE_WEIGHT) * (scores / top) + DISTANCE_WEIGHT * nearness)
    page = _page(request, ids, primary, demoted)
    return Hits(
        keys=[key for _doc_id, key in page],
        total=total,
        facets=facets,
        distances_km=(
            {key: round(float(distances[np.searchsorted(ids, doc_id)]), 2) for doc_id, key in page}
            if distances is not None
            else {}
        ),
    )


def _scores(
    ids: np.ndarray, weights: dict[str, float], lists: dict[str, resident.TermPostings]
) -> np.ndarray:
    """BM25 of each document: the sum over the query's forms of idf x the form's impact in the document."""
    scores = np.zeros(ids.size)
    for form, weight in weights.items():
        found = lists.get(form)
        if found is None or not found.ids.size:
            continue
        at = np.searchsorted(found.ids, ids)
        at[at == found.ids.size] = 0
        hit = found.ids[at] == ids
        scores[hit] += weight * found.impacts[at[hit]]
    return scores


# Documents whose order among themselves is decided by name (equal relevance or distance) are read from the
# database up to this many at once; beyond it (thousands of identical scores) the lowest ids stand in.
TIES_READ_MAX = 1000


def _page(
    request: Request, ids: np.ndarray, primary: np.ndarray, demoted: np.ndarray
) -> list[tuple[int, uuid.UUID]]:
    """The requested page of documents ordered by (temporarily closed last, primary ascending, name, id):
    the best by the first two at once (numpy), then those and their equals read and ordered by name."""
    start, wanted = max(request.offset, 0), max(request.offset, 0) + max(request.limit, 0)
    if wanted == 0 or not ids.size:
        return []
    spread = float(primary.max() - primary.min()) + 1.0 if primary.size else 1.0
    key = primary + demoted * spread  # closed after open, whatever the primary order
    if ids.size > wanted:
        boundary = key[np.argpartition(key, wanted - 1)[wanted - 1]]
        better = np.flatnonzero(key < boundary)
        equal = np.flatnonzero(key == boundary)[: max(wanted - better.size, TIES_READ_MAX)]
        chosen = np.concatenate([better, equal])
    else:
        chosen = np.arange(ids.size)
    rows = _rows(ids[chosen].tolist())
    ranked = sorted(
        (float(key[i]), rows[int(ids[i])][1], int(ids[i])) for i in chosen.tolist() if int(ids[i]) in rows
    )
    return [(doc_id, rows[doc_id][0]) for _key, _name, doc_id in ranked[start:wanted]]


def _rows(doc_ids: list[int]) -> dict[int, tuple[uuid.UUID, str]]:
    """Key and sort name of a few documents."""
    ids_sql, ids_params = get_backend().id_list(doc_ids)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, key, sort_name FROM search_document WHERE id IN ({ids_sql})",  # noqa: S608 - backend SQL
            ids_params,
        )
        return {doc_id: (_as_uuid(key), sort_name) for doc_id, key, sort_name in cursor.fetchall()}


def _page_by_name(
    request: Request, match: int, live: int, demoted_bits: int, use_memory: bool
) -> list[uuid.UUID]:
    """A page of the matches in name order (temporarily closed last): the first by their places in the name
    order kept in memory (search/resident.py), with the documents added since it was read, then those few
    read and ordered by name."""
    start, wanted = max(request.offset, 0), max(request.offset, 0) + max(request.limit, 0)
    if wanted == 0:
        return []
    order = resident.name_order(live.bit_length() - 1, use_memory)
    ids = hot.ids_array(match)
    known = ids[ids < order.rank.size]
    ranks = order.rank[known]
    best = known[np.argpartition(ranks, wanted - 1)[:wanted]] if known.size > wanted else known
    chosen = np.concatenate([best, ids[ids >= order.rank.size]]).tolist()
    rows = _rows(chosen)
    demoted = set(
        hot.ids_array(
            match & live & resident.bitmaps([hot.DEMOTED], [], use_memory).get(hot.DEMOTED, 0)
        ).tolist()
    )
    ranked = sorted((doc_id in demoted, rows[doc_id][1], doc_id) for doc_id in chosen if doc_id in rows)
    return [rows[doc_id][0] for _demoted, _name, doc_id in ranked[start:wanted]]


class _NearGeo:
    """The documents (of a bitmap) with a public point within the radius, and each one's nearest distance:
    every point in the circle's latitude band and longitude range is measured at once (numpy), from the
    points kept in memory (search/resident.py)."""

    def __init__(self, request: Request, among: int, points: resident.Points) -> None:
        assert request.near is not None  # noqa: S101 - narrowed for the type checker
        lat, lng = request.near
        radius = request.radius_km if request.radius_km is not None else DEFAULT_RADIUS_KM
        min_lat, max_lat, min_lng, max_lng = bounding_box(lat, lng, radius)
        low = int(np.searchsorted(points.lat, min_lat, side="left"))
        high = int(np.searchsorted(points.lat, max_lat, side="right"))
        doc, p_lat, p_lng = points.doc[low:high], points.lat[low:high], points.lng[low:high]
        keep = (p_lng >= min_lng) & (p_lng <= max_lng)
        doc, p_lat, p_lng = doc[keep], p_lat[keep], p_lng[keep]
        keep = hot.contains(among, doc)
        doc, p_lat, p_lng = doc[keep], p_lat[keep], p_lng[keep]
        # haversine_km, element-wise, in the same order of operations
        phi1, phi2 = math.radians(lat), np.radians(p_lat)
        a = (
            np.sin((phi2 - phi1) / 2) ** 2
            + math.cos(phi1) * np.cos(phi2) * np.sin(np.radians(p_lng - lng) / 2) ** 2
        )
        distance = 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))
        keep = distance <= radius
        doc, distance = doc[keep], distance[keep]
        order = np.lexsort((distance, doc))  # by document, its nearest point first
        doc, distance = doc[order], distance[order]
        first = np.ones(doc.size, bool)
        first[1:] = doc[1:] != doc[:-1]
        self.docs, self.km = doc[first], distance[first]  # ascending ids
        self.within = hot.ids_to_int(self.docs)

    def distances_of(self, doc_ids: np.ndarray) -> np.ndarray:
        """Nearest distance in km of each document (all within the radius) to the centre."""
        return self.km[np.searchsorted(self.docs, doc_ids)]


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
