import datetime as dt

import factory

from helpnet.directory.models import (
    Address,
    Attribute,
    Location,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from helpnet.organizations.tests.factories import MunicipalityFactory, OrganizationFactory


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Service {n}")
    description = "Counselling for people who need it."
    status = Service.Status.ACTIVE


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Location {n}")
    latitude = 46.0106
    longitude = 15.3126
    municipality = factory.SubFactory(MunicipalityFactory, slug="sevnica", name="Sevnica")


class AddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Address

    location = factory.SubFactory(LocationFactory)
    address_1 = "Trg svobode 14"
    city = "Sevnica"
    postal_code = "8290"
    country = "SI"


class ServiceAtLocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceAtLocation

    service = factory.SubFactory(ServiceFactory)
    location = factory.SubFactory(LocationFactory)


class ScheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Schedule

    service = factory.SubFactory(ServiceFactory)
    freq = Schedule.Freq.WEEKLY
    byday = "MO,TU,WE,TH,FR"
    opens_at = dt.time(8, 0)
    closes_at = dt.time(14, 0)


class TaxonomyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Taxonomy

    name = factory.Sequence(lambda n: f"Taxonomy {n}")
    description = "A vocabulary."


class TaxonomyTermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaxonomyTerm

    taxonomy = factory.SubFactory(TaxonomyFactory)
    code = factory.Sequence(lambda n: f"term-{n}")
    name = factory.Sequence(lambda n: f"Term {n}")
    description = "A term."


class AttributeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attribute

    link_entity = "service"
    link_type = "need"
    taxonomy_term = factory.SubFactory(TaxonomyTermFactory)


class ServiceAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceArea

    service = factory.SubFactory(ServiceFactory)
    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.LazyAttribute(lambda o: o.municipality.name)


def hsds_rich_service(**service_kwargs: object) -> Service:
    """One listed service with a row in every HSDS table it can reach (for API and export tests)."""
    from decimal import Decimal

    from django.utils import timezone

    from helpnet.directory import models as m
    from helpnet.organizations.models import OrganizationIdentifier

    service = ServiceFactory(
        url="https://example.org/help",
        email="help@example.org",
        minimum_age=12,
        maximum_age=99,
        assured_date=dt.date(2026, 1, 15),
        original_language="sl",
        translations={"en": {"name": "Counselling (en)", "description": "In English."}},
        **service_kwargs,
    )
    org = service.organization
    org.website, org.email, org.original_language = "https://example.org", "info@example.org", "sl"
    org.save()
    program = m.Program.objects.create(organization=org, name="Programme", description="A programme.")
    service.program = program
    service.save()
    OrganizationIdentifier.objects.create(organization=org, identifier_type="VAT", identifier="SI12345678")
    m.Url.objects.create(organization=org, url="https://example.org/about", label="About")
    m.Url.objects.create(service=service, url="https://example.org/more", label="More")
    m.Funding.objects.create(organization=org, source="Municipality")
    m.Funding.objects.create(service=service, source="Ministry")
    location = LocationFactory(organization=org, transportation="Bus 3", original_language="sl")
    AddressFactory(location=location)
    m.Accessibility.objects.create(location=location, description="Step-free entrance")
    m.Language.objects.create(location=location, code="sl", name="Slovenian")
    m.Schedule.objects.create(
        location=location, freq="WEEKLY", byday="MO", opens_at=dt.time(9), closes_at=dt.time(12)
    )
    m.Closure.objects.create(
        location=location, start_date=dt.date(2026, 12, 24), end_date=dt.date(2026, 12, 26)
    )
    sal = ServiceAtLocationFactory(service=service, location=location, description="At the centre")
    m.Phone.objects.create(service_at_location=sal, number="+386 7 000 00 00", extension="12")
    m.Schedule.objects.create(
        service_at_location=sal, freq="WEEKLY", byday="TU", opens_at=dt.time(8), closes_at=dt.time(10)
    )
    ServiceAreaFactory(service=None, service_at_location=sal)
    phone = m.Phone.objects.create(
        service=service, number="+386 7 111 11 11", type="voice", description="Reception"
    )
    m.Language.objects.create(phone=phone, code="en", name="English")
    m.Language.objects.create(service=service, code="sl", name="Slovenian")
    contact = m.Contact.objects.create(service=service, name="Ana", email="ana@example.org")
    m.Phone.objects.create(contact=contact, number="+386 40 000 000")
    ScheduleFactory(service=service)
    ServiceAreaFactory(service=service)
    m.CostOption.objects.create(service=service, option="Per hour", currency="EUR", amount=Decimal("12.50"))
    m.RequiredDocument.objects.create(service=service, document="Health card")
    unit = m.Unit.objects.create(name="bed", scheme="SI")
    m.ServiceCapacity.objects.create(
        service=service, unit=unit, available=Decimal("3"), updated=timezone.now()
    )
    m.Closure.objects.create(service=service, start_date=dt.date(2026, 8, 1), end_date=dt.date(2026, 8, 15))
    term = TaxonomyTermFactory()
    AttributeFactory(link_id=service.id, taxonomy_term=term)
    AttributeFactory(
        link_entity="location", link_id=location.id, taxonomy_term=term, link_type="accessibility"
    )
    m.Metadata.objects.create(
        resource_id=service.id,
        resource_type="service",
        last_action_date=timezone.now(),
        last_action_type="update",
        field_name="name",
        previous_value="Old name",
        replacement_value=service.name,
        updated_by="editor@example.org",
    )
    return service
