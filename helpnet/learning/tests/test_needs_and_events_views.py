"""Training needs and events through the pages: who may see and do what, bad input, the .ics file."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from helpnet.learning.models import Registration, TrainingEvent, TrainingNeed

from .conftest import make_event

pytestmark = pytest.mark.django_db


def need_data(org, **overrides):
    data = {
        "organization": str(org.pk),
        "topic": "Working with people who drink",
        "description": "Short interventions in primary care.",
        "target_staff": "Nurses",
        "people_count": "6",
        "urgency": "high",
        "preferred_format": "in_person",
    }
    data.update(overrides)
    return data


def test_staff_submit_a_training_need_for_their_organisation(editor_client, network, org_a, editor):
    response = editor_client.post(reverse("learning:need_create", args=[network.slug]), need_data(org_a))
    assert response.status_code == 302
    need = TrainingNeed.objects.get()
    assert (need.organization, need.network, need.submitted_by, need.people_count) == (
        org_a,
        network,
        editor,
        6,
    )


def test_a_need_cannot_be_submitted_for_another_organisation(editor_client, network, org_a, org_b):
    from helpnet.networks.tests.factories import NetworkMemberFactory

    NetworkMemberFactory(network=network, organization=org_b)
    response = editor_client.post(reverse("learning:need_create", args=[network.slug]), need_data(org_b))
    assert response.status_code == 200
    assert "organization" in response.context["form"].errors
    assert not TrainingNeed.objects.exists()


@pytest.mark.parametrize("count", ["0", "-2", "many"])
def test_a_need_for_no_people_is_refused(editor_client, network, org_a, count):
    response = editor_client.post(
        reverse("learning:need_create", args=[network.slug]), need_data(org_a, people_count=count)
    )
    assert response.status_code == 200
    assert "people_count" in response.context["form"].errors
    assert not TrainingNeed.objects.exists()


def test_members_see_only_their_organisations_needs_coordinators_see_all(
    editor_client, coordinator_client, network, org_a, other_editor
):
    from helpnet.networks.tests.factories import NetworkMemberFactory
    from helpnet.organizations.tests.factories import OrganizationFactory

    org_c = OrganizationFactory(name="Third")
    NetworkMemberFactory(network=network, organization=org_c)
    TrainingNeed.objects.create(network=network, organization=org_a, topic="Ours", people_count=2)
    TrainingNeed.objects.create(network=network, organization=org_c, topic="Theirs", people_count=3)
    url = reverse("learning:need_list", args=[network.slug])
    assert [n.topic for n in editor_client.get(url).context["needs"]] == ["Ours"]
    assert sorted(n.topic for n in coordinator_client.get(url).context["needs"]) == ["Ours", "Theirs"]


def test_another_networks_needs_are_not_found(other_editor_client, network):
    assert other_editor_client.get(reverse("learning:need_list", args=[network.slug])).status_code == 404
    assert other_editor_client.get(reverse("learning:need_create", args=[network.slug])).status_code == 404


def test_anonymous_people_are_sent_to_log_in(client, network):
    response = client.get(reverse("learning:need_list", args=[network.slug]))
    assert response.status_code == 302 and "login" in response["Location"]


def event_data(**overrides):
    start = timezone.localtime(timezone.now() + dt.timedelta(days=10)).replace(second=0, microsecond=0)
    data = {
        "title": "Short interventions",
        "kind": "training",
        "description": "",
        "start": start.strftime("%Y-%m-%dT%H:%M"),
        "end": (start + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "place": "Sevnica",
        "online_url": "",
        "capacity": "10",
        "registration_opens": "",
        "registration_closes": "",
        "trainer": "Dr. Novak",
    }
    data.update(overrides)
    return data


def test_coordinator_plans_an_event_for_grouped_needs(coordinator_client, network, org_a):
    need = TrainingNeed.objects.create(network=network, organization=org_a, topic="Alcohol", people_count=4)
    url = reverse("learning:event_create", args=[network.slug])
    assert coordinator_client.get(url, {"need": need.pk}).status_code == 200
    response = coordinator_client.post(url, event_data(addressed_needs=[str(need.pk)]))
    assert response.status_code == 302
    event = TrainingEvent.objects.get()
    assert list(event.addressed_needs.all()) == [need]
    need.refresh_from_db()
    assert need.status == TrainingNeed.Status.PLANNED
    # typed in the network's time zone (Europe/Ljubljana), stored as an aware UTC time
    assert event.start.utcoffset() == dt.timedelta(0)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"capacity": "0"}, "capacity"),
        ({"capacity": "-5"}, "capacity"),
        ({"end": "2020-01-01T10:00"}, "end"),
        ({"place": "", "online_url": ""}, "__all__"),
        ({"online_url": "not a link"}, "online_url"),
    ],
)
def test_bad_event_input_saves_nothing(coordinator_client, network, overrides, field):
    response = coordinator_client.post(
        reverse("learning:event_create", args=[network.slug]), event_data(**overrides)
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not TrainingEvent.objects.exists()


def test_registration_closing_before_it_opens_is_refused(coordinator_client, network):
    data = event_data(registration_opens="2030-01-02T10:00", registration_closes="2030-01-01T10:00")
    response = coordinator_client.post(reverse("learning:event_create", args=[network.slug]), data)
    assert "registration_closes" in response.context["form"].errors
    assert not TrainingEvent.objects.exists()


def test_members_cannot_create_events(editor_client, network):
    assert editor_client.get(reverse("learning:event_create", args=[network.slug])).status_code == 404


def test_member_registers_and_cancels_through_the_page(editor_client, editor, network, org_a):
    event = make_event(network, capacity=1)
    response = editor_client.post(reverse("learning:event_register", args=[event.pk]))
    assert response.status_code == 302
    registration = Registration.objects.get(user=editor)
    assert registration.status == Registration.Status.REGISTERED and registration.organization == org_a
    editor_client.post(reverse("learning:event_unregister", args=[event.pk]))
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED


def test_registering_after_it_closed_shows_a_message_and_saves_nothing(editor_client, network):
    event = make_event(network, registration_closes=timezone.now() - dt.timedelta(hours=1))
    response = editor_client.post(reverse("learning:event_register", args=[event.pk]), follow=True)
    assert "Registration is closed." in [str(m) for m in response.context["messages"]]
    assert not Registration.objects.exists()


def test_other_networks_events_are_not_found(other_editor_client, network):
    event = make_event(network)
    for name in ("event_detail", "event_ics", "event_feedback"):
        assert other_editor_client.get(reverse(f"learning:{name}", args=[event.pk])).status_code == 404
    assert other_editor_client.post(reverse("learning:event_register", args=[event.pk])).status_code == 404
    assert not Registration.objects.exists()


def test_members_cannot_mark_attendance(editor_client, network):
    event = make_event(network)
    assert editor_client.post(reverse("learning:event_attendance", args=[event.pk])).status_code == 403


def test_the_ics_file_parses_back(editor_client, network):
    event = make_event(network, title="Delavnica: čustva, žalovanje, šola")
    response = editor_client.get(reverse("learning:event_ics", args=[event.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    [vevent] = calendar.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Delavnica: čustva, žalovanje, šola"
    assert vevent.decoded("DTSTART") == event.start
    assert vevent.decoded("DTEND") == event.end
    assert str(vevent["DTSTART"].params["TZID"]) == "Europe/Ljubljana"
    assert str(vevent["UID"]) == f"training-{event.pk}@helpnet"
    assert event.get_absolute_url() in str(vevent["DESCRIPTION"])
    assert calendar.walk("VTIMEZONE")


def test_a_cancelled_events_ics_says_so(coordinator_client, network):
    event = make_event(network)
    coordinator_client.post(reverse("learning:event_cancel", args=[event.pk]))
    response = coordinator_client.get(reverse("learning:event_ics", args=[event.pk]))
    [vevent] = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(vevent["STATUS"]) == "CANCELLED" and int(vevent["SEQUENCE"]) == 1


def test_coordinator_sees_registrations_and_marks_attendance(coordinator_client, network, org_a, editor):
    from helpnet.learning.actions import register_for_event

    event = make_event(network)
    registration = register_for_event(event, user=editor, organization=org_a)
    event.start -= dt.timedelta(days=8)
    event.end -= dt.timedelta(days=8)
    event.save()
    page = coordinator_client.get(reverse("learning:event_detail", args=[event.pk]))
    assert [r.pk for r in page.context["registrations"]] == [registration.pk]
    coordinator_client.post(
        reverse("learning:event_attendance", args=[event.pk]), {"present": [registration.pk]}
    )
    registration.refresh_from_db()
    assert registration.attended is True


def test_event_detail_page_renders_for_a_member(editor_client, network):
    event = make_event(network)
    response = editor_client.get(reverse("learning:event_detail", args=[event.pk]))
    assert response.status_code == 200
    assert response.context["registration_problem"] == ""


def test_the_need_form_renders_with_the_users_organisation_chosen(editor_client, network, org_a):
    response = editor_client.get(reverse("learning:need_create", args=[network.slug]))
    assert response.status_code == 200
    assert response.context["form"].fields["organization"].initial == org_a


def test_the_learning_page_tells_people_outside_networks_why_it_is_empty(other_editor_client, network):
    response = other_editor_client.get(reverse("learning:home"))
    assert response.status_code == 200
    assert response.context["networks"] == []
    assert list(response.context["events"]) == []


def test_more_places_promote_people_waiting_and_calendars_see_a_new_sequence(
    coordinator_client, network, org_a
):
    from helpnet.learning.actions import register_for_event

    from .conftest import make_people

    event = make_event(network, capacity=1)
    first, second, third = (
        register_for_event(event, user=p, organization=org_a) for p in make_people(org_a, 3)
    )
    local = timezone.localtime(event.start, timezone=ZoneInfo("Europe/Ljubljana"))
    data = event_data(
        title=event.title,
        capacity="2",
        start=local.strftime("%Y-%m-%dT%H:%M"),
        end=(local + dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
    )
    response = coordinator_client.post(reverse("learning:event_edit", args=[event.pk]), data)
    assert response.status_code == 302
    statuses = dict(Registration.objects.values_list("pk", "status"))
    assert statuses == {first.pk: "registered", second.pk: "registered", third.pk: "waiting"}
    event.refresh_from_db()
    assert event.ical_sequence == 1 and event.start == local.replace(second=0)


def test_the_capacity_cannot_drop_below_the_places_given(coordinator_client, network, org_a):
    from helpnet.learning.actions import register_for_event

    from .conftest import make_people

    event = make_event(network, capacity=3)
    for person in make_people(org_a, 3):
        register_for_event(event, user=person, organization=org_a)
    response = coordinator_client.post(
        reverse("learning:event_edit", args=[event.pk]), event_data(capacity="2")
    )
    assert response.status_code == 200
    assert "3 people already have a place" in str(response.context["form"].non_field_errors())
    event.refresh_from_db()
    assert event.capacity == 3 and event.ical_sequence == 0


def test_members_cannot_edit_events(editor_client, network):
    event = make_event(network)
    assert editor_client.get(reverse("learning:event_edit", args=[event.pk])).status_code == 403
