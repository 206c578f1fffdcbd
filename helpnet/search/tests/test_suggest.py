"""Suggestions as the user types: indexed words by prefix, diacritics optional."""

import uuid

import pytest

from helpnet.search.actions import IndexDocument, index_documents
from helpnet.search.queries import suggest

pytestmark = pytest.mark.django_db


def index(text: str, lang: str = "sl") -> None:
    index_documents([IndexDocument(key=uuid.uuid4(), fields={"description": [(text, lang)]})])


def test_suggest_completes_a_prefix_with_indexed_words() -> None:
    index("Svetovanje o alkoholu in alkoholizmu")
    assert "alkoholu" in suggest("alko", "sl")


def test_suggest_ignores_missing_diacritics_and_shows_them() -> None:
    index("Pomoč družinam")
    assert "družinam" in suggest("druz", "sl")


def test_suggest_uses_only_the_last_word() -> None:
    index("Nasilje v družini")
    assert "nasilje" in suggest("pomoč nasi", "sl")


def test_suggest_prefers_the_page_language() -> None:
    index("alkoholbehandling", "da")
    index("alkoholizem", "sl")
    assert suggest("alkohol", "da")[0] == "alkoholbehandling"


def test_suggest_needs_two_letters() -> None:
    index("abc")
    assert suggest("a", "sl") == []
