"""Writes to the search index and to the anonymous search statistics."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from uuid import UUID

from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from . import hot, normalize, resident
from .backends import FIELDS, get_backend
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

    def __post_init__(self) -> None:
        for word in self.related_words:
            if len(word) >= MIN_PREFIX_MATCH:
                self.by_start.setdefault(word[:MIN_PREFIX_MATCH], []).append(word)

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
        found = []
        for concept in self.concepts:
            if (
                concept.needs & need_codes
                or concept.single & present
                or any(all(w in present for w in p) for p in concept.related)
            ):
                found.extend(concept.words)
        return found


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


@transaction.atomic
def index_documents(
    docs: Iterable[IndexDocument],
    *,
    thesaurus: Thesaurus | None = None,
    replace: bool = True,
    known_terms: set[str] | None = None,
    builder: hot.Builder | None = None,
) -> int:
    """(Re)write documents in the caller's transaction.

    A bulk rebuild passes ``replace=False`` (the index is empty), one ``known_terms`` set for all its
    batches, so each vocabulary word is written once, and one ``builder`` that collects the bitmaps and
    postings (search/hot.py) and is written once at the end (``finish_rebuild``).
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
    field_tokens = [_tokens(d, thesaurus) for d in docs]
    # A rebuild numbers the documents 1, 2, 3 … itself: the bitmaps (search/hot.py) have a bit per id, and
    # with the database's ids, which never come back, every rebuild would make them longer.
    given = builder.take_ids(len(docs)) if builder is not None else None
    if backend.writes_with_documents:
        # The text index is a column of the document row: written with it, in one statement per batch.
        ids = backend.insert_documents(
            [
                (d.key, d.sort_name[:255], d.demoted, " ".join(d.tags), d.language[:8], tokens)
                for d, tokens in zip(docs, field_tokens, strict=True)
            ],
            given,
        )
    else:
        rows = Document.objects.bulk_create(
            [
                Document(
                    id=given[i] if given is not None else None,
                    key=d.key,
                    sort_name=d.sort_name[:255],
                    demoted=d.demoted,
                    tags=" ".join(d.tags),
                    language=d.language[:8],
                )
                for i, d in enumerate(docs)
            ],
            batch_size=500,
        )
        ids = [row.id for row in rows]
        backend.write(list(zip(ids, field_tokens, strict=True)))
    # Plain executemany: at a million documents, building model instances for these rows costs minutes.
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO search_documenttag (document_id, tag) VALUES (%s, %s)",
            [(doc_id, tag) for doc_id, d in zip(ids, docs, strict=True) for tag in set(d.tags)],
        )
        cursor.executemany(
            "INSERT INTO search_documentpoint (document_id, latitude, longitude) VALUES (%s, %s, %s)",
            [(doc_id, lat, lng) for doc_id, d in zip(ids, docs, strict=True) for lat, lng in set(d.points)],
        )
    term_impacts = [hot.impacts(tokens) for tokens in field_tokens]
    written = [
        (doc_id, found, _hot_tags(d.tags, d.demoted, d.language))
        for doc_id, d, found in zip(ids, docs, term_impacts, strict=True)
    ]
    if builder is not None:
        for doc_id, found, tags in written:
            builder.add(doc_id, found, tags)
    else:
        hot.add_documents(written)
    skip = known_terms if known_terms is not None else set()
    terms: dict[str, tuple[str, str]] = {}
    for d in docs:
        _collect_terms(d, terms, skip)
        if known_terms is not None:
            skip.update(text for values in d.fields.values() for text, _lang in values if len(text) < 200)
    Term.objects.bulk_create(
        [Term(term=t, display=display, language=lang) for t, (display, lang) in terms.items()],
        batch_size=2000,
        ignore_conflicts=True,
    )
    skip.update(terms)
    _index_changed()
    return len(docs)


@transaction.atomic
def remove_documents(keys: Iterable[UUID]) -> None:
    keys = list(keys)
    if not keys:
        return
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
    get_backend().prepare_bulk()
    get_backend().clear()
    hot.clear()
    DocumentTag.objects.all().delete()
    DocumentPoint.objects.all().delete()
    Document.objects.all().delete()
    Term.objects.all().delete()
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
