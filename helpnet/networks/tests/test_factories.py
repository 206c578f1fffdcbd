from typing import Any

from helpnet.networks.permissions import coordinated_networks, is_coordinator, is_member
from helpnet.networks.tests.factories import (
    WorkingGroupMemberFactory,
    make_network_with_members,
)


def test_make_network_with_members(db: Any) -> None:
    network, members = make_network_with_members(n_members=3)
    assert len(members) == 3
    coordinator = members[0].representatives.get().user
    plain = members[1].representatives.get().user
    assert is_coordinator(coordinator, network)
    assert is_member(plain, network)
    assert not is_coordinator(plain, network)
    assert list(coordinated_networks(plain)) == []


def test_working_group_member_factory(db: Any) -> None:
    wgm = WorkingGroupMemberFactory()
    assert is_member(wgm.user, wgm.working_group.network)
