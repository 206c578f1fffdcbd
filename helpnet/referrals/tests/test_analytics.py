"""Network analytics: only coordinators of that network, small cells suppressed, CSV, a constant query count."""

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from helpnet.directory.tests.factories import ServiceFactory
from helpnet.networks.tests.factories import make_network_with_members
from helpnet.organizations.models import Membership, Municipality
from helpnet.organizations.tests.factories import OrganizationFactory
from helpnet.referrals import actions
from helpnet.referrals.models import Referral, Status
from helpnet.referrals.tests.factories import ReferralFactory

from .helpers_referrals2 import committed, member, sent_referral

pytestmark = pytest.mark.django_db


@pytest.fixture
def network() -> dict[str, Any]:
    net, members = make_network_with_members(3, slug="posavje")
    orgs = [m.organization for m in members]
    coordinator = member(orgs[0], Membership.Role.ADMIN)
    senders = [member(org, Membership.Role.EDITOR) for org in orgs]
    receiver = member(orgs[2], Membership.Role.EDITOR)
    service = ServiceFactory(organization=orgs[2], name="Svetovanje")
    sevnica = Municipality.objects.get(slug="sevnica")
    krsko = Municipality.objects.get(slug="krsko")
    # Six from member 1 to member 2 (five accepted, one declined), all living in Sevnica; two from member 0.
    for i in range(6):
        referral = sent_referral(orgs[1], senders[1], service, municipality=sevnica)
        with committed():
            actions.mark_received(referral, by=receiver)
            if i == 5:
                actions.reject_referral(referral, by=receiver, reason="no_capacity")
            else:
                actions.accept_referral(referral, by=receiver)
            if i < 3:
                actions.complete_referral(referral, by=receiver, outcome="need_met")
    for _ in range(2):
        sent_referral(orgs[0], senders[0], service, municipality=krsko)
    # Not counted: from outside the network, and entered in error.
    outsider_org = OrganizationFactory()
    sent_referral(outsider_org, member(outsider_org), service)
    wrong = sent_referral(orgs[1], senders[1], service)
    with committed():
        actions.enter_in_error(wrong, by=senders[1], reason="test")
    return {
        "network": net,
        "orgs": orgs,
        "coordinator": coordinator,
        "member_editor": senders[1],
        "service": service,
    }


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page(client: Client, query: str = "") -> Any:
    return client.get("/en/referrals/analytics/posavje/" + query)


def test_a_coordinator_sees_the_networks_figures(network: dict[str, Any]) -> None:
    response = page(client_for(network["coordinator"]))
    assert response.status_code == 200
    report = response.context["report"]
    assert report.total.volume == 8
    assert report.total.accepted == 5
    assert report.total.rejected == 1
    c = report.total.cells()
    assert c["acceptance_rate"] == "83 %"  # 5 of 6 answered
    assert c["closed_loop_rate"] == "60 %"  # 3 completed of 5 accepted
    m1, m2 = network["orgs"][1].pk, network["orgs"][2].pk
    assert report.matrix_cell(m1, m2) == "6"
    html = response.content.decode()
    assert "Testna" not in html and "Zofka" not in html


def test_small_cells_are_suppressed(network: dict[str, Any]) -> None:
    response = page(client_for(network["coordinator"]))
    report = response.context["report"]
    m0, m2 = network["orgs"][0].pk, network["orgs"][2].pk
    assert report.matrix_cell(m0, m2) == "<5"
    rows = {label: group.cells() for label, group in report.by_municipality}
    assert rows["Krško"]["volume"] == "<5"
    assert rows["Krško"]["acceptance_rate"] == "—"
    assert rows["Sevnica"]["volume"] == "6"
    html = response.content.decode()
    assert "&lt;5" in html
    # The flow chart draws the pair with six and leaves out the pair with two; it has a title and description.
    assert html.count("<path ") == 1
    assert '<title id="flow-title">' in html and '<desc id="flow-desc">' in html


def test_csv_export_has_the_same_suppressed_figures(network: dict[str, Any]) -> None:
    response = client_for(network["coordinator"]).get("/en/referrals/analytics/posavje/referrals.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:4] == ["Section", "Row", "Column", "Referrals"]
    total = next(r for r in rows if r[0] == "Total")
    assert total[3] == "8"
    pair_counts = sorted(r[3] for r in rows if r[0] == "From × to")
    assert pair_counts == ["6", "<5"]
    assert next(r for r in rows if r[1] == "Krško")[:4] == ["Municipality", "Krško", "", "<5"]
    assert not any("Testna" in cell for row in rows for cell in row)


@pytest.mark.parametrize("path", ["", "referrals.csv"])
def test_others_get_404(network: dict[str, Any], path: str) -> None:
    url = "/en/referrals/analytics/posavje/" + path
    # A member organisation's editor is no coordinator.
    assert client_for(network["member_editor"]).get(url).status_code == 404
    # The coordinator of another network sees nothing of this one.
    _other, other_members = make_network_with_members(2, slug="koroska")
    other_coordinator = member(other_members[0].organization, Membership.Role.ADMIN)
    assert client_for(other_coordinator).get(url).status_code == 404
    assert client_for(other_coordinator).get("/en/referrals/analytics/koroska/" + path).status_code == 200
    assert client_for(other_coordinator).get("/en/referrals/analytics/").status_code == 200
    assert client_for(network["member_editor"]).get("/en/referrals/analytics/").status_code == 404


def test_the_period_filter(network: dict[str, Any]) -> None:
    client = client_for(network["coordinator"])
    today = timezone.localdate()
    response = page(client, f"?start={today + dt.timedelta(days=1)}&end={today + dt.timedelta(days=30)}")
    assert response.status_code == 200
    assert response.context["report"].total.volume == 0
    response = page(client, f"?start={today}&end={today - dt.timedelta(days=3)}")
    assert response.status_code == 400
    assert "The start must be before the end." in response.content.decode()
    response = page(client, "?start=not-a-date")
    assert response.status_code == 400
    assert "Enter a valid date." in response.content.decode()


def test_the_analytics_page_query_count_does_not_grow_with_the_referrals(network: dict[str, Any]) -> None:
    client = client_for(network["coordinator"])
    orgs = network["orgs"]
    with CaptureQueriesContext(connection) as few:
        assert page(client).status_code == 200
    now = timezone.now()
    for i in range(30):
        ReferralFactory(
            sender_organization=orgs[i % 2],
            service=network["service"],
            status=Status.ACCEPTED,
            requested_at=now - dt.timedelta(days=i + 1),
            decided_at=now - dt.timedelta(days=i),
            municipality=Municipality.objects.order_by("pk")[i % 7],
        )
    assert Referral.objects.count() == 40
    # session, user, the coordinated network, its members, the referrals with their last event, then one each
    # for the organisation, need-area and municipality names
    with CaptureQueriesContext(connection) as many:
        assert page(client).status_code == 200
    assert len(many) == len(few)
    assert len(many) <= 9
