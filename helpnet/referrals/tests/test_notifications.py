"""E-mails about referrals: to the right side, in the reader's language, a link only, never personal data."""

import logging
from typing import Any

import pytest
from django.core import mail

from helpnet.directory.tests.factories import ServiceFactory
from helpnet.organizations.models import Membership
from helpnet.referrals import actions, notifications
from helpnet.referrals.models import Referral

from .helpers_referrals2 import EMAIL, NAME, PHONE, REASON, committed, member, sent_referral

pytestmark = pytest.mark.django_db

NOTE = "Klicala sem jo, ima težave z najemodajalcem"
MESSAGE = "Gospa Kovačič pride v ponedeljek ob devetih"


@pytest.fixture
def receiver_service(org_b: Any) -> Any:
    return ServiceFactory(organization=org_b, name="Svetovanje")


def all_mail_text() -> str:
    return "\n".join(f"{m.subject}\n{m.body}\n{m.alternatives}" for m in mail.outbox)


def assert_no_personal_data(text: str) -> None:
    for secret in (NAME, "Kovačič", PHONE, "555 123", EMAIL, REASON, "stanovanje", NOTE, MESSAGE):
        assert secret not in text, secret


def test_a_sent_referral_emails_the_receivers_editors_and_admins_with_a_link(
    org_a: Any, editor: Any, org_b: Any, receiver_service: Any
) -> None:
    receiver_editor = member(org_b, Membership.Role.EDITOR)
    receiver_admin = member(org_b, Membership.Role.ADMIN)
    member(org_b, Membership.Role.VIEWER)  # viewers cannot act: no e-mail
    referral = sent_referral(org_a, editor, receiver_service)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([receiver_editor.email, receiver_admin.email])
    message = mail.outbox[0]
    assert referral.reference in message.subject
    assert f"/referrals/{referral.pk}/" in message.body
    assert (
        f"http://localhost:8000/en/referrals/{referral.pk}/" in message.body
        or "/sl/referrals/" in message.body
    )
    assert "/referrals/notifications/" in message.body  # where to switch to a daily digest
    assert_no_personal_data(all_mail_text())


def test_an_assigned_referral_notifies_only_the_assignee(
    org_a: Any, editor: Any, org_b: Any, receiver_service: Any
) -> None:
    receiver_admin = member(org_b, Membership.Role.ADMIN)
    assignee = member(org_b, Membership.Role.EDITOR)
    referral = sent_referral(org_a, editor, receiver_service)
    with committed():
        actions.assign_referral(referral, by=receiver_admin, assignee=assignee)
    mail.outbox.clear()
    with committed():
        actions.add_message(referral, by=editor, body=MESSAGE)
    assert [m.to[0] for m in mail.outbox] == [assignee.email]


def test_the_sender_hears_of_each_change_and_the_actor_is_not_emailed(
    org_a: Any, editor: Any, org_b: Any, receiver_service: Any
) -> None:
    receiver = member(org_b, Membership.Role.EDITOR)
    editor.preferred_language = "en"  # the e-mail goes out in the reader's language
    editor.save(update_fields=["preferred_language"])
    referral = sent_referral(org_a, editor, receiver_service)
    mail.outbox.clear()
    with committed():
        actions.accept_referral(referral, by=receiver, note=NOTE)
    assert [m.to[0] for m in mail.outbox] == [editor.email]
    assert referral.reference in mail.outbox[0].subject
    assert "Accepted" in mail.outbox[0].subject
    mail.outbox.clear()
    with committed():
        actions.add_message(referral, by=receiver, body=MESSAGE)
    assert [m.to[0] for m in mail.outbox] == [editor.email]
    mail.outbox.clear()
    with committed():
        actions.add_message(referral, by=editor, body=MESSAGE)
    assert [m.to[0] for m in mail.outbox] == [receiver.email]
    assert_no_personal_data(all_mail_text())


def test_when_the_sender_left_the_organisation_its_editors_are_told(
    org_a: Any, editor: Any, org_b: Any, receiver_service: Any
) -> None:
    colleague = member(org_a, Membership.Role.EDITOR)
    receiver = member(org_b, Membership.Role.EDITOR)
    referral = sent_referral(org_a, editor, receiver_service)
    Membership.objects.filter(user=editor, organization=org_a).delete()
    mail.outbox.clear()
    with committed():
        actions.accept_referral(referral, by=receiver)
    assert [m.to[0] for m in mail.outbox] == [colleague.email]


def test_emails_come_in_the_recipients_preferred_language(
    org_a: Any, editor: Any, org_b: Any, receiver_service: Any
) -> None:
    member(org_b, Membership.Role.EDITOR, preferred_language="da")
    member(org_b, Membership.Role.ADMIN, preferred_language="en")
    sent_referral(org_a, editor, receiver_service)
    by_recipient = {m.to[0]: m for m in mail.outbox}
    bodies = sorted(by_recipient.values(), key=lambda m: m.to[0])
    links = [line for m in bodies for line in m.body.split() if line.startswith("http")]
    assert links and all("/referrals/" in link for link in links)
    languages = {m.body.split("http://localhost:8000/")[1][:3] for m in mail.outbox}
    assert languages == {"da/", "en/"}
    danish = next(m for m in mail.outbox if "/da/referrals/" in m.body)
    assert "/en/" not in danish.body


def test_digest_users_get_no_immediate_email(
    org_a: Any, editor: Any, org_b: Any, receiver_service: Any
) -> None:
    immediate = member(org_b, Membership.Role.EDITOR)
    daily = member(org_b, Membership.Role.EDITOR)
    notifications.set_digest(daily, daily=True)
    sent_referral(org_a, editor, receiver_service)
    assert [m.to[0] for m in mail.outbox] == [immediate.email]


def test_a_restricted_referral_sends_nothing(
    org_a: Any, editor: Any, org_b: Any, receiver_service: Any
) -> None:
    member(org_b, Membership.Role.EDITOR)
    admin = member(org_a, Membership.Role.ADMIN)
    referral = sent_referral(org_a, editor, receiver_service)
    with committed():
        actions.restrict_referral(referral, by=admin)
    mail.outbox.clear()
    sent = notifications.notify_referral_change(referral.pk, kind="message", message_id=None)
    assert sent == 0


def test_a_full_referral_life_leaves_no_personal_data_in_logs_or_mail(
    caplog: Any, org_a: Any, editor: Any, org_b: Any, receiver_service: Any
) -> None:
    from helpnet.referrals import jobs

    receiver = member(org_b, Membership.Role.EDITOR)
    member(org_b, Membership.Role.ADMIN)
    with caplog.at_level(logging.DEBUG):
        referral = sent_referral(org_a, editor, receiver_service)
        with committed():
            actions.mark_received(referral, by=receiver)
        with committed():
            actions.add_message(referral, by=receiver, body=MESSAGE)
        with committed():
            actions.accept_referral(referral, by=receiver, note=NOTE)
        with committed():
            actions.start_referral(referral, by=receiver, note=NOTE)
        with committed():
            actions.record_progress(referral, by=receiver, business_status="appointment_booked", note=NOTE)
        with committed():
            actions.hold_referral(referral, by=receiver, reason="other", note=NOTE)
        with committed():
            actions.resume_referral(referral, by=receiver)
        with committed():
            actions.add_message(referral, by=editor, body=MESSAGE)
        with committed():
            actions.complete_referral(referral, by=receiver, outcome="need_met", note=NOTE)
        with committed():
            jobs.send_reminders()
        with committed():
            jobs.run_retention()
    assert Referral.objects.get(pk=referral.pk).status == "completed"
    assert len(mail.outbox) >= 9
    logged = "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    assert str(referral.pk) in logged  # the logs do say what happened, by id
    assert_no_personal_data(logged)
    assert_no_personal_data(all_mail_text())
