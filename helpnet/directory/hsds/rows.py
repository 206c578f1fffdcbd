"""HSDS rows: the field rules (from the HSDS schema and our models), nested objects flattened into rows,
and values parsed into the models' Python types with messages in plain words.

The rules run as plain Python rather than through jsonschema, which costs about 150 µs per service row.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import math
import re
import uuid
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import models
from django.utils.translation import gettext as _

from helpnet.directory import models as dm
from helpnet.organizations import models as om

from .readers import TABLE_ORDER, Record, type_name

SCHEMA_FILE = Path(__file__).parent / "schemas" / "compiled" / "service_with_definitions.json"

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
