"""Printable invitation and minutes (HTML and PDF): members see everything, the public the public parts."""

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from helpnet.meetings.models import ActionItem, AgendaItem, Attendance, Decision, Meeting
from helpnet.networks.tests.factories import make_network_with_members
from helpnet.organizations.tests.factories import OrganizationFactory

from .test_calendar import make_meeting


class Setup:
    def __init__(self) -> None:
        self.network, members = make_network_with_members(3, slug="lskz-sevnica", name="LSKZ Sevnica")
        self.other_network, other_members = make_network_with_members(2, slug="randers", country="DK")
        host = OrganizationFactory(name="Ørsted Ældrecenter Århus")
        self.meeting = make_meeting(
            self.network,
            title="Srečanje v Šentjanžu: čakalne dobe",
            visibility="public",
            host_organization=host,
            status="held",
        )
        self.reps = [m.representatives.get() for m in members]
        self.member = self.reps[1].user
        self.outsider = other_members[1].representatives.get().user
        self.public_item = AgendaItem.objects.create(
            network=self.network,
            meeting=self.meeting,
            order=1,
            title="Poročilo o čakalnih dobah",
            notes="Čakalne dobe so se skrajšale.",
            status="discussed",
        )
        self.private_item = AgendaItem.objects.create(
            network=self.network,
            meeting=self.meeting,
            order=2,
            title="Zaupna točka",
            notes="Zaupni zapisnik",
            public=False,
            status="discussed",
        )
        Decision.objects.create(
            network=self.network,
            meeting=self.meeting,
            agenda_item=self.public_item,
            number="LSKZ-2026-12/1",
            title="Sprejet načrt",
            method="vote",
            votes_for=3,
            votes_against=0,
            abstentions=0,
            quorate=True,
        )
        Decision.objects.create(
            network=self.network,
            meeting=self.meeting,
            agenda_item=self.private_item,
            number="LSKZ-2026-12/2",
            title="Zaupna odločitev",
        )
        ActionItem.objects.create(
            network=self.network, source_meeting=self.meeting, title="Pripravi pregled", owner=self.member
        )
        for rep, presence in zip(self.reps, ["present", "present", "absent"], strict=True):
            Attendance.objects.create(
                meeting=self.meeting,
                user=rep.user,
                on_behalf_of=rep.member.organization,
                representative=rep,
                presence=presence,
            )

    def url(self, name: str, meeting: Meeting | None = None) -> str:
        """The English page: the tests read English words (Slovenian and Danish come from the catalogues)."""
        meeting = meeting or self.meeting
        with translation.override("en"):
            return reverse(f"meetings:{name}", args=[meeting.network.slug, meeting.pk])

    def client(self, user: Any = None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client


@pytest.fixture
def setup(db: Any) -> Setup:
    return Setup()


def pdf_text(response: Any) -> str:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_member_sees_the_whole_invitation(setup: Setup) -> None:
    html = setup.client(setup.member).get(setup.url("invitation_print")).content.decode()
    assert "Poročilo o čakalnih dobah" in html
    assert "Zaupna točka" in html
    assert "Pripravi pregled" in html  # open action items of the body
    assert "Ørsted Ældrecenter Århus" in html
    assert "Trg svobode 14" in html


def test_public_sees_only_the_public_parts_of_the_invitation(setup: Setup) -> None:
    response = setup.client().get(setup.url("invitation_print"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Poročilo o čakalnih dobah" in html
    assert "Zaupna točka" not in html
    assert "Pripravi pregled" not in html


def test_member_sees_attendance_quorum_minutes_decisions_and_actions(setup: Setup) -> None:
    html = setup.client(setup.member).get(setup.url("minutes_print")).content.decode()
    assert setup.reps[0].user.username in html or setup.reps[0].user.get_full_name() in html
    assert "2 of 3" in html  # organisations with a vote present
    assert "Quorate." in html
    assert "Zaupni zapisnik" in html
    assert "LSKZ-2026-12/1" in html
    assert "LSKZ-2026-12/2" in html
    assert "Pripravi pregled" in html


def test_public_minutes_only_once_approved_and_only_public_items(setup: Setup) -> None:
    anonymous = setup.client()
    html = anonymous.get(setup.url("minutes_print")).content.decode()
    assert "Čakalne dobe so se skrajšale." not in html
    assert "LSKZ-2026-12/1" not in html
    Meeting.objects.filter(pk=setup.meeting.pk).update(minutes_status=Meeting.MinutesStatus.APPROVED)
    html = anonymous.get(setup.url("minutes_print")).content.decode()
    assert "Čakalne dobe so se skrajšale." in html
    assert "LSKZ-2026-12/1" in html
    for private in ("Zaupni zapisnik", "Zaupna točka", "LSKZ-2026-12/2", "Pripravi pregled"):
        assert private not in html
    assert setup.reps[0].user.username not in html  # no attendance list for the public


@pytest.mark.parametrize("name", ["invitation_print", "invitation_pdf", "minutes_print", "minutes_pdf"])
def test_members_only_meeting_is_404_for_the_public_and_other_networks(setup: Setup, name: str) -> None:
    Meeting.objects.filter(pk=setup.meeting.pk).update(visibility=Meeting.Visibility.NETWORK)
    assert setup.client().get(setup.url(name)).status_code == 404
    assert setup.client(setup.outsider).get(setup.url(name)).status_code == 404
    assert setup.client(setup.member).get(setup.url(name)).status_code == 200
    wrong_network = reverse(f"meetings:{name}", args=[setup.other_network.slug, setup.meeting.pk])
    assert setup.client(setup.member).get(wrong_network).status_code == 404


def test_invitation_pdf_reads_back_with_slovenian_and_danish_letters(setup: Setup) -> None:
    text = pdf_text(setup.client(setup.member).get(setup.url("invitation_pdf")))
    assert "Srečanje v Šentjanžu: čakalne dobe" in text
    assert "Ørsted Ældrecenter Århus" in text
    for letter in "čžšøæå":
        assert letter in text.lower()
    assert "Pripravi pregled" in text


def test_minutes_pdf_for_members_and_public_parts_for_everyone(setup: Setup) -> None:
    Meeting.objects.filter(pk=setup.meeting.pk).update(minutes_status=Meeting.MinutesStatus.LOCKED)
    members = pdf_text(setup.client(setup.member).get(setup.url("minutes_pdf")))
    assert "Zaupni zapisnik" in members
    assert "LSKZ-2026-12/2" in members
    public = pdf_text(setup.client().get(setup.url("minutes_pdf")))
    assert "Čakalne dobe so se skrajšale." in public
    assert "LSKZ-2026-12/1" in public
    assert "Zaupni zapisnik" not in public
    assert "LSKZ-2026-12/2" not in public
