"""Normalisation: the same words for documents and queries, whatever the spelling."""

from helpnet.search import normalize


def test_fold_strips_diacritics_and_case() -> None:
    assert normalize.fold("DRUŽINI Čas Šola") == "druzini cas sola"


def test_fold_spells_danish_letters_as_on_keyboards_without_them() -> None:
    assert normalize.fold("Ældre øl på") == "aeldre oel paa"


def test_document_tokens_keep_surface_form_and_lemma() -> None:
    assert normalize.document_tokens("nasilja", "sl") == ("nasilja", "nasilje")


def test_document_tokens_fold_the_lemma_too() -> None:
    assert "druzina" in normalize.document_tokens("družini", "sl")


def test_query_alternatives_try_every_language() -> None:
    forms = normalize.query_alternatives("ryger", "sl")
    assert "ryge" in forms  # the Danish lemma, although the page is Slovenian


def test_query_without_diacritics_is_restored_to_a_known_word() -> None:
    assert "druzina" in normalize.query_alternatives("druzini", "sl")


def test_danish_query_without_danish_letters_is_restored() -> None:
    assert "gaeld" in normalize.query_alternatives("gald", "da")


def test_stop_words_are_dropped_from_queries() -> None:
    assert normalize.query_words("nasilje v družini") == ["nasilje", "družini"]


def test_a_query_of_stop_words_only_keeps_them() -> None:
    assert normalize.query_words("in v na") == ["in", "v", "na"]


def test_query_words_are_capped_in_number_and_length() -> None:
    words = normalize.query_words("a" * 100 + " " + "beseda " * 50)
    assert len(words) == normalize.MAX_QUERY_TOKENS
    assert all(len(w) <= normalize.MAX_TOKEN_LENGTH for w in words)


def test_normalized_query_is_the_same_for_spellings_of_one_query() -> None:
    assert normalize.normalized_query("Nasilje v DRUŽINI") == normalize.normalized_query("nasilje druzini")


def test_one_edit_variants_include_a_transposition() -> None:
    assert "depresija" in normalize.one_edit_variants("depersija")
