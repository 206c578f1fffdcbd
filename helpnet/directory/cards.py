# ruff: noqa: S608  (the statements are built from the models' table and column names and placeholders only)
"""A page of search results as the cards and the map show it, read as plain rows.

Twenty result cards need their services, organisations, locations (with municipality and, where a location has
none, its addresses' towns), service areas and cost options. Through querysets that was most of a results page's
time at 100 000 services: compiling five querysets, running Django's converters on every value and building a
model instance for every related row (170 per page) cost more than the search itself. Here the statements are
written once from the models' own table and column names, values are converted where they are read, and only
the objects whose methods the page calls (the service, its organisation, its locations and their
municipalities, for their translations and URLs) are model instances; the rest are plain records.
"""

import datetime as dt
import json
from decimal import Decimal
from functools import cache
from types import SimpleNamespace
from typing import Any
from uuid import UUID

from django.db import connection
from django.db.models import Field, Model
from django.utils import timezone

from helpnet.organizations.models import Municipality, Organization

from .freshness import is_listed
from .models import Address, CostOption, Location, Service, ServiceArea, ServiceAtLocation

SERVICE_FIELDS = ("id", "name", "description", "status", "original_language", "translations", "organization")
ORGANIZATION_FIELDS = ("id", "name", "country", "original_language", "translations")
LOCATION_FIELDS = ("id", "name", "latitude", "longitude", "confidential", "municipality", "original_language", "translations")  # fmt: skip


def _table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


@cache
def _fields(model: type[Model]) -> dict[str, Field]:  # type: ignore[type-arg]
    return {f.name: f for f in model._meta.concrete_fields}


def _field(model: type[Model], name: str) -> Field:  # type: ignore[type-arg]
    return _fields(model)[name]


@cache
def _attnames(model: type[Model], names: tuple[str, ...]) -> tuple[list[str], list[int]]:
    """The attnames of the named fields in the model's order, and where each one's value is in ``names``."""
    attname = {_field(model, n).attname: i for i, n in enumerate(names)}
    ordered = [f.attname for f in model._meta.concrete_fields if f.attname in attname]
    return ordered, [attname[a] for a in ordered]


def _column(model: type[Model], alias: str, name: str) -> str:
    return f"{alias}.{connection.ops.quote_name(_field(model, name).column)}"


def _columns(model: type[Model], alias: str, names: tuple[str, ...]) -> str:
    return ", ".join(_column(model, alias, n) for n in names)


@cache
def _statements(vendor: str) -> dict[str, str]:
    """The statements for this database, each with a '{ids}' slot for as many placeholders as there are ids."""
    return {
        "services": (
            f"SELECT {_columns(Service, 's', SERVICE_FIELDS)}, {_columns(Organization, 'o', ORGANIZATION_FIELDS)}, "
            f"{_column(Service, 's', 'assured_date')}, {_column(Service, 's', 'created_at')} "
            f"FROM {_table(Service)} s LEFT JOIN {_table(Organization)} o "
            f"ON o.{connection.ops.quote_name('id')} = {_column(Service, 's', 'organization')} "
            f"WHERE {_column(Service, 's', 'id')} IN ({{ids}})"
        ),
        "locations": (
            f"SELECT {_column(ServiceAtLocation, 'sl', 'service')}, {_columns(Location, 'l', LOCATION_FIELDS)}, "
            f"{_column(Municipality, 'm', 'name')} "
            f"FROM {_table(ServiceAtLocation)} sl "
            f"JOIN {_table(Location)} l ON {_column(Location, 'l', 'id')} = {_column(ServiceAtLocation, 'sl', 'location')} "
            f"LEFT JOIN {_table(Municipality)} m ON {_column(Municipality, 'm', 'id')} = {_column(Location, 'l', 'municipality')} "
            f"WHERE {_column(ServiceAtLocation, 'sl', 'service')} IN ({{ids}}) "
        ),
        "addresses": (
            f"SELECT {_column(Address, 'a', 'location')}, {_column(Address, 'a', 'city')} FROM {_table(Address)} a "
            f"WHERE {_column(Address, 'a', 'location')} IN ({{ids}})"
        ),
        "areas": (
            f"SELECT {_column(ServiceArea, 'a', 'service')}, {_column(Municipality, 'm', 'name')} "
            f"FROM {_table(ServiceArea)} a "
            f"JOIN {_table(Municipality)} m ON {_column(Municipality, 'm', 'id')} = {_column(ServiceArea, 'a', 'municipality')} "
            f"WHERE {_column(ServiceArea, 'a', 'service')} IN ({{ids}})"
        ),
        "costs": (
            f"SELECT {_column(CostOption, 'c', 'service')}, {_column(CostOption, 'c', 'amount')} "
            f"FROM {_table(CostOption)} c "
            f"WHERE {_column(CostOption, 'c', 'service')} IN ({{ids}})"
        ),
    }


def _run(name: str, ids: list[Any]) -> list[tuple[Any, ...]]:
    sql = _statements(connection.vendor)[name].format(ids=", ".join(["%s"] * len(ids)))
    with connection.cursor() as cursor:
        cursor.execute(sql, [_key(i) for i in ids])
        return cursor.fetchall()


def _key(value: UUID) -> Any:
    """A UUID as this database takes it as a parameter."""
    return value if connection.features.has_native_uuid_field else value.hex


def _uuid(value: Any) -> UUID:
    return value if isinstance(value, UUID) else UUID(str(value))


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str | bytes) else (value or {})


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _datetime(value: Any) -> dt.datetime:
    found = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    return found if timezone.is_aware(found) else timezone.make_aware(found, dt.UTC)


def _instance(model: type[Model], names: tuple[str, ...], values: dict[str, Any]) -> Any:
    """A model instance from some of its columns, the others deferred, as a queryset builds one (from_db takes
    the columns in the model's order)."""
    attnames, positions = _attnames(model, names)
    return model.from_db(connection.alias, attnames, [values[names[i]] for i in positions])


def card_services_in_order(ids: list[UUID]) -> list[Service]:
    """The listed services among ``ids``, in the order given, with what a result card and the map show: their
    organisation, locations (with municipality and, where it has none, the addresses' towns), service areas'
    municipalities and cost options, as the lists service_locations, location_addresses, service_areas and
    service_costs read. Four or five statements whatever the page's length."""
    if not ids:
        return []
    # By primary key alone, the listing rule checked here on the rows read: with the rule in the WHERE the
    # databases may walk the status index over every service (1-2 ms more per page at 100 000 services).
    found: dict[UUID, Any] = {}
    today = timezone.localdate()
    width = len(SERVICE_FIELDS)
    for row in _run("services", ids):
        status, assured_date, created_at = row[3], _date(row[-2]), _datetime(row[-1])
        if not is_listed(status, assured_date, created_at, today=today):
            continue
        values = dict(zip(SERVICE_FIELDS, row[:width], strict=True))
        values.update(
            id=_uuid(values["id"]), organization=values["organization"] and _uuid(values["organization"])
        )
        values["translations"] = _json(values["translations"])
        service = _instance(Service, SERVICE_FIELDS, values)
        org = dict(zip(ORGANIZATION_FIELDS, row[width:-2], strict=True))
        if org["id"] is not None:
            org.update(id=_uuid(org["id"]), translations=_json(org["translations"]))
            service.organization = _instance(Organization, ORGANIZATION_FIELDS, org)
        else:
            service.organization = None
        service.card_locations, service.card_areas, service.card_costs = [], [], []
        found[service.pk] = service
    if not found:
        return []
    service_ids = list(found)
    without_municipality: dict[UUID, list[Any]] = {}  # Locations
    for service_id, *location_row, municipality_name in _run("locations", service_ids):
        values = dict(zip(LOCATION_FIELDS, location_row, strict=True))
        values.update(
            id=_uuid(values["id"]),
            confidential=bool(values["confidential"]),
            translations=_json(values["translations"]),
        )
        location = _instance(Location, LOCATION_FIELDS, values)
        location.card_addresses = []
        if location.municipality_id is not None:
            location.municipality = Municipality(id=location.municipality_id, name=municipality_name)
        else:
            without_municipality.setdefault(location.pk, []).append(location)
        found[_uuid(service_id)].card_locations.append(SimpleNamespace(location=location))
    if without_municipality:
        for location_id, city in _run("addresses", list(without_municipality)):
            for location in without_municipality[_uuid(location_id)]:
                location.card_addresses.append(SimpleNamespace(city=city))
    for service_id, name in _run("areas", service_ids):
        found[_uuid(service_id)].card_areas.append(SimpleNamespace(municipality=SimpleNamespace(name=name)))
    for service_id, amount in _run("costs", service_ids):
        found[_uuid(service_id)].card_costs.append(
            SimpleNamespace(amount=None if amount is None else Decimal(str(amount)))
        )
    return [found[pk] for pk in ids if pk in found]
