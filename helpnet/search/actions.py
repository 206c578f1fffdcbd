"""Writes to the search index and to the anonymous search statistics."""

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from uuid import UUID

from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from . import hot, normalize, resident
from .backends import FIELDS, get_backend, insert_rows
from .models import Document, DocumentPoint, DocumentTag, PostingDelta, SearchStat, Term, ThesaurusEntry
from .queries import GENERATION_KEY

NEED_PREFIX = "need:"


def _bump_generation() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not set yet (or evicted): any new value invalidates
        cache.set(GENERATION_KEY, 2, None)


def _index_changed() -> None:
    """Invalidate cached browse counts (see queries.index_generation): now, for this transaction's
    own reads, and again at commit, for counts other requests cached meanwhile from the old rows."""
    _bump_generation()
    transaction.on_commit(_bump_generation)


@dataclass
class IndexDocument:
    """What the index needs to know about one document; the caller decides what the fields contain."""

    key: UUID
    # field name (see backends.FIELDS) -> [(text, language of the text)]
    fields: dict[str, list[tuple[str, str]]]
    tags: Sequence[str] = ()
    points: Sequence[tuple[float, float]] = ()
    sort_name: str = ""
    demoted: bool = False
    language: str = ""


MIN_PREFIX_MATCH = 5


@dataclass
class _Concept:
    needs: frozenset[str]
    related: list[list[str]]  # each related phrase as its folded words; all must occur
    words: list[tuple[str, str]] = field(default_factory=list)  # (word, language)
    single: frozenset[str] = frozenset()  # the one-word related phrases, for a set intersection

    def __post_init__(self) -> None:
        self.single = frozenset(p[0] for p in self.related if len(p) == 1)
        self.related = [p for p in self.related if len(p) > 1]


@dataclass
class Thesaurus:
    """The thesaurus grouped by concept (entries sharing need areas and related words) for fast matching."""

    concepts: list[_Concept] = field(default_factory=list)
    related_words: frozenset[str] = frozenset()
    by_start: dict[str, list[str]] = field(default_factory=dict)  # first letters -> related words
    # Which concepts a need area or a one-word related phrase brings in (their positions in ``concepts``), and
    # those with longer phrases, checked one by one: a rebuild asks this of every document.
    by_need: dict[str, list[int]] = field(default_factory=dict)
    by_word: dict[str, list[int]] = field(default_factory=dict)
    with_phrases: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        for word in self.related_words:
            if len(word) >= MIN_PREFIX_MATCH:
                self.by_start.setdefault(word[:MIN_PREFIX_MATCH], []).append(word)
        for i, concept in enumerate(self.concepts):
            for need in concept.needs:
                self.by_need.setdefault(need, []).append(i)
            for word in concept.single:
                self.by_word.setdefault(word, []).append(i)
            if concept.related:
                self.with_phrases.append(i)

    @classmethod
    def load(cls) -> "Thesaurus":
        concepts: dict[tuple[str, str], _Concept] = {}
        for row in ThesaurusEntry.objects.all():
            key = (",".join(sorted(row.need_area_codes)), ",".join(sorted(row.related_word_list)))
            if key not in concepts:
                related = [[normalize.fold(w) for w in normalize.words(p)] for p in row.related_word_list]
                concepts[key] = _Concept(frozenset(row.need_area_codes), [r for r in related if r])
            concepts[key].words.append((row.word, row.language))
        related_words = frozenset(
            w for c in concepts.values() for phrase in [*c.related, *([s] for s in c.single)] for w in phrase
        )
        return cls(list(concepts.values()), related_words)

    def _present(self, tokens: set[str]) -> set[str]:
        """Related words found in the tokens, whole or (five letters or more) as the start of a token."""
        present = tokens & self.related_words
        by_start = self.by_start
        for token in tokens:
            if len(token) > MIN_PREFIX_MATCH:
                for word in by_start.get(token[:MIN_PREFIX_MATCH], ()):
                    if token.startswith(word):
                        present.add(word)
        return present

    def expansions(self, need_codes: set[str], tokens: set[str]) -> list[tuple[str, str]]:
        """Thesaurus words (with their language) that describe a document with these needs and tokens."""
        present = self._present(tokens)
        chosen = {i for need in need_codes for i in self.by_need.get(need, ())}
        chosen.update(i for word in present for i in self.by_word.get(word, ()))
        chosen.update(
            i
            for i in self.with_phrases
            if i not in chosen and any(all(w in present for w in p) for p in self.concepts[i].related)
        )
        return [word for i in sorted(chosen) for word in self.concepts[i].words]


def _tokens(doc: IndexDocument, thesaurus: Thesaurus) -> dict[str, list[str]]:
    tokens: dict[str, list[str]] = {name: [] for name in FIELDS}
    for name in FIELDS:
        for text, lang in doc.fields.get(name, []):
            tokens[name].extend(normalize.document_tokens(text, lang))
    needs = {tag.removeprefix(NEED_PREFIX) for tag in doc.tags if tag.startswith(NEED_PREFIX)}
    seen = {t for values in tokens.values() for t in values}
    for word, lang in thesaurus.expansions(needs, seen):
        tokens["terms"].extend(normalize.document_tokens(word, lang))
    return tokens


def _collect_terms(doc: IndexDocument, into: dict[str, tuple[str, str]], skip: set[str]) -> None:
    for values in doc.fields.values():
        for text, lang in values:
            if text in skip:  # term names, organisations and towns repeat across a rebuild
                continue
            # The lemma too: a typo of the base form ("depersija") must find "depresija" even when
            # the text only has inflected forms ("z depresijo").
            for word in normalize.words(text):
                for folded, display in normalize.vocabulary_forms(word, lang):
                    if folded not in skip and folded not in into:
                        into[folded] = (display, lang)


def _hot_tags(tags: Iterable[str], demoted: bool, language: str) -> list[str]:
    """A document's tags in the bitmaps: its own, temporarily closed, and the language it is written in."""
    return [*set(tags), *([hot.DEMOTED_TAG] if demoted else []), hot.LANGUAGE_TAG + language[:8]]


def _vocabulary(docs: Sequence[IndexDocument], known: set[str]) -> dict[str, tuple[str, str]]:
    """The words of these documents for typo correction and suggestions, less those in ``known`` (which
    grows by them: a rebuild passes one set for all its parts, so each word is written once)."""
    terms: dict[str, tuple[str, str]] = {}
    for d in docs:
        _collect_terms(d, terms, known)
        known.update(text for values in d.fields.values() for text, _lang in values if len(text) < 200)
    known.update(terms)
    return terms


def _remove(keys: list[UUID]) -> None:
    found = list(Document.objects.filter(key__in=keys).values_list("id", "tags", "demoted", "language"))
    doc_ids = [row[0] for row in found]
    if doc_ids:
        hot.remove_documents(
            [
                (doc_id, _hot_tags(tags.split(), demoted, language))
                for doc_id, tags, demoted, language in found
            ]
        )
        get_backend().delete(doc_ids)
        DocumentTag.objects.filter(document_id__in=doc_ids).delete()
        DocumentPoint.objects.filter(document_id__in=doc_ids).delete()
        Document.objects.filter(id__in=doc_ids).delete()


@dataclass
class Prepared:
    """What indexing computes from documents without the database; a rebuild does it in a second process."""

    texts: list[Any]  # each document's text for the text index (Backend.text)
    impacts: list[dict[str, float]]  # each document's terms with their impacts (search/hot.py)
    ids: list[int] | None = None  # the ids a rebuild gives the documents
    postings: hot.BatchPostings | None = None  # with those ids


def prepare(docs: Sequence[IndexDocument], thesaurus: Thesaurus, ids: list[int] | None = None) -> Prepared:
    backend = get_backend()
    texts, impacts = [], []
    for doc in docs:
        tokens = _tokens(doc, thesaurus)
        texts.append(backend.text(tokens))
        impacts.append(hot.impacts(tokens))
    postings = hot.batch_postings(ids, impacts) if ids is not None else None
    return Prepared(texts, impacts, ids, postings)


@transaction.atomic
def index_documents(
    docs: Iterable[IndexDocument],
    *,
    thesaurus: Thesaurus | None = None,
    replace: bool = True,
    known_terms: set[str] | None = None,
    builder: hot.Builder | None = None,
    prepared: Prepared | None = None,
    vocabulary: dict[str, tuple[str, str]] | None = None,
) -> int:
    """(Re)write documents in the caller's transaction.

    A bulk rebuild (rebuild()) passes ``replace=False`` (the index is empty), one ``known_terms`` set for all
    its batches, so each vocabulary word is written once, one ``builder`` that collects the bitmaps and
    postings (search/hot.py) and is written once at the end (``finish_rebuild``), and the batch ``prepared``
    with the ids the builder gave it.
    """
    docs = list(docs)
    if not docs:
        return 0
    resident.touch()
    thesaurus = thesaurus or Thesaurus.load()
    if replace:
        for start in range(0, len(docs), 500):
            _remove([d.key for d in docs[start : start + 500]])
    backend = get_backend()
    # A rebuild numbers the documents 1, 2, 3 … itself (prepared.ids): the bitmaps (search/hot.py) have a bit
    # per id, and with the database's ids, which never come back, every rebuild would make them longer.
    prepared = prepared or prepare(docs, thesaurus)
    given = prepared.ids
    if backend.writes_with_documents:
        # The text index is a column of the document row: written with it, in one statement per batch.
        ids = backend.insert_documents(
            [
                (d.key, d.sort_name[:255], d.demoted, " ".join(d.tags), d.language[:8], text)
                for d, text in zip(docs, prepared.texts, strict=True)
            ],
            given,
        )
    elif given is not None:
        # A rebuild's ids are known: plain statements, not bulk_create (model instances and their SQL cost
        # seconds a rebuild).
        ids = list(given)
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO search_document (id, key, sort_name, demoted, tags, language) "
                "VALUES (%s, %s, %s, %s, %s, %s)",
                [
                    (doc_id, d.key.hex, d.sort_name[:255], d.demoted, " ".join(d.tags), d.language[:8])
                    for doc_id, d in zip(ids, docs, strict=True)
                ],
            )
    else:
        # The database gives the ids (never one it gave before: search/resident.py relies on it).
        rows = Document.objects.bulk_create(
            [
                Document(
                    key=d.key,
                    sort_name=d.sort_name[:255],
                    demoted=d.demoted,
                    tags=" ".join(d.tags),
                    language=d.language[:8],
                )
                for d in docs
            ],
            batch_size=500,
        )
        ids = [row.id for row in rows]
    if not backend.writes_with_documents:
        backend.write(list(zip(ids, prepared.texts, strict=True)))
    # Plain rows: at a million documents, building model instances for these rows costs minutes.
    insert_rows(
        "search_documenttag",
        {"document_id": "int8", "tag": "text"},
        [(doc_id, tag) for doc_id, d in zip(ids, docs, strict=True) for tag in set(d.tags)],
    )
    insert_rows(
        "search_documentpoint",
        {"document_id": "int8", "latitude": "float8", "longitude": "float8"},
        [(doc_id, lat, lng) for doc_id, d in zip(ids, docs, strict=True) for lat, lng in set(d.points)],
    )
    tags = [_hot_tags(d.tags, d.demoted, d.language) for d in docs]
    if builder is not None and prepared.postings is not None:
        builder.add(ids, tags, prepared.postings)
    else:
        hot.add_documents(list(zip(ids, prepared.impacts, tags, strict=True)))
    if vocabulary is None:
        vocabulary = _vocabulary(docs, known_terms if known_terms is not None else set())
    Term.objects.bulk_create(
        [Term(term=t, display=display, language=lang) for t, (display, lang) in vocabulary.items()],
        batch_size=2000,
        ignore_conflicts=True,
    )
    _index_changed()
    return len(docs)


@transaction.atomic
def remove_documents(keys: Iterable[UUID]) -> None:
    keys = list(keys)
    if not any(Document.objects.filter(key__in=keys[i : i + 500]).exists() for i in range(0, len(keys), 500)):
        return  # nothing indexed: nothing written, not even the index's state (a nightly job asks every night)
    resident.touch()
    for start in range(0, len(keys), 500):
        _remove(keys[start : start + 500])
    _index_changed()


@transaction.atomic
def finish_rebuild(builder: hot.Builder) -> None:
    """Write what the builder collected over a rebuild: from now on broad searches use it."""
    resident.touch(rebuild=True)
    builder.write()
    get_backend().after_rebuild()
    _index_changed()


# A rebuild reads documents in parts of at most this many.
REBUILD_BATCH = 1000
# A rebuild of more documents than this builds and prepares each part in a second process (REBUILD_WORKERS of
# them) while this one reads the next parts and writes the ones done: on two cores, about half the time.
PARALLEL_MIN = 5000
REBUILD_WORKERS = 1
_rebuild_thesaurus: Thesaurus | None = None  # what the other processes inherit (fork)
_rebuild_known: set[str] = set()  # vocabulary words a process has sent already


@dataclass
class _Part:
    docs: list[IndexDocument]
    prepared: Prepared
    vocabulary: dict[str, tuple[str, str]]


def _prepare_part(build: Callable[[Any], list[IndexDocument]], part: Any, first_id: int) -> _Part:
    """Build a part's documents and compute what indexing them needs (no database: this runs in another
    process). Their ids are first_id, first_id + 1 …"""
    assert _rebuild_thesaurus is not None  # noqa: S101 - set before the processes were forked
    docs = build(part)
    if len(docs) > REBUILD_BATCH:
        raise ValueError(f"a part of a rebuild holds at most {REBUILD_BATCH} documents")
    prepared = prepare(docs, _rebuild_thesaurus, list(range(first_id, first_id + len(docs))))
    vocabulary = _vocabulary(docs, _rebuild_known)
    # Only what the writing process needs crosses back: the texts and impacts live on in the text index and
    # the postings (pickling and unpickling them too cost 6 MB and 120 ms a part).
    prepared.impacts = []
    return _Part([replace(d, fields={}) for d in docs], prepared, vocabulary)


@transaction.atomic
def rebuild(parts: Iterable[Any], build: Callable[[Any], list[IndexDocument]], *, expected: int) -> int:
    """Replace the whole index, in the caller's transaction, with the documents ``build`` makes of each part
    (at most REBUILD_BATCH each; about ``expected`` in all); returns how many were indexed. The parts are read
    here (they may use the database), ``build`` may run in another process (it must not)."""
    global _rebuild_thesaurus
    clear_index()
    get_backend().prepare_bulk()
    _rebuild_thesaurus = Thesaurus.load()
    _rebuild_known.clear()
    builder = hot.Builder()
    count = 0

    def write(part: _Part) -> int:
        return index_documents(
            part.docs,
            thesaurus=_rebuild_thesaurus,
            replace=False,
            builder=builder,
            prepared=part.prepared,
            vocabulary=part.vocabulary,
        )

    numbered = ((part, 1 + i * REBUILD_BATCH) for i, part in enumerate(parts))
    try:
        if expected < PARALLEL_MIN:
            for part, first_id in numbered:
                count += write(_prepare_part(build, part, first_id))
        else:
            # fork: the other processes only compute (they never touch the database connection they inherit)
            with multiprocessing.get_context("fork").Pool(REBUILD_WORKERS) as pool:
                waiting: deque[Any] = deque()
                for part, first_id in numbered:
                    waiting.append(pool.apply_async(_prepare_part, (build, part, first_id)))
                    if len(waiting) > 2 * REBUILD_WORKERS:
                        count += write(waiting.popleft().get())
                while waiting:
                    count += write(waiting.popleft().get())
    finally:
        _rebuild_thesaurus = None
    finish_rebuild(builder)
    return count


@transaction.atomic
def compact_index() -> str:
    """Fold the postings written since the last rebuild into one row a term (search/hot.py); nightly. Nothing
    to fold, nothing written (not even the index's state, which would make every process read it anew)."""
    if not PostingDelta.objects.exists():
        return "nothing to compact"
    resident.touch()
    return f"{hot.compact_postings()} terms compacted"


@transaction.atomic
def clear_index() -> None:
    resident.touch(rebuild=True)
    get_backend().clear()
    hot.clear()
    # Plain statements: the ORM's delete() reads every row first to find what else to delete (seconds at
    # 100 000 documents); nothing else refers to these tables.
    with connection.cursor() as cursor:
        for table in ("search_documenttag", "search_documentpoint", "search_document", "search_term"):
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - constant table names
    _index_changed()


def _stat_key(query: str, language: str, filters: str, municipality: str) -> dict[str, object]:
    return {
        "day": timezone.localdate(),
        "query": normalize.normalized_query(query),
        "language": language[:8],
        "filters": filters[:500],
        "municipality": municipality[:80],
    }


def record_search(
    query: str, *, language: str, filters: str = "", municipality: str = "", result_count: int
) -> None:
    """Count one search in today's aggregate row. Nothing identifying is stored: no IP, user or cookie.

    Browsing without a query, filter or town is not a search and is not counted.
    """
    if not (query.strip() or filters or municipality):
        return
    key = _stat_key(query, language, filters, municipality)
    changes = {
        "searches": F("searches") + 1,
        "results_total": F("results_total") + result_count,
        "zero_results": F("zero_results") + (1 if result_count == 0 else 0),
    }
    if SearchStat.objects.filter(**key).update(**changes):
        return
    try:
        with transaction.atomic():
            SearchStat.objects.create(
                **key, searches=1, results_total=result_count, zero_results=int(result_count == 0)
            )
    except IntegrityError:  # another request created today's row first
        SearchStat.objects.filter(**key).update(**changes)


def record_open(query: str, *, language: str, filters: str = "", municipality: str = "") -> None:
    """Count that a result of this search was opened (today's row; created if the search was not counted)."""
    key = _stat_key(query, language, filters, municipality)
    if SearchStat.objects.filter(**key).update(opens=F("opens") + 1):
        return
    try:
        with transaction.atomic():
            SearchStat.objects.create(**key, opens=1)
    except IntegrityError:
        SearchStat.objects.filter(**key).update(opens=F("opens") + 1)
