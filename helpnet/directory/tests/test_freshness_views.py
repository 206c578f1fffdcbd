"""Data that stays true, the pages: report a problem, the moderation queue, the dashboard, the history."""

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from helpnet.directory import freshness
from helpnet.directory.models import Metadata, ProblemReport, Service
from helpnet.directory.tests.factories import ServiceFactory
from helpnet.organizations.models import Membership
from helpnet.organizations.tests.factories import MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def service(org_a):
    return ServiceFactory(organization=org_a, name="Svetovalnica")


def _report(service, **kwargs):
    return ProblemReport.objects.create(
        service=service, kind=ProblemReport.Kind.PHONE, text="Old number", **kwargs
    )


# --- report a problem (public) -------------------------------------------------------------------------


def _report_url(service):
    return reverse("directory:report_create", args=[service.pk])


GOOD_REPORT = {"kind": "hours", "text": "Closed on Mondays now.", "email": "", "website": ""}


def test_report_form_is_public(client, service):
    response = client.get(_report_url(service))
    assert response.status_code == 200


def test_report_is_saved_for_the_service(client, service):
    response = client.post(_report_url(service), GOOD_REPORT)
    report = ProblemReport.objects.get()
    assert response.status_code == 302
    assert (report.service, report.kind, report.text, report.status) == (
        service,
        "hours",
        "Closed on Mondays now.",
        "open",
    )


def test_report_thanks_page_follows_the_report(client, service):
    response = client.post(_report_url(service), GOOD_REPORT, follow=True)
    assert response.redirect_chain[-1][0] == reverse("directory:report_thanks", args=[service.pk])


def test_report_keeps_the_optional_contact_email(client, service):
    client.post(_report_url(service), GOOD_REPORT | {"email": "ana@example.org"})
    assert ProblemReport.objects.get().email == "ana@example.org"


def test_report_with_the_honeypot_filled_is_not_saved_but_looks_sent(client, service):
    response = client.post(_report_url(service), GOOD_REPORT | {"website": "http://spam.example"})
    assert response.status_code == 302
    assert not ProblemReport.objects.exists()


def test_report_text_over_2000_characters_is_refused_and_nothing_saved(client, service):
    response = client.post(_report_url(service), GOOD_REPORT | {"text": "x" * 2001})
    assert response.status_code == 200
    assert response.context["form"].errors["text"]
    assert not ProblemReport.objects.exists()


def test_report_text_error_is_in_the_users_language(client, service):
    url = reverse("directory:report_create", args=[service.pk]).replace("/sl/", "/en/", 1)
    response = client.post(url, GOOD_REPORT | {"text": "x" * 2001})
    assert "at most 2000 characters" in response.context["form"].errors["text"][0]


def test_report_of_something_else_needs_a_description(client, service):
    response = client.post(_report_url(service), GOOD_REPORT | {"kind": "other", "text": " "})
    assert response.context["form"].errors["text"]
    assert not ProblemReport.objects.exists()


def test_sixth_report_within_an_hour_is_refused(client, service):
    for _ in range(5):
        client.post(_report_url(service), GOOD_REPORT)
    response = client.post(_report_url(service), GOOD_REPORT)
    assert response.status_code == 429
    assert ProblemReport.objects.count() == 5


def test_reports_are_accepted_again_after_an_hour(client, service):
    for _ in range(5):
        client.post(_report_url(service), GOOD_REPORT)
    cache.clear()  # the cache's own expiry stands in for the hour passing
    response = client.post(_report_url(service), GOOD_REPORT)
    assert response.status_code == 302


def test_rate_limit_is_per_client(client, service):
    for _ in range(5):
        client.post(_report_url(service), GOOD_REPORT, REMOTE_ADDR="192.0.2.1")
    response = client.post(_report_url(service), GOOD_REPORT, REMOTE_ADDR="192.0.2.2")
    assert response.status_code == 302


def test_rate_limit_never_stores_the_client_address(client, service):
    client.post(_report_url(service), GOOD_REPORT, REMOTE_ADDR="192.0.2.77")
    stored = " ".join(str(key) for key in cache._cache)  # type: ignore[attr-defined]
    assert "192.0.2.77" not in stored


def test_report_for_a_defunct_service_is_not_found(client, org_a):
    gone = ServiceFactory(organization=org_a, status=Service.Status.DEFUNCT)
    response = client.get(_report_url(gone))
    assert response.status_code == 404


def test_report_form_needs_a_csrf_token(service):
    response = Client(enforce_csrf_checks=True).post(_report_url(service), GOOD_REPORT)
    assert response.status_code == 403


# --- the moderation queue ------------------------------------------------------------------------------

LIST_URL = reverse("directory:report_list")


def _resolve_url(report):
    return reverse("directory:report_resolve", args=[report.pk])


def test_moderation_queue_sends_anonymous_users_to_login(client):
    response = client.get(LIST_URL)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_moderation_queue_shows_own_organisations_reports_only(editor_client, service, org_b):
    _report(service, email="mine@example.org")
    _report(ServiceFactory(organization=org_b), email="theirs@example.org")
    content = editor_client.get(LIST_URL).content.decode()
    assert "mine@example.org" in content
    assert "theirs@example.org" not in content


def test_viewer_may_read_the_moderation_queue(viewer_client, service):
    _report(service)
    response = viewer_client.get(LIST_URL)
    assert response.status_code == 200
    assert "Old number" in response.content.decode()


def test_editor_resolves_a_report(editor_client, editor, service):
    report = _report(service)
    response = editor_client.post(_resolve_url(report))
    report.refresh_from_db()
    assert response.status_code == 302
    assert (report.status, report.resolved_by) == ("resolved", editor)
    assert report.resolved_at is not None


def test_editor_dismisses_a_report(editor_client, service):
    report = _report(service)
    editor_client.post(reverse("directory:report_dismiss", args=[report.pk]))
    report.refresh_from_db()
    assert report.status == "dismissed"


def test_closed_report_is_not_reclosed(editor_client, service, org_admin):
    report = _report(service)
    editor_client.post(_resolve_url(report))
    admin_client = Client()
    admin_client.force_login(org_admin)
    admin_client.post(reverse("directory:report_dismiss", args=[report.pk]))
    report.refresh_from_db()
    assert report.status == "resolved"


def test_viewer_may_not_resolve_a_report(viewer_client, service):
    report = _report(service)
    response = viewer_client.post(_resolve_url(report))
    report.refresh_from_db()
    assert response.status_code == 403
    assert report.status == "open"


def test_other_organisation_resolving_a_report_gets_not_found(other_editor_client, service):
    report = _report(service)
    response = other_editor_client.post(_resolve_url(report))
    report.refresh_from_db()
    assert response.status_code == 404
    assert report.status == "open"


def test_anonymous_resolving_a_report_is_sent_to_login(client, service):
    report = _report(service)
    response = client.post(_resolve_url(report))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_resolving_a_report_needs_post(editor_client, service):
    response = editor_client.get(_resolve_url(_report(service)))
    assert response.status_code == 405


def test_moderation_queue_query_count(editor_client, org_a, django_assert_num_queries):
    for service in ServiceFactory.create_batch(3, organization=org_a):
        _report(service)
        _report(service, status="resolved", resolved_at=timezone.now())
    # session, user, count, reports + service + organisation + resolver, editable organisations
    with django_assert_num_queries(5):
        response = editor_client.get(LIST_URL + "?status=all")
    assert response.status_code == 200


# --- the staleness dashboard ---------------------------------------------------------------------------

DASHBOARD_URL = reverse("directory:freshness_dashboard")
TODAY = dt.date(2026, 3, 1)


def _at(day):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


@pytest.fixture
def admin_client(org_admin):
    client = Client()
    client.force_login(org_admin)
    return client


def _services_of_every_age(org, suffix=""):
    ServiceFactory(organization=org, name="Fresh" + suffix, assured_date=dt.date(2026, 1, 1))
    ServiceFactory(organization=org, name="Due" + suffix, assured_date=dt.date(2025, 8, 1))
    ServiceFactory(organization=org, name="Stale" + suffix, assured_date=dt.date(2025, 1, 1))
    ServiceFactory(organization=org, name="Hidden" + suffix, assured_date=dt.date(2024, 6, 1))


def test_dashboard_counts_services_by_age(admin_client, org_a):
    _services_of_every_age(org_a)
    with time_machine.travel(_at(TODAY)):
        response = admin_client.get(DASHBOARD_URL)
    [row] = response.context["overview"]
    assert row.counts == {"fresh": 1, "due": 1, "stale": 1, "hidden": 1}


def test_dashboard_lists_the_services_to_check_oldest_first(admin_client, org_a):
    _services_of_every_age(org_a)
    with time_machine.travel(_at(TODAY)):
        response = admin_client.get(DASHBOARD_URL)
    [row] = response.context["overview"]
    assert [s.name for s in row.due] == ["Hidden", "Stale", "Due"]


def test_dashboard_counts_open_problem_reports(admin_client, service):
    _report(service)
    _report(service, status="dismissed", resolved_at=timezone.now())
    response = admin_client.get(DASHBOARD_URL)
    assert response.context["overview"][0].open_reports == 1


def test_dashboard_shows_only_organisations_the_user_administers(admin_client, org_a, org_b):
    response = admin_client.get(DASHBOARD_URL)
    assert [row.organization for row in response.context["overview"]] == [org_a]


def test_dashboard_shows_every_organisation_to_a_superuser(client, org_a, org_b):
    client.force_login(UserFactory(is_superuser=True))
    response = client.get(DASHBOARD_URL)
    assert len(response.context["overview"]) == 2


def test_dashboard_is_forbidden_to_an_editor(editor_client):
    response = editor_client.get(DASHBOARD_URL)
    assert response.status_code == 403


def test_dashboard_sends_anonymous_users_to_login(client):
    response = client.get(DASHBOARD_URL)
    assert response.status_code == 302


def test_dashboard_query_count_does_not_grow_with_services(
    admin_client, org_admin, org_a, django_assert_num_queries
):
    second = OrganizationFactory()
    MembershipFactory(organization=second, user=org_admin, role=Membership.Role.ADMIN)
    for n in range(3):
        _services_of_every_age(org_a, suffix=str(n))
        _services_of_every_age(second, suffix=str(n))
    for service in Service.objects.all():
        _report(service)
    # session, user, organisations, counts per bucket, services to check, open reports per organisation
    with time_machine.travel(_at(TODAY)), django_assert_num_queries(6):
        response = admin_client.get(DASHBOARD_URL)
    assert response.status_code == 200


# --- the change history and the staff "still correct" button -------------------------------------------


def _history_url(service):
    return reverse("directory:service_history", args=[service.pk])


def test_history_shows_the_services_metadata_rows(viewer_client, service):
    Metadata.objects.create(
        resource_id=service.pk,
        resource_type="service",
        last_action_date=timezone.now(),
        last_action_type="update",
        field_name="name",
        previous_value="Svetovalnica stara",
        replacement_value="Svetovalnica",
        updated_by="ana",
    )
    content = viewer_client.get(_history_url(service)).content.decode()
    assert "Svetovalnica stara" in content


def test_history_query_count(viewer_client, service, django_assert_num_queries):
    for n in range(3):
        Metadata.objects.create(
            resource_id=service.pk,
            resource_type="service",
            last_action_date=timezone.now(),
            last_action_type="update",
            field_name=f"field{n}",
            updated_by="ana",
        )
    # session, user, service + organisation, role, count, metadata rows, editable organisations
    with django_assert_num_queries(7):
        response = viewer_client.get(_history_url(service))
    assert response.status_code == 200


def test_history_of_another_organisations_service_is_not_found(other_editor_client, service):
    response = other_editor_client.get(_history_url(service))
    assert response.status_code == 404


def test_history_sends_anonymous_users_to_login(client, service):
    response = client.get(_history_url(service))
    assert response.status_code == 302


def test_editor_confirms_a_service_from_the_staff_pages(editor_client, editor, service):
    with time_machine.travel(_at(TODAY)):
        editor_client.post(reverse("directory:service_confirm", args=[service.pk]))
    service.refresh_from_db()
    assert service.assured_date == TODAY
    assert Metadata.objects.get().updated_by == editor.username


def test_viewer_may_not_confirm_a_service(viewer_client, service):
    response = viewer_client.post(reverse("directory:service_confirm", args=[service.pk]))
    assert response.status_code == 403


def test_other_organisation_confirming_a_service_gets_not_found(other_editor_client, service):
    response = other_editor_client.post(reverse("directory:service_confirm", args=[service.pk]))
    assert response.status_code == 404


# --- on the public service page ----------------------------------------------------------------------


def test_service_page_links_to_report_a_problem(client, service):
    content = client.get(service.get_absolute_url()).content.decode()
    assert reverse("directory:report_create", args=[service.pk]) in content


def test_service_page_warns_when_the_information_may_be_out_of_date(client, org_a):
    stale = ServiceFactory(organization=org_a, assured_date=dt.date(2025, 1, 15))
    with time_machine.travel(_at(dt.date(2026, 2, 1))):
        content = client.get(stale.get_absolute_url()).content.decode()
    assert "Ti podatki morda niso več aktualni." in content  # the page speaks the language of its URL


def test_confirm_page_offers_a_login_that_leads_to_the_edit_page(client, service, editor):
    token = freshness.make_confirm_token(service, editor)
    content = client.get(reverse("directory:service_confirm_link", args=[token])).content.decode()
    assert "?next=" + reverse("directory:service_edit", args=[service.pk]) in content


def test_staff_home_links_an_administrator_to_the_dashboard(admin_client, org_a):
    content = admin_client.get(reverse("directory:staff_home")).content.decode()
    assert DASHBOARD_URL in content
    assert LIST_URL in content
