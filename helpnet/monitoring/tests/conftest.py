"""A network with three member organisations: A coordinates, B and C report; X is another network."""

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from helpnet.networks.models import Network, NetworkMember
from helpnet.networks.tests.factories import make_network_with_members


@dataclass
class Setup:
    network: Network
    members: list[NetworkMember]
    coordinator: Any  # the coordinator organisation's representative
    reporter: Any  # member B's representative
    reporter_c: Any  # member C's representative
    other_network: Network
    outsider: Any  # representative in the other network only

    @property
    def org_b(self) -> Any:
        return self.members[1].organization

    @property
    def org_c(self) -> Any:
        return self.members[2].organization


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def setup(db: Any) -> Setup:
    network, members = make_network_with_members(3, slug="sevnica", name="Lokalna skupina Sevnica")
    other, other_members = make_network_with_members(2, slug="randers", name="Randers netværk")
    return Setup(
        network=network,
        members=members,
        coordinator=members[0].representatives.get().user,
        reporter=members[1].representatives.get().user,
        reporter_c=members[2].representatives.get().user,
        other_network=other,
        outsider=other_members[1].representatives.get().user,
    )


@pytest.fixture(autouse=True)
def _english() -> Any:
    # Assertions read English messages: reverse() then gives /en/ addresses, so pages answer in English
    # even after the Slovenian and Danish catalogues are filled in.
    from django.utils import translation

    with translation.override("en"):
        yield
