"""Domain rules of the network actions: each bad input raises a clear ValidationError and saves nothing."""

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from helpnet.networks import actions
from helpnet.networks.models import Network, NetworkMember, Representative, WorkingGroupMember
from helpnet.networks.tests.factories import (
    NetworkFactory,
    NetworkMemberFactory,
    RepresentativeFactory,
    WorkingGroupFactory,
    make_network_with_members,
)
from helpnet.organizations.tests.factories import OrganizationFactory, UserFactory


def test_second_active_primary_is_refused_with_a_clear_message(db: Any) -> None:
    _network, members = make_network_with_members(2)
    member = members[1]
    with pytest.raises(ValidationError) as caught:
        actions.appoint_representative(member, user=UserFactory(), kind=Representative.Kind.PRIMARY)
    assert "already has a representative" in str(caught.value)
    assert member.representatives.count() == 1


def test_deputies_are_many_beside_one_primary(db: Any) -> None:
    _, members = make_network_with_members(1)
    actions.appoint_representative(members[0], user=UserFactory(), kind=Representative.Kind.DEPUTY)
    actions.appoint_representative(members[0], user=UserFactory(), kind=Representative.Kind.DEPUTY)
    assert members[0].representatives.filter(ended_on__isnull=True).count() == 3


def test_same_person_cannot_hold_two_appointments_for_one_member(db: Any) -> None:
    _, members = make_network_with_members(1)
    primary = members[0].representatives.get().user
    with pytest.raises(ValidationError, match="already represents"):
        actions.appoint_representative(members[0], user=primary, kind=Representative.Kind.DEPUTY)


def test_the_database_refuses_a_second_primary_that_slips_past_the_check(db: Any) -> None:
    _, members = make_network_with_members(1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Representative.objects.create(member=members[0], user=UserFactory(), kind=Representative.Kind.PRIMARY)


def test_a_concurrent_second_primary_becomes_a_validation_error(db: Any, monkeypatch: Any) -> None:
    # Two coordinators at once: the other one's primary lands between our check and our insert.
    _network, members = make_network_with_members(2)
    member = members[1]
    member.representatives.update(ended_on=dt.date(2026, 1, 1))
    real_create = Representative.objects.create

    def racing_create(**kwargs: Any) -> Representative:
        real_create(member=member, user=UserFactory(), kind=Representative.Kind.PRIMARY)
        return real_create(**kwargs)

    monkeypatch.setattr(Representative.objects, "create", racing_create)
    with pytest.raises(ValidationError, match="changed the representatives"):
        actions.appoint_representative(member, user=UserFactory(), kind=Representative.Kind.PRIMARY)


def test_a_member_that_is_not_active_cannot_appoint(db: Any) -> None:
    member = NetworkMemberFactory(status=NetworkMember.Status.SUSPENDED)
    with pytest.raises(ValidationError, match="not an active member"):
        actions.appoint_representative(member, user=UserFactory())
    assert not member.representatives.exists()


def test_replace_primary_ends_the_old_and_appoints_the_new_together(db: Any) -> None:
    _, members = make_network_with_members(1)
    member = members[0]
    old = member.representatives.get()
    deputy = RepresentativeFactory(member=member, kind=Representative.Kind.DEPUTY)
    new = actions.replace_primary(member, user=deputy.user, on=dt.date(2026, 11, 1))
    old.refresh_from_db()
    deputy.refresh_from_db()
    assert old.ended_on == dt.date(2026, 11, 1)
    assert deputy.ended_on == dt.date(2026, 11, 1)  # the deputy's own appointment gives way
    assert new.kind == Representative.Kind.PRIMARY and new.is_active
    assert member.representatives.filter(ended_on__isnull=True).get() == new


def test_replace_primary_by_the_same_person_changes_nothing(db: Any) -> None:
    _, members = make_network_with_members(1)
    current = members[0].representatives.get()
    with pytest.raises(ValidationError, match="already the representative"):
        actions.replace_primary(members[0], user=current.user)
    current.refresh_from_db()
    assert current.ended_on is None


def test_end_appointment_twice_is_refused(db: Any) -> None:
    _, members = make_network_with_members(1)
    rep = members[0].representatives.get()
    actions.end_appointment(rep, on=dt.date(2026, 5, 1))
    with pytest.raises(ValidationError):
        actions.end_appointment(rep)
    rep.refresh_from_db()
    assert rep.ended_on == dt.date(2026, 5, 1)


def test_network_cannot_be_its_own_parent_or_ancestor(db: Any) -> None:
    region = NetworkFactory(kind=Network.Kind.REGIONAL)
    local = NetworkFactory(parent=region)
    with pytest.raises(ValidationError, match="part of itself"):
        actions.update_network(region, data={"parent": region})
    with pytest.raises(ValidationError, match="part of itself"):
        actions.update_network(region, data={"parent": local})
    region.refresh_from_db()
    assert region.parent is None


def test_database_refuses_a_network_as_its_own_parent(db: Any) -> None:
    network = NetworkFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Network.objects.filter(pk=network.pk).update(parent=network.pk)


@pytest.mark.parametrize(
    ("rule", "value", "message"),
    [
        (Network.QuorumRule.FIXED, None, "how many members"),
        (Network.QuorumRule.FIXED, 0, "how many members"),
        (Network.QuorumRule.PERCENT, None, "share of voting members"),
        (Network.QuorumRule.PERCENT, 0, "between 1 and 100"),
        (Network.QuorumRule.PERCENT, 101, "between 1 and 100"),
    ],
)
def test_quorum_needs_a_fitting_value(db: Any, rule: str, value: int | None, message: str) -> None:
    network = NetworkFactory()
    with pytest.raises(ValidationError, match=message):
        actions.update_network(network, data={"quorum_rule": rule, "quorum_value": value})
    network.refresh_from_db()
    assert network.quorum_rule == Network.QuorumRule.MAJORITY


def test_database_refuses_a_percent_quorum_over_100(db: Any) -> None:
    network = NetworkFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Network.objects.filter(pk=network.pk).update(quorum_rule="percent", quorum_value=150)


def test_quorum_values_that_fit_are_saved_and_majority_drops_the_number(db: Any) -> None:
    network = NetworkFactory()
    actions.update_network(network, data={"quorum_rule": Network.QuorumRule.PERCENT, "quorum_value": 60})
    network.refresh_from_db()
    assert (network.quorum_rule, network.quorum_value) == ("percent", 60)
    actions.update_network(network, data={"quorum_rule": Network.QuorumRule.MAJORITY, "quorum_value": 7})
    network.refresh_from_db()
    assert (network.quorum_rule, network.quorum_value) == ("majority", None)


def test_add_member_twice_is_refused_and_a_former_member_comes_back(db: Any) -> None:
    network = NetworkFactory()
    org = OrganizationFactory()
    member = actions.add_member(network, organization=org)
    with pytest.raises(ValidationError, match="already a member"):
        actions.add_member(network, organization=org)
    actions.leave_member(member, on=dt.date(2026, 3, 1))
    again = actions.add_member(network, organization=org, role=NetworkMember.Role.OBSERVER)
    assert again.pk == member.pk
    assert (again.status, again.role, again.left_on) == ("active", "observer", None)


def test_leaving_ends_appointments_and_working_group_places(db: Any) -> None:
    network, members = make_network_with_members(2)
    member = members[1]
    group = WorkingGroupFactory(network=network)
    place = actions.add_working_group_member(group, user=UserFactory(), on_behalf_of=member.organization)
    actions.leave_member(member, on=dt.date(2026, 6, 30))
    member.refresh_from_db()
    place.refresh_from_db()
    assert member.status == NetworkMember.Status.LEFT and member.left_on == dt.date(2026, 6, 30)
    assert not member.representatives.filter(ended_on__isnull=True).exists()
    assert place.end_date == dt.date(2026, 6, 30)


def test_suspend_and_reinstate(db: Any) -> None:
    _, members = make_network_with_members(2)
    member = members[1]
    actions.set_member_status(member, status=NetworkMember.Status.SUSPENDED)
    assert member.status == "suspended"
    assert member.representatives.filter(ended_on__isnull=True).exists()  # kept on file
    actions.set_member_status(member, status=NetworkMember.Status.ACTIVE)
    assert NetworkMember.objects.get(pk=member.pk).status == "active"


def test_working_group_member_must_act_for_an_active_member(db: Any) -> None:
    network, members = make_network_with_members(2)
    group = WorkingGroupFactory(network=network)
    outsider_org = OrganizationFactory()
    with pytest.raises(ValidationError, match="not an active member"):
        actions.add_working_group_member(group, user=UserFactory(), on_behalf_of=outsider_org)
    members[1].status = NetworkMember.Status.SUSPENDED
    members[1].save()
    with pytest.raises(ValidationError, match="not an active member"):
        actions.add_working_group_member(group, user=UserFactory(), on_behalf_of=members[1].organization)
    with pytest.raises(ValidationError, match="Choose the member organisation"):
        actions.add_working_group_member(group, user=UserFactory(), on_behalf_of=None)
    assert not WorkingGroupMember.objects.filter(working_group=group).exists()


def test_working_group_guest_may_come_without_an_organisation(db: Any) -> None:
    group = WorkingGroupFactory()
    guest = actions.add_working_group_member(
        group, user=UserFactory(), on_behalf_of=None, role=WorkingGroupMember.Role.GUEST
    )
    assert guest.on_behalf_of is None


def test_working_group_member_twice_is_refused(db: Any) -> None:
    network, members = make_network_with_members(1)
    group = WorkingGroupFactory(network=network)
    user = UserFactory()
    actions.add_working_group_member(group, user=user, on_behalf_of=members[0].organization)
    with pytest.raises(ValidationError, match="already in the working group"):
        actions.add_working_group_member(group, user=user, on_behalf_of=members[0].organization)


def test_working_group_rules(db: Any) -> None:
    network, members = make_network_with_members(1)
    data = {"name": "Children and youth", "slug": "children-youth", "kind": "population", "population": ""}
    group = actions.save_working_group(network, data=data)
    with pytest.raises(ValidationError, match="short name"):
        actions.save_working_group(network, data={**data, "name": "Other"})
    with pytest.raises(ValidationError, match="lead organisation"):
        actions.save_working_group(network, group, data={**data, "lead_organization": OrganizationFactory()})
    with pytest.raises(ValidationError, match="before the start"):
        actions.save_working_group(
            network, group, data={**data, "started_on": dt.date(2026, 5, 1), "ended_on": dt.date(2026, 4, 1)}
        )
    actions.save_working_group(network, group, data={**data, "lead_organization": members[0].organization})
    group.refresh_from_db()
    assert group.lead_organization == members[0].organization
    assert network.working_groups.count() == 1


def test_person_for_reuses_an_account_and_creates_contacts_who_cannot_sign_in(db: Any) -> None:
    existing = UserFactory(email="Ana@Example.org")
    assert actions.person_for(email="ana@example.org") == existing
    contact = actions.person_for(email="nina.kralj@example.org", first_name="Nina", last_name="Kralj")
    assert contact.get_full_name() == "Nina Kralj"
    assert not contact.has_usable_password()
    assert actions.person_for(email="nina.kralj@example.org") == contact
