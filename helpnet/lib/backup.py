"""Backup and restore of one installation: the database and uploaded files, in one archive with a manifest.

An archive is a ``.tar.gz`` holding

- ``manifest.json``: format, helpnet version, engine, the applied migrations, when it was made, and the SHA-256
  of every other member;
- ``database.sqlite3`` (SQLite, copied with sqlite3's online backup API, so it is consistent while the app
  runs) or ``database.pgdump`` (PostgreSQL, ``pg_dump --format=custom``);
- ``media/…``: the files under MEDIA_ROOT, when the installation has any.

Restoring checks the checksums, refuses an archive of another engine or one made by newer code (migrations
this code does not know), and refuses to overwrite a database that has tables unless told to. PostgreSQL is
restored with ``pg_restore --clean --if-exists --single-transaction``: all or nothing. The password goes to
pg_dump and pg_restore in PGPASSWORD, never on the command line. The archive holds personal data (referrals):
it is written readable by its owner only.
"""

import datetime as dt
import hashlib
import importlib.metadata
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
MEDIA_DIR = "media"
ENGINES = {"django.db.backends.sqlite3": "sqlite", "django.db.backends.postgresql": "postgresql"}


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


@dataclass(frozen=True)
class Manifest:
    engine: str
    created_at: str
    helpnet_version: str
    migrations: list[str]
    files: dict[str, str]  # member name -> sha256
    format: int = FORMAT

    def to_json(self) -> str:
        return json.dumps(self.__dict__, indent=2, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> "Manifest":
        data = json.loads(text)
        if data.get("format") != FORMAT:
            raise BackupError(f"Unknown backup format {data.get('format')!r} (this helpnet reads {FORMAT}).")
        return cls(
            engine=data["engine"],
            created_at=data["created_at"],
            helpnet_version=data["helpnet_version"],
            migrations=list(data["migrations"]),
            files=dict(data["files"]),
        )


def engine_of(database: Mapping[str, Any]) -> str:
    try:
        return ENGINES[database["ENGINE"]]
    except KeyError:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {database['ENGINE']}.") from None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _version() -> str:
    try:
        return importlib.metadata.version("helpnet")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def known_migrations() -> set[str]:
    """Every migration this code ships, as "app.name"."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return {f"{app}.{name}" for app, name in loader.disk_migrations}


# --- PostgreSQL tools -------------------------------------------------------------------------------------


def _pg_env(database: Mapping[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = str(database["PASSWORD"])
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if database.get(key):
            env[variable] = str(database[key])
    sslmode = (database.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = str(sslmode)
    return env


def _pg_major(tool: str) -> int:
    try:
        output = subprocess.run([tool, "--version"], capture_output=True, text=True, check=True).stdout  # noqa: S603
    except FileNotFoundError:
        raise BackupError(f"{tool} is not installed (Debian: apt-get install postgresql-client).") from None
    match = re.search(r"(\d+)(?:\.\d+)?", output)
    if not match:
        raise BackupError(f"Cannot read the version of {tool}: {output!r}")
    return int(match.group(1))


def _pg_connect(database: Mapping[str, Any], dbname: str | None = None) -> Any:
    import psycopg

    return psycopg.connect(
        dbname=dbname or database["NAME"],
        host=database.get("HOST") or None,
        port=database.get("PORT") or None,
        user=database.get("USER") or None,
        password=database.get("PASSWORD") or None,
        autocommit=True,
    )


def _check_pg_tool(tool: str, database: Mapping[str, Any]) -> None:
    with _pg_connect(database) as conn:
        server = int(conn.info.server_version) // 10000
    client = _pg_major(tool)
    if client < server:
        raise BackupError(
            f"{tool} is version {client} but the server runs PostgreSQL {server}: install the client tools "
            f"of version {server} or newer (postgresql-client-{server})."
        )


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603  (no shell)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed ({result.returncode}): {result.stderr.strip()}")


# --- backup -------------------------------------------------------------------------------------------------


def _dump_sqlite(alias: str, target: Path) -> None:
    connection = connections[alias]
    connection.ensure_connection()
    destination = sqlite3.connect(target)
    try:
        # The online backup API copies a consistent snapshot while others keep reading and writing.
        connection.connection.backup(destination)
    finally:
        destination.close()


def _dump_postgresql(database: Mapping[str, Any], target: Path) -> None:
    _check_pg_tool("pg_dump", database)
    _run(
        ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={target}", database["NAME"]],
        _pg_env(database),
    )


def _media_root() -> Path | None:
    root = getattr(settings, "MEDIA_ROOT", "")
    if not root:
        return None
    path = Path(root)
    return path if path.is_dir() else None


def default_name(engine: str, now: dt.datetime | None = None) -> str:
    now = now or dt.datetime.now(dt.UTC)
    return f"helpnet-{engine}-{now:%Y%m%d-%H%M%S}.tar.gz"


def create_backup(destination: Path, *, alias: str = "default") -> tuple[Path, Manifest]:
    """Write the archive; ``destination`` is a file name or an existing directory (a dated name is chosen)."""
    database = connections[alias].settings_dict
    engine = engine_of(database)
    if destination.is_dir():
        destination = destination / default_name(engine)
    recorder = MigrationRecorder(connections[alias])
    migrations = sorted(f"{app}.{name}" for app, name in recorder.applied_migrations())
    created_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    with tempfile.TemporaryDirectory(prefix="helpnet-backup-") as work:
        folder = Path(work)
        members: list[str] = []
        if engine == "sqlite":
            _dump_sqlite(alias, folder / SQLITE_FILE)
            members.append(SQLITE_FILE)
        else:
            _dump_postgresql(database, folder / PG_FILE)
            members.append(PG_FILE)
        media = _media_root()
        if media is not None:
            shutil.copytree(media, folder / MEDIA_DIR, symlinks=False)
            members += sorted(
                p.relative_to(folder).as_posix() for p in (folder / MEDIA_DIR).rglob("*") if p.is_file()
            )
        manifest = Manifest(
            engine=engine,
            created_at=created_at,
            helpnet_version=_version(),
            migrations=migrations,
            files={name: _sha256(folder / name) for name in members},
        )
        (folder / MANIFEST).write_text(manifest.to_json(), encoding="utf-8")
        partial = destination.with_name(destination.name + ".partial")
        # Readable by its owner only: the archive holds personal data.
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as archive:
            for name in [MANIFEST, *members]:
                archive.add(folder / name, arcname=name, recursive=False)
        partial.replace(destination)
    return destination, manifest


# --- restore ------------------------------------------------------------------------------------------------


@contextmanager
def unpacked(archive_path: Path) -> Iterator[tuple[Path, Manifest]]:
    """Extract the archive into a temporary folder and check it; yields (folder, manifest)."""
    if not archive_path.is_file():
        raise BackupError(f"No backup at {archive_path}.")
    with tempfile.TemporaryDirectory(prefix="helpnet-restore-") as work:
        folder = Path(work)
        try:
            with tarfile.open(archive_path, mode="r:gz") as archive:
                archive.extractall(folder, filter="data")
        except (tarfile.TarError, OSError) as error:
            raise BackupError(f"{archive_path} is not a readable helpnet backup: {error}") from None
        if not (folder / MANIFEST).is_file():
            raise BackupError(f"{archive_path} has no {MANIFEST}: not a helpnet backup.")
        manifest = Manifest.from_json((folder / MANIFEST).read_text(encoding="utf-8"))
        for name, expected in manifest.files.items():
            member = folder / name
            if not member.is_file() or _sha256(member) != expected:
                raise BackupError(f"Checksum mismatch for {name}: the backup is damaged; do not restore it.")
        yield folder, manifest


def check_compatible(manifest: Manifest, database: Mapping[str, Any]) -> None:
    engine = engine_of(database)
    if manifest.engine != engine:
        raise BackupError(
            f"This backup is of a {manifest.engine} database and the target is {engine}: restore it into "
            f"{manifest.engine}, or move the data with dumpdata/loaddata."
        )
    unknown = sorted(set(manifest.migrations) - known_migrations())
    if unknown:
        shown = ", ".join(unknown[:5]) + (" …" if len(unknown) > 5 else "")
        raise BackupError(
            f"This backup was made by a newer helpnet (version {manifest.helpnet_version}): its database has "
            f"migrations this code does not know ({shown}). Upgrade helpnet first, then restore."
        )


def table_count(database: Mapping[str, Any]) -> int:
    """How many tables the target database has (0: empty or missing, safe to restore into)."""
    if engine_of(database) == "sqlite":
        path = Path(str(database["NAME"]))
        if not path.exists() or path.stat().st_size == 0:
            return 0
        with sqlite3.connect(path) as conn:
            return int(conn.execute("select count(*) from sqlite_master where type = 'table'").fetchone()[0])
    with _pg_connect(database) as conn:
        row = conn.execute(
            "select count(*) from pg_tables where schemaname not in ('pg_catalog', 'information_schema')"
        ).fetchone()
        return int(row[0])


def _restore_sqlite(source: Path, database: Mapping[str, Any]) -> None:
    target = Path(str(database["NAME"]))
    target.parent.mkdir(parents=True, exist_ok=True)
    origin = sqlite3.connect(source)
    destination = sqlite3.connect(target, timeout=30)
    try:
        check = origin.execute("pragma integrity_check").fetchone()[0]
        if check != "ok":
            raise BackupError(f"The SQLite file in the backup fails its integrity check: {check}")
        # Page by page into the target (in WAL mode too): readers see the old or the new database, never half.
        origin.backup(destination)
    finally:
        destination.close()
        origin.close()


def _restore_postgresql(source: Path, database: Mapping[str, Any]) -> None:
    _check_pg_tool("pg_restore", database)
    _run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--single-transaction",
            "--exit-on-error",
            "--no-owner",
            "--no-privileges",
            f"--dbname={database['NAME']}",
            str(source),
        ],
        _pg_env(database),
    )


def restore_backup(archive_path: Path, database: Mapping[str, Any], *, overwrite: bool = False) -> Manifest:
    """Restore the archive into ``database`` (a DATABASES entry); media files go back under MEDIA_ROOT."""
    with unpacked(archive_path) as (folder, manifest):
        check_compatible(manifest, database)
        media = folder / MEDIA_DIR
        root = getattr(settings, "MEDIA_ROOT", "")
        if media.is_dir() and not root:
            raise BackupError("The backup holds media files but MEDIA_ROOT is not set; set it and rerun.")
        if not overwrite and table_count(database):
            raise BackupError(
                f"The database {database['NAME']} is not empty: restoring replaces its contents. "
                "Pass --yes to overwrite it."
            )
        if manifest.engine == "sqlite":
            _restore_sqlite(folder / SQLITE_FILE, database)
        else:
            _restore_postgresql(folder / PG_FILE, database)
        if media.is_dir():
            shutil.copytree(media, Path(root), dirs_exist_ok=True)
    return manifest
