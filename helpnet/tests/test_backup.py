"""`helpnet backup` and `helpnet restore` round trip on the engine the tests run on (SQLite or PostgreSQL).

The demo world is committed (pg_dump reads through its own connection), backed up, restored into a second
database that the test creates and drops (pytest's own database is never overwritten under its open
connection), changed there, restored over again, and compared with the original: row counts of every table,
a few objects' fields, and the same search answers from the restored search index (in a separate process
whose DATABASE_URL points at the restored database).
"""

import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from helpnet.directory.queries import SearchParams, search_services
from helpnet.lib import backup

from .ops_world import current_row_counts, load_world, row_counts

pytestmark = pytest.mark.django_db(transaction=True)

SEARCHES: list[dict[str, Any]] = [
    {"q": "alkohol", "lang": "sl"},
    {"q": "rygestop", "lang": "da"},
    {"need": ["addiction"], "lang": "en"},
]

FIELDS = [
    "select id, name, description from directory_service order by id",
    "select username, password, email from accounts_user order by username",
    "select id, person_name, status, version from referrals_referral order by id",
]

SEARCH_SCRIPT = """
import json, os
from helpnet.directory.queries import SearchParams, search_services
searches = json.loads(os.environ["OPS_SEARCHES"])
print(json.dumps([sorted(str(s.pk) for s in search_services(SearchParams(
    **{k: tuple(v) if isinstance(v, list) else v for k, v in p.items()})).services) for p in searches]))
"""


def search_answers() -> list[list[str]]:
    return [
        sorted(
            str(s.pk)
            for s in search_services(
                SearchParams(**{k: tuple(v) if isinstance(v, list) else v for k, v in p.items()})
            ).services
        )
        for p in SEARCHES
    ]


class Target:
    """A second database of the same engine, created empty and dropped after the test."""

    def __init__(self, tmp_path: Path) -> None:
        self.vendor = connection.vendor
        settings = connection.settings_dict
        if self.vendor == "sqlite":
            self.name = str(tmp_path / "restored.sqlite3")
            self.url = f"sqlite:///{self.name}"
        else:
            self.name = f"{settings['NAME']}_restored"
            auth = settings["USER"] + (f":{settings['PASSWORD']}" if settings["PASSWORD"] else "")
            self.url = (
                f"postgres://{auth}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{self.name}"
            )
            self._admin(f'drop database if exists "{self.name}" with (force)')
            self._admin(f'create database "{self.name}"')

    def _admin(self, sql: str) -> None:
        with backup._pg_connect(connection.settings_dict, dbname="postgres") as conn:
            conn.execute(sql)

    def drop(self) -> None:
        if self.vendor == "postgresql":
            self._admin(f'drop database if exists "{self.name}" with (force)')

    def execute(self, *statements: str) -> None:
        if self.vendor == "sqlite":
            with sqlite3.connect(self.name) as conn:
                for sql in statements:
                    conn.execute(sql)
            conn.close()
        else:
            with backup._pg_connect(connection.settings_dict, dbname=self.name) as conn:
                for sql in statements:
                    conn.execute(sql)

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        if self.vendor == "sqlite":
            conn = sqlite3.connect(self.name)
            try:
                return [tuple(row) for row in conn.execute(sql).fetchall()]
            finally:
                conn.close()
        with backup._pg_connect(connection.settings_dict, dbname=self.name) as conn:
            return [tuple(row) for row in conn.execute(sql).fetchall()]

    def row_counts(self) -> dict[str, int]:
        if self.vendor == "sqlite":
            conn = sqlite3.connect(self.name)
            try:
                return row_counts(conn.cursor(), "sqlite")
            finally:
                conn.close()
        with backup._pg_connect(connection.settings_dict, dbname=self.name) as conn:
            return row_counts(conn.cursor(), "postgresql")

    def search_answers(self) -> list[list[str]]:
        env = {**os.environ, "DATABASE_URL": self.url, "OPS_SEARCHES": json.dumps(SEARCHES)}
        result = subprocess.run(  # noqa: S603
            [sys.executable, "-m", "helpnet", "shell", "-c", SEARCH_SCRIPT],
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture
def target(tmp_path: Path) -> Iterator[Target]:
    database = Target(tmp_path)
    yield database
    database.drop()


def own_rows(sql: str) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return as_text(cursor.fetchall())


def as_text(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    return [tuple(str(v) if not isinstance(v, int | str) else v for v in row) for row in rows]


def normalised_ids(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    # SQLite keeps UUIDs as 32 hex digits, PostgreSQL as uuid: compare without hyphens.
    return [tuple(v.replace("-", "") if isinstance(v, str) and len(v) == 36 else v for v in r) for r in rows]


def test_a_backup_restores_every_row_and_a_working_search_index(tmp_path, target):
    load_world()
    counts = current_row_counts()
    fields = {sql: normalised_ids(own_rows(sql)) for sql in FIELDS}
    answers = search_answers()
    assert all(answers), "each search finds demo services, so the comparison means something"
    assert counts["referrals_referral"] > 0 and counts["directory_service"] > 0

    archive = tmp_path / "helpnet.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    assert archive.stat().st_mode & 0o077 == 0, "the archive holds personal data: owner-only"

    call_command("restore", str(archive), "--database-url", target.url, stdout=io.StringIO())
    # Change and delete data in the restored copy, then restore over it.
    target.execute(
        "delete from search_thesaurusentry",
        "update directory_service set name = 'changed'",
        "update accounts_user set email = 'changed@example.org'",
    )
    assert target.query("select count(*) from search_thesaurusentry") == [(0,)]
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(archive), "--database-url", target.url)
    call_command("restore", str(archive), "--database-url", target.url, "--yes", stdout=io.StringIO())

    assert target.row_counts() == counts
    for sql, expected in fields.items():
        assert normalised_ids(as_text(target.query(sql))) == expected, sql
    assert target.search_answers() == answers


def rewrite(
    archive: Path, out: Path, *, manifest: dict[str, Any] | None = None, damage: bool = False
) -> Path:
    """Copy an archive with an edited manifest, or with its database file changed after the checksum."""
    with tarfile.open(archive, "r:gz") as source, tarfile.open(out, "w:gz") as copy:
        for member in source.getmembers():
            data = source.extractfile(member).read()  # type: ignore[union-attr]
            if member.name == backup.MANIFEST and manifest is not None:
                data = json.dumps({**json.loads(data), **manifest}).encode()
            elif member.name != backup.MANIFEST and damage:
                data = data[:-1] + bytes([data[-1] ^ 0xFF])
            member.size = len(data)
            copy.addfile(member, io.BytesIO(data))
    return out


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    path, _manifest = backup.create_backup(tmp_path / "made.tar.gz")
    return path


def test_restore_refuses_a_damaged_archive(archive, tmp_path, target):
    damaged = rewrite(archive, tmp_path / "damaged.tar.gz", damage=True)
    with pytest.raises(CommandError, match="Checksum mismatch"):
        call_command("restore", str(damaged), "--database-url", target.url, "--yes")
    assert target.row_counts() == {}


def test_restore_refuses_a_backup_of_another_engine(archive, tmp_path, target):
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    moved = rewrite(archive, tmp_path / "other.tar.gz", manifest={"engine": other})
    with pytest.raises(CommandError, match=f"backup is of a {other} database"):
        call_command("restore", str(moved), "--database-url", target.url, "--yes")


def test_restore_refuses_a_backup_made_by_newer_code(archive, tmp_path, target):
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile(backup.MANIFEST).read())  # type: ignore[union-attr]
    newer = rewrite(
        archive,
        tmp_path / "newer.tar.gz",
        manifest={"migrations": [*manifest["migrations"], "referrals.9999_from_the_future"]},
    )
    with pytest.raises(CommandError, match=r"newer helpnet .*referrals\.9999_from_the_future"):
        call_command("restore", str(newer), "--database-url", target.url, "--yes")


def test_the_manifest_records_engine_migrations_and_checksums(archive):
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile(backup.MANIFEST).read())  # type: ignore[union-attr]
    assert manifest["engine"] == connection.vendor
    assert "referrals.0001_initial" in manifest["migrations"]
    assert set(manifest["files"]) == set(names) - {backup.MANIFEST}
    assert all(len(digest) == 64 for digest in manifest["files"].values())


def test_media_files_travel_with_the_database(settings, tmp_path, target):
    media = tmp_path / "media"
    (media / "plans").mkdir(parents=True)
    (media / "plans" / "report.pdf").write_bytes(b"%PDF-1.4 a report")
    settings.MEDIA_ROOT = str(media)
    archive, manifest = backup.create_backup(tmp_path / "with-media.tar.gz")
    assert "media/plans/report.pdf" in manifest.files
    (media / "plans" / "report.pdf").unlink()
    call_command("restore", str(archive), "--database-url", target.url, stdout=io.StringIO())
    assert (media / "plans" / "report.pdf").read_bytes() == b"%PDF-1.4 a report"
