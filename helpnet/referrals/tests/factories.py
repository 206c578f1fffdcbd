"""Referral factories: fictional people only."""

import factory

from helpnet.directory.tests.factories import ServiceFactory
from helpnet.organizations.tests.factories import OrganizationFactory
from helpnet.referrals.models import LegalBasis, Referral, ReferralSettings, Status


class ReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Referral

    sender_organization = factory.SubFactory(OrganizationFactory)
    service = factory.SubFactory(ServiceFactory)
    receiving_organization = factory.LazyAttribute(lambda o: o.service.organization)
    status = Status.DRAFT
    person_name = factory.Sequence(lambda n: f"Testna Oseba {n}")
    person_phone = factory.Sequence(lambda n: f"+386 40 {n:06d}")
    reason = factory.Sequence(lambda n: f"Needs help with housing, case {n}")
    legal_basis = LegalBasis.PUBLIC_TASK
    consent_given = True
    consent_method = "verbal"
    consent_scope = "Share name and phone with the receiver to arrange help."


class ReferralSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReferralSettings

    service = factory.SubFactory(ServiceFactory)
