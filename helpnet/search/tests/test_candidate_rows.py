"""What ranking reads of a page's candidates is the same on both backends and the same as the index holds."""

import importlib
import uuid

import pytest
from django.db import connection

from helpnet.search.actions import IndexDocument, index_documents
from helpnet.search.backends import get_backend
from helpnet.search.models import Document

pytestmark = pytest.mark.django_db

FIELDS = {
    "name": [("Svetovalnica za alkohol in alkoholizem", "sl")],
    "description": [("Alkohol, pomoč, svetovanje, alkohol in družina. " * 3, "sl")],
    "organization": [("Društvo Alkohol", "sl")],
    "eligibility": [("Odrasli in njihove družine", "sl")],
}


def _indexed() -> int:
    key = uuid.uuid4()
    index_documents([IndexDocument(key=key, fields=FIELDS, language="sl")])
    return Document.objects.get(key=key).pk


def test_field_lengths_and_counts_of_a_candidate() -> None:
    doc_id = _indexed()
    [row] = get_backend().candidate_rows([doc_id], ["alkohol", "druzina", "nothing"])
    _id, _key, _demoted, language, _sort, lengths, counts = row
    assert language == "sl"
    assert lengths[0] > 0 and lengths[2] > lengths[0]  # the name is shorter than the description
    assert counts["alkohol"][0] >= 1  # in the name
    assert counts["alkohol"][2] >= 6  # three times per repeated description
    assert "nothing" not in counts or counts["nothing"] == [0, 0, 0, 0, 0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the stored lengths are PostgreSQL's")
def test_stored_field_lengths_are_the_vectors_own_counts() -> None:
    """The lengths written with a document (Python) equal those the migration reads out of its vector (SQL)."""
    doc_id = _indexed()
    with connection.cursor() as cursor:
        cursor.execute("SELECT field_lengths FROM search_document WHERE id = %s", [doc_id])
        written = cursor.fetchone()[0]
        migration = importlib.import_module("helpnet.search.migrations.0008_postgres_field_lengths")
        cursor.execute("UPDATE search_document SET field_lengths = NULL WHERE id = %s", [doc_id])
        cursor.execute(migration.LENGTHS_FROM_VECTOR + " AND id = %s", [doc_id])
        cursor.execute("SELECT field_lengths FROM search_document WHERE id = %s", [doc_id])
        from_vector = cursor.fetchone()[0]
    assert written == from_vector
    assert sum(written) > 0
