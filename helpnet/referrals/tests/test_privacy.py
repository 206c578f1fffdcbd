"""Privacy by design (referrals.md §4): third organisations see nothing, every read is logged, logs stay clean."""

import logging
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from helpnet.organizations.models import Membership
from helpnet.referrals.models import AccessLogEntry, Referral

pytestmark = pytest.mark.usefixtures("english")


def _referral_urls(referral: Referral) -> list[tuple[str, str, dict[str, str]]]:
    pk = referral.pk
    return [
        ("get", reverse("referrals:referral_detail", args=[pk]), {}),
        ("get", reverse("referrals:referral_edit", args=[pk]), {}),
        ("post", reverse("referrals:referral_edit", args=[pk]), {"person_name": "x", "send": "1"}),
        ("get", reverse("referrals:referral_fhir", args=[pk]), {}),
        ("get", reverse("referrals:referral_print", args=[pk]), {}),
        ("get", reverse("referrals:referral_pick_service", args=[pk, "forward"]), {}),
        ("get", reverse("referrals:referral_pick_service", args=[pk, "again"]), {}),
        ("post", reverse("referrals:referral_message", args=[pk]), {"body": "hello"}),
        ("post", reverse("referrals:referral_assign", args=[pk]), {"assignee": ""}),
        ("post", reverse("referrals:referral_restrict", args=[pk]), {}),
        ("post", reverse("referrals:referral_progress", args=[pk]), {"progress-version": "1"}),
        *[
            ("post", reverse("referrals:referral_step", args=[pk, step]), {f"{step}-version": "1"})
            for step in (
                "send",
                "accept",
                "reject",
                "start",
                "hold",
                "resume",
                "complete",
                "fail",
                "cancel",
                "enter_in_error",
            )
        ],
    ]


@pytest.mark.parametrize("status", ["draft", "requested", "accepted", "completed"])
@pytest.mark.parametrize("role", ["third_editor", "third_admin"])
def test_every_referral_url_is_404_for_a_third_organisation(parties: Any, status: str, role: str) -> None:
    referral = parties.referral(status)
    client = parties.client(role)
    for method, url, data in _referral_urls(referral):
        response = getattr(client, method)(url, data)
        assert response.status_code == 404, (method, url, response.status_code)
    referral.refresh_from_db()
    assert referral.status == status
    assert referral.version == 1
    assert not referral.messages.exists()
    assert not AccessLogEntry.objects.filter(referral_id=referral.pk).exists()


def test_third_organisation_inbox_does_not_list_it(parties: Any) -> None:
    referral = parties.referral("requested")
    client = parties.client("third_admin")
    for tab in ("new", "overdue", "mine", "sent", "all"):
        body = client.get(reverse("referrals:referral_list") + f"?tab={tab}").content.decode()
        assert referral.reference not in body
    # Another organisation's inbox: 404, not 403.
    response = client.get(reverse("referrals:referral_list") + f"?org={parties.receiver.pk}")
    assert response.status_code == 404
    response = client.get(reverse("referrals:access_log") + f"?org={parties.receiver.pk}")
    assert response.status_code == 404


def test_malformed_and_unknown_ids_are_404(parties: Any) -> None:
    client = parties.client("receiver_admin")
    assert client.get("/en/referrals/not-a-uuid/").status_code == 404
    assert client.get("/en/referrals/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert client.get(reverse("referrals:referral_list") + "?org=nonsense").status_code in (200, 404)


def test_user_without_organisation_sees_an_empty_inbox_and_no_referral(parties: Any) -> None:
    from helpnet.accounts.models import User

    loner = User.objects.create(username="loner")
    client = Client()
    client.force_login(loner)
    referral = parties.referral("requested")
    assert client.get(reverse("referrals:referral_list")).status_code == 200
    assert client.get(referral.get_absolute_url()).status_code == 404


def test_superuser_may_look_read_only_and_it_is_logged(parties: Any) -> None:
    from helpnet.accounts.models import User

    support = User.objects.create(username="support", is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(support)
    referral = parties.referral("requested")
    response = client.get(referral.get_absolute_url())
    assert response.status_code == 200
    assert AccessLogEntry.objects.filter(referral_id=referral.pk, user=support, action="view").exists()
    referral.refresh_from_db()
    assert referral.status == "requested"  # a support look is not the receiver opening it
    response = client.post(
        reverse("referrals:referral_step", args=[referral.pk, "accept"]), {"accept-version": "1"}
    )
    assert response.status_code == 403


def test_parent_chain_organisations_see_the_child(parties: Any) -> None:
    parent = parties.referral("accepted")
    from helpnet.directory.tests.factories import ServiceFactory
    from helpnet.referrals.actions import forward_referral

    child = forward_referral(
        parent, by=parties.users["receiver_editor"], service=ServiceFactory(organization=parties.third)
    )
    for role in ("sender_viewer", "receiver_viewer", "third_editor"):
        assert parties.client(role).get(child.get_absolute_url()).status_code == 200, role
    # The third organisation sees the parent too (it is in the chain); an unrelated organisation does not.
    assert parties.client("third_editor").get(parent.get_absolute_url()).status_code == 200
    from helpnet.organizations.tests.factories import MembershipFactory, OrganizationFactory

    stranger = MembershipFactory(organization=OrganizationFactory(), role=Membership.Role.ADMIN).user
    client = Client()
    client.force_login(stranger)
    assert client.get(child.get_absolute_url()).status_code == 404
    assert client.get(parent.get_absolute_url()).status_code == 404


def test_inbox_tabs(parties: Any) -> None:
    now = timezone.now()
    new = parties.referral("requested", requested_at=now, response_due_at=now + timedelta(days=3))
    overdue = parties.referral(
        "received", requested_at=now - timedelta(days=9), response_due_at=now - timedelta(days=2)
    )
    mine = parties.referral("accepted", assigned_to=parties.users["receiver_editor"])
    done = parties.referral("completed", assigned_to=parties.users["receiver_editor"])
    client = parties.client("receiver_editor")

    def listed(tab: str) -> set[str]:
        page = client.get(reverse("referrals:referral_list") + f"?tab={tab}").content.decode()
        return {r.reference for r in (new, overdue, mine, done) if r.reference in page}

    assert listed("new") == {new.reference, overdue.reference}
    assert listed("overdue") == {overdue.reference}
    assert listed("mine") == {mine.reference}
    assert listed("all") == {new.reference, overdue.reference, mine.reference, done.reference}
    assert listed("sent") == set()
    sender_page = parties.client("sender_viewer").get(reverse("referrals:referral_list") + "?tab=sent")
    assert mine.reference in sender_page.content.decode()


def test_inbox_logs_one_row_per_listed_referral(parties: Any) -> None:
    referrals = [parties.referral("requested") for _ in range(3)]
    parties.client("receiver_viewer").get(reverse("referrals:referral_list"))
    logged = set(
        AccessLogEntry.objects.filter(action="list", user=parties.users["receiver_viewer"]).values_list(
            "referral_id", flat=True
        )
    )
    assert logged == {r.pk for r in referrals}


def _inbox_queries(client: Client, django_assert_max_num_queries: Any, n: int) -> Any:
    with django_assert_max_num_queries(n) as captured:
        response = client.get(reverse("referrals:referral_list") + "?tab=all")
    assert response.status_code == 200
    return captured


def test_inbox_query_count_does_not_grow_with_the_rows(
    parties: Any, django_assert_max_num_queries: Any
) -> None:
    client = parties.client("receiver_editor")
    for _ in range(3):
        parties.referral("requested", assigned_to=parties.users["receiver_viewer"])
    # session, user, memberships (roles), organisations, count, page of referrals + service + sender + receiver
    # + assignee, access-log insert (one for all rows), tab counts, coordinated networks; savepoints on PostgreSQL
    three = len(_inbox_queries(client, django_assert_max_num_queries, 12))
    for _ in range(7):
        parties.referral("accepted", assigned_to=parties.users["receiver_editor"])
    ten = len(_inbox_queries(client, django_assert_max_num_queries, 12))
    assert ten == three


def test_access_log_page_query_count(parties: Any, django_assert_max_num_queries: Any) -> None:
    for _ in range(3):
        referral = parties.referral("accepted")
        parties.client("receiver_viewer").get(referral.get_absolute_url())
    client = parties.client("receiver_admin")
    # session, user, roles, organisation, count, page of entries + user
    with django_assert_max_num_queries(7):
        response = client.get(reverse("referrals:access_log") + f"?org={parties.receiver.pk}")
    assert response.status_code == 200
    assert response.content.decode().count("<tr>") == 4  # header + 3 rows (views; changes on the first opens)


def test_access_log_rows_cannot_be_rewritten_through_the_queryset_either(parties: Any) -> None:
    # The model refuses save() and delete(); bulk queryset updates are not used anywhere in the app.
    referral = parties.referral("accepted")
    parties.client("receiver_viewer").get(referral.get_absolute_url())
    entry = AccessLogEntry.objects.get(referral_id=referral.pk)
    from helpnet.referrals.models import AppendOnlyError

    with pytest.raises(AppendOnlyError):
        entry.delete()


def test_a_full_life_leaves_no_personal_data_in_the_logs(
    parties: Any, caplog: Any, django_capture_on_commit_callbacks: Any
) -> None:
    caplog.set_level(logging.DEBUG)
    data = {
        "sender_organization": str(parties.sender.pk),
        "person_name": "Zofka Kvedrova",
        "person_phone": "+386 41 987 654",
        "person_email": "zofka.kvedrova@example.net",
        "preferred_contact": "email",
        "reason": "Secret reason: lost her flat after a fire",
        "urgency": "urgent",
        "legal_basis": "consent",
        "consent_given": "on",
        "consent_method": "written",
        "consent_at": "2026-11-20T10:00",
        "consent_scope": "Share with the receiver",
        "send": "1",
    }
    sender = parties.client("sender_editor")
    receiver = parties.client("receiver_editor")
    with django_capture_on_commit_callbacks(execute=True):
        sender.post(reverse("referrals:referral_create", args=[parties.service.pk]), data)
    referral = Referral.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        receiver.get(referral.get_absolute_url())
    version = Referral.objects.get(pk=referral.pk).version
    steps = [
        ("accept", {"accept-version": str(version)}),
        ("start", {"start-version": str(version + 1)}),
        ("complete", {"complete-version": str(version + 2), "complete-outcome": "need_met"}),
    ]
    for step, post in steps:
        with django_capture_on_commit_callbacks(execute=True):
            response = receiver.post(reverse("referrals:referral_step", args=[referral.pk, step]), post)
        assert response.status_code == 302, step
    with django_capture_on_commit_callbacks(execute=True):
        sender.post(
            reverse("referrals:referral_message", args=[referral.pk]), {"body": "Thanks, Zofka is happy"}
        )
    sender.get(reverse("referrals:referral_fhir", args=[referral.pk]))
    sender.get(reverse("referrals:referral_print", args=[referral.pk]))
    sender.get(reverse("referrals:referral_list") + "?tab=sent")
    assert Referral.objects.get(pk=referral.pk).status == "completed"
    assert caplog.records, "the workflow logs its steps (by id)"
    text = "\n".join(f"{r.getMessage()} {r.args!r}" for r in caplog.records)
    for secret in ("Zofka", "Kvedrova", "987 654", "zofka.kvedrova", "Secret reason", "fire"):
        assert secret not in text
