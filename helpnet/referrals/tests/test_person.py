"""One person's referrals for an organisation's admin: find, export (logged), restrict, erase; others get 404."""

import json
from typing import Any

import pytest
from django.test import Client

from helpnet.directory.tests.factories import ServiceFactory
from helpnet.organizations.models import Membership
from helpnet.referrals.models import AccessLogEntry, Referral

from .helpers_referrals2 import EMAIL, NAME, PHONE, member, sent_referral

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(org_a: Any, editor: Any, org_b: Any) -> dict[str, Any]:
    admin = member(org_a, Membership.Role.ADMIN)
    service = ServiceFactory(organization=org_b)
    mine = [sent_referral(org_a, editor, service) for _ in range(2)]
    # The same person written another way; a namesake with another phone; another organisation's referral.
    mine.append(
        sent_referral(org_a, editor, service, person_name=f"  {NAME.upper()} ", person_phone="041 555 123")
    )
    namesake = sent_referral(org_a, editor, service, person_phone="031 999 888", person_email="")
    other_org = sent_referral(org_b, member(org_b), ServiceFactory())
    client = Client()
    client.force_login(admin)
    return {
        "admin": admin,
        "client": client,
        "mine": mine,
        "namesake": namesake,
        "other": other_org,
        "org": org_a,
    }


def criteria(setup: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"organization": str(setup["org"].pk), "name": NAME, "phone": PHONE, "email": "", **extra}


def test_an_admin_finds_the_persons_referrals_by_name_and_phone(setup: dict[str, Any]) -> None:
    assert setup["client"].get("/en/referrals/people/").status_code == 200
    response = setup["client"].post("/en/referrals/people/", criteria(setup))
    assert response.status_code == 200
    found = {r.pk for r in response.context["found"]}
    assert found == {r.pk for r in setup["mine"]}
    assert AccessLogEntry.objects.filter(action="list", user=setup["admin"]).count() == 3
    by_email = setup["client"].post("/en/referrals/people/", criteria(setup, phone="", email=EMAIL.upper()))
    assert {r.pk for r in by_email.context["found"]} == {r.pk for r in setup["mine"]}


def test_a_name_alone_is_not_enough(setup: dict[str, Any]) -> None:
    response = setup["client"].post("/en/referrals/people/", criteria(setup, phone=""))
    assert response.status_code == 400
    assert "Give the phone number or the e-mail address too" in response.content.decode()


def test_export_as_json_is_logged(setup: dict[str, Any]) -> None:
    ids = [str(r.pk) for r in setup["mine"]]
    response = setup["client"].post(
        "/en/referrals/people/act/", {**criteria(setup), "action": "export", "referral": ids}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert sorted(item["id"] for item in data["referrals"]) == sorted(ids)
    assert data["referrals"][0]["person"]["name"].strip().lower() == NAME.lower()
    assert data["referrals"][0]["events"]
    assert AccessLogEntry.objects.filter(action="export", user=setup["admin"]).count() == 3


def test_ids_not_matching_the_person_are_ignored(setup: dict[str, Any]) -> None:
    response = setup["client"].post(
        "/en/referrals/people/act/",
        {
            **criteria(setup),
            "action": "export",
            "referral": [str(setup["namesake"].pk), str(setup["other"].pk)],
        },
    )
    assert response.status_code == 400
    assert not AccessLogEntry.objects.filter(action="export").exists()


def test_restrict_processing(setup: dict[str, Any]) -> None:
    ids = [str(setup["mine"][0].pk)]
    response = setup["client"].post(
        "/en/referrals/people/act/", {**criteria(setup), "action": "restrict", "referral": ids}
    )
    assert response.status_code == 200
    assert Referral.objects.get(pk=ids[0]).restricted_at is not None
    assert Referral.objects.get(pk=setup["mine"][1].pk).restricted_at is None
    assert AccessLogEntry.objects.filter(action="restrict", referral_id=ids[0]).count() == 1


def test_erase_needs_confirmation_then_pseudonymises(setup: dict[str, Any]) -> None:
    ids = [str(r.pk) for r in setup["mine"]]
    data = {**criteria(setup), "action": "erase", "referral": ids}
    response = setup["client"].post("/en/referrals/people/act/", data)
    assert response.status_code == 400
    assert (
        Referral.objects.filter(person_name=NAME, sender_organization=setup["org"]).count() == 3
    )  # nothing erased yet
    response = setup["client"].post("/en/referrals/people/act/", {**data, "confirm": "yes"})
    assert response.status_code == 200
    assert response.context["found"] == []
    assert set(Referral.objects.filter(pk__in=ids).values_list("person_name", flat=True)) == {"—"}
    assert Referral.objects.get(pk=setup["namesake"].pk).person_name == NAME
    assert AccessLogEntry.objects.filter(action="erase", user=setup["admin"]).count() == 3


@pytest.mark.parametrize("role", [Membership.Role.EDITOR, Membership.Role.VIEWER])
def test_non_admins_get_404(setup: dict[str, Any], role: str) -> None:
    client = Client()
    client.force_login(member(setup["org"], role))
    assert client.get("/en/referrals/people/").status_code == 404
    assert client.post("/en/referrals/people/", criteria(setup)).status_code == 404
    response = client.post(
        "/en/referrals/people/act/", {**criteria(setup), "action": "erase", "confirm": "yes"}
    )
    assert response.status_code == 404
    assert Referral.objects.filter(person_name=NAME, sender_organization=setup["org"]).count() == 3


def test_an_admin_of_another_organisation_cannot_search_this_one(setup: dict[str, Any], org_b: Any) -> None:
    client = Client()
    client.force_login(member(org_b, Membership.Role.ADMIN))
    response = client.post("/en/referrals/people/", criteria(setup))
    assert response.status_code == 400  # not one of their organisations: the choice is refused
    assert response.context["found"] is None


def test_the_notification_preference(editor_client: Client, editor: Any) -> None:
    from helpnet.referrals import notifications

    assert editor_client.get("/en/referrals/notifications/").status_code == 200
    assert editor_client.post("/en/referrals/notifications/", {"mode": "daily"}).status_code == 302
    assert notifications.wants_digest(editor)
    assert editor_client.post("/en/referrals/notifications/", {"mode": "weekly"}).status_code == 400
    assert editor_client.post("/en/referrals/notifications/", {"mode": "immediate"}).status_code == 302
    assert not notifications.wants_digest(editor)
