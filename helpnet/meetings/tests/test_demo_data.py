from typing import Any

from helpnet.meetings import demo_data, queries
from helpnet.meetings.models import ActionItem, Decision, Meeting
from helpnet.meetings.tests.helpers import deputy, world


def test_demo_skips_without_the_sevnica_group(db: Any) -> None:
    assert demo_data.load().startswith("skipped")
    assert not Meeting.objects.exists()


def test_demo_loads_a_held_meeting_and_the_next_one_once(db: Any) -> None:
    w = world(4, slug=demo_data.NETWORK_SLUG)
    deputy(w.members[0])
    demo_data.load()
    counts = (Meeting.objects.count(), Decision.objects.count(), ActionItem.objects.count())
    demo_data.load()
    assert (
        counts == (Meeting.objects.count(), Decision.objects.count(), ActionItem.objects.count()) == (3, 2, 3)
    )
    held = Meeting.objects.get(status=Meeting.Status.HELD)
    assert held.minutes_status == Meeting.MinutesStatus.CIRCULATED and held.quorum_met is True
    hosts = list(Meeting.objects.order_by("start").values_list("host_organization_id", flat=True))
    assert len(set(hosts)) == 3  # rotating
    following = queries.next_meeting(held)
    assert following is not None and following.status == Meeting.Status.SCHEDULED
    assert len(list(queries.actions_for_review(following))) == 3
