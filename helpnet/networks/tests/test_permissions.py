"""Who sees which network page: anonymous, a signed-in outsider, a member of another network, a member, the
coordinator. Members-only pages and networks answer 404 to outsiders (no hint that they exist)."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from helpnet.networks.models import Network
from helpnet.networks.tests.factories import (
    RepresentativeFactory,
    WorkingGroupFactory,
    WorkingGroupMemberFactory,
    make_network_with_members,
)
from helpnet.organizations.models import Membership
from helpnet.organizations.tests.factories import MembershipFactory, UserFactory

PERSONAS = ["anonymous", "outsider", "other_network", "member", "member_staff", "coordinator"]


@pytest.fixture
def world(db: Any) -> dict[str, Any]:
    network, members = make_network_with_members(3, slug="posavje")
    group = WorkingGroupFactory(network=network, slug="elderly", name="Older people")
    participant = WorkingGroupMemberFactory(
        working_group=group, on_behalf_of=members[1].organization, user__email="wg.person@example.org"
    )
    other, other_members = make_network_with_members(2, slug="randers")
    people = {
        "anonymous": None,
        "outsider": UserFactory(),
        "other_network": other_members[1].representatives.get().user,
        "member": members[1].representatives.get().user,
        # staff of a member organisation are members too, without being appointed
        "member_staff": MembershipFactory(
            organization=members[2].organization, role=Membership.Role.VIEWER
        ).user,
        "coordinator": members[0].representatives.get().user,
    }
    return {
        "network": network,
        "members": members,
        "group": group,
        "participant": participant,
        "people": people,
        "other": other,
    }


def client_for(world: dict[str, Any], persona: str) -> Client:
    client = Client()
    user = world["people"][persona]
    if user is not None:
        client.force_login(user)
    return client


def _urls(world: dict[str, Any]) -> dict[str, str]:
    n, g, m = world["network"], world["group"], world["members"][1]
    rep = m.representatives.get()
    return {
        "members": reverse("networks:members", args=[n.slug]),
        "manage": reverse("networks:manage", args=[n.slug]),
        "settings": reverse("networks:settings", args=[n.slug]),
        "member_add": reverse("networks:member_add", args=[n.slug]),
        "member_edit": reverse("networks:member_edit", args=[n.slug, m.pk]),
        "representative_add": reverse("networks:representative_add", args=[n.slug, m.pk]),
        "representative_replace": reverse("networks:representative_replace", args=[n.slug, m.pk]),
        "representative_end": reverse("networks:representative_end", args=[n.slug, rep.pk]),
        "group_add": reverse("networks:group_add", args=[n.slug]),
        "group_edit": reverse("networks:group_edit", args=[n.slug, g.slug]),
        "group_member_add": reverse("networks:group_member_add", args=[n.slug, g.slug]),
        "group_member_end": reverse(
            "networks:group_member_end", args=[n.slug, g.slug, world["participant"].pk]
        ),
    }


COORDINATOR_GET = [
    "manage",
    "settings",
    "member_add",
    "member_edit",
    "representative_add",
    "representative_replace",
    "group_add",
    "group_edit",
    "group_member_add",
]
COORDINATOR_POST = ["representative_end", "group_member_end"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_everyone_sees_the_list_and_a_public_network(world: dict[str, Any], persona: str) -> None:
    client = client_for(world, persona)
    listing = client.get(reverse("networks:list"))
    assert listing.status_code == 200
    assert world["network"].name in listing.content.decode()
    page = client.get(world["network"].get_absolute_url())
    assert page.status_code == 200
    assert world["members"][1].organization.name in page.content.decode()
    assert client.get(world["group"].get_absolute_url()).status_code == 200


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("anonymous", 404),
        ("outsider", 404),
        ("other_network", 404),
        ("member", 200),
        ("member_staff", 200),
        ("coordinator", 200),
    ],
)
def test_members_only_network_is_hidden_from_outsiders(
    world: dict[str, Any], persona: str, status: int
) -> None:
    network = world["network"]
    network.visibility = Network.Visibility.MEMBERS
    network.save()
    client = client_for(world, persona)
    assert client.get(network.get_absolute_url()).status_code == status
    assert client.get(world["group"].get_absolute_url()).status_code == status
    assert (network.name in client.get(reverse("networks:list")).content.decode()) is (status == 200)


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("outsider", 404),
        ("other_network", 404),
        ("member", 200),
        ("member_staff", 200),
        ("coordinator", 200),
    ],
)
def test_members_area_is_for_members(world: dict[str, Any], persona: str, status: int) -> None:
    response = client_for(world, persona).get(_urls(world)["members"])
    assert response.status_code == status
    if status == 200:
        body = response.content.decode()
        primary = world["members"][1].representatives.get().user
        assert primary.email in body
        assert "wg.person@example.org" in body


def test_members_area_sends_anonymous_people_to_sign_in(world: dict[str, Any]) -> None:
    response = client_for(world, "anonymous").get(_urls(world)["members"])
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize("persona", ["anonymous", "outsider", "other_network", "member", "member_staff"])
def test_working_group_people_are_shown_to_members_only(world: dict[str, Any], persona: str) -> None:
    body = client_for(world, persona).get(world["group"].get_absolute_url()).content.decode()
    shown = persona in ("member", "member_staff")
    assert ("wg.person@example.org" in body) is shown
    assert world["group"].name in body


@pytest.mark.parametrize("persona", ["outsider", "other_network", "member", "member_staff"])
def test_coordinator_pages_are_404_for_everyone_else(world: dict[str, Any], persona: str) -> None:
    client = client_for(world, persona)
    urls = _urls(world)
    for name in COORDINATOR_GET:
        assert client.get(urls[name]).status_code == 404, name
        assert client.post(urls[name], {"email": "x@example.org"}).status_code == 404, name
    for name in COORDINATOR_POST:
        assert client.post(urls[name]).status_code == 404, name
    assert world["participant"].__class__.objects.get(pk=world["participant"].pk).end_date is None


def test_coordinator_pages_send_anonymous_people_to_sign_in(world: dict[str, Any]) -> None:
    client = client_for(world, "anonymous")
    for name, url in _urls(world).items():
        response = client.get(url)
        assert response.status_code == 302, name
        assert reverse("accounts:login") in response["Location"]


def test_coordinator_opens_every_management_page(world: dict[str, Any]) -> None:
    client = client_for(world, "coordinator")
    urls = _urls(world)
    for name in COORDINATOR_GET:
        assert client.get(urls[name]).status_code == 200, name
    # Ending an appointment or a place in a group never happens on GET.
    for name in COORDINATOR_POST:
        assert client.get(urls[name]).status_code == 405, name


def test_admin_of_the_coordinating_organisation_coordinates(world: dict[str, Any]) -> None:
    admin = MembershipFactory(organization=world["members"][0].organization, role=Membership.Role.ADMIN).user
    client = Client()
    client.force_login(admin)
    assert client.get(_urls(world)["manage"]).status_code == 200


def test_a_deputy_of_a_coordinator_member_coordinates(world: dict[str, Any]) -> None:
    deputy = RepresentativeFactory(member=world["members"][0], kind="deputy").user
    client = Client()
    client.force_login(deputy)
    assert client.get(_urls(world)["manage"]).status_code == 200


def test_coordinator_of_one_network_cannot_manage_another(world: dict[str, Any]) -> None:
    client = client_for(world, "coordinator")
    other = world["other"]
    assert client.get(reverse("networks:manage", args=[other.slug])).status_code == 404
    other_member = other.members.order_by("pk").last()
    # An object of another network through this network's address: 404 as well.
    url = reverse("networks:member_edit", args=[world["network"].slug, other_member.pk])
    assert client.get(url).status_code == 404
    rep = other_member.representatives.get()
    url = reverse("networks:representative_end", args=[world["network"].slug, rep.pk])
    assert client.post(url).status_code == 404
    rep.refresh_from_db()
    assert rep.ended_on is None


def test_a_member_that_left_loses_the_members_area(world: dict[str, Any]) -> None:
    member = world["members"][1]
    member.status = "left"
    member.save()
    assert client_for(world, "member").get(_urls(world)["members"]).status_code == 404
