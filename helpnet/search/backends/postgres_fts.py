"""PostgreSQL: a tsvector column on search_document with a GIN index, built from our own tokens.

The lexemes are given verbatim (a tsvector literal), which is the 'simple' configuration without its parser:
both backends index exactly the tokens of search.normalize. PostgreSQL has four weights, so organisation and
eligibility share the lowest one.
"""

from typing import Any

from django.db import connection

from . import FIELDS, Groups, insert_rows, safe_token

WEIGHT_LETTERS = {"name": "A", "terms": "B", "description": "C", "organization": "D", "eligibility": "D"}
# ts_rank weights in {D, C, B, A} order.
RANK_WEIGHTS = "{0.1, 0.3, 0.6, 1.0}"


def tsquery_expression(groups: Groups, *, every: bool = False) -> str:
    parts = []
    for group in groups:
        alternatives = []
        for token, prefix in group:
            clean = safe_token(token)
            if clean:
                alternatives.append(f"'{clean}'" + (":*" if prefix else ""))
        if alternatives:
            parts.append("(" + " | ".join(alternatives) + ")")
    return (" & " if every else " | ").join(parts)


MAX_POSITION = 16383  # PostgreSQL's largest tsvector position
MAX_POSITIONS_PER_LEXEME = 255


def vector(fields: dict[str, list[str]]) -> str:
    """The tsvector's text form, with positions: PostgreSQL keeps weights only on positions."""
    positions: dict[str, list[str]] = {}
    position = 0
    for name in FIELDS:
        letter = WEIGHT_LETTERS[name]
        for token in fields.get(name, []):
            clean = token if token.isalnum() else safe_token(token)
            if not clean:
                continue
            if position < MAX_POSITION:
                position += 1
            found = positions.get(clean)
            if found is None:
                positions[clean] = [f"{position}{letter}"]
            elif len(found) < MAX_POSITIONS_PER_LEXEME:
                found.append(f"{position}{letter}")
    return " ".join(f"'{lexeme}':{','.join(pos)}" for lexeme, pos in positions.items())


class PostgresBackend:
    score_sql = f"ts_rank('{RANK_WEIGHTS}', d.vector, tq.q)"

    def create(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE search_document ADD COLUMN IF NOT EXISTS vector tsvector")
            cursor.execute(
                "CREATE INDEX IF NOT EXISTS search_document_vector ON search_document USING gin (vector)"
            )

    search_settings = True

    def prepare_search(self) -> None:
        # The planner prices "vector @@ query" on a sequential scan as cheap, but every row's vector is
        # TOASTed and must be decompressed: at 100 000 services a common word took 800 ms that way
        # and 66 ms through the GIN index. SET LOCAL ends with the search's own transaction.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")

    def prepare_bulk(self) -> None:
        # The GIN index gathers new entries in its pending list and sorts them in when the list is full: a
        # larger list for the rebuild's transaction means fewer, larger merges (emptied in after_rebuild).
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL gin_pending_list_limit = '256MB'")

    def text(self, fields: dict[str, list[str]]) -> str:
        return vector(fields)

    def write(self, rows: list[tuple[int, Any]]) -> None:
        if not rows:
            return
        with connection.cursor() as cursor:
            cursor.executemany(
                "UPDATE search_document SET vector = %s::tsvector WHERE id = %s",
                [(literal, doc_id) for doc_id, literal in rows],
            )

    writes_with_documents = True

    def insert_documents(
        self, rows: list[tuple[Any, str, bool, str, str, Any]], ids: list[int] | None = None
    ) -> list[int]:
        """One INSERT of arrays per thousand documents, the vector in the row: not a row then an UPDATE of
        it (two versions of every row, and a statement per document)."""
        if ids is not None:
            # A rebuild's ids are known: COPY, and the server parses each vector from its text.
            insert_rows(
                "search_document",
                {"id": "int8", "key": "uuid", "sort_name": "text", "demoted": "bool", "tags": "text",
                 "language": "text", "vector": "tsvector"},
                [(doc_id, *row) for doc_id, row in zip(ids, rows, strict=True)],
            )  # fmt: skip
            return list(ids)
        found: list[int] = []
        with connection.cursor() as cursor:
            for start in range(0, len(rows), 1000):
                chunk = rows[start : start + 1000]
                vectors = [row[5] for row in chunk]
                given: list[int | None] = (
                    list(ids[start : start + 1000]) if ids is not None else [None] * len(chunk)
                )
                cursor.execute(
                    "INSERT INTO search_document "
                    "(id, key, sort_name, demoted, tags, language, vector) "
                    "SELECT coalesce(i, nextval(pg_get_serial_sequence('search_document', 'id'))), "
                    "k, s, d, t, l, v::tsvector FROM unnest("
                    "%s::integer[], %s::uuid[], %s::text[], %s::boolean[], %s::text[], %s::text[], %s::text[]"
                    ") AS u(i, k, s, d, t, l, v) RETURNING key, id",
                    [
                        given,
                        [row[0] for row in chunk],
                        [row[1] for row in chunk],
                        [row[2] for row in chunk],
                        [row[3] for row in chunk],
                        [row[4] for row in chunk],
                        vectors,
                    ],
                )
                by_key = {str(key): doc_id for key, doc_id in cursor.fetchall()}
                found.extend(by_key[str(row[0])] for row in chunk)
        return found

    def after_rebuild(self) -> None:
        """The sequence only ever moves up (setval is not rolled back with the transaction): to the rebuild's
        last id when the rebuild numbered past it, else it stays, and documents added later follow it."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT gin_clean_pending_list('search_document_vector'::regclass)")
            cursor.execute("SELECT pg_get_serial_sequence('search_document', 'id')")
            sequence = cursor.fetchone()[0]
            cursor.execute(
                "SELECT setval(%s, GREATEST((SELECT coalesce(max(id), 0) FROM search_document), "  # noqa: S608 - a catalogue name
                f"(SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM {sequence}), 1))",
                [sequence],
            )

    def delete(self, doc_ids: list[int]) -> None:
        """The vector lives on the document row, which the caller deletes."""

    def id_list(self, ids: list[int]) -> tuple[str, list[Any]]:
        """SQL for a long list of ids as one parameter (an array)."""
        return "SELECT unnest(%s::int[])", [ids]

    def clear(self) -> None:
        """As delete: nothing outside search_document."""

    def match(self, groups: Groups, *, every: bool = False) -> tuple[str, str, list[Any]]:
        expression = tsquery_expression(groups, every=every)
        return ("search_document d CROSS JOIN (SELECT %s::tsquery AS q) tq", "d.vector @@ tq.q", [expression])
