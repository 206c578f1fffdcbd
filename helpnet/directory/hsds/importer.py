"""``helpnet import_hsds``: HSDS 3.1 files → our tables, validated, upserted by id, all or nothing.

How a file becomes rows: ``readers`` yields records (a nested service, organization, … or one tabular row);
``flatten`` turns a nested record into one row per HSDS object, the foreign keys implied by the nesting
filled in. Each row is checked against the rules of the HSDS schema (types, formats, enums, required fields,
read once from ``schemas/compiled/service_with_definitions.json``) and of our models (lengths, ranges,
choices, foreign keys that must exist in the file or the database). The rules run as plain Python: jsonschema
takes about 150 µs per service row, which alone would spend minutes on 100 000 services.

Upsert rules (documented for data stewards):
* a row is matched by its ``id``; an unchanged row is not written at all, so importing twice changes nothing;
* in JSON an object is the whole record: an HSDS field left out means blank. In CSV a missing column is left
  as it is. Parent links (``*_id``) and our extensions (translations, municipality, …) left out are kept;
* nothing is deleted: rows missing from the file stay;
* links to a parent organization, a parent term or a taxonomy that are in neither the file nor the database
  are left empty with a warning (they often point into another publisher's data); every other unknown link
  is an error.

By default one bad record stops the whole import (nothing is written) and the report names every bad record;
with ``skip_invalid`` the good records are kept. Rows are written in batches with ``executemany``.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import logging
import math
import operator
import re
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import DatabaseError, connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from helpnet.directory import indexing, schedules
from helpnet.directory import models as dm
from helpnet.organizations import models as om

from .readers import TABLE_ORDER, ImportFileError, LineProblem, Record, Source, read, type_name

logger = logging.getLogger(__name__)

SCHEMA_FILE = Path(__file__).parent / "schemas" / "compiled" / "service_with_definitions.json"
MAX_PROBLEMS = 10_000
CHUNK_RECORDS = 500
BIG_IMPORT = 500  # services: above this, rebuild the search index once instead of row by row

MODELS: dict[str, type[models.Model]] = {
    "taxonomy": dm.Taxonomy,
    "taxonomy_term": dm.TaxonomyTerm,
    "organization": om.Organization,
    "organization_identifier": om.OrganizationIdentifier,
    "program": dm.Program,
    "unit": dm.Unit,
    "location": dm.Location,
    "address": dm.Address,
    "accessibility": dm.Accessibility,
    "service": dm.Service,
    "service_at_location": dm.ServiceAtLocation,
    "contact": dm.Contact,
    "phone": dm.Phone,
    "language": dm.Language,
    "schedule": dm.Schedule,
    "service_area": dm.ServiceArea,
    "cost_option": dm.CostOption,
    "funding": dm.Funding,
    "required_document": dm.RequiredDocument,
    "url": dm.Url,
    "service_capacity": dm.ServiceCapacity,
    "closure": dm.Closure,
    "attribute": dm.Attribute,
    "metadata": dm.Metadata,
    "meta_table_description": dm.MetaTableDescription,
}
TABLE_OF_MODEL = {model: table for table, model in MODELS.items()}
assert list(MODELS) == TABLE_ORDER  # noqa: S101 - the write order is the dependency order

# Arrays of children: parent table → key → (child table, the child's field pointing at the parent).
CHILDREN: dict[str, dict[str, tuple[str, str]]] = {
    "service": {
        "phones": ("phone", "service_id"),
        "schedules": ("schedule", "service_id"),
        "service_areas": ("service_area", "service_id"),
        "service_at_locations": ("service_at_location", "service_id"),
        "languages": ("language", "service_id"),
        "funding": ("funding", "service_id"),
        "cost_options": ("cost_option", "service_id"),
        "required_documents": ("required_document", "service_id"),
        "contacts": ("contact", "service_id"),
        "capacities": ("service_capacity", "service_id"),
        "additional_urls": ("url", "service_id"),
        "closures": ("closure", "service_id"),
    },
    "organization": {
        "additional_websites": ("url", "organization_id"),
        "funding": ("funding", "organization_id"),
        "contacts": ("contact", "organization_id"),
        "phones": ("phone", "organization_id"),
        "locations": ("location", "organization_id"),
        "programs": ("program", "organization_id"),
        "organization_identifiers": ("organization_identifier", "organization_id"),
        "services": ("service", "organization_id"),
    },
    "location": {
        "languages": ("language", "location_id"),
        "addresses": ("address", "location_id"),
        "contacts": ("contact", "location_id"),
        "accessibility": ("accessibility", "location_id"),
        "phones": ("phone", "location_id"),
        "schedules": ("schedule", "location_id"),
        "closures": ("closure", "location_id"),
    },
    "service_at_location": {
        "service_areas": ("service_area", "service_at_location_id"),
        "contacts": ("contact", "service_at_location_id"),
        "phones": ("phone", "service_at_location_id"),
        "schedules": ("schedule", "service_at_location_id"),
    },
    "contact": {"phones": ("phone", "contact_id")},
    "phone": {"languages": ("language", "phone_id")},
}
# One-to-one objects the row points at: parent table → key → (their table, the row's field holding their id).
REFERENCED: dict[str, dict[str, tuple[str, str]]] = {
    "service": {"organization": ("organization", "organization_id"), "program": ("program", "program_id")},
    "service_at_location": {
        "location": ("location", "location_id"),
        "service": ("service", "service_id"),
    },
    "attribute": {"taxonomy_term": ("taxonomy_term", "taxonomy_term_id")},
    "taxonomy_term": {"taxonomy_detail": ("taxonomy", "taxonomy_id")},
    "service_capacity": {"unit": ("unit", "unit_id")},
}
# Links that may point outside the file and the database: left empty with a warning.
SOFT_LINKS = {
    ("organization", "parent_organization_id"),
    ("taxonomy_term", "parent_id"),
    ("taxonomy_term", "taxonomy_id"),
}
# HSDS name → our model attribute, where they differ.
RENAMED = {("taxonomy_term", "taxonomy"): "taxonomy_text"}
# Our extensions (and derived fields): left out means "keep what is there".
EXTENSIONS = {"translations", "original_language", "confidential", "kind", "country", "municipality"}
# Our profile relaxes these HSDS "required" fields.
NOT_REQUIRED = {("address", "state_province")}
AUTO_FIELDS = {"created_at", "updated_at", "last_modified"}
NOT_IMPORTED = {"created_at", "updated_at"}
ENUM_CASE = {"freq": str.upper, "wkst": str.upper}


# --- The report -----------------------------------------------------------------------------------------


@dataclass
class Problem:
    where: str
    table: str
    id: str
    path: str
    message: str

    def __str__(self) -> str:
        what = f"{self.table} {self.id}".strip() if self.id else self.table
        parts = [self.where, what, self.path]
        return " · ".join(part for part in parts if part) + f": {self.message}"


@dataclass
class ImportReport:
    dry_run: bool = False
    skip_invalid: bool = False
    source: Source = field(default_factory=Source)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    error_count: int = 0
    warning_count: int = 0
    records_read: int = 0
    records_rejected: int = 0
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)
    committed: bool = False
    services_refreshed: int = 0

    def error(self, problem: Problem) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_PROBLEMS:
            self.errors.append(problem)

    def warn(self, problem: Problem) -> None:
        self.warning_count += 1
        if len(self.warnings) < MAX_PROBLEMS:
            self.warnings.append(problem)

    @property
    def failed(self) -> bool:
        """True when nothing was (or would be) imported because of errors."""
        if self.error_count and not self.skip_invalid:
            return True
        return self.records_read == self.records_rejected and self.error_count > 0

    def summary(self) -> str:
        changes = ", ".join(
            _("%(table)s: %(created)s new, %(updated)s changed, %(unchanged)s unchanged")
            % {
                "table": table,
                "created": self.created[table],
                "updated": self.updated[table],
                "unchanged": self.unchanged[table],
            }
            for table in TABLE_ORDER
            if self.created[table] or self.updated[table] or self.unchanged[table]
        )
        if self.failed:
            head = _("Nothing was imported: %(count)s problems in %(records)s of %(total)s records.") % {
                "count": self.error_count,
                "records": self.records_rejected,
                "total": self.records_read,
            }
            return head
        if self.dry_run:
            head = _("Dry run, nothing was written. %(total)s records read; this import would change:") % {
                "total": self.records_read
            }
        else:
            head = _("Imported %(total)s records:") % {"total": self.records_read - self.records_rejected}
        if self.records_rejected:
            head += " " + _("(%(count)s records skipped because of errors)") % {
                "count": self.records_rejected
            }
        return f"{head} {changes or _('no rows')}."


# --- Field rules ---------------------------------------------------------------------------------------


@dataclass
class Rule:
    name: str  # HSDS field name
    attname: str  # model attribute / column
    kind: str  # text, int, float, decimal, bool, date, datetime, time, uuid, json, municipality
    model_field: models.Field[Any, Any]
    max_length: int | None = None
    required: bool = False
    nullable: bool = False
    choices: dict[str, str] | None = None
    url: bool = False
    email: bool = False
    target: str | None = None  # table of a foreign key
    extension: bool = False
    minimum: float | None = None
    maximum: float | None = None


@dataclass
class TableRules:
    table: str
    model: type[models.Model]
    rules: dict[str, Rule]
    data_fields: list[str]  # HSDS fields that make the record's content (not links, not extensions)
    link_fields: list[str]
    plain_text: dict[str, int | None]  # text fields with nothing to check but their length
    blanks: dict[str, Any]  # the blank value of each data field
    required: list[str]


def kind_of(model_field: models.Field[Any, Any]) -> str:
    if isinstance(model_field, models.ForeignKey):
        return "municipality" if model_field.related_model is om.Municipality else "uuid"
    if isinstance(model_field, models.UUIDField):
        return "uuid"
    if isinstance(model_field, models.BooleanField):
        return "bool"
    if isinstance(model_field, models.IntegerField):
        return "int"
    if isinstance(model_field, models.FloatField):
        return "float"
    if isinstance(model_field, models.DecimalField):
        return "decimal"
    if isinstance(model_field, models.DateTimeField):
        return "datetime"
    if isinstance(model_field, models.DateField):
        return "date"
    if isinstance(model_field, models.TimeField):
        return "time"
    if isinstance(model_field, models.JSONField):
        return "json"
    return "text"


@cache
def hsds_definitions() -> dict[str, dict[str, Any]]:
    schema = json.loads(SCHEMA_FILE.read_text())
    return {"service": schema, **schema.get("definitions", {})}


@cache
def table_rules(table: str) -> TableRules:
    model = MODELS[table]
    definition = hsds_definitions().get(table, {})
    required_by_hsds = set(definition.get("required", []))
    properties = definition.get("properties", {})
    rules: dict[str, Rule] = {}
    for model_field in model._meta.concrete_fields:
        attname = model_field.attname
        if attname in NOT_IMPORTED:
            continue
        name = next((hsds for (t, hsds), ours in RENAMED.items() if t == table and ours == attname), attname)
        if isinstance(model_field, models.ForeignKey) and model_field.related_model is om.Municipality:
            name = "municipality"
        kind = kind_of(model_field)
        has_default = model_field.has_default()
        rule = Rule(
            name=name,
            attname=attname,
            kind=kind,
            model_field=model_field,
            max_length=getattr(model_field, "max_length", None) if kind == "text" else None,
            nullable=model_field.null,
            choices={str(value).lower(): str(value) for value, _label in model_field.choices}
            if model_field.choices
            else None,
            url=isinstance(model_field, models.URLField),
            email=isinstance(model_field, models.EmailField),
            extension=name in EXTENSIONS,
        )
        rule.required = (
            name == "id"
            or (not model_field.blank and not has_default)
            or (name in required_by_hsds and has_default and (table, name) not in NOT_REQUIRED)
        )
        enum = properties.get(name, {}).get("enum")
        if rule.choices is None and isinstance(enum, list):
            rule.choices = {str(value).lower(): str(value) for value in enum}
        if isinstance(model_field, models.ForeignKey) and model_field.related_model is not om.Municipality:
            related = model_field.related_model
            rule.target = TABLE_OF_MODEL[related] if isinstance(related, type) else table
        if isinstance(model_field, models.PositiveSmallIntegerField):
            rule.minimum, rule.maximum = 0, 32767
        elif isinstance(model_field, models.PositiveIntegerField):
            rule.minimum, rule.maximum = 0, 2147483647
        if table == "location" and name == "latitude":
            rule.minimum, rule.maximum = -90, 90
        if table == "location" and name == "longitude":
            rule.minimum, rule.maximum = -180, 180
        if name == "year_incorporated":
            rule.minimum, rule.maximum = 1000, 2200
        rules[name] = rule
    data_fields = [
        name
        for name, rule in rules.items()
        if not rule.target and not rule.extension and name not in AUTO_FIELDS and name != "id"
    ]
    link_fields = [name for name, rule in rules.items() if rule.target]
    plain_text = {
        name: rule.max_length
        for name, rule in rules.items()
        if rule.kind == "text" and not (rule.choices or rule.url or rule.email)
    }
    blanks = {name: blank(rules[name]) for name in data_fields}
    required = [name for name, rule in rules.items() if rule.required]
    return TableRules(table, model, rules, data_fields, link_fields, plain_text, blanks, required)


# --- Flattening nested objects -------------------------------------------------------------------------


@dataclass
class Row:
    table: str
    data: dict[str, Any]
    path: str  # where in the record, e.g. "service_at_locations[0].location"
    text: bool = False
    implied: dict[str, Any] = field(default_factory=dict)  # links given by the nesting
    defaults: dict[str, Any] = field(default_factory=dict)  # used only when the object has no value
    nested: bool = False
    values: dict[str, Any] = field(default_factory=dict)  # parsed, by HSDS name
    id: uuid.UUID | None = None
    print: int | None = None  # content fingerprint, see Importer.fingerprint


def join(path: str, key: str) -> str:
    return f"{path}.{key}" if path and key else path or key


def flatten(record: Record) -> list[Row]:
    rows: list[Row] = []
    if not record.nested:
        rows.append(Row(record.table, record.data, "", text=record.text))
        return rows
    flatten_object(record.table, record.data, "", {}, {}, rows)
    return rows


def flatten_object(
    table: str,
    obj: dict[str, Any],
    path: str,
    implied: dict[str, Any],
    defaults: dict[str, Any],
    rows: list[Row],
) -> None:
    """Emit the objects this one points at, then this one, then its children (parents first)."""
    data: dict[str, Any] = {}
    own_implied = dict(implied)
    later: list[tuple[str, dict[str, Any], str, dict[str, Any], dict[str, Any]]] = []
    oid = obj.get("id")
    referenced = REFERENCED.get(table, {})
    children = CHILDREN.get(table, {})
    for key, value in obj.items():
        if key in referenced and isinstance(value, dict):
            their_table, link = referenced[key]
            child_defaults: dict[str, Any] = {}
            if table == "service" and key == "program":
                organization = obj.get("organization")
                org_id = (
                    organization.get("id")
                    if isinstance(organization, dict)
                    else obj.get("organization_id", implied.get("organization_id"))
                )
                child_defaults = {"organization_id": org_id}
            flatten_object(their_table, value, join(path, key), {}, child_defaults, rows)
            if "id" in value:
                own_implied.setdefault(link, value.get("id"))
        elif key in children and isinstance(value, list):
            child_table, link = children[key]
            for index, child in enumerate(value):
                later.append((child_table, child, f"{join(path, key)}[{index}]", {link: oid}, {}))
        elif key == "attributes" and isinstance(value, list):
            for index, child in enumerate(value):
                later.append(
                    (
                        "attribute",
                        child,
                        f"{join(path, key)}[{index}]",
                        {"link_id": oid, "link_entity": table},
                        {},
                    )
                )
        elif key == "metadata" and isinstance(value, list):
            for index, child in enumerate(value):
                later.append(
                    (
                        "metadata",
                        child,
                        f"{join(path, key)}[{index}]",
                        {"resource_id": oid, "resource_type": table},
                        {},
                    )
                )
        else:
            data[key] = value
    rows.append(Row(table, data, path, implied=own_implied, defaults=defaults, nested=True))
    for child_table, child, child_path, child_implied, child_defaults in later:
        if isinstance(child, dict):
            flatten_object(child_table, child, child_path, child_implied, child_defaults, rows)
        else:
            rows.append(Row(child_table, {"__not_object__": child}, child_path, nested=True))


# --- Parsing values ------------------------------------------------------------------------------------

URL_VALIDATOR = URLValidator()
EMAIL_VALIDATOR = EmailValidator()
TIME_RE = re.compile(
    r"^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$", re.IGNORECASE
)


class Invalid(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def blank(rule: Rule) -> Any:
    if rule.kind == "json":
        return {}
    if rule.nullable or rule.kind not in {"text"}:
        return None
    return ""


def parse_number(raw: Any, rule: Rule, text: bool) -> Any:
    if isinstance(raw, bool):
        raise Invalid(_("expected a number, found true/false"))
    if isinstance(raw, str):
        cleaned = raw.strip().replace(",", ".") if text else raw.strip()
        try:
            number: Any = decimal.Decimal(cleaned)
        except decimal.InvalidOperation:
            raise Invalid(_("expected a number, found %(value)s") % {"value": shorten(raw)}) from None
    elif isinstance(raw, int | float):
        number = decimal.Decimal(str(raw))
    else:
        raise Invalid(_("expected a number, found %(type)s") % {"type": describe(raw)})
    if not number.is_finite() or abs(number.adjusted()) > 300:
        raise Invalid(_("expected a number, found %(value)s") % {"value": shorten(raw)})
    if rule.minimum is not None and number < decimal.Decimal(str(rule.minimum)):
        raise Invalid(
            _("must be at least %(minimum)s, found %(value)s") % {"minimum": rule.minimum, "value": number}
        )
    if rule.maximum is not None and number > decimal.Decimal(str(rule.maximum)):
        raise Invalid(
            _("must be at most %(maximum)s, found %(value)s") % {"maximum": rule.maximum, "value": number}
        )
    if rule.kind == "int":
        if number != number.to_integral_value():
            raise Invalid(_("expected a whole number, found %(value)s") % {"value": number})
        return int(number)
    if rule.kind == "float":
        return float(number)
    field_ = rule.model_field
    assert isinstance(field_, models.DecimalField)  # noqa: S101
    if number.adjusted() >= (field_.max_digits or 12) - (field_.decimal_places or 0):
        raise Invalid(_("the number %(value)s is too large") % {"value": number})
    quantum = decimal.Decimal(1).scaleb(-(field_.decimal_places or 0))
    return number.quantize(quantum, rounding=decimal.ROUND_HALF_UP)


@lru_cache(maxsize=8192)
def parse_uuid(raw: str) -> uuid.UUID:
    """Cached: a parent's id is repeated in every child row the nesting implies."""
    return uuid.UUID(raw.strip())


def parse_datetime(raw: str) -> dt.datetime:
    text = raw.strip()
    if len(text) == 10:
        day = dt.date.fromisoformat(text)
        return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
    value = dt.datetime.fromisoformat(text.replace("z", "Z"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)  # HSDS times without an offset are UTC
    return value


def parse_value(raw: Any, rule: Rule, text: bool) -> Any:
    """The value in the model's Python type, or ``Invalid`` with a message in plain words."""
    if raw is None or (isinstance(raw, str) and raw.strip() == "" and rule.kind != "text"):
        return blank(rule)
    kind = rule.kind
    if kind == "text":
        if isinstance(raw, bool) or not isinstance(raw, str | int | float):
            raise Invalid(_("expected text, found %(type)s") % {"type": describe(raw)})
        value = raw if isinstance(raw, str) else format_number(raw)
        if "\x00" in value:
            raise Invalid(_("contains a NUL character"))
        if rule.choices is not None:
            normalised = ENUM_CASE.get(rule.name, str.lower)(value.strip())
            if normalised == "":
                return ""
            if normalised.lower() not in rule.choices:
                raise Invalid(
                    _("%(value)s is not one of: %(choices)s")
                    % {"value": shorten(value), "choices": ", ".join(rule.choices.values())}
                )
            return rule.choices[normalised.lower()]
        if rule.max_length and len(value) > rule.max_length:
            raise Invalid(
                _("is %(length)s characters long, at most %(max)s are allowed")
                % {"length": len(value), "max": rule.max_length}
            )
        if value and rule.url:
            try:
                URL_VALIDATOR(value)
            except ValidationError:
                raise Invalid(
                    _("%(value)s is not a web address (http or https)") % {"value": shorten(value)}
                ) from None
        if value and rule.email:
            try:
                EMAIL_VALIDATOR(value)
            except ValidationError:
                raise Invalid(_("%(value)s is not an e-mail address") % {"value": shorten(value)}) from None
        return value
    if kind in {"int", "float", "decimal"}:
        return parse_number(raw, rule, text)
    if kind == "uuid":
        if not isinstance(raw, str):
            raise Invalid(_("expected an id (UUID), found %(type)s") % {"type": describe(raw)})
        try:
            return parse_uuid(raw)
        except ValueError:
            raise Invalid(_("%(value)s is not an id (UUID)") % {"value": shorten(raw)}) from None
    if kind == "bool":
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.strip().lower() in {"true", "1", "yes", "false", "0", "no"}:
            return raw.strip().lower() in {"true", "1", "yes"}
        raise Invalid(_("expected true or false, found %(value)s") % {"value": shorten(raw)})
    if not isinstance(raw, str) and kind != "json":
        raise Invalid(_("expected text, found %(type)s") % {"type": describe(raw)})
    if kind == "date":
        day = raw.strip()
        try:
            if len(day) > 10 and day[10] in "T ":
                return parse_datetime(day).date()  # a date-time where a date belongs: its day
            return dt.date.fromisoformat(day)
        except ValueError:
            raise Invalid(_("%(value)s is not a date (YYYY-MM-DD)") % {"value": shorten(raw)}) from None
    if kind == "datetime":
        try:
            return parse_datetime(raw)
        except ValueError:
            raise Invalid(
                _("%(value)s is not a date and time (e.g. 2024-05-01T09:30:00Z)") % {"value": shorten(raw)}
            ) from None
    if kind == "time":
        match = TIME_RE.match(raw.strip())
        if not match:
            raise Invalid(_("%(value)s is not a time (HH:MM)") % {"value": shorten(raw)})
        hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
        if hour > 23 or minute > 59 or second > 59:
            raise Invalid(_("%(value)s is not a time (HH:MM)") % {"value": shorten(raw)})
        return dt.time(hour, minute, second)
    if kind == "json":
        return parse_translations(raw, text)
    if kind == "municipality":
        municipality_id = municipalities().get(raw.strip())
        if municipality_id is None:
            raise Invalid(_("there is no municipality %(value)s") % {"value": shorten(raw)})
        return municipality_id
    raise Invalid(_("cannot be read"))  # pragma: no cover


def parse_translations(raw: Any, text: bool) -> dict[str, dict[str, str]]:
    value = raw
    if isinstance(raw, str):
        try:
            value = json.loads(raw)
        except json.JSONDecodeError:
            raise Invalid(_("translations must be a JSON object")) from None
    if not isinstance(value, dict) or not all(
        isinstance(lang, str)
        and len(lang) <= 8
        and isinstance(fields, dict)
        and all(isinstance(k, str) and isinstance(v, str) and "\x00" not in v for k, v in fields.items())
        for lang, fields in value.items()
    ):
        raise Invalid(_('translations must look like {"en": {"name": "…"}}'))
    return value


def time_offset(raw: Any) -> float | None:
    """The UTC offset in hours of an HSDS time such as ``09:00+01:00`` (HSDS puts it in the time)."""
    if not isinstance(raw, str):
        return None
    match = TIME_RE.match(raw.strip())
    if not match or not match[4]:
        return None
    zone = match[4].upper()
    if zone == "Z":
        return 0.0
    sign = -1 if zone[0] == "-" else 1
    digits = zone[1:].replace(":", "")
    return sign * (int(digits[:2]) + int(digits[2:4] or 0) / 60)


def format_number(value: int | float) -> str:
    if isinstance(value, float) and value.is_integer() and math.isfinite(value):
        return str(int(value))
    return str(value)


def shorten(value: Any, length: int = 40) -> str:
    text = value if isinstance(value, str) else repr(value)
    return repr(text[:length] + "…" if len(text) > length else text)


def describe(value: Any) -> str:
    return type_name(value)


@cache
def municipalities() -> dict[str, int]:
    return dict(om.Municipality.objects.values_list("slug", "id"))


# --- The import ---------------------------------------------------------------------------------------


@dataclass
class Deferred:
    """A link to a row the file had not shown yet when its record was checked."""

    table: str
    row_id: uuid.UUID
    name: str
    target_table: str
    target: uuid.UUID
    where: str
    path: str
    soft: bool


@dataclass
class Seen:
    """What the file held so far: per table, id → (content fingerprint, links from nesting)."""

    rows: dict[str, dict[int, tuple[int, tuple[Any, ...]]]] = field(default_factory=lambda: defaultdict(dict))
    top: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    rejected: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    in_db: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))


class Importer:
    def __init__(
        self,
        *,
        dry_run: bool,
        skip_invalid: bool,
        progress: Callable[[str], None] | None,
        progress_every: int,
    ) -> None:
        self.report = ImportReport(dry_run=dry_run, skip_invalid=skip_invalid)
        self.seen = Seen()
        self.progress = progress
        self.progress_every = progress_every
        self.created: dict[str, set[int]] = defaultdict(set)
        self.updated: dict[str, set[int]] = defaultdict(set)
        self.deferred: list[Deferred] = []
        self.touched_services: set[uuid.UUID] = set()
        self.touched_locations: set[uuid.UUID] = set()
        self.now = timezone.now()
        self.record_errors = 0

    @property
    def writing(self) -> bool:
        return not self.report.dry_run and not (self.report.error_count and not self.report.skip_invalid)

    # -- records → checked rows

    def check_record(self, record: Record) -> list[Row]:
        """Parse every row of the record; returns the rows, adds problems to ``self.problems``."""
        rows = flatten(record)
        for row in rows:
            self.parse_row(row, record)
        return rows

    def problem(
        self, record: Record, row: Row | None, path: str, message: str, *, warning: bool = False
    ) -> None:
        table = row.table if row else record.table
        raw_id = row.data.get("id") if row else record.data.get("id")
        problem = Problem(
            where=record.where,
            table=table,
            id=str(raw_id)[:40] if isinstance(raw_id, str | int) else "",
            path=join(row.path, path) if row else path,
            message=message,
        )
        if warning:
            self.report.warn(problem)
        else:
            self.record_errors += 1
            self.report.error(problem)

    def parse_row(self, row: Row, record: Record) -> None:
        if "__not_object__" in row.data:
            self.problem(
                record,
                row,
                "",
                _("expected an object, found %(type)s") % {"type": describe(row.data["__not_object__"])},
            )
            return
        rules = table_rules(row.table)
        data = row.data
        for key, value in row.defaults.items():
            if data.get(key) in (None, "") and value is not None:
                data = {**data, key: value}
        data = {**data, **{k: v for k, v in row.implied.items() if v is not None}}
        row.data = data
        values: dict[str, Any] = {}
        invalid: set[str] = set()
        plain = rules.plain_text
        for name, raw in data.items():
            rule = rules.rules.get(name)
            if rule is None:
                continue  # extension fields we do not know: ignored (HSDS allows them)
            if name in plain and type(raw) is str and "\x00" not in raw:
                limit = plain[name]
                if limit is None or len(raw) <= limit:
                    values[name] = raw  # the common case, without the general parser
                    continue
            try:
                values[name] = parse_value(raw, rule, row.text)
            except Invalid as exc:
                self.problem(record, row, name, exc.message)
                invalid.add(name)
        if not row.text:
            # A JSON object is the whole record: HSDS fields left out are blank.
            values = {**rules.blanks, **values}
        for name in rules.required:
            if name in invalid:
                continue  # already reported
            if values.get(name) in (None, ""):
                self.problem(record, row, name, _("is required"))
        if row.table == "schedule" and values.get("timezone") is None:
            offset = time_offset(data.get("opens_at")) or time_offset(data.get("closes_at"))
            if offset is not None:
                values["timezone"] = offset
        if row.table == "service":
            low, high = values.get("minimum_age"), values.get("maximum_age")
            if low is not None and high is not None and low > high:
                self.problem(record, row, "minimum_age", _("the minimum age is above the maximum age"))
        if row.table == "closure":
            start, end = values.get("start_date"), values.get("end_date")
            if start and end and end < start:
                self.problem(record, row, "end_date", _("the last closed day is before the first"))
        row.values = values
        row.id = values.get("id") if isinstance(values.get("id"), uuid.UUID) else None

    def fingerprint(self, row: Row) -> int:
        if row.print is None:
            values = tuple(map(row.values.get, table_rules(row.table).data_fields))
            try:
                row.print = hash(values)
            except TypeError:
                row.print = hash(repr(values))
        return row.print

    def links(self, row: Row) -> tuple[Any, ...]:
        return tuple((k, row.values.get(k)) for k in row.implied) if row.implied else ()

    def check_duplicates(self, record: Record, rows: list[Row], own: dict[str, dict[int, Row]]) -> None:
        for row in rows:
            if row.id is None:
                continue
            key = row.id.int
            first = own[row.table].get(key)
            top = record.top and row.path == ""
            previous = self.seen.rows[row.table].get(key)
            if top and (key in self.seen.top[row.table] or (not record.nested and previous is not None)):
                self.problem(record, row, "id", _("this id appears more than once in the file"))
                continue
            if not record.nested and first is not None:
                self.problem(record, row, "id", _("this id appears more than once in the file"))
                continue
            fingerprint = self.fingerprint(row)
            links = self.links(row)
            earlier = previous or (
                (self.fingerprint(first), self.links(first)) if first is not None else None
            )
            if earlier is not None:
                if earlier[0] != fingerprint:
                    self.problem(
                        record, row, "", _("the same id appears elsewhere in the file with different content")
                    )
                    continue
                clash = {k for k, v in earlier[1] if dict(links).get(k, v) != v}
                if clash:
                    self.problem(
                        record,
                        row,
                        sorted(clash)[0],
                        _("the same object is nested under two different parents of one kind"),
                    )
                    continue
            if first is not None:
                first.values.update({k: v for k, v in row.values.items() if k in row.data})
            else:
                own[row.table][key] = row

    def run(self, records: Iterable[Record | LineProblem]) -> None:
        chunk: list[Record] = []
        count = 0
        for item in records:
            if isinstance(item, LineProblem):
                self.report.records_read += 1
                self.report.records_rejected += 1
                self.report.error(Problem(item.where, "", "", "", item.message))
                continue
            chunk.append(item)
            count += 1
            if len(chunk) >= CHUNK_RECORDS:
                self.process(chunk)
                chunk = []
            if self.progress and count % self.progress_every == 0:
                self.progress(
                    _("%(count)s records read, %(errors)s problems so far")
                    % {"count": count, "errors": self.report.error_count}
                )
        if chunk:
            self.process(chunk)
        self.finish_deferred()
        for table, ids in self.seen.rows.items():
            self.report.unchanged[table] = len(ids) - len(self.created[table]) - len(self.updated[table])

    def process(self, chunk: list[Record]) -> None:
        checked: list[tuple[Record, list[Row], int]] = []
        for record in chunk:
            self.record_errors = 0
            rows = self.check_record(record)
            checked.append((record, rows, self.record_errors))
        self.lookup_links(checked)
        accepted: list[Row] = []
        for record, rows, errors in checked:
            self.report.records_read += 1
            self.record_errors = errors
            own: dict[str, dict[int, Row]] = defaultdict(dict)
            if not self.record_errors:
                self.check_duplicates(record, rows, own)
            if not self.record_errors:
                self.check_links(record, rows, own)
            if self.record_errors:
                self.report.records_rejected += 1
                for row in rows:
                    if row.id is not None and row.id.int not in self.seen.rows[row.table]:
                        self.seen.rejected[row.table].add(row.id.int)
                continue
            for table, by_id in own.items():
                for key, row in by_id.items():
                    self.seen.rows[table].setdefault(key, (self.fingerprint(row), self.links(row)))
            for row in rows:
                if record.top and row.path == "" and row.id is not None:
                    self.seen.top[row.table].add(row.id.int)
            accepted.extend(row for by_id in own.values() for row in by_id.values())
        if accepted and (self.writing or self.report.dry_run):
            self.write(accepted)

    def lookup_links(self, checked: list[tuple[Record, list[Row], int]]) -> None:
        """Find in one query per table which linked ids (not in this chunk) the database already has."""
        in_chunk: dict[str, set[int]] = defaultdict(set)
        for _record, rows, _errors in checked:
            for row in rows:
                if row.id is not None:
                    in_chunk[row.table].add(row.id.int)
        wanted: dict[str, set[uuid.UUID]] = defaultdict(set)
        for _record, rows, _errors in checked:
            for row in rows:
                rules = table_rules(row.table)
                for name in rules.link_fields:
                    target = row.values.get(name)
                    table = rules.rules[name].target
                    if isinstance(target, uuid.UUID) and table:
                        key = target.int
                        if not (
                            key in in_chunk[table]
                            or key in self.seen.rows[table]
                            or key in self.seen.in_db[table]
                        ):
                            wanted[table].add(target)
        for table, ids in wanted.items():
            self.seen.in_db[table].update(found.int for found in existing_ids(MODELS[table], ids))

    def check_links(self, record: Record, rows: list[Row], own: dict[str, dict[int, Row]]) -> None:
        """Links to rows not seen yet are checked at the end of the file: nested exports link forward."""
        for row in rows:
            rules = table_rules(row.table)
            for name in rules.link_fields:
                target = row.values.get(name)
                if not isinstance(target, uuid.UUID) or row.id is None:
                    continue
                target_table = rules.rules[name].target
                assert target_table is not None  # noqa: S101
                key = target.int
                if (
                    key in self.seen.rows[target_table]
                    or key in own[target_table]
                    or key in self.seen.in_db[target_table]
                ):
                    continue
                if key in self.seen.rejected[target_table]:
                    message = _("refers to %(table)s %(id)s, which has errors (see above)")
                    self.problem(record, row, name, message % {"table": target_table, "id": target})
                    continue
                soft = (row.table, name) in SOFT_LINKS
                if soft:
                    row.values[name] = None  # written once the target is known
                self.deferred.append(
                    Deferred(
                        row.table,
                        row.id,
                        name,
                        target_table,
                        target,
                        record.where,
                        join(row.path, name),
                        soft,
                    )
                )

    def finish_deferred(self) -> None:
        """Resolve the links to rows that came later in the file (or never came)."""
        missing: dict[str, set[int]] = defaultdict(set)
        wanted: dict[str, set[uuid.UUID]] = defaultdict(set)
        for link in self.deferred:
            if link.target.int not in self.seen.rows[link.target_table]:
                wanted[link.target_table].add(link.target)
        for table, ids in wanted.items():
            found = {found.int for found in existing_ids(MODELS[table], ids)}
            missing[table] = {i.int for i in ids} - found
        rejected_records: set[str] = set()
        for link in self.deferred:
            if link.target.int not in missing[link.target_table]:
                if link.soft and self.writing:
                    attname = table_rules(link.table).rules[link.name].attname
                    MODELS[link.table]._default_manager.filter(pk=link.row_id).update(
                        **{attname: link.target}
                    )
                continue
            if link.soft:
                message = _(
                    "%(table)s %(id)s is in neither the file nor the database; the link was left empty"
                )
                self.report.warn(
                    Problem(
                        link.where,
                        link.table,
                        str(link.row_id),
                        link.path,
                        message % {"table": link.target_table, "id": link.target},
                    )
                )
                continue
            if link.target.int in self.seen.rejected[link.target_table]:
                message = _("refers to %(table)s %(id)s, which has errors (see above)")
            else:
                message = _("refers to %(table)s %(id)s, which is in neither the file nor the database")
            self.report.error(
                Problem(
                    link.where,
                    link.table,
                    str(link.row_id),
                    link.path,
                    message % {"table": link.target_table, "id": link.target},
                )
            )
            rejected_records.add(link.where)
            if self.writing:
                # --skip-invalid: the row was written before its link could be checked; take it out again.
                rule = table_rules(link.table).rules[link.name]
                rows = MODELS[link.table]._default_manager.filter(pk=link.row_id)
                if link.row_id.int in self.created[link.table]:
                    rows.delete()
                elif rule.nullable:
                    rows.update(**{rule.attname: None})
                else:
                    self.report.records_rejected = self.report.records_read  # cannot be undone: roll back all
        self.report.records_rejected += len(rejected_records)

    # -- writing

    def write(self, rows: list[Row]) -> None:
        by_table: dict[str, dict[uuid.UUID, Row]] = defaultdict(dict)
        for row in rows:
            assert row.id is not None  # noqa: S101
            existing = by_table[row.table].get(row.id)
            if existing is None:
                by_table[row.table][row.id] = row
            else:
                existing.values.update(row.values)
        for table in TABLE_ORDER:
            if table in by_table:
                self.write_table(table, by_table[table])

    def write_table(self, table: str, rows: dict[uuid.UUID, Row]) -> None:
        rules = table_rules(table)
        model = rules.model
        names = [name for name in rules.rules if name != "id"]
        attnames = [rules.rules[name].attname for name in names]
        current: dict[uuid.UUID, tuple[Any, ...]] = {}
        ids = existing_ids(model, rows)  # cheap; the full rows only for those that exist
        for start in range(0, len(ids), 900):
            for values in model._default_manager.filter(pk__in=ids[start : start + 900]).values_list(
                "pk", *attnames
            ):
                current[values[0]] = values[1:]
        inserts: list[dict[str, Any]] = []
        updates: dict[tuple[str, ...], list[tuple[uuid.UUID, dict[str, Any]]]] = defaultdict(list)
        for row_id, row in rows.items():
            key = row_id.int
            old = current.get(row_id)
            if old is None:
                if key in self.created[table] or key in self.updated[table]:
                    continue  # dry run: counted already
                self.created[table].add(key)
                self.report.created[table] += 1
                inserts.append(row.values)
                self.touch(table, row)
                continue
            before = dict(zip(names, old, strict=True))
            changed = {
                name: value
                for name, value in row.values.items()
                if name != "id"
                and name != "last_modified"
                and name in before
                and not same(before[name], value)
            }
            given = row.values.get("last_modified") if table == "service" else None
            if given and (changed or not same(before["last_modified"], given)):
                changed["last_modified"] = given
            if not changed:
                continue
            if key not in self.created[table] and key not in self.updated[table]:
                self.updated[table].add(key)
                self.report.updated[table] += 1
            self.touch(table, row)
            if table == "service" and "last_modified" not in changed:
                changed["last_modified"] = self.now
            if table == "organization":
                changed["updated_at"] = self.now
            updates[tuple(sorted(changed))].append((row_id, changed))
        if not self.writing or self.report.dry_run:
            return
        self.insert(table, rules, inserts)
        for columns, items in updates.items():
            self.update(table, rules, columns, items)

    def touch(self, table: str, row: Row) -> None:
        if table == "service" and row.id is not None:
            self.touched_services.add(row.id)
        elif table == "location" and row.id is not None:
            self.touched_locations.add(row.id)
        elif table == "attribute" and row.values.get("link_entity") == "service":
            link = row.values.get("link_id")
            if isinstance(link, uuid.UUID):
                self.touched_services.add(link)
        elif isinstance(row.values.get("service_id"), uuid.UUID):
            self.touched_services.add(row.values["service_id"])
        elif isinstance(row.values.get("location_id"), uuid.UUID):
            self.touched_locations.add(row.values["location_id"])

    def insert(self, table: str, rules: TableRules, inserts: list[dict[str, Any]]) -> None:
        if not inserts:
            return
        model = rules.model
        fields = list(model._meta.concrete_fields)
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        placeholders = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608
        by_attname = {rule.attname: name for name, rule in rules.rules.items()}
        # Per column: (HSDS name, converter, the value when the row has none); worked out once per batch.
        plan = []
        for model_field in fields:
            if model_field.attname in AUTO_FIELDS:
                empty = model_field.get_db_prep_save(self.now, connection)
            else:
                default = None if model_field.null else model_field.get_default()
                empty = model_field.get_db_prep_save(default, connection)
            plan.append((by_attname.get(model_field.attname), db_converter(model_field), empty))
        params = []
        for values in inserts:
            row_params = []
            for name, convert, empty in plan:
                value = values.get(name) if name is not None else None
                if value is None:
                    row_params.append(empty)
                else:
                    row_params.append(convert(value) if convert else value)
            params.append(row_params)
        with connection.cursor() as cursor:
            cursor.executemany(sql, params)

    def update(
        self,
        table: str,
        rules: TableRules,
        columns: tuple[str, ...],
        items: list[tuple[uuid.UUID, dict[str, Any]]],
    ) -> None:
        model = rules.model
        by_attname = {f.attname: f for f in model._meta.concrete_fields}
        fields = [by_attname[rules.rules[name].attname if name in rules.rules else name] for name in columns]
        assignments = ", ".join(f"{connection.ops.quote_name(f.column)} = %s" for f in fields)
        pk = model._meta.pk
        assert pk is not None  # noqa: S101
        sql = (
            f"UPDATE {connection.ops.quote_name(model._meta.db_table)} SET {assignments} "  # noqa: S608
            f"WHERE {connection.ops.quote_name(pk.column)} = %s"
        )
        params = []
        for row_id, changed in items:
            row_params = []
            for name, model_field in zip(columns, fields, strict=True):
                value = changed[name]
                if value is None and not model_field.null:
                    value = model_field.get_default()
                row_params.append(model_field.get_db_prep_save(value, connection))
            row_params.append(pk.get_db_prep_save(row_id, connection))
            params.append(row_params)
        with connection.cursor() as cursor:
            cursor.executemany(sql, params)

    def changed_services(self) -> list[uuid.UUID]:
        if self.touched_locations:
            self.touched_services.update(
                dm.ServiceAtLocation.objects.filter(location_id__in=list(self.touched_locations)).values_list(
                    "service_id", flat=True
                )
            )
        return list(self.touched_services)

    def refresh(self, ids: list[uuid.UUID], *, index_each: bool) -> None:
        """Derived data of the changed services: occurrences from schedules, and the search index."""
        # 200: SQLite refuses the schedules prefetch for about a thousand services (expression tree depth).
        for start in range(0, len(ids), 200):
            services = list(dm.Service.objects.filter(pk__in=ids[start : start + 200]).order_by())
            schedules.prefetch_schedules(services)
            for service in services:
                with transaction.atomic():
                    schedules.refresh_occurrences(service)
                    if index_each:
                        indexing.index_service(service)
            self.report.services_refreshed += len(services)
            if self.progress and len(ids) > BIG_IMPORT:
                self.progress(
                    _("opening times of %(done)s of %(total)s services refreshed")
                    % {"done": self.report.services_refreshed, "total": len(ids)}
                )


def existing_ids(model: type[models.Model], ids: Iterable[uuid.UUID]) -> list[uuid.UUID]:
    """Which of ``ids`` the table has, by plain SQL: the ORM's lookup costs more than the query."""
    pk = model._meta.pk
    assert pk is not None  # noqa: S101
    convert = db_converter(pk)
    id_list = [convert(i) if convert else i for i in ids]
    found: list[uuid.UUID] = []
    table = connection.ops.quote_name(model._meta.db_table)
    column = connection.ops.quote_name(pk.column)
    with connection.cursor() as cursor:
        for start in range(0, len(id_list), 900):
            batch = id_list[start : start + 900]
            marks = ", ".join(["%s"] * len(batch))
            cursor.execute(f"SELECT {column} FROM {table} WHERE {column} IN ({marks})", batch)  # noqa: S608
            found.extend(v if isinstance(v, uuid.UUID) else uuid.UUID(str(v)) for (v,) in cursor.fetchall())
    return found


def db_converter(model_field: models.Field[Any, Any]) -> Callable[[Any], Any] | None:
    """How a parsed value goes to the database; None when it goes as it is (the common, fast case)."""
    target = model_field.target_field if isinstance(model_field, models.ForeignKey) else model_field
    if isinstance(target, models.CharField | models.TextField):
        return None
    if isinstance(target, models.UUIDField):
        return None if connection.features.has_native_uuid_field else operator.attrgetter("hex")
    if isinstance(target, models.BigAutoField | models.AutoField):
        return None
    return lambda value: model_field.get_db_prep_save(value, connection)


def same(old: Any, new: Any) -> bool:
    if old is None and new == "":
        return True
    if old == "" and new is None:
        return True
    if isinstance(old, dt.datetime) and isinstance(new, dt.datetime):
        # HSDS date-times carry milliseconds: a file cannot say more, so it does not differ below that.
        return abs((old - new).total_seconds()) < 0.001 and old.microsecond // 1000 == new.microsecond // 1000
    if isinstance(old, float) and isinstance(new, float):
        return math.isclose(old, new, rel_tol=0, abs_tol=1e-12)
    return bool(old == new)


def import_hsds(
    path: Path,
    *,
    dry_run: bool = False,
    skip_invalid: bool = False,
    progress: Callable[[str], None] | None = None,
    progress_every: int = 10_000,
    defer_derived: bool = False,
) -> ImportReport:
    """Import the HSDS file at ``path``; never raises for bad input, the report says what went wrong.

    Opening times (occurrences) and the search index of the changed services are refreshed in the import's
    transaction for small imports. A big import commits the data first and then refreshes them in chunks,
    the index rebuilt once; with ``defer_derived`` it leaves them to ``refresh_occurrences`` and ``reindex``.
    """
    importer = Importer(
        dry_run=dry_run, skip_invalid=skip_invalid, progress=progress, progress_every=progress_every
    )
    report = importer.report
    municipalities.cache_clear()
    changed: list[uuid.UUID] = []
    big = False
    try:
        with transaction.atomic():
            importer.run(read(Path(path), report.source))
            if report.failed or dry_run:
                transaction.set_rollback(True)
            else:
                changed = importer.changed_services()
                big = len(changed) > BIG_IMPORT
                if not big:
                    importer.refresh(changed, index_each=True)
                report.committed = True
    except ImportFileError as exc:
        report.error(Problem(exc.where or str(path), "", "", "", exc.message))
        report.records_rejected = report.records_read
        report.committed = False
    except DatabaseError as exc:
        report.error(
            Problem(
                str(path),
                "",
                "",
                "",
                _("The database refused the data: %(reason)s") % {"reason": str(exc)[:300]},
            )
        )
        report.records_rejected = report.records_read
        report.committed = False
    except Exception as exc:
        # A bug, not bad input: the import still ends with a report (nothing written), and the log has it.
        logger.exception("import_hsds failed")
        report.error(
            Problem(
                str(path),
                "",
                "",
                "",
                _("An unexpected error stopped the import: %(reason)s") % {"reason": exc},
            )
        )
        report.records_rejected = report.records_read
        report.committed = False
    if report.failed:
        report.committed = False
    if report.committed and big and not defer_derived:
        try:
            indexing.reindex_all()
            importer.refresh(changed, index_each=False)
        except Exception:
            logger.exception("import_hsds: refreshing derived data failed")
            defer_derived = True
    if report.committed and big and defer_derived:
        report.source.notes.append(
            _(
                "Opening times and the search index were not refreshed for %(count)s services: run "
                "helpnet refresh_occurrences and helpnet reindex."
            )
            % {"count": len(changed)}
        )
    return report


def records_of(items: Iterable[dict[str, Any]], table: str = "service") -> Iterator[Record]:
    """Records from objects in memory (tests, the benchmark)."""
    for index, obj in enumerate(items, start=1):
        yield Record(f"item {index}", table, obj, nested=True)
