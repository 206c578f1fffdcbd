"""Full-text backends: one interface, chosen by the database engine of the default connection."""

from collections.abc import Sequence
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


# PostgreSQL types COPY can send in binary (psycopg's names); others go as text, which the server parses.
_BINARY_COPY = {"int4", "int8", "float8", "bool", "text", "bytea", "uuid"}


def insert_rows(table: str, columns: dict[str, str], rows: Sequence[Sequence[Any]]) -> None:
    """INSERT many rows into ``table``; ``columns`` maps each column to its PostgreSQL type (psycopg's name).

    On PostgreSQL by COPY: psycopg's executemany sends a statement per row (700 000 of them in a rebuild of
    100 000 services, 48 s), and arrays as parameters are quoted as text by the client (9 s). SQLite's
    executemany is one prepared statement already.
    """
    if not rows:
        return
    names = ", ".join(columns)
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)  # noqa: S608 - our names
            return
        binary = set(columns.values()) <= _BINARY_COPY
        sql = f"COPY {table} ({names}) FROM STDIN" + (" (FORMAT BINARY)" if binary else "")
        with cursor.cursor.copy(sql) as copy:
            if binary:
                copy.set_types(list(columns.values()))
            for row in rows:
                copy.write_row(row)


def safe_token(token: str) -> str:
    """Only letters and digits reach a query string, so no token can carry query syntax."""
    return "".join(ch for ch in token if ch.isalnum())


def get_backend() -> Backend:
    if connection.vendor == "postgresql":
        from .postgres_fts import PostgresBackend

        return PostgresBackend()
    from .sqlite_fts5 import SqliteBackend

    return SqliteBackend()
