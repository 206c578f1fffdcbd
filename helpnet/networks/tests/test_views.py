"""The coordinator's forms end to end (bad input shows a clear message and saves nothing), and query counts."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from helpnet.accounts.models import User
from helpnet.networks.models import Network, NetworkMember, Representative, WorkingGroup, WorkingGroupMember
from helpnet.networks.tests.factories import (
    NetworkFactory,
    WorkingGroupFactory,
    WorkingGroupMemberFactory,
    make_network_with_members,
)
from helpnet.organizations.tests.factories import OrganizationFactory


@pytest.fixture
def setup(db: Any) -> dict[str, Any]:
    network, members = make_network_with_members(3, slug="lskz-sevnica")
    client = Client()
    client.force_login(members[0].representatives.get().user)
    return {"network": network, "members": members, "client": client}


def url(name: str, *args: Any) -> str:
    return reverse(f"networks:{name}", args=args)


def test_second_primary_through_the_form_shows_the_error_and_saves_nothing(setup: dict[str, Any]) -> None:
    member = setup["members"][1]
    users_before = User.objects.count()
    response = setup["client"].post(
        url("representative_add", "lskz-sevnica", member.pk),
        {"kind": "primary", "email": "new.person@example.org", "first_name": "Nova", "last_name": "Oseba"},
    )
    assert response.status_code == 200
    assert "already has a representative" in response.content.decode()
    assert member.representatives.count() == 1
    assert User.objects.count() == users_before  # the contact is not left behind either


def test_deputy_through_the_form_creates_a_contact(setup: dict[str, Any]) -> None:
    member = setup["members"][1]
    response = setup["client"].post(
        url("representative_add", "lskz-sevnica", member.pk),
        {"kind": "deputy", "email": "deputy@example.org", "first_name": "Dana", "last_name": "Deputy"},
    )
    assert response.status_code == 302
    deputy = member.representatives.get(kind=Representative.Kind.DEPUTY)
    assert deputy.user.email == "deputy@example.org"
    assert not deputy.user.has_usable_password()


def test_replace_primary_through_the_form(setup: dict[str, Any]) -> None:
    member = setup["members"][1]
    old = member.representatives.get()
    response = setup["client"].post(
        url("representative_replace", "lskz-sevnica", member.pk), {"email": "successor@example.org"}
    )
    assert response.status_code == 302
    old.refresh_from_db()
    assert old.ended_on is not None
    assert member.representatives.get(ended_on__isnull=True).user.email == "successor@example.org"


def test_end_appointment_by_post(setup: dict[str, Any]) -> None:
    rep = setup["members"][2].representatives.get()
    response = setup["client"].post(url("representative_end", "lskz-sevnica", rep.pk))
    assert response.status_code == 302
    rep.refresh_from_db()
    assert rep.ended_on is not None


def test_working_group_member_for_a_non_member_organisation_is_refused(setup: dict[str, Any]) -> None:
    network = setup["network"]
    group = WorkingGroupFactory(network=network, slug="adults")
    stranger = OrganizationFactory(name="Not In The Network")
    response = setup["client"].post(
        url("group_member_add", network.slug, group.slug),
        {"email": "someone@example.org", "on_behalf_of": stranger.pk, "role": "member"},
    )
    assert response.status_code == 200
    assert "Choose one of the network&#x27;s member organisations." in response.content.decode()
    assert not group.participants.exists()
    assert not User.objects.filter(email="someone@example.org").exists()


def test_working_group_member_for_a_former_member_is_refused(setup: dict[str, Any]) -> None:
    network = setup["network"]
    group = WorkingGroupFactory(network=network, slug="adults")
    former = setup["members"][2]
    former.status = NetworkMember.Status.LEFT
    former.save()
    response = setup["client"].post(
        url("group_member_add", network.slug, group.slug),
        {"email": "someone@example.org", "on_behalf_of": former.organization.pk, "role": "member"},
    )
    assert response.status_code == 200
    assert "is not an active member of the network" in response.content.decode()
    assert not group.participants.exists()


def test_working_group_member_through_the_form(setup: dict[str, Any]) -> None:
    network = setup["network"]
    group = WorkingGroupFactory(network=network, slug="adults")
    org = setup["members"][1].organization
    response = setup["client"].post(
        url("group_member_add", network.slug, group.slug),
        {"email": "chair@example.org", "on_behalf_of": org.pk, "role": "chair"},
    )
    assert response.status_code == 302
    participant = group.participants.get()
    assert (participant.user.email, participant.on_behalf_of, participant.role) == (
        "chair@example.org",
        org,
        "chair",
    )
    response = setup["client"].post(url("group_member_end", network.slug, group.slug, participant.pk))
    assert response.status_code == 302
    participant.refresh_from_db()
    assert participant.end_date is not None


def test_network_as_its_own_parent_through_the_settings_form(setup: dict[str, Any]) -> None:
    network = setup["network"]
    child = NetworkFactory(parent=network, slug="child")
    # The coordinator must see the child to choose it; make them a member there too.
    child.members.create(organization=setup["members"][0].organization, role="coordinator")
    data = {"name": network.name, "kind": "local", "quorum_rule": "majority", "visibility": "public"}
    response = setup["client"].post(url("settings", network.slug), {**data, "parent": child.pk})
    assert response.status_code == 200
    assert "cannot be part of itself" in response.content.decode()
    network.refresh_from_db()
    assert network.parent is None
    response = setup["client"].post(url("settings", network.slug), {**data, "parent": network.pk})
    assert response.status_code == 200
    assert "Choose one of the networks in the list." in response.content.decode()


def test_missing_quorum_value_through_the_settings_form(setup: dict[str, Any]) -> None:
    network = setup["network"]
    data = {
        "name": "Renamed",
        "kind": "local",
        "quorum_rule": "fixed",
        "quorum_value": "",
        "visibility": "public",
    }
    response = setup["client"].post(url("settings", network.slug), data)
    assert response.status_code == 200
    assert "Enter how many members make a quorum." in response.content.decode()
    network.refresh_from_db()
    assert network.name != "Renamed"
    response = setup["client"].post(
        url("settings", network.slug), {**data, "quorum_rule": "percent", "quorum_value": "120"}
    )
    assert "between 1 and 100" in response.content.decode()
    response = setup["client"].post(url("settings", network.slug), {**data, "quorum_value": "4"})
    assert response.status_code == 302
    network.refresh_from_db()
    assert (network.name, network.quorum_rule, network.quorum_value) == ("Renamed", "fixed", 4)


def test_add_member_and_edit_status_through_the_forms(setup: dict[str, Any]) -> None:
    network = setup["network"]
    org = OrganizationFactory(name="Občina Sevnica")
    response = setup["client"].post(
        url("member_add", network.slug), {"organization": org.pk, "role": "member", "has_voting_right": "on"}
    )
    assert response.status_code == 302
    member = network.members.get(organization=org)
    assert member.has_voting_right and not member.hosts_meetings
    # An active member is no longer offered, and posting it anyway is refused.
    response = setup["client"].post(
        url("member_add", network.slug), {"organization": org.pk, "role": "member"}
    )
    assert "Choose an organisation from the list." in response.content.decode()
    response = setup["client"].post(
        url("member_edit", network.slug, member.pk), {"role": "observer", "status": "left"}
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.role, member.status, member.has_voting_right) == ("observer", "left", False)
    assert member.left_on is not None


def test_working_group_create_and_duplicate_slug(setup: dict[str, Any]) -> None:
    network = setup["network"]
    data = {"name": "Older people", "slug": "elderly", "kind": "population", "population": "elderly"}
    assert setup["client"].post(url("group_add", network.slug), data).status_code == 302
    response = setup["client"].post(url("group_add", network.slug), {**data, "name": "Another"})
    assert response.status_code == 200
    assert "Another working group of this network uses this short name." in response.content.decode()
    assert WorkingGroup.objects.filter(network=network).count() == 1


# --- query counts ---------------------------------------------------------------------------------------


def test_network_list_query_count(db: Any, django_assert_max_num_queries: Any) -> None:
    for i in range(3):
        region, _ = make_network_with_members(3, slug=f"region-{i}", kind=Network.Kind.REGIONAL)
        make_network_with_members(2, slug=f"local-{i}", parent=region)
    client = Client()
    # visible networks with coordinator and member counts (one query, whatever the number of networks)
    with django_assert_max_num_queries(1):
        response = client.get(url("list"))
    assert response.status_code == 200
    assert response.content.decode().count('class="network-card"') == 6


def test_network_list_query_count_signed_in(db: Any, django_assert_max_num_queries: Any) -> None:
    networks = [make_network_with_members(3, slug=f"n-{i}")[0] for i in range(3)]
    user = networks[0].members.first().representatives.get().user
    client = Client()
    client.force_login(user)
    # session, user, networks (the user's own ones in a subquery), and one nav-link check of another app
    with django_assert_max_num_queries(4):
        assert client.get(url("list")).status_code == 200


def test_network_page_query_count(db: Any, django_assert_max_num_queries: Any) -> None:
    network, members = make_network_with_members(5, slug="big")
    for i in range(3):
        group = WorkingGroupFactory(network=network, lead_organization=members[i].organization)
        WorkingGroupMemberFactory(working_group=group, on_behalf_of=members[i].organization)
    make_network_with_members(2, slug="child-a", parent=network)
    client = Client()
    # network, members+organisation, working groups+lead, children, parent (none), is_member and
    # is_coordinator (none for anonymous), plus the meetings slot's own queries (at most 3)
    with django_assert_max_num_queries(8):
        response = client.get(network.get_absolute_url())
    assert response.status_code == 200
    assert members[4].organization.name in response.content.decode()


def test_members_area_query_count(db: Any, django_assert_max_num_queries: Any) -> None:
    network, members = make_network_with_members(5, slug="big")
    for i in range(3):
        group = WorkingGroupFactory(network=network)
        WorkingGroupMemberFactory.create_batch(2, working_group=group, on_behalf_of=members[i].organization)
    client = Client()
    client.force_login(members[1].representatives.get().user)
    # session, user, network, members, representatives+users, groups+lead+convenor, participants+user+org,
    # is_coordinator, plus the meetings and planning slots' own queries
    with django_assert_max_num_queries(16):
        response = client.get(url("members", network.slug))
    assert response.status_code == 200
    assert WorkingGroupMember.objects.filter(working_group__network=network).count() == 6


def test_manage_page_query_count(db: Any, django_assert_max_num_queries: Any) -> None:
    network, members = make_network_with_members(5, slug="big")
    for i in range(3):
        group = WorkingGroupFactory(network=network)
        WorkingGroupMemberFactory.create_batch(2, working_group=group, on_behalf_of=members[i].organization)
    client = Client()
    client.force_login(members[0].representatives.get().user)
    # session, user, network (coordinated), members+organisation, representatives+users,
    # groups+lead+convenor, participants+user+organisation, and the other apps' nav links
    with django_assert_max_num_queries(10):
        response = client.get(url("manage", network.slug))
    assert response.status_code == 200
    assert response.content.decode().count("networks/big/manage/members/") >= 5


def test_nav_link_to_networks_is_on_every_page(client: Client, db: Any) -> None:
    response = client.get(url("list"))
    assert f'href="{url("list")}"' in response.content.decode()


def test_admin_form_refuses_a_cycle_and_a_missing_quorum_value(db: Any) -> None:
    from helpnet.networks.admin import NetworkAdminForm

    region = NetworkFactory(slug="region")
    local = NetworkFactory(slug="local", parent=region)
    data = {"slug": "region", "name": "Region", "kind": "regional", "country": "SI", "visibility": "public"}
    form = NetworkAdminForm({**data, "parent": local.pk, "quorum_rule": "percent"}, instance=region)
    assert not form.is_valid()
    assert "cannot be part of itself" in str(form.errors["parent"])
    assert "share of voting members" in str(form.errors["quorum_value"])
