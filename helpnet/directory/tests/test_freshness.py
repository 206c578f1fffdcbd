"""Data that stays true: staleness levels, the signed "still correct" link and review reminders."""

import datetime as dt
import re

import pytest
import time_machine
from django.core.management import call_command
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from helpnet.directory import freshness
from helpnet.directory.models import Metadata, ReviewReminder, Service
from helpnet.directory.tests.factories import ServiceFactory
from helpnet.organizations.models import Membership
from helpnet.organizations.tests.factories import MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

NOON = dt.time(12, 0)


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, NOON))


def _created_on(service: Service, day: dt.date) -> Service:
    Service.objects.filter(pk=service.pk).update(created_at=_at(day))
    service.refresh_from_db()
    return service


# --- staleness levels ----------------------------------------------------------------------------------


def test_service_verified_a_day_short_of_twelve_months_is_fresh():
    service = ServiceFactory(assured_date=dt.date(2025, 1, 15))
    with time_machine.travel(_at(dt.date(2026, 1, 14))):
        assert freshness.staleness(service) == "fresh"


def test_service_becomes_stale_on_the_twelve_month_anniversary():
    service = ServiceFactory(assured_date=dt.date(2025, 1, 15))
    with time_machine.travel(_at(dt.date(2026, 1, 15))):
        assert freshness.staleness(service) == "stale"


def test_service_is_still_stale_a_day_short_of_eighteen_months():
    service = ServiceFactory(assured_date=dt.date(2025, 1, 15))
    with time_machine.travel(_at(dt.date(2026, 7, 14))):
        assert freshness.staleness(service) == "stale"


def test_service_expires_on_the_eighteen_month_anniversary():
    service = ServiceFactory(assured_date=dt.date(2025, 1, 15))
    with time_machine.travel(_at(dt.date(2026, 7, 15))):
        assert freshness.staleness(service) == "expired"


def test_never_verified_service_ages_from_the_day_it_was_entered():
    service = _created_on(ServiceFactory(assured_date=None), dt.date(2025, 1, 15))
    with time_machine.travel(_at(dt.date(2026, 1, 14))):
        assert freshness.staleness(service) == "fresh"
    with time_machine.travel(_at(dt.date(2026, 1, 15))):
        assert freshness.staleness(service) == "stale"


def test_staleness_thresholds_come_from_settings(settings):
    settings.HELPNET_STALE_MONTHS = 3
    service = ServiceFactory(assured_date=dt.date(2025, 1, 15))
    with time_machine.travel(_at(dt.date(2025, 4, 15))):
        assert freshness.staleness(service) == "stale"


def test_exclude_expired_drops_services_unconfirmed_for_eighteen_months():
    ServiceFactory(name="Old", assured_date=dt.date(2025, 1, 15))
    with time_machine.travel(_at(dt.date(2026, 7, 15))):
        assert not freshness.exclude_expired(Service.objects.all()).exists()


def test_exclude_expired_keeps_services_a_day_short_of_eighteen_months():
    ServiceFactory(name="Stale", assured_date=dt.date(2025, 1, 15))
    with time_machine.travel(_at(dt.date(2026, 7, 14))):
        assert [s.name for s in freshness.exclude_expired(Service.objects.all())] == ["Stale"]


def test_exclude_expired_uses_the_creation_date_of_never_verified_services():
    _created_on(ServiceFactory(name="Old", assured_date=None), dt.date(2025, 1, 15))
    _created_on(ServiceFactory(name="Newer", assured_date=None), dt.date(2025, 1, 16))
    with time_machine.travel(_at(dt.date(2026, 7, 15))):
        assert [s.name for s in freshness.exclude_expired(Service.objects.all())] == ["Newer"]


def test_exclude_expired_keeps_an_old_service_verified_recently():
    _created_on(ServiceFactory(name="Checked", assured_date=dt.date(2026, 7, 1)), dt.date(2020, 1, 1))
    with time_machine.travel(_at(dt.date(2026, 7, 15))):
        assert [s.name for s in freshness.exclude_expired(Service.objects.all())] == ["Checked"]


def test_staleness_notice_warns_that_a_stale_service_may_be_out_of_date():
    service = ServiceFactory(assured_date=dt.date(2025, 1, 15))
    with time_machine.travel(_at(dt.date(2026, 2, 1))), translation.override("en"):
        html = render_to_string("directory/_staleness_notice.html", {"service": service})
    assert "may be out of date" in html


def test_staleness_notice_stays_quiet_about_a_fresh_service():
    service = ServiceFactory(assured_date=dt.date(2026, 1, 15))
    with time_machine.travel(_at(dt.date(2026, 2, 1))), translation.override("en"):
        html = render_to_string("directory/_staleness_notice.html", {"service": service})
    assert "may be out of date" not in html


# --- the signed "still correct" link -------------------------------------------------------------------


@pytest.fixture
def old_service(org_a):
    return ServiceFactory(organization=org_a, assured_date=dt.date(2025, 1, 15))


def _link(service, user):
    return reverse("directory:service_confirm_link", args=[freshness.make_confirm_token(service, user)])


def test_confirm_link_shows_a_button_without_login(client, old_service, editor):
    response = client.get(_link(old_service, editor))
    assert response.status_code == 200
    assert 'method="post"' in response.content.decode()


def test_opening_the_confirm_link_changes_nothing(client, old_service, editor):
    client.get(_link(old_service, editor))
    old_service.refresh_from_db()
    assert old_service.assured_date == dt.date(2025, 1, 15)
    assert not Metadata.objects.exists()


def test_confirm_link_post_marks_the_service_verified_today(client, old_service, editor):
    with time_machine.travel(_at(dt.date(2025, 8, 1))):
        response = client.post(_link(old_service, editor))
    old_service.refresh_from_db()
    assert response.status_code == 200
    assert old_service.assured_date == dt.date(2025, 8, 1)
    assert old_service.assurer_email == editor.email


def test_confirm_link_post_writes_a_verify_metadata_row(client, old_service, editor):
    with time_machine.travel(_at(dt.date(2025, 8, 1))):
        client.post(_link(old_service, editor))
    row = Metadata.objects.get()
    assert (row.resource_id, row.resource_type, row.field_name, row.last_action_type) == (
        old_service.pk,
        "service",
        "assured_date",
        "verify",
    )
    assert (row.previous_value, row.replacement_value) == ("2025-01-15", "2025-08-01")
    assert row.updated_by == f"signed link: {editor.username}"


def test_expired_confirm_link_is_refused(client, old_service, editor):
    link = _link(old_service, editor)
    with time_machine.travel(timezone.now() + dt.timedelta(days=31)):
        response = client.post(link)
    old_service.refresh_from_db()
    assert response.status_code == 400
    assert old_service.assured_date == dt.date(2025, 1, 15)


def test_tampered_confirm_link_is_refused(client, old_service, editor):
    token = freshness.make_confirm_token(old_service, editor)
    response = client.post(reverse("directory:service_confirm_link", args=[token[:-2] + "xx"]))
    assert response.status_code == 400
    assert not Metadata.objects.exists()


def test_used_confirm_link_is_dead(client, old_service, editor):
    link = _link(old_service, editor)
    client.post(link)
    response = client.post(link)
    assert response.status_code == 400
    assert Metadata.objects.count() == 1


def test_confirm_link_dies_when_the_service_is_verified_another_way(client, old_service, editor):
    link = _link(old_service, editor)
    Service.objects.filter(pk=old_service.pk).update(assured_date=dt.date(2025, 3, 1))
    response = client.get(link)
    assert response.status_code == 400


def test_confirm_link_of_an_editor_who_left_is_refused(client, old_service, editor):
    link = _link(old_service, editor)
    Membership.objects.filter(user=editor).delete()
    response = client.post(link)
    assert response.status_code == 400


def test_confirm_link_of_a_viewer_is_refused(client, old_service, viewer):
    response = client.post(_link(old_service, viewer))
    assert response.status_code == 400


# --- review reminders ----------------------------------------------------------------------------------

TODAY = dt.date(2026, 3, 1)


@pytest.fixture
def due_service(org_a):
    return ServiceFactory(organization=org_a, name="Due", assured_date=dt.date(2025, 8, 1))


def _send() -> tuple[int, int]:
    with time_machine.travel(_at(TODAY)):
        return freshness.send_review_reminders()


def test_reminder_goes_to_editors_and_admins_but_not_viewers(
    due_service, editor, org_admin, viewer, mailoutbox
):
    _send()
    assert sorted(m.to[0] for m in mailoutbox) == sorted([editor.email, org_admin.email])


def test_reminder_lists_only_services_due_for_review(org_a, due_service, editor, mailoutbox):
    ServiceFactory(organization=org_a, name="Recently checked", assured_date=dt.date(2026, 1, 1))
    ServiceFactory(organization=org_a, name="Never checked", assured_date=None)
    ServiceFactory(organization=org_a, name="Defunct", assured_date=None, status=Service.Status.DEFUNCT)
    _send()
    body = mailoutbox[0].body
    assert "Due" in body
    assert "Never checked" in body
    assert "Recently checked" not in body
    assert "Defunct" not in body


def test_reminder_covers_only_the_recipients_own_organisation(due_service, editor, other_editor, mailoutbox):
    _send()
    assert [m.to[0] for m in mailoutbox] == [editor.email]


def test_reminder_carries_a_working_still_correct_link(client, due_service, editor, mailoutbox):
    _send()
    path = re.search(r"http://localhost:8000(/sl/confirm/[^\s]+/)", mailoutbox[0].body).group(1)
    with time_machine.travel(_at(TODAY)):
        client.post(path)
    due_service.refresh_from_db()
    assert due_service.assured_date == TODAY


def test_reminder_carries_the_edit_link(due_service, editor, mailoutbox):
    _send()
    assert reverse("directory:service_edit", args=[due_service.pk]) in mailoutbox[0].body


def test_reminders_sent_twice_in_a_period_go_out_once(due_service, editor, mailoutbox):
    _send()
    assert _send() == (0, 0)
    assert len(mailoutbox) == 1


def test_reminder_is_sent_again_after_the_review_period(due_service, editor, mailoutbox):
    _send()
    with time_machine.travel(_at(TODAY + dt.timedelta(days=185))):
        freshness.send_review_reminders()
    assert len(mailoutbox) == 2


def test_reminder_is_not_sent_again_a_day_before_the_period_ends(due_service, editor, mailoutbox):
    _send()
    with time_machine.travel(_at(dt.date(2026, 8, 31))):
        freshness.send_review_reminders()
    assert len(mailoutbox) == 1


def test_organisation_without_editors_is_reminded_once_an_editor_joins(due_service, org_a, mailoutbox):
    _send()
    assert not ReviewReminder.objects.exists()
    MembershipFactory(organization=org_a, role=Membership.Role.EDITOR)
    _send()
    assert len(mailoutbox) == 1


def test_reminder_language_is_the_editors_preferred_language(org_a):
    user = UserFactory(preferred_language="da")
    assert freshness.recipient_language(user, org_a) == "da"


def test_reminder_language_falls_back_to_the_organisations_country():
    user = UserFactory(preferred_language="")
    assert freshness.recipient_language(user, OrganizationFactory(country="DK")) == "da"


def test_reminder_links_use_the_recipients_language(mailoutbox):
    org = OrganizationFactory(country="DK")
    ServiceFactory(organization=org, assured_date=None)
    MembershipFactory(organization=org, role=Membership.Role.EDITOR, user__preferred_language="")
    _send()
    assert "http://localhost:8000/da/confirm/" in mailoutbox[0].body


def test_reminder_command_reports_what_it_sent(due_service, editor, mailoutbox, capsys):
    with time_machine.travel(_at(TODAY)):
        call_command("send_review_reminders")
    assert "Sent 1 review reminder e-mails covering 1 services." in capsys.readouterr().out
