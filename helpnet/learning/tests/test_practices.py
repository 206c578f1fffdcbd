"""Good practices: the review workflow, and who sees what (public only once published)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from helpnet.directory import vocabulary
from helpnet.learning import actions
from helpnet.learning.models import CRITERION_CODES, EXCLUSION_CRITERIA, GoodPractice

pytestmark = pytest.mark.django_db

ANSWERS = {code: f"Answer about {code}." for code in CRITERION_CODES}
ALL_MET = dict.fromkeys(CRITERION_CODES, 2)


def make_practice(network, org, **fields):
    data = {
        "title": "Health-promotion workshops",
        "summary": "Free workshops on healthy living.",
        "description": "Groups of 10–15 people meet weekly.",
        "criteria": dict(ANSWERS),
    }
    data.update(fields)
    return actions.create_practice(network, organization=org, by=None, data=data)


def publish(practice, reviewer):
    actions.submit_practice(practice)
    actions.start_review(practice)
    actions.review_practice(practice, reviewer=reviewer, scores=ALL_MET, comment="")
    return actions.publish_practice(practice)


def status(practice):
    return GoodPractice.objects.get(pk=practice.pk).status


def test_the_whole_workflow_from_draft_to_published(network, org_a, coordinator):
    practice = make_practice(network, org_a)
    assert practice.status == GoodPractice.Status.DRAFT
    actions.submit_practice(practice)
    assert status(practice) == GoodPractice.Status.SUBMITTED
    actions.start_review(practice)
    assert status(practice) == GoodPractice.Status.IN_REVIEW
    actions.review_practice(practice, reviewer=coordinator, scores=ALL_MET, comment="Clear.")
    published = actions.publish_practice(practice)
    assert published.status == GoodPractice.Status.PUBLISHED and published.published_at is not None
    actions.archive_practice(published)
    assert status(practice) == GoodPractice.Status.ARCHIVED


def test_returned_practice_is_edited_and_resubmitted(network, org_a):
    practice = make_practice(network, org_a)
    actions.submit_practice(practice)
    with pytest.raises(ValidationError):
        actions.return_practice(practice, comment="   ")
    returned = actions.return_practice(practice, comment="Add the evaluation results.")
    assert returned.status == GoodPractice.Status.RETURNED
    assert returned.review_comment == "Add the evaluation results."
    actions.update_practice(returned, data={"summary": "Better summary."}, populations=[], need_areas=[])
    assert actions.submit_practice(returned).status == GoodPractice.Status.SUBMITTED


def test_submitting_needs_the_five_exclusion_criteria(network, org_a):
    practice = make_practice(network, org_a, criteria={"relevance": "Yes", "equity": "Yes"})
    with pytest.raises(ValidationError, match="relevance"):
        actions.submit_practice(practice)
    assert status(practice) == GoodPractice.Status.DRAFT


def test_publishing_needs_a_review_meeting_the_exclusion_criteria(network, org_a, coordinator):
    practice = make_practice(network, org_a)
    actions.submit_practice(practice)
    with pytest.raises(ValidationError):
        actions.publish_practice(practice)  # not in review yet
    actions.start_review(practice)
    with pytest.raises(ValidationError):
        actions.publish_practice(practice)  # no review yet
    weak = dict(ALL_MET, **{EXCLUSION_CRITERIA[2]: 0})
    actions.review_practice(practice, reviewer=coordinator, scores=weak, comment="No evidence.")
    with pytest.raises(ValidationError):
        actions.publish_practice(practice)
    assert status(practice) == GoodPractice.Status.IN_REVIEW


@pytest.mark.parametrize("scores", [dict(ALL_MET, relevance=4), {"relevance": 3}, dict(ALL_MET, equity=-1)])
def test_review_scores_must_cover_every_criterion_from_0_to_3(network, org_a, coordinator, scores):
    practice = make_practice(network, org_a)
    actions.submit_practice(practice)
    actions.start_review(practice)
    with pytest.raises(ValidationError):
        actions.review_practice(practice, reviewer=coordinator, scores=scores, comment="")
    assert not practice.reviews.exists()


def test_a_published_practice_cannot_be_edited_or_resubmitted(network, org_a, coordinator):
    practice = publish(make_practice(network, org_a), coordinator)
    with pytest.raises(ValidationError):
        actions.update_practice(practice, data={"title": "x"}, populations=[], need_areas=[])
    with pytest.raises(ValidationError):
        actions.submit_practice(practice)
    assert status(practice) == GoodPractice.Status.PUBLISHED


# --- visibility through the pages ---


def test_drafts_are_not_public(client, network, org_a):
    practice = make_practice(network, org_a)
    assert client.get(reverse("learning:practice_detail", args=[practice.slug])).status_code == 404
    assert list(client.get(reverse("learning:practice_list")).context["practices"]) == []


def test_published_practices_are_public(client, network, org_a, coordinator):
    practice = publish(make_practice(network, org_a), coordinator)
    response = client.get(reverse("learning:practice_detail", args=[practice.slug]))
    assert response.status_code == 200
    assert "Health-promotion workshops" in response.content.decode()
    assert list(client.get(reverse("learning:practice_list")).context["practices"]) == [practice]


def test_archived_practices_leave_the_public_library(client, network, org_a, coordinator):
    practice = publish(make_practice(network, org_a), coordinator)
    actions.archive_practice(practice)
    assert client.get(reverse("learning:practice_detail", args=[practice.slug])).status_code == 404


def test_a_draft_is_seen_by_its_organisation_and_the_coordinators_only(
    editor_client, coordinator_client, other_editor_client, network, org_a, other_network
):
    practice = make_practice(network, org_a)
    url = reverse("learning:practice_manage", args=[practice.pk])
    assert editor_client.get(url).status_code == 200
    assert coordinator_client.get(url).status_code == 200
    assert other_editor_client.get(url).status_code == 404
    assert (
        practice not in other_editor_client.get(reverse("learning:practice_manage_list")).context["practices"]
    )


def test_another_member_organisation_does_not_see_the_draft(client, network, org_a):
    from helpnet.networks.tests.factories import NetworkMemberFactory
    from helpnet.organizations.tests.factories import MembershipFactory, OrganizationFactory

    org_c = OrganizationFactory()
    NetworkMemberFactory(network=network, organization=org_c)
    client.force_login(MembershipFactory(organization=org_c).user)
    practice = make_practice(network, org_a)
    assert client.get(reverse("learning:practice_manage", args=[practice.pk])).status_code == 404


def test_the_organisation_cannot_review_or_publish_its_own_practice(editor_client, network, org_a):
    practice = make_practice(network, org_a)
    actions.submit_practice(practice)
    assert (
        editor_client.post(reverse("learning:practice_start_review", args=[practice.pk])).status_code == 403
    )
    assert editor_client.post(reverse("learning:practice_publish", args=[practice.pk])).status_code == 403
    assert status(practice) == GoodPractice.Status.SUBMITTED


def test_coordinator_runs_the_review_through_the_pages(coordinator_client, network, org_a):
    practice = make_practice(network, org_a)
    actions.submit_practice(practice)
    coordinator_client.post(reverse("learning:practice_start_review", args=[practice.pk]))
    scores = {f"score_{code}": "3" for code in CRITERION_CODES}
    coordinator_client.post(
        reverse("learning:practice_review", args=[practice.pk]), {**scores, "comment": "Good"}
    )
    coordinator_client.post(reverse("learning:practice_publish", args=[practice.pk]))
    assert status(practice) == GoodPractice.Status.PUBLISHED


def test_returning_without_a_comment_saves_nothing(coordinator_client, network, org_a):
    practice = make_practice(network, org_a)
    actions.submit_practice(practice)
    coordinator_client.post(reverse("learning:practice_return", args=[practice.pk]), {"comment": ""})
    assert status(practice) == GoodPractice.Status.SUBMITTED


def practice_form_data(org, **overrides):
    data = {
        "organization": str(org.pk),
        "title": "Afklarende samtale",
        "summary": "A clarifying talk.",
        "description": "One conversation that finds the right help.",
        "territory": "Randers",
        "period_start": "2024-01-01",
        "period_end": "",
        "contact": "sundhed@example.org",
        "links": "https://example.org/a\nhttps://example.org/b",
        "original_language": "da",
        "need_areas": [str(vocabulary.term_id(vocabulary.NEED_AREAS_TAXONOMY, "health-promotion"))],
        "populations": [str(vocabulary.term_id(vocabulary.TARGET_GROUPS_TAXONOMY, "adults"))],
        **{f"criterion_{code}": text for code, text in ANSWERS.items()},
    }
    data.update(overrides)
    return data


def test_staff_write_a_draft_with_criteria_through_the_form(editor_client, network, org_a):
    response = editor_client.post(
        reverse("learning:practice_create", args=[network.slug]), practice_form_data(org_a)
    )
    assert response.status_code == 302
    practice = GoodPractice.objects.get()
    assert practice.criteria == ANSWERS
    assert practice.link_list == ["https://example.org/a", "https://example.org/b"]
    assert [t.code for t in practice.need_areas.all()] == ["health-promotion"]
    assert practice.status == GoodPractice.Status.DRAFT and practice.original_language == "da"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"links": "https://example.org\nnot a link"}, "links"),
        ({"period_start": "2025-01-01", "period_end": "2024-01-01"}, "period_end"),
        ({"title": ""}, "title"),
    ],
)
def test_bad_practice_input_saves_nothing(editor_client, network, org_a, overrides, field):
    response = editor_client.post(
        reverse("learning:practice_create", args=[network.slug]), practice_form_data(org_a, **overrides)
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not GoodPractice.objects.exists()


def test_public_list_filters_by_population_and_need_area(client, network, org_a, coordinator):
    need = vocabulary.term_id(vocabulary.NEED_AREAS_TAXONOMY, "addiction")
    adults = vocabulary.term_id(vocabulary.TARGET_GROUPS_TAXONOMY, "adults")
    elderly = vocabulary.term_id(vocabulary.TARGET_GROUPS_TAXONOMY, "elderly")
    first = make_practice(network, org_a, title="First")
    first.need_areas.set([need])
    first.populations.set([adults])
    second = make_practice(network, org_a, title="Second")
    second.populations.set([elderly])
    publish(first, coordinator)
    publish(second, coordinator)
    url = reverse("learning:practice_list")
    assert [p.title for p in client.get(url, {"need": "addiction"}).context["practices"]] == ["First"]
    assert [p.title for p in client.get(url, {"population": "elderly"}).context["practices"]] == ["Second"]
    assert len(client.get(url).context["practices"]) == 2


def test_the_organisation_edits_a_returned_practice_but_not_a_submitted_one(editor_client, network, org_a):
    practice = make_practice(network, org_a)
    actions.submit_practice(practice)
    url = reverse("learning:practice_edit", args=[practice.pk])
    assert editor_client.get(url).status_code == 403
    actions.return_practice(practice, comment="Add results.")
    assert editor_client.get(url).status_code == 200
    response = editor_client.post(url, practice_form_data(org_a, title="Workshops, with results"))
    assert response.status_code == 302
    assert GoodPractice.objects.get(pk=practice.pk).title == "Workshops, with results"


def test_the_practice_form_page_renders_for_staff_and_not_for_other_networks(
    editor_client, other_editor_client, network
):
    url = reverse("learning:practice_create", args=[network.slug])
    response = editor_client.get(url)
    assert response.status_code == 200
    assert len(response.context["form"].criterion_fields()) == len(CRITERION_CODES)
    assert other_editor_client.get(url).status_code == 404
