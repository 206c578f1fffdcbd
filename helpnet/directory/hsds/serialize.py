"""Models → HSDS 3.1 JSON (plain dicts), the one place that knows the mapping.

Shapes: ``*_list`` = the one-to-one fields (``compiled/*_list.json``); ``*_full`` = fully nested
(``compiled/service.json`` etc.). ``public=True`` applies what the public API must never show (confidential
locations); exports pass ``public=False`` and get everything. ``lang`` puts translations into the HSDS text
fields; ``None`` keeps the original text.

Attributes and metadata hang off any object by id (``link_id`` / ``resource_id``), so they cannot be
prefetched: a :class:`Collector` remembers every serialised object and fills them with one query each.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db.models import Model, Prefetch, QuerySet

from helpnet.organizations.models import Organization, OrganizationIdentifier

from ..models import (
    Accessibility,
    Address,
    Attribute,
    Closure,
    Contact,
    CostOption,
    Funding,
    Language,
    Location,
    Metadata,
    MetaTableDescription,
    Phone,
    Program,
    RequiredDocument,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceCapacity,
    Taxonomy,
    TaxonomyTerm,
    Unit,
    Url,
)

Json = dict[str, Any]

# Large enough for any page, small enough for SQLite's bound-parameter limit.
ID_CHUNK = 20_000


def iso_datetime(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _time(value: dt.time | None) -> str | None:
    return value.strftime("%H:%M") if value else None


def _number(value: Decimal | float | int | None) -> float | int | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _id(value: UUID | None) -> str | None:
    return str(value) if value else None


def clean(data: Json) -> Json:
    """Leave out unknowns: our models store them as blank or NULL, HSDS types do not allow null."""
    return {k: v for k, v in data.items() if v is not None and v != ""}


def _text(obj: Any, field: str, lang: str | None) -> Any:
    return obj.tr(field, lang) if lang else getattr(obj, field)


def _translation_fields(obj: Any) -> Json:
    return {"original_language": obj.original_language, "translations": obj.translations or None}


class Collector:
    """Collects the objects of one batch so their attributes and metadata load in one query each."""

    def __init__(self, lang: str | None = None) -> None:
        self.lang = lang
        self._attribute_slots: dict[UUID, list[tuple[str, Json]]] = defaultdict(list)
        self._metadata_slots: dict[UUID, list[tuple[str, Json]]] = defaultdict(list)

    def attach(self, entity: str, obj_id: UUID, data: Json, *, attributes: bool = True) -> Json:
        if attributes:
            data["attributes"] = []
            self._attribute_slots[obj_id].append((entity, data))
        data["metadata"] = []
        self._metadata_slots[obj_id].append((entity, data))
        return data

    def fill(self) -> None:
        ids = list(self._attribute_slots)
        for start in range(0, len(ids), ID_CHUNK):
            rows = Attribute.objects.filter(link_id__in=ids[start : start + ID_CHUNK]).select_related(
                "taxonomy_term__taxonomy"
            )
            for attr in rows.order_by("id"):
                for entity, data in self._attribute_slots[attr.link_id]:
                    if entity == attr.link_entity:
                        data["attributes"].append(attribute(attr, self.lang))
        ids = list(self._metadata_slots)
        for start in range(0, len(ids), ID_CHUNK):
            for row in Metadata.objects.filter(resource_id__in=ids[start : start + ID_CHUNK]):
                for entity, data in self._metadata_slots[row.resource_id]:
                    if entity == row.resource_type:
                        data["metadata"].append(metadata(row))
        self._attribute_slots.clear()
        self._metadata_slots.clear()


# --- taxonomies -------------------------------------------------------------------------------------


def taxonomy(obj: Taxonomy, lang: str | None = None) -> Json:
    return clean(
        {
            "id": str(obj.id),
            "name": _text(obj, "name", lang),
            "description": _text(obj, "description", lang),
            "uri": obj.uri,
            "version": obj.version,
            **_translation_fields(obj),
        }
    )


def taxonomy_term(obj: TaxonomyTerm, lang: str | None = None) -> Json:
    """A term with its taxonomy embedded (``taxonomy_detail``); needs ``select_related("taxonomy")``."""
    return clean(
        {
            "id": str(obj.id),
            "code": obj.code,
            "name": _text(obj, "name", lang),
            "description": _text(obj, "description", lang),
            "parent_id": _id(obj.parent_id),
            "taxonomy": obj.taxonomy_text,
            "taxonomy_id": _id(obj.taxonomy_id),
            "taxonomy_detail": taxonomy(obj.taxonomy, lang) if obj.taxonomy is not None else None,
            "language": obj.language,
            "term_uri": obj.term_uri,
            **_translation_fields(obj),
        }
    )


def attribute(obj: Attribute, lang: str | None = None) -> Json:
    return clean(
        {
            "id": str(obj.id),
            "link_id": str(obj.link_id),
            "link_type": obj.link_type,
            "link_entity": obj.link_entity,
            "taxonomy_term_id": _id(obj.taxonomy_term_id),
            "value": obj.value,
            "label": obj.label,
            "taxonomy_term": taxonomy_term(obj.taxonomy_term, lang)
            if obj.taxonomy_term is not None
            else None,
        }
    )


def metadata(obj: Metadata) -> Json:
    return {
        "id": str(obj.id),
        "resource_id": str(obj.resource_id),
        "resource_type": obj.resource_type,
        "last_action_date": iso_datetime(obj.last_action_date),
        "last_action_type": obj.last_action_type,
        "field_name": obj.field_name,
        "previous_value": obj.previous_value,
        "replacement_value": obj.replacement_value,
        "updated_by": obj.updated_by,
    }


def meta_table_description(obj: MetaTableDescription) -> Json:
    return clean(
        {"id": str(obj.id), "name": obj.name, "language": obj.language, "character_set": obj.character_set}
    )


def unit(obj: Unit) -> Json:
    return clean(
        {
            "id": str(obj.id),
            "name": obj.name,
            "scheme": obj.scheme,
            "identifier": obj.identifier,
            "uri": obj.uri,
        }
    )


# --- small children ---------------------------------------------------------------------------------


def language(obj: Language, c: Collector) -> Json:
    data = clean(
        {
            "id": str(obj.id),
            "service_id": _id(obj.service_id),
            "location_id": _id(obj.location_id),
            "phone_id": _id(obj.phone_id),
            "name": obj.name,
            "code": obj.code,
            "note": obj.note,
        }
    )
    return c.attach("language", obj.id, data)


def _extension(value: str) -> int | str | None:
    # HSDS types phone.extension as a number; our profile also allows text ("ext. 12#").
    if not value:
        return None
    return int(value) if value.isdigit() and len(value) < 16 else value


def phone(obj: Phone, c: Collector) -> Json:
    data = clean(
        {
            "id": str(obj.id),
            "location_id": _id(obj.location_id),
            "service_id": _id(obj.service_id),
            "organization_id": _id(obj.organization_id),
            "contact_id": _id(obj.contact_id),
            "service_at_location_id": _id(obj.service_at_location_id),
            "number": obj.number,
            "extension": _extension(obj.extension),
            "type": obj.type,
            "description": _text(obj, "description", c.lang),
            **_translation_fields(obj),
        }
    )
    data["languages"] = [language(x, c) for x in obj.languages.all()]
    return c.attach("phone", obj.id, data)


def contact(obj: Contact, c: Collector) -> Json:
    data = clean(
        {
            "id": str(obj.id),
            "organization_id": _id(obj.organization_id),
            "service_id": _id(obj.service_id),
            "service_at_location_id": _id(obj.service_at_location_id),
            "location_id": _id(obj.location_id),
            "name": obj.name,
            "title": obj.title,
            "department": obj.department,
            "email": obj.email,
        }
    )
    data["phones"] = [phone(x, c) for x in obj.phones.all()]
    return c.attach("contact", obj.id, data)


def schedule(obj: Schedule, c: Collector) -> Json:
    lang = c.lang
    data = clean(
        {
            "id": str(obj.id),
            "service_id": _id(obj.service_id),
            "location_id": _id(obj.location_id),
            "service_at_location_id": _id(obj.service_at_location_id),
            "valid_from": _date(obj.valid_from),
            "valid_to": _date(obj.valid_to),
            "dtstart": _date(obj.dtstart),
            "timezone": obj.timezone,
            "until": _date(obj.until),
            "count": obj.count,
            "wkst": obj.wkst,
            "freq": obj.freq,
            "interval": obj.interval,
            "byday": obj.byday,
            "byweekno": obj.byweekno,
            "bymonthday": obj.bymonthday,
            "byyearday": obj.byyearday,
            "description": _text(obj, "description", lang),
            "opens_at": _time(obj.opens_at),
            "closes_at": _time(obj.closes_at),
            "schedule_link": obj.schedule_link,
            "attending_type": _text(obj, "attending_type", lang),
            "notes": _text(obj, "notes", lang),
            **_translation_fields(obj),
        }
    )
    return c.attach("schedule", obj.id, data)


def closure(obj: Closure, c: Collector) -> Json:
    return clean(
        {
            "id": str(obj.id),
            "service_id": _id(obj.service_id),
            "location_id": _id(obj.location_id),
            "start_date": _date(obj.start_date),
            "end_date": _date(obj.end_date),
            "reason": _text(obj, "reason", c.lang),
            **_translation_fields(obj),
        }
    )


def service_area(obj: ServiceArea, c: Collector) -> Json:
    data = clean(
        {
            "id": str(obj.id),
            "service_id": _id(obj.service_id),
            "service_at_location_id": _id(obj.service_at_location_id),
            "name": obj.name,
            "description": obj.description,
            "extent": obj.extent,
            "extent_type": obj.extent_type,
            "uri": obj.uri,
            "municipality": obj.municipality.slug if obj.municipality is not None else None,
        }
    )
    return c.attach("service_area", obj.id, data)


def accessibility(obj: Accessibility, c: Collector) -> Json:
    data = clean(
        {
            "id": str(obj.id),
            "location_id": str(obj.location_id),
            "description": _text(obj, "description", c.lang),
            "details": _text(obj, "details", c.lang),
            "url": obj.url,
            **_translation_fields(obj),
        }
    )
    return c.attach("accessibility", obj.id, data)


def address(obj: Address, c: Collector) -> Json:
    data = clean(
        {
            "id": str(obj.id),
            "location_id": str(obj.location_id),
            "attention": obj.attention,
            "address_1": obj.address_1,
            "address_2": obj.address_2,
            "city": obj.city,
            "region": obj.region,
            "state_province": obj.state_province,
            "postal_code": obj.postal_code,
            "country": obj.country,
            "address_type": obj.address_type,
        }
    )
    return c.attach("address", obj.id, data)


def cost_option(obj: CostOption, c: Collector) -> Json:
    data = clean(
        {
            "id": str(obj.id),
            "service_id": str(obj.service_id),
            "valid_from": _date(obj.valid_from),
            "valid_to": _date(obj.valid_to),
            "option": obj.option,
            "currency": obj.currency,
            "amount": _number(obj.amount),
            "amount_description": obj.amount_description,
        }
    )
    return c.attach("cost_option", obj.id, data)


def funding(obj: Funding, c: Collector) -> Json:
    data = clean(
        {
            "id": str(obj.id),
            "organization_id": _id(obj.organization_id),
            "service_id": _id(obj.service_id),
            "source": obj.source,
        }
    )
    return c.attach("funding", obj.id, data)


def required_document(obj: RequiredDocument, c: Collector) -> Json:
    data = clean(
        {"id": str(obj.id), "service_id": str(obj.service_id), "document": obj.document, "uri": obj.uri}
    )
    return c.attach("required_document", obj.id, data)


def url(obj: Url, c: Collector) -> Json:
    data = clean(
        {
            "id": str(obj.id),
            "label": obj.label,
            "url": obj.url,
            "organization_id": _id(obj.organization_id),
            "service_id": _id(obj.service_id),
        }
    )
    return c.attach("url", obj.id, data)


def service_capacity(obj: ServiceCapacity, c: Collector) -> Json:
    data = clean(
        {
            "id": str(obj.id),
            "service_id": str(obj.service_id),
            "unit": unit(obj.unit),
            "unit_id": str(obj.unit_id),
            "available": _number(obj.available),
            "maximum": _number(obj.maximum),
            "description": obj.description,
            "updated": iso_datetime(obj.updated),
        }
    )
    return c.attach("service_capacity", obj.id, data)


def organization_identifier(obj: OrganizationIdentifier, c: Collector) -> Json:
    data = clean(
        {
            "id": str(obj.id),
            "organization_id": str(obj.organization_id),
            "identifier_scheme": obj.identifier_scheme,
            "identifier_type": obj.identifier_type,
            "identifier": obj.identifier,
        }
    )
    return c.attach("organization_identifier", obj.id, data)


def program(obj: Program, lang: str | None = None) -> Json:
    return clean(
        {
            "id": str(obj.id),
            "organization_id": str(obj.organization_id),
            "name": _text(obj, "name", lang),
            "alternate_name": _text(obj, "alternate_name", lang),
            "description": _text(obj, "description", lang),
            **_translation_fields(obj),
        }
    )


# --- locations --------------------------------------------------------------------------------------


def location_list(obj: Location, lang: str | None = None, *, public: bool = True) -> Json:
    """One-to-one fields. A confidential location keeps its type and name but shows nothing of where it is."""
    hidden = public and obj.confidential
    return clean(
        {
            "id": str(obj.id),
            "location_type": obj.location_type,
            "url": obj.url,
            "organization_id": _id(obj.organization_id),
            "name": _text(obj, "name", lang),
            "alternate_name": _text(obj, "alternate_name", lang),
            "description": _text(obj, "description", lang),
            "transportation": None if hidden else _text(obj, "transportation", lang),
            "latitude": None if hidden else obj.latitude,
            "longitude": None if hidden else obj.longitude,
            "external_identifier": None if hidden else obj.external_identifier,
            "external_identifier_type": None if hidden else obj.external_identifier_type,
            # The flag itself would tell the public "this is a shelter": exports only.
            "confidential": None if public else obj.confidential,
            "municipality": obj.municipality.slug if obj.municipality is not None else None,
            **_translation_fields(obj),
        }
    )


def location_full(obj: Location, c: Collector, *, public: bool = True) -> Json:
    data = location_list(obj, c.lang, public=public)
    data["languages"] = [language(x, c) for x in obj.languages.all()]
    data["addresses"] = [] if public and obj.confidential else [address(x, c) for x in obj.addresses.all()]
    data["contacts"] = [contact(x, c) for x in obj.contacts.all()]
    data["accessibility"] = [accessibility(x, c) for x in obj.accessibility.all()]
    data["phones"] = [phone(x, c) for x in obj.phones.all()]
    data["schedules"] = [schedule(x, c) for x in obj.schedules.all()]
    data["closures"] = [closure(x, c) for x in obj.closures.all()]
    return c.attach("location", obj.id, data)


def location_prefetches(prefix: str = "") -> list[Any]:
    """Everything :func:`location_full` reads, under ``prefix`` (e.g. ``"service_at_locations__location__"``)."""
    return [
        f"{prefix}languages",
        f"{prefix}addresses",
        f"{prefix}contacts__phones__languages",
        f"{prefix}accessibility",
        f"{prefix}phones__languages",
        f"{prefix}schedules",
        f"{prefix}closures",
    ]


# --- organizations ----------------------------------------------------------------------------------


def organization_list(obj: Organization, lang: str | None = None) -> Json:
    """Needs ``select_related("municipality")``."""
    return clean(
        {
            "id": str(obj.id),
            "name": _text(obj, "name", lang),
            "alternate_name": _text(obj, "alternate_name", lang),
            "description": _text(obj, "description", lang),
            "email": obj.email,
            "website": obj.website,
            "tax_status": obj.tax_status,
            "tax_id": obj.tax_id,
            "year_incorporated": obj.year_incorporated,
            "legal_status": obj.legal_status,
            "logo": obj.logo,
            "uri": obj.uri,
            "parent_organization_id": _id(obj.parent_organization_id),
            "kind": obj.kind,
            "country": obj.country,
            "municipality": obj.municipality.slug if obj.municipality is not None else None,
            **_translation_fields(obj),
        }
    )


def organization_full(
    obj: Organization, c: Collector, *, public: bool = True, services: list[Json] | None = None
) -> Json:
    data = organization_list(obj, c.lang)
    data["additional_websites"] = [url(x, c) for x in obj.additional_websites.all()]
    data["funding"] = [funding(x, c) for x in obj.funding.all()]
    data["contacts"] = [contact(x, c) for x in obj.contacts.all()]
    data["phones"] = [phone(x, c) for x in obj.phones.all()]
    data["locations"] = [location_full(x, c, public=public) for x in obj.locations.all()]
    data["programs"] = [c.attach("program", x.id, program(x, c.lang)) for x in obj.programs.all()]
    data["organization_identifiers"] = [
        organization_identifier(x, c) for x in obj.organization_identifiers.all()
    ]
    if services is not None:
        data["services"] = services
    return c.attach("organization", obj.id, data)


def organization_full_queryset(orgs: QuerySet[Organization]) -> QuerySet[Organization]:
    return orgs.select_related("municipality").prefetch_related(
        "additional_websites",
        "funding",
        "contacts__phones__languages",
        "phones__languages",
        Prefetch("locations", queryset=Location.objects.select_related("municipality")),
        *location_prefetches("locations__"),
        "programs",
        "organization_identifiers",
    )


# --- services ---------------------------------------------------------------------------------------


def service_list(obj: Service, lang: str | None = None) -> Json:
    """One-to-one fields plus ``organization`` and ``program``: needs ``select_related`` of both."""
    return clean(
        {
            "id": str(obj.id),
            "organization_id": str(obj.organization_id),
            "program_id": _id(obj.program_id),
            "name": _text(obj, "name", lang),
            "alternate_name": _text(obj, "alternate_name", lang),
            "description": _text(obj, "description", lang),
            "url": obj.url,
            "email": obj.email,
            "status": obj.status,
            "interpretation_services": _text(obj, "interpretation_services", lang),
            "application_process": _text(obj, "application_process", lang),
            "fees_description": _text(obj, "fees_description", lang),
            "wait_time": _text(obj, "wait_time", lang),
            "fees": _text(obj, "fees", lang),
            "accreditations": _text(obj, "accreditations", lang),
            "eligibility_description": _text(obj, "eligibility_description", lang),
            "minimum_age": obj.minimum_age,
            "maximum_age": obj.maximum_age,
            "assured_date": _date(obj.assured_date),
            "assurer_email": obj.assurer_email,
            "licenses": obj.licenses,
            "alert": _text(obj, "alert", lang),
            "last_modified": iso_datetime(obj.last_modified),
            "organization": organization_list(obj.organization, lang),
            "program": program(obj.program, lang) if obj.program is not None else None,
            **_translation_fields(obj),
        }
    )


def service_list_queryset(services: QuerySet[Service]) -> QuerySet[Service]:
    return services.select_related("organization__municipality", "program")


def service_minimal(obj: Service) -> Json:
    return {"id": str(obj.id), "last_modified": iso_datetime(obj.last_modified)}


def service_at_location_full(
    obj: ServiceAtLocation, c: Collector, *, public: bool = True, with_service: bool = False
) -> Json:
    data = clean({"id": str(obj.id), "service_id": str(obj.service_id), "location_id": str(obj.location_id)})
    if obj.description:
        data["description"] = obj.description
    data["service_areas"] = [service_area(x, c) for x in obj.service_areas.all()]
    data["contacts"] = [contact(x, c) for x in obj.contacts.all()]
    data["phones"] = [phone(x, c) for x in obj.phones.all()]
    data["schedules"] = [schedule(x, c) for x in obj.schedules.all()]
    data["location"] = location_full(obj.location, c, public=public)
    if with_service:
        data["service"] = service_list(obj.service, c.lang)
    return c.attach("service_at_location", obj.id, data)


def service_full(obj: Service, c: Collector, *, public: bool = True) -> Json:
    data = service_list(obj, c.lang)
    data["additional_urls"] = [url(x, c) for x in obj.additional_urls.all()]
    data["phones"] = [phone(x, c) for x in obj.phones.all()]
    data["schedules"] = [schedule(x, c) for x in obj.schedules.all()]
    data["service_areas"] = [service_area(x, c) for x in obj.service_areas.all()]
    data["service_at_locations"] = [
        service_at_location_full(x, c, public=public) for x in obj.service_at_locations.all()
    ]
    data["languages"] = [language(x, c) for x in obj.languages.all()]
    data["funding"] = [funding(x, c) for x in obj.funding.all()]
    data["cost_options"] = [cost_option(x, c) for x in obj.cost_options.all()]
    data["required_documents"] = [required_document(x, c) for x in obj.required_documents.all()]
    data["contacts"] = [contact(x, c) for x in obj.contacts.all()]
    data["capacities"] = [service_capacity(x, c) for x in obj.capacities.all()]
    data["closures"] = [closure(x, c) for x in obj.closures.all()]
    if obj.program_id:
        c.attach("program", obj.program_id, data["program"])
    c.attach("organization", obj.organization_id, data["organization"])
    return c.attach("service", obj.id, data)


def _service_at_location_prefetches(prefix: str) -> list[Any]:
    return [
        f"{prefix}service_areas__municipality",
        f"{prefix}contacts__phones__languages",
        f"{prefix}phones__languages",
        f"{prefix}schedules",
        *location_prefetches(f"{prefix}location__"),
    ]


def service_full_queryset(services: QuerySet[Service]) -> QuerySet[Service]:
    return service_list_queryset(services).prefetch_related(
        "additional_urls",
        "phones__languages",
        "schedules",
        "service_areas__municipality",
        Prefetch(
            "service_at_locations",
            queryset=ServiceAtLocation.objects.select_related("location__municipality"),
        ),
        *_service_at_location_prefetches("service_at_locations__"),
        "languages",
        "funding",
        "cost_options",
        "required_documents",
        "contacts__phones__languages",
        Prefetch("capacities", queryset=ServiceCapacity.objects.select_related("unit")),
        "closures",
    )


def service_at_location_list(obj: ServiceAtLocation, lang: str | None = None, *, public: bool = True) -> Json:
    """Needs ``select_related`` of location (+municipality) and service (+organization, program)."""
    data = clean(
        {
            "id": str(obj.id),
            "service_id": str(obj.service_id),
            "location_id": str(obj.location_id),
            "description": obj.description,
        }
    )
    data["location"] = location_list(obj.location, lang, public=public)
    data["service"] = service_list(obj.service, lang)
    return data


def service_at_location_list_queryset(sals: QuerySet[ServiceAtLocation]) -> QuerySet[ServiceAtLocation]:
    return sals.select_related(
        "location__municipality", "service__organization__municipality", "service__program"
    )


def service_at_location_full_queryset(sals: QuerySet[ServiceAtLocation]) -> QuerySet[ServiceAtLocation]:
    return service_at_location_list_queryset(sals).prefetch_related(*_service_at_location_prefetches(""))


def serialize_all(objects: Iterable[Model], build: Any, c: Collector) -> list[Json]:
    """Serialise a batch with ``build(obj, collector)`` and fill its attributes and metadata."""
    rows = [build(obj, c) for obj in objects]
    c.fill()
    return rows
