"""The referral pages: sending, the inbox, a referral's page and its steps, export and print."""

import json
from typing import Any

import pytest
from django.urls import reverse

from helpnet.referrals.models import AccessLogEntry, Referral, ReferralSettings

from .factories import ReferralFactory

pytestmark = pytest.mark.usefixtures("english")

GOOD = {
    "person_name": "Ana Testna",
    "person_phone": "+386 40 111 222",
    "person_email": "",
    "preferred_contact": "phone",
    "preferred_time": "mornings",
    "person_language": "sl",
    "reason": "Needs advice about unpaid bills.",
    "urgency": "soon",
    "legal_basis": "public_task",
    "consent_given": "on",
    "consent_method": "verbal",
    "consent_at": "2026-11-20T10:00",
    "consent_scope": "Share name and phone with the debt advice service.",
}


def _post_data(parties: Any, **changes: Any) -> dict[str, Any]:
    data = {**GOOD, "sender_organization": str(parties.sender.pk), **changes}
    return {k: v for k, v in data.items() if v is not None}


def test_start_page_shows_capacity_before_any_personal_field(parties: Any) -> None:
    ReferralSettings.objects.create(service=parties.service, capacity_note="Waiting list of 3 weeks.")
    response = parties.client("sender_editor").get(
        reverse("referrals:referral_start") + f"?service={parties.service.pk}"
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Waiting list of 3 weeks." in body
    assert "within 3 working days" in body
    assert 'name="person_name"' not in body


def test_service_that_takes_no_referrals_has_no_referral_pages(parties: Any) -> None:
    ReferralSettings.objects.create(service=parties.service, accepts_referrals=False)
    client = parties.client("sender_editor")
    assert (
        client.get(reverse("referrals:referral_start") + f"?service={parties.service.pk}").status_code == 404
    )
    assert client.get(reverse("referrals:referral_create", args=[parties.service.pk])).status_code == 404


def test_staff_of_the_receiving_organisation_cannot_refer_to_themselves(parties: Any) -> None:
    response = parties.client("receiver_editor").get(
        reverse("referrals:referral_create", args=[parties.service.pk])
    )
    assert response.status_code == 404


def test_viewer_cannot_refer(parties: Any) -> None:
    response = parties.client("sender_viewer").get(
        reverse("referrals:referral_create", args=[parties.service.pk])
    )
    assert response.status_code == 404


def test_send_a_referral(parties: Any) -> None:
    client = parties.client("sender_editor")
    response = client.post(
        reverse("referrals:referral_create", args=[parties.service.pk]), _post_data(parties, send="1")
    )
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response["Location"] == referral.get_absolute_url()
    assert referral.status == "requested"
    assert (referral.sender_organization, referral.receiving_organization) == (
        parties.sender,
        parties.receiver,
    )
    assert referral.consent_by == parties.users["sender_editor"]
    assert referral.response_due_at > referral.requested_at
    assert list(referral.events.values_list("to_status", flat=True)) == ["draft", "requested"]


def test_save_a_draft_with_only_a_name_then_send_it_later(parties: Any) -> None:
    client = parties.client("sender_editor")
    data = _post_data(parties, save="1", reason="", legal_basis="", consent_given=None, person_phone="")
    response = client.post(reverse("referrals:referral_create", args=[parties.service.pk]), data)
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.status == "draft"
    response = client.post(
        reverse("referrals:referral_edit", args=[referral.pk]), _post_data(parties, send="1")
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == "requested"
    assert referral.reason == GOOD["reason"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"person_name": ""}, "This field is required."),
        ({"person_phone": ""}, "Give a phone number"),
        ({"person_phone": "call me maybe"}, "digits only"),
        ({"preferred_contact": "email"}, "Give an e-mail address"),
        ({"person_email": "not-an-address"}, "valid email"),
        ({"reason": "  "}, "what the person needs help with"),
        ({"legal_basis": ""}, "Choose the legal basis"),
        ({"legal_basis": "magic"}, "Select a valid choice"),
        ({"consent_given": None}, "Record the person&#x27;s agreement"),
        ({"consent_method": ""}, "Say how the person agreed"),
        ({"consent_scope": ""}, "Say what the person agreed to"),
        ({"consent_at": "2099-01-01T10:00"}, "cannot be in the future"),
        ({"consent_at": "yesterday"}, "Enter a valid date/time"),
        ({"consent_given": None, "legal_basis": "vital_interest", "consent_scope": ""}, "without the person"),
        ({"urgency": "yesterday"}, "Select a valid choice"),
    ],
)
def test_bad_input_keeps_what_was_typed_and_saves_nothing(
    parties: Any, changes: dict[str, Any], message: str
) -> None:
    client = parties.client("sender_editor")
    response = client.post(
        reverse("referrals:referral_create", args=[parties.service.pk]),
        _post_data(parties, send="1", **changes),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert "Needs advice about unpaid bills." in body or changes.get("reason") is not None
    assert not Referral.objects.exists()


def test_vital_interest_without_agreement_can_be_sent_with_the_reason_written_down(parties: Any) -> None:
    client = parties.client("sender_editor")
    data = _post_data(
        parties,
        send="1",
        consent_given=None,
        legal_basis="vital_interest",
        consent_scope="Unconscious; urgent.",
    )
    client.post(reverse("referrals:referral_create", args=[parties.service.pk]), data)
    referral = Referral.objects.get()
    assert referral.status == "requested"
    assert not referral.consent_given


def test_sender_organisation_must_be_one_of_the_users(parties: Any) -> None:
    client = parties.client("sender_editor")
    data = _post_data(parties, send="1", sender_organization=str(parties.third.pk))
    response = client.post(reverse("referrals:referral_create", args=[parties.service.pk]), data)
    assert response.status_code == 200
    assert not Referral.objects.exists()


def test_receiver_opening_marks_received_and_logs_the_view(parties: Any) -> None:
    referral = parties.referral("requested")
    response = parties.client("receiver_viewer").get(referral.get_absolute_url())
    assert response.status_code == 200
    referral.refresh_from_db()
    assert referral.status == "received"
    assert AccessLogEntry.objects.filter(
        referral_id=referral.pk,
        action="view",
        user=parties.users["receiver_viewer"],
        organization=parties.receiver,
    ).exists()
    # A viewer reads only: no step forms.
    assert "steps/accept" not in response.content.decode()


def test_receiver_accepts_through_the_page(parties: Any) -> None:
    referral = parties.referral("received")
    client = parties.client("receiver_editor")
    page = client.get(referral.get_absolute_url()).content.decode()
    assert reverse("referrals:referral_step", args=[referral.pk, "accept"]) in page
    response = client.post(
        reverse("referrals:referral_step", args=[referral.pk, "accept"]),
        {"accept-version": "1", "accept-note": ""},
    )
    assert response.status_code == 302
    assert Referral.objects.get(pk=referral.pk).status == "accepted"


def test_a_page_shown_before_someone_elses_change_gets_the_stale_message(parties: Any) -> None:
    referral = parties.referral("received")
    parties.client("receiver_admin").post(
        reverse("referrals:referral_step", args=[referral.pk, "accept"]), {"accept-version": "1"}
    )
    response = parties.client("receiver_editor").post(
        reverse("referrals:referral_step", args=[referral.pk, "reject"]),
        {"reject-version": "1", "reject-reason": "no_capacity"},
    )
    assert response.status_code == 409
    assert "Someone else changed this referral a moment ago: it is now Accepted. Reload to see it." in (
        response.content.decode().replace("&#x27;", "'")
    )
    assert Referral.objects.get(pk=referral.pk).status == "accepted"


def test_reject_without_reason_shows_the_error(parties: Any) -> None:
    referral = parties.referral("received")
    response = parties.client("receiver_editor").post(
        reverse("referrals:referral_step", args=[referral.pk, "reject"]),
        {"reject-version": "1", "reject-reason": ""},
    )
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert Referral.objects.get(pk=referral.pk).status == "received"


def test_viewer_posting_a_step_gets_403(parties: Any) -> None:
    referral = parties.referral("received")
    response = parties.client("receiver_viewer").post(
        reverse("referrals:referral_step", args=[referral.pk, "accept"]), {"accept-version": "1"}
    )
    assert response.status_code == 403


def test_unknown_step_is_404(parties: Any) -> None:
    referral = parties.referral("received")
    response = parties.client("receiver_editor").post(
        reverse("referrals:referral_step", args=[referral.pk, "explode"])
    )
    assert response.status_code == 404


def test_steps_need_post(parties: Any) -> None:
    referral = parties.referral("received")
    response = parties.client("receiver_editor").get(
        reverse("referrals:referral_step", args=[referral.pk, "accept"])
    )
    assert response.status_code == 405


def test_messages_between_the_two_organisations(parties: Any) -> None:
    referral = parties.referral("accepted")
    url = reverse("referrals:referral_message", args=[referral.pk])
    response = parties.client("receiver_editor").post(url, {"body": "We called, no answer yet."})
    assert response.status_code == 302
    response = parties.client("sender_editor").post(url, {"body": "Try after 14:00."}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert "We called, no answer yet." in body and "Try after 14:00." in body
    assert "<html" not in body  # the partial only
    assert parties.client("sender_viewer").post(url, {"body": "hi"}).status_code == 403
    assert parties.client("sender_editor").post(url, {"body": "  "}).status_code == 400
    assert referral.messages.count() == 2


def test_assign_to_a_colleague_only(parties: Any) -> None:
    referral = parties.referral("accepted")
    url = reverse("referrals:referral_assign", args=[referral.pk])
    colleague = parties.users["receiver_viewer"]
    assert parties.client("receiver_editor").post(url, {"assignee": colleague.pk}).status_code == 302
    assert Referral.objects.get(pk=referral.pk).assigned_to == colleague
    outsider = parties.users["sender_editor"]
    assert parties.client("receiver_editor").post(url, {"assignee": outsider.pk}).status_code == 400
    assert parties.client("sender_editor").post(url, {"assignee": outsider.pk}).status_code == 403


def test_progress_update_keeps_the_status(parties: Any) -> None:
    referral = parties.referral("accepted")
    response = parties.client("receiver_editor").post(
        reverse("referrals:referral_progress", args=[referral.pk]),
        {
            "progress-version": "1",
            "progress-business_status": "appointment_booked",
            "progress-note": "Mon 10:00",
        },
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == "accepted"
    assert referral.events.get().business_status == "appointment_booked"


def test_forward_to_a_third_organisation_makes_a_child(parties: Any) -> None:
    from helpnet.directory.tests.factories import ServiceFactory

    other = ServiceFactory(organization=parties.third, name="Food bank parcels")
    referral = parties.referral("accepted")
    client = parties.client("receiver_editor")
    url = reverse("referrals:referral_pick_service", args=[referral.pk, "forward"])
    page = client.get(url + "?q=food").content.decode()
    assert "Food bank parcels" in page
    assert "Debt advice" not in page  # not the receiver's own
    response = client.post(url, {"q": "food", "service": str(other.pk), "note": "Also needs food."})
    assert response.status_code == 302
    child = Referral.objects.get(parent=referral)
    assert child.status == "requested"
    assert (child.sender_organization, child.receiving_organization) == (parties.receiver, parties.third)
    assert child.person_name == referral.person_name
    assert Referral.objects.get(pk=referral.pk).status == "accepted"
    # The original sender follows the chain: the child is visible to them.
    assert parties.client("sender_viewer").get(child.get_absolute_url()).status_code == 200
    assert parties.client("sender_editor").get(url).status_code == 403


def test_refer_again_after_rejection(parties: Any) -> None:
    from helpnet.directory.tests.factories import ServiceFactory

    other = ServiceFactory(organization=parties.third, name="Debt counselling")
    referral = parties.referral("rejected", status_reason="no_capacity")
    client = parties.client("sender_editor")
    url = reverse("referrals:referral_pick_service", args=[referral.pk, "again"])
    response = client.post(url, {"q": "debt", "service": str(other.pk)})
    new = Referral.objects.get(previous=referral)
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:referral_edit", args=[new.pk])
    assert new.status == "draft"
    assert new.service == other


def test_fhir_export_is_a_bundle_with_service_request_and_task(parties: Any) -> None:
    referral = parties.referral("received")
    response = parties.client("sender_viewer").get(reverse("referrals:referral_fhir", args=[referral.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    bundle = json.loads(response.content)
    assert bundle["resourceType"] == "Bundle"
    resources = {entry["resource"]["resourceType"]: entry["resource"] for entry in bundle["entry"]}
    assert set(resources) == {"ServiceRequest", "Task", "Patient"}
    task = resources["Task"]
    assert task["status"] == "requested"
    assert task["businessStatus"]["coding"][0]["code"] == "received"
    assert task["focus"]["reference"] == f"ServiceRequest/{resources['ServiceRequest']['id']}"
    assert task["intent"] == "order"
    assert "SDOHCC-TaskForReferralManagement" in task["meta"]["profile"][0]
    assert resources["ServiceRequest"]["status"] == "active"
    assert AccessLogEntry.objects.filter(referral_id=referral.pk, action="export").count() == 1


@pytest.mark.parametrize(
    ("status", "task_status", "request_status"),
    [
        ("draft", "draft", "draft"),
        ("requested", "requested", "active"),
        ("accepted", "accepted", "active"),
        ("in_progress", "in-progress", "active"),
        ("on_hold", "on-hold", "on-hold"),
        ("completed", "completed", "completed"),
        ("rejected", "rejected", "revoked"),
        ("failed", "failed", "revoked"),
        ("cancelled", "cancelled", "revoked"),
        ("entered_in_error", "entered-in-error", "entered-in-error"),
    ],
)
def test_fhir_status_mapping(parties: Any, status: str, task_status: str, request_status: str) -> None:
    from helpnet.referrals.fhir import referral_bundle

    bundle = referral_bundle(parties.referral(status))
    resources = {e["resource"]["resourceType"]: e["resource"] for e in bundle["entry"]}
    assert resources["Task"]["status"] == task_status
    assert resources["ServiceRequest"]["status"] == request_status
    assert ("businessStatus" in resources["Task"]) is False


def test_completed_fhir_task_carries_the_outcome(parties: Any) -> None:
    from helpnet.referrals.fhir import referral_bundle

    bundle = referral_bundle(parties.referral("completed", outcome="enrolled"))
    task = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Task")
    assert task["output"][0]["valueCodeableConcept"]["coding"][0]["code"] == "enrolled"


def test_print_page_is_logged(parties: Any) -> None:
    referral = parties.referral("accepted")
    response = parties.client("receiver_viewer").get(reverse("referrals:referral_print", args=[referral.pk]))
    assert response.status_code == 200
    assert referral.person_name in response.content.decode()
    assert AccessLogEntry.objects.filter(referral_id=referral.pk, action="print").count() == 1


def test_access_log_page_for_organisation_admins_only(parties: Any) -> None:
    referral = parties.referral("accepted")
    parties.client("receiver_viewer").get(referral.get_absolute_url())
    url = reverse("referrals:access_log") + f"?org={parties.receiver.pk}"
    response = parties.client("receiver_admin").get(url)
    assert response.status_code == 200
    assert "Receiver Viewer" in response.content.decode()
    assert parties.client("receiver_editor").get(url).status_code == 404
    assert parties.client("sender_admin").get(url).status_code == 404
    assert (
        parties.client("receiver_admin").get(reverse("referrals:access_log") + "?org=nonsense").status_code
        == 404
    )


def test_anonymous_is_sent_to_log_in(parties: Any, client: Any) -> None:
    referral = parties.referral("accepted")
    response = client.get(referral.get_absolute_url())
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_service_page_shows_refer_button_to_other_organisations_only(parties: Any) -> None:
    from helpnet.directory.tests.factories import ServiceFactory  # noqa: F401

    url = parties.service.get_absolute_url()
    start = reverse("referrals:referral_start")
    assert start in parties.client("sender_editor").get(url).content.decode()
    assert start not in parties.client("receiver_editor").get(url).content.decode()
    assert start not in parties.client("sender_viewer").get(url).content.decode()
    ReferralSettings.objects.create(service=parties.service, accepts_referrals=False)
    assert start not in parties.client("sender_editor").get(url).content.decode()


def test_referral_factory_links_receiver_to_service(db: Any) -> None:
    referral = ReferralFactory()
    assert referral.receiving_organization == referral.service.organization


def test_service_settings_page_for_the_services_own_editors(parties: Any) -> None:
    url = reverse("referrals:service_settings_edit", args=[parties.service.pk])
    data = {
        "accepts_referrals": "on",
        "response_working_days": "5",
        "capacity_note": "Waiting list of 2 weeks.",
    }
    response = parties.client("receiver_editor").post(url, data)
    assert response.status_code == 302
    settings = ReferralSettings.objects.get(service=parties.service)
    assert (settings.response_working_days, settings.capacity_note) == (5, "Waiting list of 2 weeks.")
    assert not settings.accepts_self_referrals
    listing = parties.client("receiver_viewer").get(
        reverse("referrals:service_settings_list") + f"?org={parties.receiver.pk}"
    )
    assert "Waiting list of 2 weeks." in listing.content.decode()
    assert parties.client("receiver_viewer").post(url, data).status_code == 403
    assert parties.client("sender_admin").post(url, data).status_code == 404
    other_list = reverse("referrals:service_settings_list") + f"?org={parties.receiver.pk}"
    assert parties.client("sender_admin").get(other_list).status_code == 404


@pytest.mark.parametrize("days", ["0", "31", "-1", "many"])
def test_service_settings_refuse_bad_answer_times(parties: Any, days: str) -> None:
    url = reverse("referrals:service_settings_edit", args=[parties.service.pk])
    response = parties.client("receiver_admin").post(url, {"response_working_days": days})
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    assert not ReferralSettings.objects.exists()


def test_shortlist_offers_referral_to_signed_in_staff_only(parties: Any, client: Any) -> None:
    staff = parties.client("sender_editor")
    for c in (staff, client):
        c.post(reverse("directory:shortlist_add"), {"service": str(parties.service.pk)})
    start = reverse("referrals:referral_start")
    assert start in staff.get(reverse("directory:shortlist")).content.decode()
    assert start not in client.get(reverse("directory:shortlist")).content.decode()


def test_nav_link_for_signed_in_users(parties: Any, client: Any) -> None:
    inbox = reverse("referrals:referral_list")
    assert (
        f'href="{inbox}"' in parties.client("receiver_viewer").get(reverse("directory:home")).content.decode()
    )
    assert f'href="{inbox}"' not in client.get(reverse("directory:home")).content.decode()
