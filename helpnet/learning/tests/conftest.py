"""Learning fixtures: a network with org_a as a member, a coordinator, and another network with org_b."""

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from helpnet.learning.models import TrainingEvent
from helpnet.networks.models import NetworkMember
from helpnet.networks.tests.factories import NetworkFactory, NetworkMemberFactory, RepresentativeFactory
from helpnet.organizations.tests.factories import MembershipFactory, OrganizationFactory


@pytest.fixture
def network(org_a: Any) -> Any:
    network = NetworkFactory(slug="posavje", name="Posavje network")
    NetworkMemberFactory(network=network, organization=org_a)
    return network


@pytest.fixture
def other_network(org_b: Any) -> Any:
    network = NetworkFactory(slug="randers", name="Randers network", country="DK")
    NetworkMemberFactory(network=network, organization=org_b)
    return network


@pytest.fixture
def coordinator(network: Any) -> Any:
    member = NetworkMemberFactory(
        network=network,
        organization=OrganizationFactory(name="Coordinating centre"),
        role=NetworkMember.Role.COORDINATOR,
    )
    return RepresentativeFactory(member=member).user


@pytest.fixture
def coordinator_client(coordinator: Any) -> Client:
    client = Client()
    client.force_login(coordinator)
    return client


@pytest.fixture
def colleague(org_a: Any, network: Any) -> Any:
    """A second staff member of org_a (a member of the network)."""
    return MembershipFactory(organization=org_a).user


def make_event(network: Any, **fields: Any) -> TrainingEvent:
    start = (timezone.now() + dt.timedelta(days=7)).replace(microsecond=0)
    values: dict[str, Any] = {
        "title": "Motivational interviewing",
        "start": start,
        "end": start + dt.timedelta(hours=3),
        "capacity": 2,
        "place": "Sevnica health centre",
    }
    values.update(fields)
    return TrainingEvent.objects.create(network=network, **values)


def make_people(org: Any, n: int) -> list[Any]:
    # E-mails go out in the reader's language: these people read English, as the assertions do.
    return [MembershipFactory(organization=org, user__preferred_language="en").user for _ in range(n)]


@pytest.fixture(autouse=True)
def _english() -> Any:
    """These tests read the English wording (messages, pages under /en/): the Slovenian and Danish catalogues
    must not change what they check."""
    from django.utils import translation

    with translation.override("en"):
        yield
