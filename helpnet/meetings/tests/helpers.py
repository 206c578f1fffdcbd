"""Building blocks for the meetings tests: a network with members and people in each role."""

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.test import Client

from helpnet.meetings import actions
from helpnet.meetings.models import Meeting
from helpnet.networks.models import Network, NetworkMember, Representative
from helpnet.networks.tests.factories import (
    NetworkMemberFactory,
    RepresentativeFactory,
    make_network_with_members,
)
from helpnet.organizations.tests.factories import OrganizationFactory, UserFactory

LJ = ZoneInfo("Europe/Ljubljana")


@dataclass
class World:
    network: Network
    members: list[NetworkMember]
    coordinator: Any  # primary representative of the coordinating member
    member: Any  # primary representative of a plain member
    outsider: Any  # representative in another network
    other_network: Network


def world(n_members: int = 3, **network_kwargs: Any) -> World:
    network_kwargs.setdefault("slug", "lskz")
    network, members = make_network_with_members(n_members, **network_kwargs)
    other_network, other_members = make_network_with_members(2, slug="other")
    return World(
        network=network,
        members=members,
        coordinator=members[0].representatives.get().user,
        member=members[1].representatives.get().user,
        outsider=other_members[1].representatives.get().user,
        other_network=other_network,
    )


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def at(day: dt.date, hour: int = 17, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=LJ)


def meeting(network: Network, start: dt.datetime, **kwargs: Any) -> Meeting:
    data = actions.MeetingInput(
        title=kwargs.pop("title", "Monthly meeting"),
        start=start,
        end=start + dt.timedelta(hours=2),
        visibility=kwargs.pop("visibility", Meeting.Visibility.NETWORK),
        host_organization=kwargs.pop("host_organization", None),
    )
    return actions.create_meeting(network, data=data, **kwargs)


def deputy(member: NetworkMember) -> Any:
    return RepresentativeFactory(member=member, kind=Representative.Kind.DEPUTY).user


def add_member(network: Network, **kwargs: Any) -> NetworkMember:
    member = NetworkMemberFactory(network=network, organization=OrganizationFactory(), **kwargs)
    RepresentativeFactory(member=member)
    return member


__all__ = ["UserFactory", "World", "add_member", "at", "client_for", "deputy", "meeting", "world"]
