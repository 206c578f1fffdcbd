"""Factories for networks, their member organisations, representatives and working groups.

Other apps' tests use these (meetings, referrals, planning): keep the signatures stable.
"""

from typing import Any

import factory

from helpnet.networks.models import (
    Network,
    NetworkMember,
    Representative,
    WorkingGroup,
    WorkingGroupMember,
)
from helpnet.organizations.tests.factories import OrganizationFactory, UserFactory


class NetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Network

    slug = factory.Sequence(lambda n: f"network-{n}")
    name = factory.Sequence(lambda n: f"Network {n}")
    kind = Network.Kind.LOCAL
    country = "SI"
    area_name = "Posavje"
    purpose = "Better health for everyone in the area."
    visibility = Network.Visibility.PUBLIC


class NetworkMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NetworkMember

    network = factory.SubFactory(NetworkFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = NetworkMember.Role.MEMBER
    status = NetworkMember.Status.ACTIVE
    has_voting_right = True
    hosts_meetings = True


class RepresentativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Representative

    member = factory.SubFactory(NetworkMemberFactory)
    user = factory.SubFactory(UserFactory)
    kind = Representative.Kind.PRIMARY


class WorkingGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkingGroup

    network = factory.SubFactory(NetworkFactory)
    slug = factory.Sequence(lambda n: f"group-{n}")
    name = factory.Sequence(lambda n: f"Working group {n}")
    kind = WorkingGroup.Kind.POPULATION
    population = WorkingGroup.Population.ADULTS
    mandate = "Plans the work for adults."


class WorkingGroupMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkingGroupMember

    working_group = factory.SubFactory(WorkingGroupFactory)
    user = factory.SubFactory(UserFactory)
    on_behalf_of = factory.SubFactory(OrganizationFactory)
    role = WorkingGroupMember.Role.MEMBER


def make_network_with_members(
    n_members: int = 3, **network_kwargs: Any
) -> tuple[Network, list[NetworkMember]]:
    """A network with `n_members` active member organisations, each with a primary representative.

    The first member is the coordinator (role coordinator, also the network's coordinator_organization);
    the others are plain voting members. Representatives are `member.representatives.get()`.
    """
    network = NetworkFactory(**network_kwargs)
    members: list[NetworkMember] = []
    for i in range(n_members):
        role = NetworkMember.Role.COORDINATOR if i == 0 else NetworkMember.Role.MEMBER
        member = NetworkMemberFactory(network=network, role=role)
        RepresentativeFactory(member=member)
        members.append(member)
    if members:
        network.coordinator_organization = members[0].organization
        network.save(update_fields=["coordinator_organization"])
    return network, members
