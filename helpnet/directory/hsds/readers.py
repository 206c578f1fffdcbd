"""Read HSDS files into records, safely: nested JSON, NDJSON, tabular JSON and Tabular Data Packages.

A reader never loads more than it must: NDJSON and CSV are streamed, whole JSON documents are refused over
a configurable size, zip members are read in memory-bounded streams (never extracted to disk) after their
declared sizes and compression ratios were checked, and every read is counted so a lying zip header cannot
inflate past the limit. Problems with the file itself raise ``ImportFileError`` (nothing is imported);
problems with one line are yielded as ``LineProblem`` so the rest can still be checked.
"""

import codecs
import csv
import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _

MB = 1024 * 1024

# Tables in an order where every row's parents come before it (the streaming importer relies on it).
TABLE_ORDER = [
    "taxonomy",
    "taxonomy_term",
    "organization",
    "organization_identifier",
    "program",
    "unit",
    "location",
    "address",
    "accessibility",
    "service",
    "service_at_location",
    "contact",
    "phone",
    "language",
    "schedule",
    "service_area",
    "cost_option",
    "funding",
    "required_document",
    "url",
    "service_capacity",
    "closure",
    "attribute",
    "metadata",
    "meta_table_description",
]

# Keys of the exporter's JSON bundle (and of NDJSON wrapper lines) → entity.
BUNDLE_KEYS = {
    "taxonomies": "taxonomy",
    "taxonomy_terms": "taxonomy_term",
    "organizations": "organization",
    "locations": "location",
    "units": "unit",
    "meta_table_descriptions": "meta_table_description",
    "services": "service",
    "service_at_locations": "service_at_location",
}
BUNDLE_META_KEYS = {"hsds_version", "profile", "generated_at"}


def limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def max_json_bytes() -> int:
    return limit("HSDS_IMPORT_MAX_JSON_BYTES", 25 * MB)


def max_line_bytes() -> int:
    return limit("HSDS_IMPORT_MAX_LINE_BYTES", 8 * MB)


def max_uncompressed_bytes() -> int:
    return limit("HSDS_IMPORT_MAX_UNCOMPRESSED_BYTES", 4096 * MB)


def max_zip_ratio() -> int:
    return limit("HSDS_IMPORT_MAX_ZIP_RATIO", 200)


def max_zip_members() -> int:
    return limit("HSDS_IMPORT_MAX_ZIP_MEMBERS", 200)


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message is for the person who gave it."""

    def __init__(self, message: str, where: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.where = where


@dataclass
class Record:
    """One unit that is accepted or rejected as a whole: a nested object or one tabular row."""

    where: str
    table: str
    data: dict[str, Any]
    nested: bool
    text: bool = False  # values are CSV text, to be parsed by field type
    top: bool = True  # a top-level record: its id must not appear twice


@dataclass
class LineProblem:
    where: str
    message: str


@dataclass
class Source:
    """What the reader learnt about the file, for the report."""

    kind: str = ""
    notes: list[str] = field(default_factory=list)


def table_for_name(name: str) -> str | None:
    """``organizations.csv`` / ``organizations`` / ``organization`` → ``organization``."""
    stem = PurePosixPath(name.strip().lower()).name
    if stem.endswith(".csv"):
        stem = stem[:-4]
    if stem in TABLE_ORDER:
        return stem
    if stem in BUNDLE_KEYS:
        return BUNDLE_KEYS[stem]
    if stem.endswith("ies") and stem[:-3] + "y" in TABLE_ORDER:
        return stem[:-3] + "y"
    if stem.endswith("es") and stem[:-2] in TABLE_ORDER:
        return stem[:-2]
    if stem.endswith("s") and stem[:-1] in TABLE_ORDER:
        return stem[:-1]
    return None


def entity_of(obj: dict[str, Any]) -> str | None:
    """Tell a top-level object's kind by the fields HSDS requires of it."""
    if "status" in obj:
        return "service"
    if "location_type" in obj:
        return "location"
    if isinstance(obj.get("location"), dict) or isinstance(obj.get("service"), dict):
        return "service_at_location"
    if "name" in obj or "services" in obj:
        return "organization"
    return None


def read(path: Path, source: Source) -> Iterator[Record | LineProblem]:
    """Yield the records of the file at ``path`` (a file, a folder or a zip), parents before children."""
    if not path.exists():
        raise ImportFileError(_("There is no file or folder at %(path)s.") % {"path": path})
    if path.is_dir():
        source.kind = "datapackage"
        yield from read_package(FolderPackage(path), source)
        return
    if zipfile.is_zipfile(path):
        source.kind = "datapackage (zip)"
        with ZipPackage(path) as package:
            yield from read_package(package, source)
        return
    suffix = path.suffix.lower()
    if suffix == ".csv":
        raise ImportFileError(
            _(
                "A single CSV file is not enough: give the folder or zip with datapackage.json and all the "
                "CSV files of the data package."
            )
        )
    with path.open("rb") as handle:
        head = handle.read(4096)
    first = head.lstrip(codecs.BOM_UTF8 + b" \t\r\n")[:1]
    if suffix in {".ndjson", ".jsonl"}:
        source.kind = "ndjson"
        yield from read_ndjson(path, source)
        return
    if first not in {b"[", b"{"}:
        raise ImportFileError(
            _("This is not an HSDS file: JSON must start with [ or {, or give a data package folder or zip.")
        )
    if first == b"{" and looks_like_ndjson(path):
        source.kind = "ndjson"
        yield from read_ndjson(path, source)
        return
    source.kind = "json"
    yield from read_json(path, source)


def looks_like_ndjson(path: Path) -> bool:
    """True when the first line is a complete JSON object and a second non-empty line follows."""
    with path.open("rb") as handle:
        first = handle.readline(max_line_bytes())
        second = handle.readline(64)
    if not second.strip():
        return False
    try:
        return isinstance(json.loads(first.decode("utf-8-sig")), dict)
    except (ValueError, UnicodeDecodeError):
        return False


def json_error(exc: json.JSONDecodeError) -> str:
    return _("This is not valid JSON: %(reason)s at line %(line)s, column %(column)s.") % {
        "reason": exc.msg,
        "line": exc.lineno,
        "column": exc.colno,
    }


def read_json(path: Path, source: Source) -> Iterator[Record | LineProblem]:
    size = path.stat().st_size
    if size > max_json_bytes():
        raise ImportFileError(
            _(
                "The file is %(size)s MB; JSON documents over %(limit)s MB are not read whole. Give the "
                "services as NDJSON (one service per line) or as a data package, which are read as a "
                "stream, or raise HSDS_IMPORT_MAX_JSON_BYTES."
            )
            % {"size": round(size / MB, 1), "limit": round(max_json_bytes() / MB, 1)}
        )
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            _("The file is not UTF-8 text (byte %(position)s); JSON must be UTF-8.") % {"position": exc.start}
        ) from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFileError(json_error(exc)) from None
    except RecursionError:
        raise ImportFileError(_("The JSON is nested too deeply to be HSDS.")) from None
    yield from read_document(document, source)


def read_document(document: Any, source: Source) -> Iterator[Record | LineProblem]:
    if isinstance(document, list):
        yield from read_objects(document, "", source)
        return
    if not isinstance(document, dict):
        raise ImportFileError(_("The JSON holds a single value, not HSDS objects."))
    if isinstance(document.get("contents"), list) and "total_items" in document:
        source.notes.append(
            _("Read an API page (contents): list items carry one-to-one fields only, children are kept.")
        )
        yield from read_objects(document["contents"], "contents", source)
        return
    keys = set(document) - BUNDLE_META_KEYS
    if keys and all(isinstance(document[key], list) for key in keys):
        tables = {key: table_for_name(key) for key in keys}
        if all(key.endswith(".csv") or key in TABLE_ORDER for key in keys) and all(tables.values()):
            source.kind = "tabular json"
            yield from read_tabular_json(document, tables)
            return
        if all(key in BUNDLE_KEYS for key in keys):
            source.kind = "json bundle"
            for key in sorted(keys, key=lambda k: TABLE_ORDER.index(BUNDLE_KEYS[k])):
                for index, obj in enumerate(document[key], start=1):
                    where = _("%(key)s item %(index)s") % {"key": key, "index": index}
                    if not isinstance(obj, dict):
                        yield LineProblem(where, _("Expected an object here."))
                        continue
                    yield Record(where, BUNDLE_KEYS[key], obj, nested=True)
            return
    yield from read_objects([document], "", source, single=True)


def read_objects(
    items: list[Any], prefix: str, source: Source, *, single: bool = False
) -> Iterator[Record | LineProblem]:
    for index, obj in enumerate(items, start=1):
        where = _("the object") if single else _("item %(index)s") % {"index": index}
        if prefix:
            where = f"{prefix} {where}"
        yield from object_record(obj, where)


def object_record(obj: Any, where: str) -> Iterator[Record | LineProblem]:
    if not isinstance(obj, dict):
        yield LineProblem(
            where, _("Expected an HSDS object here, found %(type)s.") % {"type": type_name(obj)}
        )
        return
    if len(obj) == 1:
        (key, value), *_rest = obj.items()
        table = table_for_name(key)
        if table and isinstance(value, dict):
            yield Record(where, table, value, nested=True)
            return
    entity = entity_of(obj)
    if entity is None:
        yield LineProblem(
            where,
            _("Could not tell what this object is: a service needs a status, an organisation a name."),
        )
        return
    yield Record(where, entity, obj, nested=True)


def type_name(value: Any) -> str:
    if value is None:
        return _("nothing (null)")
    if isinstance(value, bool):
        return _("true/false")
    if isinstance(value, int | float):
        return _("a number")
    if isinstance(value, str):
        return _("text")
    if isinstance(value, list):
        return _("a list")
    return _("an object")


def read_tabular_json(
    document: dict[str, Any], tables: dict[str, str | None]
) -> Iterator[Record | LineProblem]:
    by_table = {table: key for key, table in tables.items() if table}
    for table in TABLE_ORDER:
        key = by_table.get(table)
        if key is None:
            continue
        for index, row in enumerate(document[key], start=1):
            where = _("%(table)s row %(index)s") % {"table": key, "index": index}
            if not isinstance(row, dict):
                yield LineProblem(where, _("Expected a row object here."))
                continue
            yield Record(where, table, row, nested=False)


def read_ndjson(path: Path, source: Source) -> Iterator[Record | LineProblem]:
    limit_bytes = max_line_bytes()
    with path.open("rb") as handle:
        number = 0
        while True:
            line = handle.readline(limit_bytes + 1)
            if not line:
                break
            number += 1
            where = _("line %(line)s") % {"line": number}
            if len(line) > limit_bytes and not line.endswith(b"\n"):
                yield LineProblem(
                    where,
                    _("The line is longer than %(limit)s MB; it was skipped.")
                    % {"limit": round(limit_bytes / MB, 1)},
                )
                while line and not line.endswith(b"\n"):
                    line = handle.readline(limit_bytes)
                continue
            if not line.strip():
                continue
            try:
                text = line.rstrip(b"\r\n").decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                yield LineProblem(
                    where, _("Not UTF-8 text (byte %(position)s).") % {"position": exc.start + 1}
                )
                continue
            try:
                obj = json.loads(text)
            except json.JSONDecodeError as exc:
                yield LineProblem(
                    where,
                    _("Not valid JSON: %(reason)s at column %(column)s.")
                    % {"reason": exc.msg, "column": exc.colno},
                )
                continue
            except RecursionError:
                yield LineProblem(where, _("The JSON is nested too deeply to be HSDS."))
                continue
            yield from object_record(obj, where)


# --- Tabular Data Packages ------------------------------------------------------------------------------


class Package:
    """A folder or zip of CSV files; members are opened as binary streams."""

    label = ""

    def names(self) -> list[str]:
        raise NotImplementedError

    def open(self, name: str) -> IO[bytes]:
        raise NotImplementedError


class FolderPackage(Package):
    def __init__(self, root: Path) -> None:
        self.root = root

    def names(self) -> list[str]:
        return sorted(entry.name for entry in self.root.iterdir() if entry.is_file())

    def open(self, name: str) -> IO[bytes]:
        return (self.root / name).open("rb")


class BoundedReader(io.RawIOBase):
    """Counts what a zip member really inflates to and stops at the limit (headers can lie)."""

    def __init__(self, inner: IO[bytes], budget: list[int], name: str) -> None:
        self.inner = inner
        self.budget = budget
        self.name = name

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.inner.read(min(len(buffer), 1024 * 1024))
        self.budget[0] -= len(data)
        if self.budget[0] < 0:
            raise ImportFileError(
                _("%(name)s inflates to more than the limit of %(limit)s MB; nothing was imported.")
                % {"name": self.name, "limit": max_uncompressed_bytes() // MB}
            )
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self.inner.close()
        super().close()


class ZipPackage(Package):
    def __init__(self, path: Path) -> None:
        try:
            self.zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise ImportFileError(_("The zip file cannot be read: %(reason)s.") % {"reason": exc}) from None
        self.members: dict[str, zipfile.ZipInfo] = {}
        self.budget = [max_uncompressed_bytes()]
        self.check()

    def __enter__(self) -> "ZipPackage":
        return self

    def __exit__(self, *args: object) -> None:
        self.zip.close()

    def check(self) -> None:
        infos = self.zip.infolist()
        if len(infos) > max_zip_members():
            raise ImportFileError(
                _("The zip holds %(count)s files; a data package has at most %(limit)s.")
                % {"count": len(infos), "limit": max_zip_members()}
            )
        total = 0
        for info in infos:
            name = info.filename
            parts = PurePosixPath(name.replace("\\", "/")).parts
            if name.startswith(("/", "\\")) or ".." in parts or (parts and ":" in parts[0]):
                raise ImportFileError(
                    _("The zip contains an unsafe path (%(name)s); nothing was imported.") % {"name": name}
                )
            if info.is_dir():
                continue
            total += info.file_size
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > MB and ratio > max_zip_ratio():
                raise ImportFileError(
                    _(
                        "%(name)s would inflate %(ratio)s times (to %(size)s MB): this looks like a zip "
                        "bomb, nothing was imported."
                    )
                    % {"name": name, "ratio": int(ratio), "size": info.file_size // MB}
                )
            # Data packages are flat; a file in a sub-folder is used only when its name is unique.
            self.members.setdefault(parts[-1], info)
        if total > max_uncompressed_bytes():
            raise ImportFileError(
                _("The zip would inflate to %(size)s MB, over the limit of %(limit)s MB.")
                % {"size": total // MB, "limit": max_uncompressed_bytes() // MB}
            )

    def names(self) -> list[str]:
        return sorted(self.members)

    def open(self, name: str) -> IO[bytes]:
        info = self.members[name]
        if info.flag_bits & 0x1:
            raise ImportFileError(_("%(name)s is encrypted.") % {"name": name})
        return io.BufferedReader(BoundedReader(self.zip.open(info), self.budget, name))


def read_descriptor(package: Package) -> dict[str, Any] | None:
    if "datapackage.json" not in package.names():
        return None
    with package.open("datapackage.json") as handle:
        raw = handle.read(max_json_bytes() + 1)
    if len(raw) > max_json_bytes():
        raise ImportFileError(_("datapackage.json is too large."))
    try:
        descriptor = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ImportFileError(_("datapackage.json is not UTF-8 text.")) from None
    except json.JSONDecodeError as exc:
        raise ImportFileError("datapackage.json: " + json_error(exc)) from None
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources", []), list):
        raise ImportFileError(_("datapackage.json has no list of resources."))
    return descriptor


def read_package(package: Package, source: Source) -> Iterator[Record | LineProblem]:
    names = package.names()
    descriptor = read_descriptor(package)
    files: dict[str, tuple[str, dict[str, Any]]] = {}  # table → (file name, dialect)
    if descriptor is None:
        source.notes.append(_("No datapackage.json: tables were recognised by their file names."))
    else:
        for resource in descriptor.get("resources", []):
            if not isinstance(resource, dict) or not isinstance(resource.get("path"), str):
                continue
            table = table_for_name(str(resource.get("name", ""))) or table_for_name(resource["path"])
            file_name = PurePosixPath(resource["path"]).name
            if table and file_name in names:
                given = resource.get("dialect")
                dialect: dict[str, Any] = dict(given) if isinstance(given, dict) else {}
                if isinstance(resource.get("encoding"), str):
                    dialect = {**dialect, "encoding": resource["encoding"]}
                files[table] = (file_name, dialect)
    for name in names:
        table = table_for_name(name)
        if name.lower().endswith(".csv") and table and table not in files:
            files[table] = (name, {})
    unknown = [n for n in names if n.lower().endswith(".csv") and n not in {f for f, _d in files.values()}]
    if unknown:
        source.notes.append(
            _("Ignored files that are not HSDS tables: %(names)s.") % {"names": ", ".join(unknown)}
        )
    if not files:
        raise ImportFileError(_("No HSDS CSV tables were found (organizations.csv, services.csv, …)."))
    for table in TABLE_ORDER:
        if table in files:
            name, dialect = files[table]
            yield from read_csv(package, name, table, dialect, source)


def detect_encoding(package: Package, name: str, declared: str | None) -> str:
    """utf-8-sig when the bytes decode as UTF-8, else Windows-1250 (Slovenian spreadsheets)."""
    candidates = [declared] if declared else ["utf-8-sig", "cp1250"]
    for encoding in candidates:
        try:
            decoder = codecs.getincrementaldecoder(encoding)()
        except LookupError:
            raise ImportFileError(
                _("%(name)s declares an unknown encoding %(encoding)s.")
                % {"name": name, "encoding": encoding}
            ) from None
        try:
            with package.open(name) as handle:
                while chunk := handle.read(MB):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
            return encoding
        except UnicodeDecodeError:
            continue
    raise ImportFileError(
        _("%(name)s is neither UTF-8 nor Windows-1250 text; save it as UTF-8 CSV.") % {"name": name}
    )


def detect_delimiter(header: str) -> str:
    counts = {delimiter: header.count(delimiter) for delimiter in (",", ";", "\t")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def read_csv(
    package: Package, name: str, table: str, dialect: dict[str, Any], source: Source
) -> Iterator[Record | LineProblem]:
    declared = dialect.get("encoding") if isinstance(dialect.get("encoding"), str) else None
    encoding = detect_encoding(package, name, declared)
    if encoding == "cp1250":
        source.notes.append(
            _("%(name)s is not UTF-8; it was read as Windows-1250 (Central European).") % {"name": name}
        )
    csv.field_size_limit(max_line_bytes())
    with package.open(name) as raw:
        text = io.TextIOWrapper(raw, encoding=encoding, newline="")
        header_line = text.readline(max_line_bytes())
        delimiter = dialect.get("delimiter")
        if not isinstance(delimiter, str) or len(delimiter) != 1:
            delimiter = detect_delimiter(header_line)
        if delimiter != ",":
            source.notes.append(
                _("%(name)s uses %(delimiter)s between values.")
                % {"name": name, "delimiter": repr(delimiter)}
            )
        reader = csv.reader(
            io.StringIO(header_line), delimiter=delimiter, quotechar=str(dialect.get("quoteChar", '"'))
        )
        header = [column.strip().lstrip("\ufeff").lower() for column in next(reader, [])]
        if "id" not in header:
            raise ImportFileError(_("%(name)s has no id column in its first line.") % {"name": name})
        rows = csv.reader(text, delimiter=delimiter, quotechar=str(dialect.get("quoteChar", '"')))
        line = 1
        try:
            for values in rows:
                line = rows.line_num + 1
                where = _("%(name)s line %(line)s") % {"name": name, "line": line}
                if not any(value.strip() for value in values):
                    continue
                if len(values) != len(header):
                    yield LineProblem(
                        where,
                        _("The row has %(found)s values, the header %(expected)s columns.")
                        % {"found": len(values), "expected": len(header)},
                    )
                    continue
                yield Record(where, table, dict(zip(header, values, strict=True)), nested=False, text=True)
        except csv.Error as exc:
            raise ImportFileError(
                _("%(name)s cannot be read as CSV near line %(line)s: %(reason)s.")
                % {"name": name, "line": line + 1, "reason": exc}
            ) from None
