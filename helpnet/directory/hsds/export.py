"""Lossless HSDS exports (json, ndjson, Tabular Data Package), written in batches. Shapes: README.md here."""

import copy
import csv
import datetime as dt
import io
import json
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import IO, Any
from uuid import UUID

from django.db.models import Model, QuerySet
from django.utils import timezone

from helpnet.organizations.models import Organization, OrganizationIdentifier

from .. import models as m
from . import openapi, serialize
from .serialize import Collector, Json

BATCH = 200
HSDS_VERSION = "3.1"

Record = tuple[str, Json]  # (table name, HSDS object)


# --- the record stream (json and ndjson) ------------------------------------------------------------


def _parents_first(rows: list[tuple[UUID, UUID | None]]) -> list[UUID]:
    """Ids ordered so every parent comes before its children (a parent outside ``rows`` counts as known)."""
    children: dict[UUID | None, list[UUID]] = {}
    known = {pk for pk, _parent in rows}
    for pk, parent in rows:
        children.setdefault(parent if parent in known else None, []).append(pk)
    ordered: list[UUID] = []
    level = children.get(None, [])
    while level:
        ordered.extend(level)
        level = [child for pk in level for child in children.get(pk, [])]
    # Cycles (a → b → a) cannot be ordered; keep them rather than lose them.
    seen = set(ordered)
    ordered.extend(pk for pk, _parent in rows if pk not in seen)
    return ordered


def _in_batches(
    ids: list[Any],
    fetch: Callable[[list[Any]], QuerySet[Any]],
    build: Callable[[Any, Collector], Json],
) -> Iterator[Json]:
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        by_id = {obj.pk: obj for obj in fetch(batch)}
        yield from serialize.serialize_all([by_id[pk] for pk in batch if pk in by_id], build, Collector())


def records() -> Iterator[Record]:
    """Every record in dependency order: taxonomies, terms, organisations, org-less locations, units,
    table descriptions, then services (each fully nested; nothing hidden, this is the owner's copy)."""
    for obj in m.Taxonomy.objects.order_by("id").iterator(chunk_size=1000):
        yield "taxonomy", serialize.taxonomy(obj)
    term_ids = _parents_first(
        list(m.TaxonomyTerm.objects.order_by("code", "id").values_list("id", "parent_id"))
    )
    for start in range(0, len(term_ids), 1000):
        batch = term_ids[start : start + 1000]
        terms = m.TaxonomyTerm.objects.select_related("taxonomy").in_bulk(batch)
        for pk in batch:
            yield "taxonomy_term", serialize.taxonomy_term(terms[pk])
    org_ids = _parents_first(
        list(Organization.objects.order_by("name", "id").values_list("id", "parent_organization_id"))
    )
    for data in _in_batches(
        org_ids,
        lambda batch: serialize.organization_full_queryset(Organization.objects.filter(pk__in=batch)),
        lambda org, c: serialize.organization_full(org, c, public=False),
    ):
        yield "organization", data
    orphan_ids = list(
        m.Location.objects.filter(organization__isnull=True).order_by("id").values_list("id", flat=True)
    )
    for data in _in_batches(
        orphan_ids,
        lambda batch: (
            m.Location.objects.filter(pk__in=batch)
            .select_related("municipality")
            .prefetch_related(*serialize.location_prefetches())
        ),
        lambda loc, c: serialize.location_full(loc, c, public=False),
    ):
        yield "location", data
    for unit in m.Unit.objects.order_by("id").iterator(chunk_size=1000):
        yield "unit", serialize.unit(unit)
    for mtd in m.MetaTableDescription.objects.order_by("id").iterator(chunk_size=1000):
        yield "meta_table_description", serialize.meta_table_description(mtd)
    service_ids = list(m.Service.objects.order_by("id").values_list("id", flat=True))
    for data in _in_batches(
        service_ids,
        lambda batch: serialize.service_full_queryset(m.Service.objects.filter(pk__in=batch)),
        lambda service, c: serialize.service_full(service, c, public=False),
    ):
        yield "service", data


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


JSON_KEYS = {
    "taxonomy": "taxonomies",
    "taxonomy_term": "taxonomy_terms",
    "organization": "organizations",
    "location": "locations",
    "unit": "units",
    "meta_table_description": "meta_table_descriptions",
    "service": "services",
}


def write_json(out: IO[str], *, profile_url: str) -> Counter[str]:
    """One top-level object with an array per table; written record by record."""
    counts: Counter[str] = Counter()
    header = {
        "hsds_version": HSDS_VERSION,
        "profile": profile_url,
        "generated_at": serialize.iso_datetime(timezone.now()),
    }
    out.write(_dumps(header)[:-1])  # the object stays open for the tables
    first, any_table = True, False
    for table, data in _with_empty_tables(records()):
        if data is None:
            out.write(("]" if any_table else "") + f',"{JSON_KEYS[table]}":[')
            first, any_table = True, True
            continue
        out.write(("" if first else ",\n") + _dumps(data))
        first = False
        counts[table] += 1
    out.write("]}\n")
    return counts


def _with_empty_tables(stream: Iterable[Record]) -> Iterator[tuple[str, Json | None]]:
    """The stream with ``(table, None)`` opening each table, in ``JSON_KEYS`` order, even empty ones."""
    pending = list(JSON_KEYS)
    current = None
    for table, data in stream:
        if table != current:
            while pending:
                opened = pending.pop(0)
                yield opened, None
                if opened == table:
                    break
            current = table
        yield table, data
    for table in pending:
        yield table, None


def write_ndjson(out: IO[str]) -> Counter[str]:
    """A plain nested service per line; any other record as ``{"<table>": {...}}``."""
    counts: Counter[str] = Counter()
    for table, data in records():
        out.write(_dumps(data if table == "service" else {table: data}) + "\n")
        counts[table] += 1
    return counts


# --- the Tabular Data Package -----------------------------------------------------------------------

_TRANSLATABLE = {
    "organization",
    "program",
    "service",
    "location",
    "phone",
    "schedule",
    "accessibility",
    "taxonomy",
    "taxonomy_term",
    "closure",
}
_MUNICIPALITY = {
    "name": "municipality",
    "type": "string",
    "description": "helpnet profile: municipality slug.",
}
_EXTENSION_FIELDS: dict[str, list[Json]] = {
    "organization": [
        {"name": "kind", "type": "string", "description": "helpnet profile: kind of organisation."},
        {"name": "country", "type": "string", "description": "helpnet profile: ISO 3166-1 alpha-2."},
        _MUNICIPALITY,
    ],
    "location": [
        {"name": "confidential", "type": "boolean", "description": "helpnet profile: a safe house."},
        _MUNICIPALITY,
    ],
    "service_area": [_MUNICIPALITY],
}
_UUID_FIELD = {"type": "string", "format": "uuid"}
_MISSING_FIELDS: dict[str, list[Json]] = {
    # The official descriptor lists no columns for these two (a known gap of 3.1).
    "unit": [
        {"name": "id", **_UUID_FIELD, "constraints": {"required": True, "unique": True}},
        {"name": "name", "type": "string", "constraints": {"required": True}},
        {"name": "scheme", "type": "string"},
        {"name": "identifier", "type": "string"},
        {"name": "uri", "type": "string", "format": "uri"},
    ],
    "service_capacity": [
        {"name": "id", **_UUID_FIELD, "constraints": {"required": True, "unique": True}},
        {"name": "available", "type": "number", "constraints": {"required": True}},
        {"name": "maximum", "type": "number"},
        {"name": "description", "type": "string"},
        {"name": "updated", "type": "datetime", "constraints": {"required": True}},
    ],
}
_CLOSURES: Json = {
    "name": "closure",
    "path": "closures.csv",
    "description": "helpnet profile: days when a service or location is closed (inclusive dates).",
    "format": "csv",
    "mediatype": "text/csv",
    "encoding": "utf-8",
    "profile": "tabular-data-resource",
    "schema": {
        "primaryKey": "id",
        "fields": [
            {"name": "id", **_UUID_FIELD, "constraints": {"required": True, "unique": True}},
            {"name": "service_id", **_UUID_FIELD},
            {"name": "location_id", **_UUID_FIELD},
            {"name": "start_date", "type": "date", "constraints": {"required": True}},
            {"name": "end_date", "type": "date", "constraints": {"required": True}},
            {"name": "reason", "type": "string"},
        ],
        "foreignKeys": [
            {"fields": "service_id", "reference": {"resource": "service", "fields": "id"}},
            {"fields": "location_id", "reference": {"resource": "location", "fields": "id"}},
        ],
    },
}

_MODELS: dict[str, type[Model]] = {
    "organization": Organization,
    "organization_identifier": OrganizationIdentifier,
    "program": m.Program,
    "service": m.Service,
    "attribute": m.Attribute,
    "service_at_location": m.ServiceAtLocation,
    "location": m.Location,
    "phone": m.Phone,
    "contact": m.Contact,
    "address": m.Address,
    "schedule": m.Schedule,
    "funding": m.Funding,
    "service_area": m.ServiceArea,
    "required_document": m.RequiredDocument,
    "language": m.Language,
    "accessibility": m.Accessibility,
    "taxonomy_term": m.TaxonomyTerm,
    "metadata": m.Metadata,
    "meta_table_description": m.MetaTableDescription,
    "cost_option": m.CostOption,
    "taxonomy": m.Taxonomy,
    "service_capacity": m.ServiceCapacity,
    "unit": m.Unit,
    "url": m.Url,
    "closure": m.Closure,
}


def descriptor() -> Json:
    """The official HSDS 3.1 descriptor with our profile's columns, type fixes and the closures table."""
    package = copy.deepcopy(openapi.load("datapackage.json"))
    package["name"] = "helpnet-hsds"
    package["title"] = "helpnet HSDS 3.1 export (SI/DK profile)"
    package["resources"].append(copy.deepcopy(_CLOSURES))
    for resource in package["resources"]:
        name = resource["name"]
        resource["encoding"] = "utf-8"
        schema = resource["schema"]
        present = {f["name"] for f in schema["fields"]}
        schema["fields"] = [f for f in _MISSING_FIELDS.get(name, []) if f["name"] not in present] + schema[
            "fields"
        ]
        for f in schema["fields"]:
            if (name, f["name"]) == ("metadata", "last_action_date"):
                f["type"] = "datetime"  # a moment, not a day: several edits a day must keep their order
                f["example"] = "2011-01-01T12:00:00Z"
            if (name, f["name"]) == ("phone", "extension"):
                f["type"] = "string"  # our profile allows text extensions
            if (name, f["name"]) == ("address", "state_province"):
                f["constraints"]["required"] = False  # our profile: SI and DK have none
            if (name, f["name"]) in {("taxonomy_term", "code"), ("program", "organization_id")}:
                # Official descriptor bugs: codes repeat across taxonomies; organisations run many programmes.
                f["constraints"]["unique"] = False
        extra = list(_EXTENSION_FIELDS.get(name, []))
        if name in _TRANSLATABLE:
            extra += [
                {"name": "original_language", "type": "string", "description": "helpnet profile."},
                {"name": "translations", "type": "object", "description": "helpnet profile: JSON."},
            ]
        schema["fields"] += [f for f in extra if f["name"] not in {x["name"] for x in schema["fields"]}]
    return package


def _cell(value: Any, field_type: str) -> str:
    if value is None or value == "" or value == {}:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return serialize.iso_datetime(value) or ""
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral_value() else str(value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _getter(table: str, column: str) -> Callable[[Any], Any]:
    if column == "municipality":
        return lambda obj: obj.municipality.slug if obj.municipality_id else None
    if (table, column) == ("taxonomy_term", "taxonomy"):
        return lambda obj: obj.taxonomy_text
    return lambda obj: getattr(obj, column, None)


def _write_table(out: IO[str], resource: Json) -> int:
    name = resource["name"]
    fields = resource["schema"]["fields"]
    getters = [(_getter(name, f["name"]), f["type"]) for f in fields]
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([f["name"] for f in fields])
    queryset = _MODELS[name]._default_manager.order_by("pk")
    if any(f["name"] == "municipality" for f in fields):
        queryset = queryset.select_related("municipality")
    rows = 0
    for obj in queryset.iterator(chunk_size=2000):
        writer.writerow([_cell(get(obj), kind) for get, kind in getters])
        rows += 1
    return rows


def write_datapackage(target: Path) -> Counter[str]:
    """A folder, or a zip when ``target`` ends in ``.zip``: one CSV per table plus ``datapackage.json``."""
    package = descriptor()
    counts: Counter[str] = Counter()
    if target.suffix.lower() == ".zip":
        with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for resource in package["resources"]:
                with (
                    archive.open(resource["path"], "w") as raw,
                    io.TextIOWrapper(raw, encoding="utf-8", newline="") as out,
                ):
                    counts[resource["name"]] = _write_table(out, resource)
            archive.writestr("datapackage.json", json.dumps(package, indent=2, ensure_ascii=False))
        return counts
    target.mkdir(parents=True, exist_ok=True)
    for resource in package["resources"]:
        with (target / resource["path"]).open("w", encoding="utf-8", newline="") as out:
            counts[resource["name"]] = _write_table(out, resource)
    (target / "datapackage.json").write_text(
        json.dumps(package, indent=2, ensure_ascii=False), encoding="utf-8"
    )
    return counts
