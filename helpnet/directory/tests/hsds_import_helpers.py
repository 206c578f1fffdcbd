"""Helpers for the import tests: corrected copies of the official examples, table snapshots."""

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

from helpnet.directory.hsds.importer import MODELS

DATA = Path(__file__).parent / "data" / "hsds_import"
OFFICIAL = DATA / "official"

# The official examples' known defects (see data/hsds_import/README.md) and what the tests put instead.
COORDINATES = {'"latitude": 100': '"latitude": 46.0569', '"longitude": 101': '"longitude": 14.5058'}
LINKS = {
    "985e4a42-bd9f-4edc-911d-0243a4640aca": "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610",  # location → organization
    "ae67a707-5893-4225-b0b1-320ab9cb596b": "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610",  # contact → organization
    "93eaf18d-1cd2-4ec7-bffb-3c9172ee5070": "e94c9f38-1e8f-4564-91d4-d53501ab1765",  # contact → SAL
    "af69894e-7bed-11ef-a85c-07e0918a608c": "e94c9f38-1e8f-4564-91d4-d53501ab1765",  # service area → SAL
    "f75b808e-7bdb-11ef-afaa-ab00a77dc5c4": "ac148810-d857-441c-9679-408f346de14b",  # capacity → service
    "187a37a2-7b40-11ef-9790-dbf7623d4407": "8896b788-7b3e-11ef-8db9-7f3d040352b3",  # capacity → unit
    "f28dd44b-0c4d-479f-8e90-4c52219a8b3c": "ac148810-d857-441c-9679-408f346de14b",  # attribute → service
    "38960354-e7d2-4cfa-a368-820f729d6ccf": "3a19ff88-4620-4d17-9830-ac1d859eb5d5",  # metadata → location
}
# Rows of the tabular examples that belong to no object (an export, which nests them, cannot carry them).
ORPHANS = {
    "link_type,link_entity,value,An Example": "link_type,service,value,An Example",  # attributes.csv
    '"link_entity": "link_entity"': '"link_entity": "service"',  # tabular.json
}


def corrected(name: str, tmp_path: Path) -> Path:
    """A copy of an official example (file or the csv folder) with its known defects corrected."""
    source = OFFICIAL / name
    target = tmp_path / name
    if source.is_dir():
        shutil.copytree(source, target)
        files = sorted(target.iterdir())
    else:
        shutil.copy(source, target)
        files = [target]
    for path in files:
        text = path.read_text(encoding="utf-8")
        for old, new in {**COORDINATES, **LINKS, **ORPHANS}.items():
            text = text.replace(old, new)
        if path.name == "url.csv":
            lines = text.splitlines()
            text = f"{lines[0]},organization_id\n{lines[1]},d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610\n"
        if path.name == "locations.csv":
            text = text.replace(",100,101,", ",46.0569,14.5058,")
        path.write_text(text, encoding="utf-8")
    return target


def write_json(tmp_path: Path, data: Any, name: str = "data.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def write_ndjson(tmp_path: Path, items: list[Any], name: str = "data.ndjson") -> Path:
    path = tmp_path / name
    path.write_text("".join(json.dumps(item) + "\n" for item in items), encoding="utf-8")
    return path


def counts() -> dict[str, int]:
    return {table: model._default_manager.count() for table, model in MODELS.items()}


# Set by the database on every write, not data: they differ after any re-import by design.
AUTOMATIC = {"created_at", "updated_at"}


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every imported row's values, to compare two states of the database."""
    result = {}
    for table, model in MODELS.items():
        names = [f.attname for f in model._meta.concrete_fields if f.attname not in AUTOMATIC]
        rows = model._default_manager.order_by("pk").values_list(*names)
        result[table] = sorted(tuple(repr(to_ms(v)) for v in row) for row in rows)
    return result


def to_ms(value: Any) -> Any:
    """HSDS date-times carry milliseconds (service.last_modified), so compare at that precision."""
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=value.microsecond // 1000 * 1000)
    return value


def wipe() -> None:
    """Delete every row the importer writes (children first), as on a fresh installation."""
    for model in reversed(list(MODELS.values())):
        model._default_manager.all().delete()
