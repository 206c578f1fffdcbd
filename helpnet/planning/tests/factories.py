"""Factories for plans and their items, and a small network fixture set used by the planning tests."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

import factory

from helpnet.networks.models import Network, NetworkMember, Representative
from helpnet.organizations.models import Membership, Organization
from helpnet.organizations.tests.factories import MembershipFactory, OrganizationFactory, UserFactory
from helpnet.planning.actions import ensure_statuses
from helpnet.planning.models import (
    Activity,
    Goal,
    Measure,
    MeasureProposal,
    NeedsAssessmentRound,
    PriorityArea,
    StatusDefinition,
    Strategy,
)


class NetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Network

    slug = factory.Sequence(lambda n: f"plan-network-{n}")
    name = factory.Sequence(lambda n: f"Plan network {n}")
    kind = Network.Kind.LOCAL
    country = "SI"


class StrategyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Strategy

    network = factory.SubFactory(NetworkFactory)
    kind = Strategy.Kind.STRATEGY
    title = factory.Sequence(lambda n: f"Strategy {n}")
    period_start = dt.date(2026, 1, 1)
    period_end = dt.date(2030, 12, 31)
    status = Strategy.Status.ADOPTED


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    strategy = factory.SubFactory(StrategyFactory)
    code = factory.Sequence(lambda n: f"G{n}")
    title = factory.Sequence(lambda n: f"Goal {n}")


def status(network: Network, key: str) -> StatusDefinition:
    ensure_statuses(network)
    return StatusDefinition.objects.get(network=network, key=key)


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measure

    goal = factory.SubFactory(GoalFactory)
    code = factory.Sequence(lambda n: f"M{n}")
    title = factory.Sequence(lambda n: f"Measure {n}")
    status = factory.LazyAttribute(lambda o: status(o.goal.strategy.network, "planned"))


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    measure = factory.SubFactory(MeasureFactory)
    code = factory.Sequence(lambda n: f"A{n}")
    title = factory.Sequence(lambda n: f"Activity {n}")
    status = factory.LazyAttribute(lambda o: status(o.measure.goal.strategy.network, "planned"))


class RoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NeedsAssessmentRound

    network = factory.SubFactory(NetworkFactory)
    title = factory.Sequence(lambda n: f"Needs assessment {n}")
    opens_on = dt.date(2026, 1, 1)
    closes_on = dt.date(2026, 12, 31)
    status = NeedsAssessmentRound.Status.OPEN


class PriorityAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PriorityArea

    round = factory.SubFactory(RoundFactory)
    title = factory.Sequence(lambda n: f"Area {n}")


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeasureProposal

    network = factory.SubFactory(NetworkFactory)
    organization = factory.SubFactory(OrganizationFactory)
    title = factory.Sequence(lambda n: f"Proposal {n}")
    description = "Walks for older people every week."


@dataclass
class World:
    """Network N with coordinator organisation C and members A and B; network O (another) with member X.

    Users: coordinator (admin of C), member_a (editor at A), member_b (representative of B, no staff role),
    outsider (staff of X in the other network), stranger (no organisation), viewer_a (read-only staff of A)."""

    network: Network
    other_network: Network
    org_c: Organization
    org_a: Organization
    org_b: Organization
    org_x: Organization
    coordinator: Any
    member_a: Any
    member_b: Any
    outsider: Any
    stranger: Any
    viewer_a: Any


def make_world() -> World:
    network = NetworkFactory()
    other = NetworkFactory()
    org_c = OrganizationFactory(name="Coordinating Health Centre")
    org_a = OrganizationFactory(name="Association A")
    org_b = OrganizationFactory(name="Association B")
    org_x = OrganizationFactory(name="Elsewhere X")
    NetworkMember.objects.create(network=network, organization=org_c, role=NetworkMember.Role.COORDINATOR)
    NetworkMember.objects.create(network=network, organization=org_a)
    member_b = NetworkMember.objects.create(network=network, organization=org_b)
    NetworkMember.objects.create(network=other, organization=org_x, role=NetworkMember.Role.COORDINATOR)
    coordinator = MembershipFactory(organization=org_c, role=Membership.Role.ADMIN).user
    member_a = MembershipFactory(organization=org_a, role=Membership.Role.EDITOR).user
    rep_b = UserFactory()
    Representative.objects.create(member=member_b, user=rep_b)
    outsider = MembershipFactory(organization=org_x, role=Membership.Role.ADMIN).user
    viewer_a = MembershipFactory(organization=org_a, role=Membership.Role.VIEWER).user
    return World(
        network,
        other,
        org_c,
        org_a,
        org_b,
        org_x,
        coordinator,
        member_a,
        rep_b,
        outsider,
        UserFactory(),
        viewer_a,
    )
