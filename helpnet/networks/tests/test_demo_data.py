from typing import Any

from helpnet.accounts.models import User
from helpnet.directory.demo.loader import load_demo
from helpnet.networks import demo_data
from helpnet.networks.models import Network, NetworkMember, Representative, WorkingGroup, WorkingGroupMember
from helpnet.networks.permissions import is_coordinator, is_member


def _counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count()
        for model in (Network, NetworkMember, Representative, WorkingGroup, WorkingGroupMember, User)
    )


def test_demo_networks_load_once_and_again_without_new_rows(db: Any) -> None:
    load_demo()
    first = demo_data.load()
    after_first = _counts()
    second = demo_data.load()
    assert _counts() == after_first
    assert "4 networks" in first and "0 members, 0 representatives" in second

    lskz = Network.objects.get(slug="lskz-sevnica")
    assert lskz.parent == Network.objects.get(slug="posavje-za-zdravje")
    assert lskz.members.filter(status="active").count() >= 10
    assert set(lskz.working_groups.values_list("population", flat=True)) == {
        "children_youth",
        "adults",
        "elderly",
    }
    zd = lskz.members.get(organization__name="Zdravstveni dom Sevnica")
    assert zd.role == NetworkMember.Role.COORDINATOR
    reps = {r.user.username: r.kind for r in zd.representatives.filter(ended_on__isnull=True)}
    assert reps == {"skrbnik": "primary", "urednik": "deputy"}

    skrbnik, urednik, redaktoer = (User.objects.get(username=u) for u in ("skrbnik", "urednik", "redaktoer"))
    assert is_coordinator(skrbnik, lskz)
    assert is_member(urednik, lskz)
    randers = Network.objects.get(slug="sundhedsnetvaerk-randers")
    assert randers.country == "DK"
    assert is_coordinator(redaktoer, randers)
    assert not is_member(redaktoer, lskz)
    contact = User.objects.get(username="tina.mirt")
    assert not contact.has_usable_password()
    assert contact.representations.get().member.network == lskz


def test_demo_keeps_a_primary_changed_in_the_app(db: Any) -> None:
    load_demo()
    demo_data.load()
    zd = NetworkMember.objects.get(network__slug="lskz-sevnica", organization__name="Zdravstveni dom Sevnica")
    zd.representatives.filter(user__username="skrbnik").update(ended_on="2026-01-01")
    Representative.objects.create(member=zd, user=User.objects.get(username="bralec"), kind="primary")
    demo_data.load()
    primary = zd.representatives.get(ended_on__isnull=True, kind="primary")
    assert primary.user.username == "bralec"
