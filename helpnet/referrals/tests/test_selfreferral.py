"""The citizen's "Ask to be contacted" form: consent, spam defences, rate limit, clear errors, the thank-you page."""

import logging
import re
import time
from typing import Any

import pytest
import time_machine
from django.core import mail, signing
from django.test import Client, RequestFactory

from helpnet.directory.tests.factories import ServiceFactory
from helpnet.organizations.models import Membership
from helpnet.referrals import selfreferral
from helpnet.referrals.models import AccessLogEntry, Referral, ReferralSettings

from .helpers_referrals2 import committed, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def service(org_b: Any) -> Any:
    service = ServiceFactory(organization=org_b, name="Svetovalnica za starše")
    ReferralSettings.objects.create(service=service, accepts_self_referrals=True, response_working_days=2)
    return service


def url(service: Any, lang: str = "en") -> str:
    return f"/{lang}/referrals/ask/{service.pk}/"


def started(seconds_ago: int = 30) -> str:
    with time_machine.travel(time.time() - seconds_ago, tick=False):
        return selfreferral.new_timestamp()


def form_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "person_name": "Mojca Testna",
        "preferred_contact": "phone",
        "person_phone": "040 123 456",
        "person_email": "",
        "preferred_time": "popoldne",
        "reason": "Rada bi se pogovorila o vzgoji",
        "person_language": "sl",
        "consent": "on",
        "website": "",
        "started": started(),
    }
    data.update(overrides)
    return data


def test_the_service_page_offers_the_form_only_when_the_service_accepts_self_referrals(
    client: Client, service: Any, org_b: Any
) -> None:
    page = client.get(f"/en/services/{service.pk}/").content.decode()
    assert url(service) in page
    other = ServiceFactory(organization=org_b)
    page = client.get(f"/en/services/{other.pk}/").content.decode()
    assert "/referrals/ask/" not in page
    assert client.get(url(other)).status_code == 404


def test_the_form_shows_the_consent_text(client: Client, service: Any) -> None:
    page = client.get(url(service)).content.decode()
    assert "may use these details to contact me about" in page
    assert "Svetovalnica za starše" in page
    assert 'name="website"' in page and "hidden" in page


def test_a_citizen_asks_to_be_contacted(client: Client, service: Any, org_b: Any) -> None:
    receiver = member(org_b, Membership.Role.EDITOR)
    with committed():
        response = client.post(url(service), form_data())
    assert response.status_code == 302
    assert response["Location"] == f"/en/referrals/ask/{service.pk}/thanks/?via=phone"
    referral = Referral.objects.get()
    assert referral.source == "self"
    assert referral.sender_organization is None
    assert referral.receiving_organization == org_b
    assert referral.status == "requested"
    assert referral.person_name == "Mojca Testna"
    assert referral.legal_basis == "consent"
    assert referral.consent_given and referral.consent_method == "electronic"
    assert referral.consent_at is not None
    assert "Svetovalnica za starše" in referral.consent_scope
    # The receiver is told, with a link and no personal data.
    assert [m.to[0] for m in mail.outbox] == [receiver.email]
    assert "Mojca" not in mail.outbox[0].body and "vzgoji" not in mail.outbox[0].body
    thanks = client.get(response["Location"]).content.decode()
    assert "What happens next" in thanks
    assert "They will call you." in thanks


def test_consent_is_required(client: Client, service: Any) -> None:
    response = client.post(url(service), form_data(consent=""))
    assert response.status_code == 400
    assert "Tick the box to agree" in response.content.decode()
    assert not Referral.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"person_name": "   "}, "Write your name."),
        ({"reason": ""}, "Say in a few words what you need help with."),
        ({"person_phone": ""}, "Write your phone number, or choose e-mail."),
        ({"person_phone": "call me maybe"}, "Write the phone number with digits only"),
        ({"preferred_contact": "email"}, "Write your e-mail address, or choose a phone call."),
        ({"preferred_contact": "email", "person_email": "not-an-address"}, "Enter a valid email address."),
        ({"preferred_contact": "carrier-pigeon"}, "Select a valid choice."),
        ({"started": "forged"}, "Something went wrong. Please send the form again."),
    ],
)
def test_bad_input_gets_a_clear_message_and_saves_nothing(
    client: Client, service: Any, overrides: dict[str, Any], message: str
) -> None:
    response = client.post(url(service), form_data(**overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Referral.objects.exists()


def test_errors_come_in_the_users_language(client: Client, service: Any) -> None:
    response = client.post(url(service, "sl"), form_data(person_name=""))
    assert response.status_code == 400
    assert 'lang="sl"' in response.content.decode()


def test_the_honeypot_pretends_success_and_saves_nothing(client: Client, service: Any) -> None:
    response = client.post(url(service), form_data(website="http://spam.example"))
    assert response.status_code == 302
    assert not Referral.objects.exists()
    assert mail.outbox == []


def test_a_form_sent_too_fast_is_refused_and_a_fresh_one_works(client: Client, service: Any) -> None:
    now = time.time()
    with time_machine.travel(now, tick=False):
        response = client.post(url(service), form_data(started=selfreferral.new_timestamp()))
    assert response.status_code == 400
    assert "That was very fast" in response.content.decode()
    assert not Referral.objects.exists()
    # Everything typed stays, with a new timestamp that works a little later.
    page = response.content.decode()
    assert "Mojca Testna" in page
    fresh = re.search(r'name="started" value="([^"]+)"', page)
    assert fresh is not None
    with time_machine.travel(now + 10, tick=False):
        assert client.post(url(service), form_data(started=fresh.group(1))).status_code == 302
    assert Referral.objects.count() == 1


def test_a_form_open_for_hours_is_refused(client: Client, service: Any) -> None:
    response = client.post(url(service), form_data(started=started(seconds_ago=3 * 60 * 60)))
    assert response.status_code == 400
    assert "open for a long time" in response.content.decode()


def test_rate_limit_per_address_without_storing_the_address(
    client: Client, service: Any, settings: Any
) -> None:
    settings.HELPNET_SELF_REFERRAL_RATE_LIMIT = 2
    for _ in range(2):
        assert client.post(url(service), form_data(), REMOTE_ADDR="203.0.113.7").status_code == 302
    response = client.post(url(service), form_data(), REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 429
    assert "several requests in a short time" in response.content.decode()
    assert Referral.objects.count() == 2
    # Another address is not affected.
    assert client.post(url(service), form_data(), REMOTE_ADDR="198.51.100.1").status_code == 302
    # The address is nowhere in the database, nor in the cache key.
    for model in (Referral, AccessLogEntry):
        for row in model.objects.values():
            assert "203.0.113.7" not in str(row)
    request = RequestFactory().post("/", REMOTE_ADDR="203.0.113.7")
    assert "203.0.113.7" not in selfreferral._client_key(request)


def test_a_service_that_stopped_taking_referrals_refuses(client: Client, service: Any) -> None:
    ReferralSettings.objects.filter(service=service).update(accepts_referrals=False)
    assert client.get(url(service)).status_code == 404
    assert client.post(url(service), form_data()).status_code == 404
    assert not Referral.objects.exists()


def test_the_signed_timestamp_cannot_be_reused_from_another_salt(client: Client, service: Any) -> None:
    forged = signing.dumps(int(time.time()) - 60)  # signed without the form's salt
    response = client.post(url(service), form_data(started=forged))
    assert response.status_code == 400


def test_a_self_referral_leaves_no_personal_data_in_the_logs(
    caplog: Any, client: Client, service: Any, org_b: Any
) -> None:
    member(org_b, Membership.Role.EDITOR)
    with caplog.at_level(logging.DEBUG), committed():
        assert client.post(url(service), form_data(person_email="mojca@example.net")).status_code == 302
    logged = "\n".join(f"{r.name} {r.getMessage()}" for r in caplog.records)
    assert str(Referral.objects.get().pk) in logged
    for secret in ("Mojca", "Testna", "040 123 456", "mojca@example.net", "vzgoji"):
        assert secret not in logged
        assert all(secret not in m.body and secret not in m.subject for m in mail.outbox)
