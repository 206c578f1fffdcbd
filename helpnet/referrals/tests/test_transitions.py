"""Every transition for every role: who may make it, and what it leaves behind (referrals.md §1.9)."""

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from helpnet.referrals import actions
from helpnet.referrals.models import AccessLogEntry, Referral, ReferralEvent

from .conftest import ROLES

pytestmark = pytest.mark.usefixtures("english")

SENDER = {"sender_editor", "sender_admin"}
RECEIVER = {"receiver_editor", "receiver_admin"}

# (transition, starting status, arguments, resulting status, roles allowed)
TABLE: list[tuple[str, str, dict[str, str], str, set[str]]] = [
    ("send", "draft", {}, "requested", SENDER),
    ("accept", "requested", {}, "accepted", RECEIVER),
    ("accept", "received", {}, "accepted", RECEIVER),
    ("reject", "requested", {"reason": "no_capacity"}, "rejected", RECEIVER),
    ("reject", "received", {"reason": "not_eligible"}, "rejected", RECEIVER),
    ("start", "accepted", {}, "in_progress", RECEIVER),
    ("hold", "accepted", {"reason": "waitlist"}, "on_hold", RECEIVER),
    ("hold", "in_progress", {"reason": "awaiting_person"}, "on_hold", RECEIVER),
    ("resume", "on_hold", {}, "in_progress", RECEIVER),
    ("complete", "accepted", {"outcome": "advice_only"}, "completed", RECEIVER),
    ("complete", "in_progress", {"outcome": "need_met"}, "completed", RECEIVER),
    ("complete", "on_hold", {"outcome": "need_partly_met"}, "completed", RECEIVER),
    ("fail", "accepted", {"reason": "unable_to_contact"}, "failed", RECEIVER),
    ("fail", "in_progress", {"reason": "declined"}, "failed", RECEIVER),
    ("fail", "on_hold", {"reason": "no_show"}, "failed", RECEIVER),
    ("cancel", "draft", {"reason": "need_resolved"}, "cancelled", SENDER),
    ("cancel", "requested", {"reason": "consent_withdrawn"}, "cancelled", SENDER | RECEIVER),
    ("cancel", "received", {"reason": "referred_elsewhere"}, "cancelled", SENDER | RECEIVER),
    ("cancel", "accepted", {"reason": "moved_or_deceased"}, "cancelled", SENDER | RECEIVER),
    ("cancel", "in_progress", {"reason": "need_resolved"}, "cancelled", SENDER | RECEIVER),
    ("cancel", "on_hold", {"reason": "need_resolved"}, "cancelled", SENDER | RECEIVER),
    ("enter_in_error", "draft", {"reason": "test"}, "entered_in_error", SENDER | {"receiver_admin"}),
    (
        "enter_in_error",
        "accepted",
        {"reason": "wrong_person"},
        "entered_in_error",
        SENDER | {"receiver_admin"},
    ),
    (
        "enter_in_error",
        "completed",
        {"reason": "wrong_details"},
        "entered_in_error",
        SENDER | {"receiver_admin"},
    ),
]

FUNCTIONS = {
    "send": actions.send_referral,
    "accept": actions.accept_referral,
    "reject": actions.reject_referral,
    "start": actions.start_referral,
    "hold": actions.hold_referral,
    "resume": actions.resume_referral,
    "complete": actions.complete_referral,
    "fail": actions.fail_referral,
    "cancel": actions.cancel_referral,
    "enter_in_error": actions.enter_in_error,
}

CASES = [(t, s, a, r, role, role in allowed) for t, s, a, r, allowed in TABLE for role in ROLES]


@pytest.mark.parametrize(
    ("transition", "start", "arguments", "result", "role", "allowed"),
    CASES,
    ids=[f"{t}-from-{s}-by-{role}-{'ok' if ok else 'denied'}" for t, s, _a, _r, role, ok in CASES],
)
def test_transition_for_each_role(
    parties: Any,
    transition: str,
    start: str,
    arguments: dict[str, str],
    result: str,
    role: str,
    allowed: bool,
) -> None:
    referral = parties.referral(start)
    user = parties.users[role]
    if allowed:
        FUNCTIONS[transition](referral, by=user, **arguments)
        referral.refresh_from_db()
        assert referral.status == result
        assert referral.version == 2
        event = ReferralEvent.objects.get(referral=referral)
        assert (event.from_status, event.to_status, event.actor) == (start, result, user)
        assert event.reason_code == arguments.get("reason", "")
        assert AccessLogEntry.objects.filter(referral_id=referral.pk, user=user, action="change").count() == 1
    else:
        with pytest.raises(PermissionDenied):
            FUNCTIONS[transition](referral, by=user, **arguments)
        referral.refresh_from_db()
        assert referral.status == start
        assert referral.version == 1
        assert not ReferralEvent.objects.filter(referral=referral).exists()


# Steps that are impossible from a status whoever tries: the machine has no such edge.
IMPOSSIBLE = [
    ("accept", "draft", {}),
    ("accept", "accepted", {}),
    ("accept", "completed", {}),
    ("reject", "accepted", {"reason": "no_capacity"}),
    ("start", "requested", {}),
    ("start", "in_progress", {}),
    ("hold", "requested", {"reason": "waitlist"}),
    ("resume", "in_progress", {}),
    ("complete", "requested", {"outcome": "need_met"}),
    ("complete", "rejected", {"outcome": "need_met"}),
    ("fail", "received", {"reason": "declined"}),
    ("cancel", "completed", {"reason": "need_resolved"}),
    ("cancel", "rejected", {"reason": "need_resolved"}),
    ("cancel", "failed", {"reason": "need_resolved"}),
    ("cancel", "cancelled", {"reason": "need_resolved"}),
    ("enter_in_error", "entered_in_error", {"reason": "test"}),
    ("send", "requested", {}),
]


@pytest.mark.parametrize(("transition", "start", "arguments"), IMPOSSIBLE)
def test_impossible_transitions_are_refused_with_a_message(
    parties: Any, transition: str, start: str, arguments: dict[str, str]
) -> None:
    referral = parties.referral(start)
    who = "sender_admin" if transition in ("send", "enter_in_error") else "receiver_admin"
    with pytest.raises(actions.ReferralError) as error:
        FUNCTIONS[transition](referral, by=parties.users[who], **arguments)
    assert "not possible now" in error.value.messages[0]
    referral.refresh_from_db()
    assert referral.status == start


@pytest.mark.parametrize(
    ("transition", "start", "arguments"),
    [
        ("reject", "requested", {"reason": ""}),
        ("reject", "requested", {"reason": "made_up"}),
        ("hold", "in_progress", {"reason": ""}),
        ("fail", "accepted", {"reason": ""}),
        ("cancel", "requested", {"reason": ""}),
        ("enter_in_error", "accepted", {"reason": ""}),
        ("complete", "accepted", {"outcome": ""}),
        ("complete", "accepted", {"outcome": "placed_on_the_moon"}),
    ],
)
def test_coded_reason_or_outcome_is_required(
    parties: Any, transition: str, start: str, arguments: dict[str, str]
) -> None:
    referral = parties.referral(start)
    with pytest.raises(actions.ReferralError):
        FUNCTIONS[transition](referral, by=parties.users["receiver_admin"], **arguments)
    referral.refresh_from_db()
    assert referral.status == start
    assert not ReferralEvent.objects.exists()


def test_other_reason_needs_a_note(parties: Any) -> None:
    referral = parties.referral("requested")
    with pytest.raises(actions.ReferralError) as error:
        actions.reject_referral(referral, by=parties.users["receiver_editor"], reason="other", note="  ")
    assert "Other" in error.value.messages[0]
    actions.reject_referral(
        referral, by=parties.users["receiver_editor"], reason="other", note="Closed for summer"
    )
    assert Referral.objects.get(pk=referral.pk).status_reason == "other"


def test_timestamps_are_kept_for_each_step(parties: Any) -> None:
    user = parties.users["receiver_editor"]
    referral = parties.referral("requested")
    actions.accept_referral(referral, by=user)
    actions.start_referral(referral, by=user)
    actions.complete_referral(referral, by=user, outcome="need_met")
    referral.refresh_from_db()
    assert referral.decided_at and referral.started_at and referral.closed_at
    assert referral.decided_at <= referral.started_at <= referral.closed_at
    assert referral.version == 4
    assert list(referral.events.values_list("to_status", flat=True)) == [
        "accepted",
        "in_progress",
        "completed",
    ]


def test_a_stale_transition_loses_with_a_clear_message(parties: Any) -> None:
    mine = parties.referral("requested")
    theirs = Referral.objects.get(pk=mine.pk)
    actions.accept_referral(theirs, by=parties.users["receiver_admin"])
    with pytest.raises(actions.StaleReferralError) as error:
        actions.reject_referral(mine, by=parties.users["receiver_editor"], reason="no_capacity")
    assert error.value.messages[0] == (
        "Someone else changed this referral a moment ago: it is now Accepted. Reload to see it."
    )
    assert Referral.objects.get(pk=mine.pk).status == "accepted"
    assert ReferralEvent.objects.filter(referral=mine).count() == 1


def test_restricted_referral_cannot_move(parties: Any) -> None:
    referral = parties.referral("requested")
    actions.restrict_referral(referral, by=parties.users["receiver_admin"])
    with pytest.raises(actions.ReferralError, match="restricted"):
        actions.accept_referral(referral, by=parties.users["receiver_editor"])
    assert AccessLogEntry.objects.filter(referral_id=referral.pk, action="restrict").count() == 1


def test_editors_cannot_restrict(parties: Any) -> None:
    referral = parties.referral("requested")
    with pytest.raises(PermissionDenied):
        actions.restrict_referral(referral, by=parties.users["receiver_editor"])


def test_first_open_by_receiver_marks_received_once(parties: Any) -> None:
    referral = parties.referral("requested")
    assert not actions.mark_received(referral, by=parties.users["sender_editor"])
    assert actions.mark_received(referral, by=parties.users["receiver_viewer"])
    assert not actions.mark_received(referral, by=parties.users["receiver_editor"])
    referral.refresh_from_db()
    assert referral.status == "received"
    assert referral.first_viewed_at is not None
    event = referral.events.get()
    assert (event.actor, event.business_status) == (parties.users["receiver_viewer"], "opened")


def test_signal_is_sent_after_commit_with_ids_only(
    parties: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from helpnet.referrals.signals import referral_changed

    received: list[dict[str, Any]] = []

    def listener(**kwargs: Any) -> None:
        received.append(kwargs)

    referral_changed.connect(listener, dispatch_uid="test-listener")
    try:
        referral = parties.referral("requested")
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            event = actions.accept_referral(referral, by=parties.users["receiver_editor"])
        assert received == []  # nothing before the commit
        for callback in callbacks:
            callback()
    finally:
        referral_changed.disconnect(dispatch_uid="test-listener")
    mine = [r for r in received if r["referral_id"] == referral.pk]
    assert len(mine) == 1
    assert mine[0]["kind"] == "transition"
    assert mine[0]["event_id"] == event.pk
    assert set(mine[0]) == {"signal", "sender", "referral_id", "event_id", "kind"}
