"""Full-text backends: one interface, chosen by the database engine of the default connection."""

from typing import Any, Protocol

from django.db import connection

# Field order is also weight order: name > terms > description > organisation > eligibility.
FIELDS: tuple[str, ...] = ("name", "terms", "description", "organization", "eligibility")

# One query word = a group of alternative index forms; a form may be a prefix.
Alternative = tuple[str, bool]
Groups = list[list[Alternative]]


class Backend(Protocol):
    def create(self) -> None: ...

    search_settings: bool  # whether prepare_search has anything to set (it then needs a transaction)

    def prepare_search(self) -> None:
        """Per-transaction planner settings for the search statements (called inside an atomic block)."""
        ...

    def prepare_bulk(self) -> None:
        """Tune the connection for a rebuild of the whole index."""
        ...

    def text(self, fields: dict[str, list[str]]) -> Any:
        """What the text index stores of a document's field tokens (no database: a rebuild computes it in a
        second process)."""
        ...

    def write(self, rows: list[tuple[int, Any]]) -> None:
        """Write documents' texts (from text()) to the text index."""
        ...

    writes_with_documents: bool  # whether insert_documents writes the text index with the rows

    def insert_documents(
        self, rows: list[tuple[Any, str, bool, str, str, Any]], ids: list[int] | None = None
    ) -> list[int]:
        """Insert search_document rows (key, sort_name, demoted, tags, language, text from text()) with their
        text index, with the given ids or new ones; their ids in the same order."""
        ...

    def delete(self, doc_ids: list[int]) -> None: ...

    def after_rebuild(self) -> None:
        """After a rebuild that numbered its documents from 1: new documents are numbered after them."""
        ...

    def clear(self) -> None: ...

    def id_list(self, ids: list[int]) -> tuple[str, list[Any]]:
        """(SQL selecting the ids, params): a long list of ids as a single parameter."""
        ...

    def match(self, groups: Groups, *, every: bool = False) -> tuple[str, str, list[Any]]:
        """(FROM clause joining search_document as d, WHERE condition, params) plus score via score_sql."""
        ...

    score_sql: str


def safe_token(token: str) -> str:
    """Only letters and digits reach a query string, so no token can carry query syntax."""
    return "".join(ch for ch in token if ch.isalnum())


def get_backend() -> Backend:
    if connection.vendor == "postgresql":
        from .postgres_fts import PostgresBackend

        return PostgresBackend()
    from .sqlite_fts5 import SqliteBackend

    return SqliteBackend()
