"""The read API other apps use: counts between organisations, capacity rejections, the usual response time."""

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from helpnet.directory.tests.factories import ServiceFactory
from helpnet.organizations.models import Membership, Municipality
from helpnet.organizations.tests.factories import OrganizationFactory
from helpnet.referrals import actions, stats
from helpnet.referrals.models import ReferralSettings

from .helpers_referrals2 import committed, member, sent_referral

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Europe/Ljubljana")


def at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=TZ)


@pytest.fixture
def receiver(org_b: Any) -> Any:
    return member(org_b, Membership.Role.EDITOR)


def sent_on(day: str, sender_org: Any, sender: Any, service: Any, **data: Any) -> Any:
    with time_machine.travel(at(day), tick=False):
        return sent_referral(sender_org, sender, service, **data)


def test_referral_count_between_organisations_in_a_period(
    org_a: Any, editor: Any, org_b: Any, receiver: Any
) -> None:
    service = ServiceFactory(organization=org_b)
    outside = ServiceFactory(organization=OrganizationFactory())
    sent_on("2026-03-01", org_a, editor, service)
    sent_on("2026-03-31", org_a, editor, service)
    sent_on("2026-04-01", org_a, editor, service)  # after the period
    sent_on("2026-03-10", org_a, editor, outside)  # receiver not in the set
    wrong = sent_on("2026-03-11", org_a, editor, service)
    with committed():
        actions.enter_in_error(wrong, by=editor, reason="test")
    ids = [org_a.pk, org_b.pk]
    assert stats.referral_count(ids, dt.date(2026, 3, 1), dt.date(2026, 4, 1)) == 2
    assert stats.referral_count(ids, dt.date(2026, 3, 1), dt.date(2026, 4, 2)) == 3
    assert stats.referral_count([org_a.pk], dt.date(2026, 1, 1), dt.date(2027, 1, 1)) == 0


def test_capacity_rejections_by_municipality_and_need(
    org_a: Any, editor: Any, org_b: Any, receiver: Any
) -> None:
    service = ServiceFactory(organization=org_b)
    sevnica = Municipality.objects.get(slug="sevnica")
    for reason in ("no_capacity", "no_capacity", "not_eligible"):
        referral = sent_on("2026-05-04", org_a, editor, service, municipality=sevnica)
        with committed():
            actions.reject_referral(referral, by=receiver, reason=reason)
    rows = stats.capacity_rejections(dt.date(2026, 5, 1), dt.date(2026, 6, 1))
    assert rows == [{"municipality_id": sevnica.pk, "need_term_id": None, "count": 2}]
    assert (
        stats.capacity_rejections(dt.date(2026, 5, 1), dt.date(2026, 6, 1), organization_ids=[org_a.pk]) == []
    )


def test_usual_response_days_is_the_median_in_working_days_and_needs_five(
    org_a: Any, editor: Any, org_b: Any, receiver: Any
) -> None:
    service = ServiceFactory(organization=org_b)
    # Sent on Monday 2 November 2026, decided after 1, 1, 2, 4 working days...
    for days in (1, 1, 2, 4):
        referral = sent_on("2026-11-02", org_a, editor, service)
        decided = actions.add_working_days(at("2026-11-02"), days, "SI")
        with time_machine.travel(decided, tick=False), committed():
            actions.accept_referral(referral, by=receiver)
    with time_machine.travel(at("2026-11-20"), tick=False):
        assert stats.usual_response_days(service.pk) is None  # four are too few to say "usually"
    # ... and a fifth over a weekend: Friday 6 → Monday 9 November is one working day.
    referral = sent_on("2026-11-06", org_a, editor, service)
    with time_machine.travel(at("2026-11-09"), tick=False), committed():
        actions.reject_referral(referral, by=receiver, reason="no_capacity")
    with time_machine.travel(at("2026-11-20"), tick=False):
        assert stats.usual_response_days(service.pk) == 1.0
    # A year later the old referrals no longer count.
    with time_machine.travel(at("2027-12-01"), tick=False):
        assert stats.usual_response_days(service.pk) is None


def test_the_service_page_says_usually_answers_within(
    client: Client, org_a: Any, editor: Any, org_b: Any, receiver: Any
) -> None:
    service = ServiceFactory(organization=org_b)
    ReferralSettings.objects.create(service=service)
    for _ in range(5):
        referral = sent_on("2026-11-02", org_a, editor, service)
        with time_machine.travel(at("2026-11-04"), tick=False), committed():
            actions.accept_referral(referral, by=receiver)
    with time_machine.travel(at("2026-11-20"), tick=False):
        page = client.get(f"/en/services/{service.pk}/").content.decode()
    assert "This service usually answers within 2 working days." in page
