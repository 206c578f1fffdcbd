"""Changes to plans, priority scores and measure proposals. Views authorise; these enforce the domain rules."""

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from helpnet.networks.models import Network
from helpnet.networks.permissions import member_organization_ids
from helpnet.organizations.models import Organization

from .models import (
    DEFAULT_STATUS_NAMES,
    SCORE_CRITERIA,
    Activity,
    Goal,
    Measure,
    MeasureProposal,
    PriorityArea,
    PriorityScore,
    StatusDefinition,
    Strategy,
)

logger = logging.getLogger(__name__)

# key, name, default progress, closed, cancelled — the statuses every network starts with.
DEFAULT_STATUSES: list[tuple[str, str, int | None, bool, bool]] = [
    ("planned", DEFAULT_STATUS_NAMES["planned"], 0, False, False),
    ("in_progress", DEFAULT_STATUS_NAMES["in_progress"], 50, False, False),
    ("completed", DEFAULT_STATUS_NAMES["completed"], 100, True, False),
    ("cancelled", DEFAULT_STATUS_NAMES["cancelled"], None, True, True),
]


def ensure_statuses(network: Network) -> list[StatusDefinition]:
    """The network's statuses; the defaults are created the first time a network needs them."""
    statuses = list(StatusDefinition.objects.filter(network=network))
    if statuses:
        return statuses
    with transaction.atomic():
        for order, (key, name, progress, closed, cancelled) in enumerate(DEFAULT_STATUSES):
            StatusDefinition.objects.get_or_create(
                network=network,
                key=key,
                defaults={
                    # Stored in English and shown translated (StatusDefinition.display_name) until a network
                    # renames them in the admin.
                    "name": name,
                    "default_progress": progress,
                    "is_closed": closed,
                    "is_cancelled": cancelled,
                    "order": order,
                },
            )
    return list(StatusDefinition.objects.filter(network=network))


def default_status(network: Network) -> StatusDefinition:
    statuses = ensure_statuses(network)
    return next((s for s in statuses if s.key == "planned"), statuses[0])


def check_progress_value(progress: int | None) -> None:
    if progress is not None and not 0 <= progress <= 100:
        raise ValidationError(
            _("Progress must be between 0 and 100 %%, not %(value)s %%.") % {"value": progress},
            code="progress",
        )


@transaction.atomic
def update_activity_progress(
    activity: Activity, *, status: StatusDefinition, progress: int | None, by: Any
) -> Activity:
    """Set an activity's status and progress. The status must belong to the plan's network."""
    check_progress_value(progress)
    if status.network_id != activity.measure.goal.strategy.network_id:
        raise ValidationError(_("Choose a status of this network."), code="status")
    activity.status = status
    activity.progress = progress
    activity.save(update_fields=["status", "progress", "updated_at"])
    logger.info("activity %s progress updated by user %s", activity.pk, getattr(by, "pk", None))
    return activity


def measure_code_taken(plan: Strategy, code: str, *, exclude_pk: int | None = None) -> bool:
    """Measure codes are unique within a plan, so the CSV import can find a measure by its code."""
    qs = Measure.objects.filter(goal__strategy=plan, code=code)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.exists()


def activity_code_taken(plan: Strategy, code: str, *, exclude_pk: int | None = None) -> bool:
    qs = Activity.objects.filter(measure__goal__strategy=plan, code=code)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.exists()


# --- priority scores ---------------------------------------------------------------------------------


@transaction.atomic
def save_priority_scores(
    area: PriorityArea, *, organization: Organization, scores: dict[str, int], by: Any
) -> PriorityScore:
    """Record (or replace) one organisation's score set for an area: each criterion 1–5.

    Only member organisations of the area's network score; the round must be open.
    """
    network = area.round.network
    if organization.pk not in member_organization_ids(network):
        raise ValidationError(_("Only member organisations of the network can score."), code="not_member")
    if area.round.status != area.round.Status.OPEN:
        raise ValidationError(_("This round is not open for scoring."), code="closed")
    values: dict[str, int] = {}
    for criterion in SCORE_CRITERIA:
        value = scores.get(criterion)
        if not isinstance(value, int) or not 1 <= value <= 5:
            raise ValidationError(
                _("Give every criterion a score from 1 to 5 (%(criterion)s is missing or out of range).")
                % {"criterion": criterion},
                code="score",
            )
        values[criterion] = value
    score, _created = PriorityScore.objects.update_or_create(
        area=area, organization=organization, defaults={**values, "scored_by": by}
    )
    return score


# --- measure proposals ---------------------------------------------------------------------------------


def _notify_proposal(proposal: MeasureProposal, subject: str) -> None:
    """E-mail the person who proposed: a link only, no proposal text (it may be discussed before it is public)."""
    user = proposal.submitted_by
    if not user or not user.email:
        return
    url = settings.HELPNET_BASE_URL.rstrip("/") + proposal.get_absolute_url()
    body = _("There is news about a measure you proposed. Open it here: %(url)s") % {"url": url}
    send_mail(subject, body, None, [user.email])


@transaction.atomic
def submit_proposal(
    network: Network,
    *,
    organization: Organization,
    title: str,
    description: str,
    rationale: str = "",
    populations: list[str] | None = None,
    by: Any,
) -> MeasureProposal:
    if organization.pk not in member_organization_ids(network):
        raise ValidationError(
            _("Only member organisations of the network can propose measures."), code="member"
        )
    if not title.strip() or not description.strip():
        raise ValidationError(_("A proposal needs a title and a description."), code="required")
    return MeasureProposal.objects.create(
        network=network,
        organization=organization,
        title=title.strip(),
        description=description.strip(),
        rationale=rationale.strip(),
        populations=populations or [],
        submitted_by=by,
    )


def _locked(proposal: MeasureProposal) -> MeasureProposal:
    # Two coordinators deciding at once: the second sees the first's decision and gets a clear error.
    return MeasureProposal.objects.select_for_update().get(pk=proposal.pk)


@transaction.atomic
def start_evaluating_proposal(proposal: MeasureProposal, *, by: Any) -> MeasureProposal:
    current = _locked(proposal)
    if current.status != MeasureProposal.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted proposal can move to evaluation."), code="status")
    current.status = MeasureProposal.Status.EVALUATING
    current.save(update_fields=["status", "updated_at"])
    return current


def _check_meeting(current: MeasureProposal, meeting: Any) -> None:
    if meeting is not None and meeting.network_id != current.network_id:
        raise ValidationError(_("Choose a meeting of this network."), code="meeting")


def _check_open_with_answer(current: MeasureProposal, answer: str) -> None:
    if current.status not in (MeasureProposal.Status.SUBMITTED, MeasureProposal.Status.EVALUATING):
        raise ValidationError(_("This proposal has already been decided."), code="decided")
    if not answer.strip():
        raise ValidationError(_("Write an answer to the organisation that proposed it."), code="answer")


@transaction.atomic
def reject_proposal(
    proposal: MeasureProposal, *, answer: str, by: Any, decided_in: Any = None
) -> MeasureProposal:
    current = _locked(proposal)
    _check_open_with_answer(current, answer)
    _check_meeting(current, decided_in)
    current.status = MeasureProposal.Status.REJECTED
    current.answer = answer.strip()
    current.decided_by = by
    current.decided_at = timezone.now()
    current.decided_in = decided_in
    current.save(update_fields=["status", "answer", "decided_by", "decided_at", "decided_in", "updated_at"])
    transaction.on_commit(lambda: _notify_proposal(current, _("Your proposed measure was answered")))
    return current


@transaction.atomic
def accept_proposal(
    proposal: MeasureProposal, *, goal: Goal, code: str, answer: str, by: Any, decided_in: Any = None
) -> tuple[MeasureProposal, Measure]:
    """Accept a proposal: it becomes a measure under `goal` (a goal of a plan of the same network), led by the
    proposing organisation, in the same transaction as the decision."""
    current = _locked(proposal)
    _check_open_with_answer(current, answer)
    _check_meeting(current, decided_in)
    plan = goal.strategy
    if plan.network_id != current.network_id:
        raise ValidationError(_("Choose a goal of a plan of this network."), code="goal")
    code = code.strip()
    if not code:
        raise ValidationError(_("Give the new measure a code."), code="code")
    if measure_code_taken(plan, code):
        raise ValidationError(
            _("The code %(code)s is already used in this plan.") % {"code": code}, code="code_taken"
        )
    order = (goal.measures.aggregate(m=Max("order"))["m"] or 0) + 1
    measure = Measure.objects.create(
        goal=goal,
        code=code,
        title=current.title,
        description=current.description,
        populations=current.populations,
        origin=Measure.Origin.PROPOSAL,
        lead_organization=current.organization,
        status=default_status(plan.network),
        order=order,
    )
    current.status = MeasureProposal.Status.ACCEPTED
    current.answer = answer.strip()
    current.decided_by = by
    current.decided_at = timezone.now()
    current.measure = measure
    current.decided_in = decided_in
    current.save(
        update_fields=["status", "answer", "decided_by", "decided_at", "decided_in", "measure", "updated_at"]
    )
    transaction.on_commit(lambda: _notify_proposal(current, _("Your proposed measure was answered")))
    return current, measure


def proposal_detail_path(proposal: MeasureProposal) -> str:
    return reverse("planning:proposal_detail", args=[proposal.network.slug, proposal.pk])


@transaction.atomic
def save_round_scores(
    areas_scores: dict[PriorityArea, dict[str, int]], *, organization: Organization, by: Any
) -> int:
    """Save one organisation's score sets for several areas together: all of them or none."""
    for area, scores in areas_scores.items():
        save_priority_scores(area, organization=organization, scores=scores, by=by)
    return len(areas_scores)
