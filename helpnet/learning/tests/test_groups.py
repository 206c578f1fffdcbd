"""Intervision groups: members-only pages, managed by the facilitator and the coordinators."""

import pytest
from django.urls import reverse

from helpnet.learning import actions
from helpnet.learning.models import IntervisionGroup, IntervisionMember

from .conftest import make_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(network, editor, org_a):
    group = actions.create_intervision_group(
        network, data={"name": "Nurses' intervision", "facilitator": None, "confidential": True}
    )
    actions.add_group_member(group, user=editor, on_behalf_of=org_a)
    return group


def test_members_see_the_group_and_its_sessions(editor_client, group, network):
    session = make_event(network, kind="intervision", intervision_group=group, title="March session")
    response = editor_client.get(reverse("learning:group_detail", args=[group.pk]))
    assert response.status_code == 200
    assert [s.pk for s in response.context["sessions"]] == [session.pk]
    assert editor_client.get(reverse("learning:event_detail", args=[session.pk])).status_code == 200


def test_other_members_of_the_network_do_not_see_the_group_or_its_sessions(client, colleague, group, network):
    session = make_event(network, kind="intervision", intervision_group=group)
    client.force_login(colleague)
    assert client.get(reverse("learning:group_detail", args=[group.pk])).status_code == 404
    assert client.get(reverse("learning:event_detail", args=[session.pk])).status_code == 404
    assert list(client.get(reverse("learning:group_list")).context["groups"]) == []


def test_other_networks_do_not_see_the_group(other_editor_client, group):
    assert other_editor_client.get(reverse("learning:group_detail", args=[group.pk])).status_code == 404


def test_coordinator_creates_a_group_with_a_facilitator(coordinator_client, network, editor):
    data = {
        "name": "Social workers",
        "description": "",
        "facilitator": str(editor.pk),
        "schedule_note": "Second Tuesday",
        "rrule": "FREQ=MONTHLY;BYDAY=2TU",
        "confidential": "on",
    }
    response = coordinator_client.post(reverse("learning:group_create", args=[network.slug]), data)
    assert response.status_code == 302
    group = IntervisionGroup.objects.get()
    assert group.facilitator == editor
    assert list(group.memberships.values_list("user_id", flat=True)) == [editor.pk]


def test_a_bad_repeat_rule_is_refused(coordinator_client, network):
    data = {"name": "X", "rrule": "FREQ=SOMETIMES", "facilitator": ""}
    response = coordinator_client.post(reverse("learning:group_create", args=[network.slug]), data)
    assert "rrule" in response.context["form"].errors
    assert not IntervisionGroup.objects.exists()


def test_members_cannot_add_people_but_the_facilitator_can(editor_client, client, group, colleague, org_a):
    url = reverse("learning:group_member_add", args=[group.pk])
    assert editor_client.post(url, {"user": colleague.pk}).status_code == 403
    facilitator = IntervisionMember.objects.get(group=group).user
    group.facilitator = facilitator
    group.save()
    editor_client.post(url, {"user": colleague.pk, "on_behalf_of": str(org_a.pk)})
    assert group.memberships.filter(user=colleague, on_behalf_of=org_a).exists()


def test_people_outside_the_network_cannot_be_added(coordinator_client, group, other_editor):
    coordinator_client.post(reverse("learning:group_member_add", args=[group.pk]), {"user": other_editor.pk})
    assert not group.memberships.filter(user=other_editor).exists()


def test_group_sessions_are_not_listed_for_people_outside_the_group(
    client, colleague, editor_client, group, network
):
    session = make_event(network, kind="intervision", intervision_group=group, title="Group session")
    open_event = make_event(network, title="Open training")
    client.force_login(colleague)
    assert [e.pk for e in client.get(reverse("learning:event_list")).context["upcoming"]] == [open_event.pk]
    listed = {e.pk for e in editor_client.get(reverse("learning:event_list")).context["upcoming"]}
    assert listed == {open_event.pk, session.pk}
