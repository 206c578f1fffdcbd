"""The citizen's "Ask to be contacted" path in a real browser, with axe on every page of it."""

import importlib
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.apps import apps as django_apps
from django.core import mail

from helpnet.directory.tests.factories import ServiceFactory
from helpnet.organizations.models import Membership
from helpnet.organizations.tests.factories import OrganizationFactory
from helpnet.referrals.models import Referral, ReferralSettings

from .helpers_referrals2 import member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def reference_data(transactional_db: Any) -> None:
    # A live-server test starts from a flushed database: load the towns the form offers.
    importlib.import_module("helpnet.organizations.migrations.0002_municipalities").add_municipalities(
        django_apps, None
    )


def serious_violations(page: Any) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes)"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def test_a_citizen_asks_to_be_contacted_from_the_service_page(page: Any, live_server: Any) -> None:
    org = OrganizationFactory(name="Društvo Upanje")
    receiver = member(org, Membership.Role.EDITOR)
    service = ServiceFactory(organization=org, name="Svetovanje za družine")
    ReferralSettings.objects.create(service=service, accepts_self_referrals=True)

    page.goto(f"{live_server.url}/en/services/{service.pk}/")
    page.get_by_role("link", name="Ask to be contacted").click()
    page.wait_for_url("**/referrals/ask/**")
    assert serious_violations(page) == []

    # Sent without the agreement: a clear message, nothing saved, and the page is still accessible.
    page.get_by_label("Your name").fill("Mojca Testna")
    page.get_by_label("Phone number").fill("040 123 456")
    page.get_by_label("What would you like help with?").fill("Pogovor o vzgoji")
    page.wait_for_timeout(3200)  # people take longer than the form's minimum fill time
    page.get_by_role("button", name="Send").click()
    assert page.get_by_text("Tick the box to agree").is_visible()
    assert not Referral.objects.exists()
    assert serious_violations(page) == []

    page.get_by_label("I agree that Društvo Upanje may use these details").check()
    page.get_by_role("button", name="Send").click()
    page.wait_for_url("**/thanks/**")
    assert page.get_by_role("heading", name="What happens next").is_visible()
    assert serious_violations(page) == []

    referral = Referral.objects.get()
    assert (referral.source, referral.status, referral.person_name) == ("self", "requested", "Mojca Testna")
    assert [m.to[0] for m in mail.outbox] == [receiver.email]
