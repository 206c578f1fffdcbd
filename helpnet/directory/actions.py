"""Writes to the help map by the staff of organisations.

Every change runs in one transaction, leaves one HSDS ``Metadata`` row per changed field (who: the
username only) and then rebuilds the service's derived rows: its occurrences and its search index entry.
Callers (views, admin, commands, tests) have already checked permissions.
"""

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import global_settings
from django.db import transaction
from django.utils import timezone

from helpnet.accounts.models import User
from helpnet.organizations.models import Municipality, Organization

from . import indexing, schedules
from .models import (
    Accessibility,
    Address,
    Attribute,
    Closure,
    CostOption,
    Language,
    Location,
    Metadata,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    TaxonomyTerm,
)

NEED_AREA = "need_area"
TARGET_GROUP = "target_group"
FREE_OPTION = "free"
CURRENCY_BY_COUNTRY = {"SI": "EUR", "DK": "DKK"}

# The plain Service columns the editor may change; anything else stays as imported.
SERVICE_FIELDS = (
    "name",
    "description",
    "eligibility_description",
    "minimum_age",
    "maximum_age",
    "application_process",
    "fees_description",
    "url",
    "email",
    "status",
    "original_language",
)
TRANSLATED_SERVICE_FIELDS = ("name", "description")


@dataclass(frozen=True)
class ServiceInput:
    """Everything the service editor collects, already validated by its form."""

    fields: dict[str, Any]
    translations: dict[str, dict[str, str]] = field(default_factory=dict)  # lang -> field -> text
    need_areas: Sequence[TaxonomyTerm] = ()
    target_groups: Sequence[TaxonomyTerm] = ()
    languages: Sequence[str] = ()  # ISO 639-1 codes
    phone: str = ""
    free_of_charge: bool = False
    municipalities: Sequence[Municipality] = ()
    confirmed: bool = False


@dataclass(frozen=True)
class ScheduleInput:
    """One row of the opening-hours editor as an HSDS schedule."""

    freq: str = ""
    byday: str = ""
    opens_at: dt.time | None = None
    closes_at: dt.time | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    location: Location | None = None
    attending_type: str = ""
    notes: str = ""


@dataclass(frozen=True)
class ClosureInput:
    start_date: dt.date
    end_date: dt.date
    reason: str = ""


@dataclass(frozen=True)
class LocationInput:
    name: str
    address_1: str = ""
    postal_code: str = ""
    city: str = ""
    country: str = "SI"
    municipality: Municipality | None = None
    latitude: float | None = None
    longitude: float | None = None
    confidential: bool = False
    accessibility: str = ""
    transportation: str = ""
    services: Sequence[Service] = ()


# --- change log ---------------------------------------------------------------------------------


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return str(value)


def _log_changes(
    resource: Service | Location,
    *,
    before: dict[str, str],
    after: dict[str, str],
    action: str,
    by: User,
) -> int:
    """One Metadata row per field whose text differs; returns how many were written."""
    now = timezone.now()
    resource_type = "service" if isinstance(resource, Service) else "location"
    rows = [
        Metadata(
            resource_id=resource.pk,
            resource_type=resource_type,
            last_action_date=now,
            last_action_type=action,
            field_name=name,
            previous_value=before.get(name, ""),
            replacement_value=value,
            # Only the username: the change log is public in HSDS exports.
            updated_by=by.get_username(),
        )
        for name, value in after.items()
        if value != before.get(name, "")
    ]
    Metadata.objects.bulk_create(rows)
    return len(rows)


def _refresh_derived(services: Iterable[Service]) -> None:
    for service in services:
        schedules.refresh_occurrences(service)
        indexing.index_service(service)


# --- services -----------------------------------------------------------------------------------


def _term_codes(service: Service, link_type: str) -> str:
    codes = Attribute.objects.filter(
        link_entity="service", link_id=service.pk, link_type=link_type
    ).values_list("taxonomy_term__code", flat=True)
    return ",".join(sorted(c or "" for c in codes))


def _service_snapshot(service: Service) -> dict[str, str]:
    """The editable state of a service as text, for the change log."""
    snapshot = {name: _as_text(getattr(service, name)) for name in SERVICE_FIELDS}
    snapshot["translations"] = _as_text(service.translations)
    snapshot["assured_date"] = _as_text(service.assured_date)
    snapshot[NEED_AREA] = _term_codes(service, NEED_AREA)
    snapshot[TARGET_GROUP] = _term_codes(service, TARGET_GROUP)
    snapshot["languages"] = ",".join(sorted(service.languages.values_list("code", flat=True)))
    phone = service.phones.order_by("number").first()
    snapshot["phone"] = phone.number if phone else ""
    snapshot["cost_options"] = FREE_OPTION if _is_free(service) else ""
    snapshot["service_areas"] = ",".join(
        sorted(service.service_areas.exclude(municipality=None).values_list("municipality__slug", flat=True))
    )
    return snapshot


def _is_free(service: Service) -> bool:
    return service.cost_options.filter(option=FREE_OPTION, amount=0).exists()


def _merge_translations(
    current: dict[str, Any], new: dict[str, dict[str, str]], *, original_language: str
) -> dict[str, Any]:
    """Set or clear the edited fields' translations and keep any others (e.g. from an import)."""
    merged = {lang: dict(fields) for lang, fields in (current or {}).items()}
    for lang, fields in new.items():
        entry = merged.setdefault(lang, {})
        for name, text in fields.items():
            if text.strip():
                entry[name] = text.strip()
            else:
                entry.pop(name, None)
    # The original language needs no translation of itself.
    merged.pop(original_language, None)
    return {lang: fields for lang, fields in merged.items() if fields}


def _set_terms(service: Service, *, link_type: str, terms: Iterable[TaxonomyTerm]) -> None:
    wanted = {term.pk: term for term in terms}
    existing = Attribute.objects.filter(link_entity="service", link_id=service.pk, link_type=link_type)
    existing.exclude(taxonomy_term_id__in=list(wanted)).delete()
    have = set(existing.values_list("taxonomy_term_id", flat=True))
    Attribute.objects.bulk_create(
        Attribute(link_entity="service", link_id=service.pk, link_type=link_type, taxonomy_term=term)
        for pk, term in wanted.items()
        if pk not in have
    )


def _set_languages(service: Service, codes: Iterable[str]) -> None:
    names = dict(global_settings.LANGUAGES)
    wanted = set(codes)
    service.languages.exclude(code__in=wanted).delete()
    have = set(service.languages.values_list("code", flat=True))
    Language.objects.bulk_create(
        Language(service=service, code=code, name=str(names.get(code, code)))
        for code in sorted(wanted - have)
    )


def _set_phone(service: Service, number: str) -> None:
    phone = service.phones.order_by("number").first()
    number = number.strip()
    if not number:
        if phone:
            phone.delete()
    elif phone is None:
        Phone.objects.create(service=service, number=number)
    elif phone.number != number:
        phone.number = number
        phone.save(update_fields=["number"])


def _set_free(service: Service, free: bool) -> None:
    if not free:
        service.cost_options.filter(option=FREE_OPTION).delete()
    elif not _is_free(service):
        CostOption.objects.create(
            service=service,
            option=FREE_OPTION,
            amount=Decimal(0),
            currency=CURRENCY_BY_COUNTRY.get(service.organization.country, ""),
        )


@transaction.atomic
def set_service_areas(service: Service, *, municipalities: Iterable[Municipality]) -> None:
    """Make the service's municipality-based areas exactly ``municipalities`` (other areas stay)."""
    wanted = {m.pk: m for m in municipalities}
    service.service_areas.exclude(municipality=None).exclude(municipality_id__in=list(wanted)).delete()
    have = set(service.service_areas.values_list("municipality_id", flat=True))
    ServiceArea.objects.bulk_create(
        ServiceArea(service=service, municipality=m, name=m.name)
        for pk, m in wanted.items()
        if pk not in have
    )


def _apply_service_input(service: Service, data: ServiceInput) -> None:
    _set_terms(service, link_type=NEED_AREA, terms=data.need_areas)
    _set_terms(service, link_type=TARGET_GROUP, terms=data.target_groups)
    _set_languages(service, data.languages)
    _set_phone(service, data.phone)
    _set_free(service, data.free_of_charge)
    set_service_areas(service, municipalities=data.municipalities)


@transaction.atomic
def create_service(organization: Organization, *, data: ServiceInput, by: User) -> Service:
    """Create a service of ``organization`` with its terms, languages, phone, costs and areas."""
    fields = {name: value for name, value in data.fields.items() if name in SERVICE_FIELDS}
    service = Service(organization=organization, **fields)
    service.translations = _merge_translations(
        {}, data.translations, original_language=service.original_language
    )
    if data.confirmed:
        service.assured_date = timezone.localdate()
    service.save()
    before = dict.fromkeys(SERVICE_FIELDS, "") | {"translations": _as_text({})}
    _apply_service_input(service, data)
    _log_changes(service, before=before, after=_service_snapshot(service), action="create", by=by)
    _refresh_derived([service])
    return service


@transaction.atomic
def update_service(service: Service, *, data: ServiceInput, by: User) -> int:
    """Apply the editor's input; returns the number of fields that changed (0: nothing written)."""
    service = Service.objects.select_for_update().select_related("organization").get(pk=service.pk)
    before = _service_snapshot(service)
    changed_columns = []
    for name, value in data.fields.items():
        if name in SERVICE_FIELDS and getattr(service, name) != value:
            setattr(service, name, value)
            changed_columns.append(name)
    translations = _merge_translations(
        service.translations, data.translations, original_language=service.original_language
    )
    if translations != service.translations:
        service.translations = translations
        changed_columns.append("translations")
    if data.confirmed and service.assured_date != timezone.localdate():
        service.assured_date = timezone.localdate()
        changed_columns.append("assured_date")
    _apply_service_input(service, data)
    after = _service_snapshot(service)
    if after == before:
        return 0
    # last_modified moves whenever anything about the service changed, related rows included.
    service.save(update_fields=[*changed_columns, "last_modified"])
    count = _log_changes(service, before=before, after=after, action="update", by=by)
    _refresh_derived([service])
    return count


# --- opening hours and closures -----------------------------------------------------------------


def _schedules_text(service: Service) -> str:
    rows = service.schedules.order_by("freq", "byday", "opens_at", "valid_from")
    return "; ".join(
        " ".join(
            part
            for part in (
                row.freq,
                row.byday,
                f"{row.opens_at:%H:%M}–{row.closes_at:%H:%M}" if row.opens_at and row.closes_at else "",
                f"{row.valid_from or ''}..{row.valid_to or ''}" if row.valid_from or row.valid_to else "",
                f"@{row.location_id}" if row.location_id else "",
                row.attending_type,
                row.notes,
            )
            if part
        )
        for row in rows
    )


def _closures_text(service: Service) -> str:
    return "; ".join(
        f"{c.start_date}..{c.end_date} {c.reason}".strip() for c in service.closures.order_by("start_date")
    )


@transaction.atomic
def replace_schedules(
    service: Service,
    *,
    rows: Sequence[ScheduleInput],
    closures: Sequence[ClosureInput] | None = None,
    by: User,
) -> int:
    """Replace the service's opening hours (and, when given, its closures) with the editor's rows.

    Rows for a location of another organisation are refused: the form offers only the service's
    organisation's locations, so this is a programming error, not user input.
    """
    service = Service.objects.select_for_update().select_related("organization").get(pk=service.pk)
    for row in rows:
        if row.location is not None and row.location.organization_id != service.organization_id:
            raise ValueError("location of another organisation")
    before = {"schedules": _schedules_text(service), "closures": _closures_text(service)}
    service.schedules.all().delete()
    links = dict(service.service_at_locations.values_list("location_id", "id"))
    Schedule.objects.bulk_create(
        Schedule(
            service=service,
            location=row.location,
            service_at_location_id=links.get(row.location.pk) if row.location else None,
            freq=row.freq,
            byday=row.byday,
            opens_at=row.opens_at,
            closes_at=row.closes_at,
            valid_from=row.valid_from,
            valid_to=row.valid_to,
            attending_type=row.attending_type,
            notes=row.notes,
        )
        for row in rows
    )
    if closures is not None:
        service.closures.all().delete()
        Closure.objects.bulk_create(
            Closure(service=service, start_date=c.start_date, end_date=c.end_date, reason=c.reason)
            for c in closures
        )
    after = {"schedules": _schedules_text(service), "closures": _closures_text(service)}
    count = _log_changes(service, before=before, after=after, action="update", by=by)
    if count:
        service.save(update_fields=["last_modified"])
    _refresh_derived([service])
    return count


# --- locations ----------------------------------------------------------------------------------


def _location_snapshot(location: Location) -> dict[str, str]:
    address = location.addresses.order_by("address_type", "id").first()
    accessibility = location.accessibility.order_by("id").first()
    return {
        "name": location.name,
        "address": f"{address} {address.country}" if address else "",
        "municipality": location.municipality.slug if location.municipality else "",
        "latitude": _as_text(location.latitude),
        "longitude": _as_text(location.longitude),
        "confidential": _as_text(location.confidential),
        "accessibility": accessibility.description if accessibility else "",
        "transportation": location.transportation,
        "services": ",".join(
            sorted(str(pk) for pk in location.service_at_locations.values_list("service_id", flat=True))
        ),
    }


def _set_address(location: Location, data: LocationInput) -> None:
    address = location.addresses.order_by("address_type", "id").first()
    if not (data.address_1 or data.city or data.postal_code):
        if address:
            address.delete()
        return
    if address is None:
        address = Address(location=location)
    address.address_1 = data.address_1
    address.postal_code = data.postal_code
    address.city = data.city
    address.country = data.country
    address.save()


def _set_accessibility(location: Location, text: str) -> None:
    accessibility = location.accessibility.order_by("id").first()
    if not text.strip():
        if accessibility:
            accessibility.delete()
    elif accessibility is None:
        Accessibility.objects.create(location=location, description=text)
    elif accessibility.description != text:
        accessibility.description = text
        accessibility.save(update_fields=["description"])


@transaction.atomic
def save_location(
    location: Location | None, *, organization: Organization, data: LocationInput, by: User
) -> Location:
    """Create or update a location of ``organization`` and link it to exactly ``data.services``.

    Services of other organisations are refused: the form offers only the organisation's own.
    """
    if any(s.organization_id != organization.pk for s in data.services):
        raise ValueError("service of another organisation")
    created = location is None
    if location is None:
        location = Location(organization=organization)
        before: dict[str, str] = {}
        old_service_ids: set[Any] = set()
    else:
        location = Location.objects.select_for_update().get(pk=location.pk)
        before = _location_snapshot(location)
        old_service_ids = set(location.service_at_locations.values_list("service_id", flat=True))
    location.name = data.name
    location.municipality = data.municipality
    location.latitude = data.latitude
    location.longitude = data.longitude
    location.confidential = data.confidential
    location.transportation = data.transportation
    location.save()
    _set_address(location, data)
    _set_accessibility(location, data.accessibility)
    wanted = {s.pk: s for s in data.services}
    location.service_at_locations.exclude(service_id__in=list(wanted)).delete()
    ServiceAtLocation.objects.bulk_create(
        ServiceAtLocation(service=s, location=location)
        for pk, s in wanted.items()
        if pk not in old_service_ids
    )
    _log_changes(
        location,
        before=before,
        after=_location_snapshot(location),
        action="create" if created else "update",
        by=by,
    )
    # The location's place and address feed the search index and the occurrences of its services.
    affected = Service.objects.filter(pk__in=old_service_ids | set(wanted)).select_related("organization")
    _refresh_derived(affected)
    return location
