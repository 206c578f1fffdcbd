"""SQLite FTS5: one row per document (rowid = search_document.id), ranked by bm25 with field weights."""

import json
from typing import Any

from django.db import connection

from . import FIELDS, Groups, safe_token

TABLE = "search_fts"
WEIGHTS = (10.0, 6.0, 3.0, 1.5, 1.0)


def match_expression(groups: Groups, *, every: bool = False) -> str:
    """An FTS5 query that is valid whatever the input: every token is a quoted string, groups are ORed
    (or ANDed with ``every``)."""
    parts = []
    for group in groups:
        alternatives = []
        for token, prefix in group:
            clean = safe_token(token)
            if clean:
                alternatives.append(f'"{clean}"' + (" *" if prefix else ""))
        if alternatives:
            parts.append("(" + " OR ".join(alternatives) + ")")
    return (" AND " if every else " OR ").join(parts)


class SqliteBackend:
    score_sql = f"(-bm25({TABLE}, {', '.join(str(w) for w in WEIGHTS)}))"

    def create(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5({', '.join(FIELDS)}, "
                "tokenize = 'unicode61 remove_diacritics 2')"
            )

    search_settings = False

    def prepare_search(self) -> None:
        """FTS5 is always the access path on SQLite."""

    def prepare_bulk(self) -> None:
        # A rebuild touches every page of the FTS and tag b-trees; the 2 MB default cache thrashes. FTS5 merges
        # its segments once at the end (after_rebuild) rather than after every few inserts: 40 % faster.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -131072")
            cursor.execute(f"INSERT INTO {TABLE}({TABLE}, rank) VALUES ('automerge', 0)")  # noqa: S608 - constant

    def text(self, fields: dict[str, list[str]]) -> tuple[str, ...]:
        return tuple(" ".join(fields.get(f, [])) for f in FIELDS)

    def write(self, rows: list[tuple[int, Any]]) -> None:
        if not rows:
            return
        placeholders = ", ".join(["%s"] * (len(FIELDS) + 1))
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {TABLE} (rowid, {', '.join(FIELDS)}) VALUES ({placeholders})",  # noqa: S608 - constants only
                [(doc_id, *texts) for doc_id, texts in rows],
            )

    writes_with_documents = False  # the FTS5 table is written after the rows (write)

    def insert_documents(
        self, rows: list[tuple[Any, str, bool, str, str, Any]], ids: list[int] | None = None
    ) -> list[int]:
        raise NotImplementedError

    def after_rebuild(self) -> None:
        # AUTOINCREMENT keeps the largest id ever used: back to the rebuild's last one, in its transaction.
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {TABLE}({TABLE}) VALUES ('optimize')")  # noqa: S608 - constant
            cursor.execute(f"INSERT INTO {TABLE}({TABLE}, rank) VALUES ('automerge', 4)")  # noqa: S608 - constant
            cursor.execute(
                "UPDATE sqlite_sequence SET seq = (SELECT coalesce(max(id), 0) FROM search_document) "
                "WHERE name = 'search_document'"
            )

    def delete(self, doc_ids: list[int]) -> None:
        if not doc_ids:
            return
        with connection.cursor() as cursor:
            for start in range(0, len(doc_ids), 500):
                chunk = doc_ids[start : start + 500]
                cursor.execute(
                    f"DELETE FROM {TABLE} WHERE rowid IN ({', '.join(['%s'] * len(chunk))})",  # noqa: S608 - placeholders only
                    chunk,
                )

    def id_list(self, ids: list[int]) -> tuple[str, list[Any]]:
        """SQL for a long list of ids as one parameter (a JSON array)."""
        return "SELECT value FROM json_each(%s)", [json.dumps(ids)]

    def clear(self) -> None:
        # Dropped and made anew rather than emptied row by row (DDL is transactional in SQLite).
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")
        self.create()

    def match(self, groups: Groups, *, every: bool = False) -> tuple[str, str, list[Any]]:
        expression = match_expression(groups, every=every)
        return (
            f"{TABLE} JOIN search_document d ON d.id = {TABLE}.rowid",
            f"{TABLE} MATCH %s",
            [expression],
        )
