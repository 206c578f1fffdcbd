"""Reads for the referral pages, with their related rows fetched in the same query."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from helpnet.organizations.models import Membership, Organization

from .models import (
    TERMINAL_STATUSES,
    UNDECIDED_STATUSES,
    AccessLogEntry,
    Referral,
    ReferralEvent,
    ReferralMessage,
)

INBOX_TABS = ("new", "overdue", "mine", "sent", "all")


def _tab_filter(organization: Organization, tab: str, user: Any) -> Q:
    received = Q(receiving_organization=organization)
    if tab == "new":
        return received & Q(status__in=UNDECIDED_STATUSES)
    if tab == "overdue":
        return received & Q(status__in=UNDECIDED_STATUSES, response_due_at__lt=timezone.now())
    if tab == "mine":
        return received & Q(assigned_to=user) & ~Q(status__in=TERMINAL_STATUSES)
    if tab == "sent":
        return Q(sender_organization=organization)
    return received | Q(sender_organization=organization)


INBOX_RELATED = ("service", "sender_organization", "receiving_organization", "assigned_to")


def inbox(organization: Organization, *, tab: str, user: Any) -> "QuerySet[Referral] | AllTab":
    """One organisation's referrals in a tab: waiting ones oldest first, the others latest change first."""
    if tab not in ("new", "overdue", "mine", "sent"):
        return AllTab(organization)
    order = ["requested_at", "created_at"] if tab in ("new", "overdue") else ["-updated_at"]
    return (
        Referral.objects.filter(_tab_filter(organization, tab, user))
        .select_related(*INBOX_RELATED)
        .order_by(*order, "pk")
    )


class AllTab:
    """The "all" tab, received and sent, latest change first, for the Paginator.

    "receiving = X OR sender = X ORDER BY updated_at" cannot walk one index: SQLite sorted all 10 000 rows of
    a busy organisation for every page (36 ms). Each half walks its own (organisation, updated_at) index for
    the first rows up to the page's end; the two are merged here and the page's rows fetched by id.
    """

    def __init__(self, organization: Organization) -> None:
        self.received = Referral.objects.filter(receiving_organization=organization)
        self.sent = Referral.objects.filter(sender_organization=organization).exclude(
            receiving_organization=organization
        )

    def count(self) -> int:
        return self.received.count() + self.sent.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, bounds: slice) -> list[Referral]:
        start, stop = bounds.start or 0, bounds.stop
        if stop is None or stop <= start:
            return []
        halves = [
            list(half.order_by("-updated_at", "pk").values_list("updated_at", "pk")[:stop])
            for half in (self.received, self.sent)
        ]
        merged = sorted(halves[0] + halves[1], key=lambda row: (-row[0].timestamp(), str(row[1])))
        ids = [pk for _updated, pk in merged[start:stop]]
        rows = {r.pk: r for r in Referral.objects.filter(pk__in=ids).select_related(*INBOX_RELATED)}
        return [rows[pk] for pk in ids if pk in rows]


def inbox_counts(organization: Organization, *, user: Any) -> dict[str, int]:
    """How many referrals wait in the new, overdue and mine tabs (one query)."""
    return Referral.objects.aggregate(
        **{
            tab: Count("pk", filter=_tab_filter(organization, tab, user))
            for tab in ("new", "overdue", "mine")
        }
    )


def acting_memberships(user: Any) -> QuerySet[Membership]:
    """The user's memberships, by organisation name (the organisations whose inbox they may open)."""
    return Membership.objects.filter(user=user).select_related("organization").order_by("organization__name")


@dataclass
class TimelineItem:
    at: Any
    event: ReferralEvent | None = None
    message: ReferralMessage | None = None


def timeline(referral: Referral) -> list[TimelineItem]:
    """Events and messages together, oldest first (two queries)."""
    events = referral.events.select_related("actor", "actor_organization")
    messages = referral.messages.select_related("author", "organization")
    items = [TimelineItem(at=e.at, event=e) for e in events]
    items += [TimelineItem(at=m.created_at, message=m) for m in messages]
    return sorted(items, key=lambda item: item.at)


def colleagues(organization_id: Any) -> QuerySet[Membership]:
    """Members of the receiving organisation, to assign a referral to."""
    return (
        Membership.objects.filter(organization_id=organization_id)
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "user__username")
    )


def chain(referral: Referral) -> QuerySet[Referral]:
    """The referrals forwarded from this one and the ones sent again after it."""
    return Referral.objects.filter(Q(parent=referral) | Q(previous=referral)).select_related(
        "receiving_organization", "service"
    )


def access_log_of(organization: Organization) -> QuerySet[AccessLogEntry]:
    return AccessLogEntry.objects.filter(organization=organization).select_related("user")


def service_choices(text: str, *, exclude_org_ids: list[Any], limit: int = 20) -> list[Any]:
    """Active services of other organisations whose name contains `text`, that take referrals."""
    from helpnet.directory.models import Service

    if len(text.strip()) < 2:
        return []
    return list(
        Service.objects.filter(name__icontains=text.strip(), status="active")
        .exclude(organization_id__in=exclude_org_ids)
        .exclude(referral_settings__accepts_referrals=False)
        .select_related("organization")
        .order_by("name")[:limit]
    )
