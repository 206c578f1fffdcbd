"""Text normalisation shared by documents and queries: one function decides what a "word" is.

Every token is lower-cased and folded to plain letters (``družini`` → ``druzini``, ``ældre`` → ``aeldre``), and
both the surface form and its simplemma lemma are kept: Slovenian inflects heavily and PostgreSQL has no
Slovenian stemmer, so the lemma is what makes ``nasilja`` find ``nasilje``; the surface form keeps exact words
(names, towns) findable when the lemmatiser does not know them.
"""

import functools
import itertools
import re
import unicodedata
from collections.abc import Iterable

import simplemma

LANGS: tuple[str, ...] = ("sl", "da", "en")
# simplemma's dictionaries read in place rather than as Python dicts: the same lemmas, 128 -> ~40 MB in every
# web process for the three languages (the lemma caches below absorb the slower lookups).
LOW_MEMORY = True
MAX_TOKEN_LENGTH = 40
MAX_QUERY_TOKENS = 12

# Letters NFKD does not decompose (or decomposes to a lossy single letter); Danish keyboards-less spelling
# (æ → ae, ø → oe, å → aa) is the official fallback, so a query typed on any keyboard meets the document.
_SPECIAL = str.maketrans(
    {"æ": "ae", "ø": "oe", "å": "aa", "ß": "ss", "đ": "d", "ł": "l", "œ": "oe", "ı": "i"}
)
_WORD = re.compile(r"[^\W_]+")

# Query-side stop words only: documents keep every word, queries drop the glue that would otherwise
# match nearly every service ("v", "i", "og", "the").
STOP_WORDS: frozenset[str] = frozenset(
    """
    a ali in ob od do na po pri pred za z s v k h iz je sem si smo so ste bi bo bom bil bila bilo
    ki da ne pa se sebe kaj kje kdo kako ko tudi še ter to ta te ti tem ga mu mi me moj moja moje
    nas vas jih njen njega njej sva sta vsi vse le ker kot zelo
    og i at er en et den det de der som til af på med for om har var jeg du han hun vi min mit mine
    sin sit sine ikke kan skal vil eller men fra ved hvad hvor hvem hos mig dig sig os jer
    the an and or of to in on at by for from with is are was were be been i you he she it we they my
    your our his her me us what where who how do does can need some any this that these those
    """.split()  # noqa: SIM905 - a word list reads better as text
)


@functools.lru_cache(maxsize=500_000)
def fold(text: str) -> str:
    """Lower-case and strip diacritics; the index and the queries only ever see folded text."""
    text = text.casefold().translate(_SPECIAL)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@functools.lru_cache(maxsize=100_000)
def words(text: str) -> tuple[str, ...]:
    """Lower-case words (diacritics kept, so the lemmatiser can recognise them)."""
    return tuple(w[:MAX_TOKEN_LENGTH] for w in _WORD.findall(text.casefold()))


@functools.lru_cache(maxsize=200_000)
def raw_lemma(word: str, lang: str) -> str:
    """The lower-case lemma of a lower-case word in ``lang``, diacritics kept (the word when unknown)."""
    if lang not in LANGS or word.isdigit():
        return word
    try:
        return str(simplemma.lemmatize(word, lang=lang, low_memory=LOW_MEMORY)).casefold()
    except (ValueError, KeyError):  # simplemma refuses some odd inputs; the surface form is enough then
        return word


@functools.lru_cache(maxsize=200_000)
def lemma(word: str, lang: str) -> str:
    """The folded lemma of a lower-case word in ``lang`` (the folded word itself when unknown)."""
    return fold(raw_lemma(word, lang))


@functools.lru_cache(maxsize=50_000)
def is_known(word: str, lang: str) -> bool:
    try:
        return bool(simplemma.is_known(word, lang=lang, low_memory=LOW_MEMORY))
    except (ValueError, KeyError):
        return False


@functools.lru_cache(maxsize=500_000)
def word_forms(word: str, lang: str) -> tuple[str, ...]:
    """The folded surface form of a word and, when different, its folded lemma."""
    surface = fold(word)
    base = lemma(word, lang)
    return (surface,) if base == surface else (surface, base)


@functools.lru_cache(maxsize=100_000)
def document_tokens(text: str, lang: str) -> tuple[str, ...]:
    """Folded surface forms and their lemmas, in order, for the index."""
    return tuple(form for word in words(text) for form in word_forms(word, lang))


@functools.lru_cache(maxsize=500_000)
def vocabulary_forms(word: str, lang: str) -> tuple[tuple[str, str], ...]:
    """(folded, display) of a word and of its lemma, for the vocabulary of typo correction and suggestions."""
    if word.isdigit():
        return ()
    forms = {fold(form): form for form in (word, raw_lemma(word, lang))}
    return tuple((folded, display) for folded, display in forms.items() if 3 <= len(folded) <= 64)


# Letters people leave out when typing without diacritics, per language (plain → possible originals).
_RESTORE: dict[str, dict[str, tuple[str, ...]]] = {
    "sl": {"c": ("č", "ć"), "s": ("š",), "z": ("ž",)},
    "da": {"a": ("æ", "å"), "o": ("ø",)},
}
_MAX_RESTORE_POSITIONS = 5


def restorations(word: str, lang: str) -> list[str]:
    """Spellings with diacritics that the lemmatiser knows, for a word typed without them."""
    table = _RESTORE.get(lang)
    if not table:
        return []
    positions = [i for i, ch in enumerate(word) if ch in table][:_MAX_RESTORE_POSITIONS]
    if not positions:
        return []
    found = []
    choices = [(word[i], *table[word[i]]) for i in positions]
    for combo in itertools.product(*choices):
        if all(a == b for a, b in zip(combo, (word[i] for i in positions), strict=True)):
            continue
        chars = list(word)
        for i, ch in zip(positions, combo, strict=True):
            chars[i] = ch
        candidate = "".join(chars)
        if is_known(candidate, lang):
            found.append(candidate)
    return found


def query_words(text: str) -> list[str]:
    """The meaningful words of a query: stop words dropped (unless nothing else is left), capped in number."""
    all_words = list(words(text))
    kept = [w for w in all_words if fold(w) not in STOP_WORDS]
    return (kept or all_words)[:MAX_QUERY_TOKENS]


def query_alternatives(word: str, lang: str) -> list[str]:
    """Every folded form a query word may take in the index: itself and its lemma in each language.

    The query's language is not known, so all three lemmatisers are tried; the page's language goes first
    so that, where the caller keeps only a few alternatives, its reading wins.
    """
    order = (lang, *(other for other in LANGS if other != lang)) if lang in LANGS else LANGS
    forms = [fold(word)]
    for code in order:
        forms.append(lemma(word, code))
    if not any(is_known(word, code) for code in order):
        for code in order:
            for restored in restorations(word, code):
                forms.append(fold(restored))
                forms.append(lemma(restored, code))
    return list(dict.fromkeys(f for f in forms if f))


def normalized_query(text: str) -> str:
    """A stable, language-neutral key for statistics: folded meaningful words, in order."""
    return " ".join(fold(w) for w in query_words(text))[:200]


def one_edit_variants(word: str, alphabet: Iterable[str] = "abcdefghijklmnopqrstuvwxyz") -> set[str]:
    """All strings one deletion, transposition, substitution or insertion away (Norvig's edits1)."""
    letters = tuple(alphabet)
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    transposes = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    replaces = {a + c + b[1:] for a, b in splits if b for c in letters}
    inserts = {a + c + b for a, b in splits for c in letters}
    return (deletes | transposes | replaces | inserts) - {word}
