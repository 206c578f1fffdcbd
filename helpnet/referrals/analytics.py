"""Network analytics of referrals for coordinators (referrals.md §6), aggregates only, small cells suppressed.

Which referrals: sent (by `requested_at`) in the period [start, end), received by an active member organisation of
the network, and sent by another member organisation or by the person themselves (self-referrals), never those
entered in error.

Definitions (referrals.md §6):
- volume: referrals sent;
- response rate: answered (accepted or declined, `decided_at` set) / volume; "in time": by `response_due_at`;
- time to first view: median hours from sending to the receiver's first opening;
- time to decision: median working days from sending to the decision (receiver's country's holidays);
- acceptance rate: accepted / (accepted + declined); sender cancellations before a decision are in neither;
- closed-loop rate: with an outcome (completed or failed) / accepted;
- success rate: completed with need met fully or partly / closed after acceptance (completed, failed, cancelled);
- stale: still open and quiet: waiting for a decision past the due time, or accepted / in progress / on hold with
  no event for 10 working days.

Suppression: every count from 1 to 4 shows as "<5", and a rate whose denominator is under 5 is not shown. Totals
are shown only at 5 or more. (Complementary suppression across a row is not attempted: the matrix counts are per
pair of organisations, which the members know anyway; need area and municipality rows are the sensitive ones.)

All figures come from one query over the referrals (with their last event time) plus one per name list, so the
page costs the same however many referrals there are.
"""

import datetime as dt
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from helpnet.directory.models import TaxonomyTerm
from helpnet.organizations.models import Municipality, Organization

from .models import TERMINAL_STATUSES, Outcome, Referral, Source, Status
from .stats import day_start
from .workdays import working_days_between

SMALL_CELL = 5
STALE_AFTER_WORKING_DAYS = 10
SELF = "self"  # the sender key of self-referrals
OPEN_AFTER_ACCEPT = (Status.ACCEPTED, Status.IN_PROGRESS, Status.ON_HOLD)
CLOSED_AFTER_ACCEPT = (Status.COMPLETED, Status.FAILED, Status.CANCELLED)
SUCCESS_OUTCOMES = (Outcome.NEED_MET, Outcome.NEED_PARTLY_MET)


def shown(count: int) -> str:
    """A count as it may be shown: "<5" for 1 to 4."""
    return "<5" if 0 < count < SMALL_CELL else str(count)


def rate(part: int, whole: int) -> str:
    """A percentage, or "—" when the denominator is too small to show."""
    if whole < SMALL_CELL:
        return "—"
    return f"{round(100 * part / whole)} %"


@dataclass
class Group:
    """The counts behind one row (an organisation pair, a need area, a municipality, or everything)."""

    volume: int = 0
    answered: int = 0
    answered_in_time: int = 0
    accepted: int = 0
    rejected: int = 0
    closed_loop: int = 0
    closed_after_accept: int = 0
    succeeded: int = 0
    stale: int = 0

    def add(self, row: dict[str, Any]) -> None:
        self.volume += 1
        self.answered += row["answered"]
        self.answered_in_time += row["answered_in_time"]
        self.accepted += row["accepted"]
        self.rejected += row["rejected"]
        self.closed_loop += row["closed_loop"]
        self.closed_after_accept += row["closed_after_accept"]
        self.succeeded += row["succeeded"]
        self.stale += row["stale"]

    def cells(self) -> dict[str, str]:
        return {
            "volume": shown(self.volume),
            "response_rate": rate(self.answered, self.volume),
            "response_in_time_rate": rate(self.answered_in_time, self.volume),
            "acceptance_rate": rate(self.accepted, self.accepted + self.rejected),
            "closed_loop_rate": rate(self.closed_loop, self.accepted),
            "success_rate": rate(self.succeeded, self.closed_after_accept),
            "stale": shown(self.stale),
        }


@dataclass
class Report:
    network: Any
    start: dt.date
    end: dt.date
    total: Group
    median_first_view_hours: float | None
    median_decision_working_days: float | None
    outcomes: list[tuple[str, str]]
    senders: list[tuple[Any, str]]
    receivers: list[tuple[Any, str]]
    matrix: dict[tuple[Any, Any], Group]
    by_need: list[tuple[str, Group]]
    by_municipality: list[tuple[str, Group]]
    flows: list[dict[str, Any]] = field(default_factory=list)

    def matrix_cell(self, sender: Any, receiver: Any) -> str:
        group = self.matrix.get((sender, receiver))
        return shown(group.volume) if group else "0"

    def matrix_rows(self) -> list[dict[str, Any]]:
        """Per sender: (count, acceptance rate) for each receiver."""
        rows = []
        for key, name in self.senders:
            cells = []
            for receiver, _name in self.receivers:
                group = self.matrix.get((key, receiver))
                acceptance = rate(group.accepted, group.accepted + group.rejected) if group else "—"
                cells.append((self.matrix_cell(key, receiver), acceptance))
            rows.append({"sender": name, "cells": cells})
        return rows

    def chart_labels(self) -> list[dict[str, Any]]:
        """The organisation names beside the flow chart: senders left, receivers right."""
        left = [
            {"x": 4, "y": 32 + i * ROW_HEIGHT, "anchor": "start", "name": n}
            for i, (_k, n) in enumerate(self.senders)
        ]
        right = [
            {"x": SVG_WIDTH - 4, "y": 32 + i * ROW_HEIGHT, "anchor": "end", "name": n}
            for i, (_k, n) in enumerate(self.receivers)
        ]
        return left + right


def network_referrals(member_ids: Iterable[Any], start: dt.date, end: dt.date) -> Any:
    ids = list(member_ids)
    return (
        Referral.objects.filter(
            requested_at__gte=day_start(start),
            requested_at__lt=day_start(end),
            receiving_organization_id__in=ids,
        )
        .filter(Q(sender_organization_id__in=ids) | Q(source=Source.SELF))
        .exclude(status=Status.ENTERED_IN_ERROR)
    )


def _median(values: list[float]) -> float | None:
    # A median of fewer than 5 referrals could point at one person's case: not shown.
    return float(statistics.median(values)) if len(values) >= SMALL_CELL else None


def build_report(network: Any, member_ids: Iterable[Any], start: dt.date, end: dt.date) -> Report:
    now = timezone.now()
    today = timezone.localdate(now)
    raw = list(
        network_referrals(member_ids, start, end)
        .annotate(last_event_at=Max("events__at"))
        .values(
            "sender_organization_id",
            "receiving_organization_id",
            "receiving_organization__country",
            "need_term_id",
            "municipality_id",
            "status",
            "outcome",
            "requested_at",
            "first_viewed_at",
            "decided_at",
            "response_due_at",
            "last_event_at",
            "updated_at",
        )
    )
    total = Group()
    matrix: dict[tuple[Any, Any], Group] = defaultdict(Group)
    needs: dict[Any, Group] = defaultdict(Group)
    municipalities: dict[Any, Group] = defaultdict(Group)
    outcomes: Counter[str] = Counter()
    first_view_hours: list[float] = []
    decision_days: list[float] = []
    for r in raw:
        country = r["receiving_organization__country"]
        decided = r["decided_at"] is not None
        rejected = r["status"] == Status.REJECTED
        accepted = decided and not rejected
        open_ = r["status"] not in TERMINAL_STATUSES
        last = r["last_event_at"] or r["updated_at"]
        stale = open_ and (
            (not decided and r["response_due_at"] is not None and r["response_due_at"] < now)
            or (
                r["status"] in OPEN_AFTER_ACCEPT
                and working_days_between(timezone.localdate(last), today, country) >= STALE_AFTER_WORKING_DAYS
            )
        )
        row = {
            "answered": int(decided),
            "answered_in_time": int(
                decided and (r["response_due_at"] is None or r["decided_at"] <= r["response_due_at"])
            ),
            "accepted": int(accepted),
            "rejected": int(rejected),
            "closed_loop": int(accepted and r["status"] in (Status.COMPLETED, Status.FAILED)),
            "closed_after_accept": int(accepted and r["status"] in CLOSED_AFTER_ACCEPT),
            "succeeded": int(r["status"] == Status.COMPLETED and r["outcome"] in SUCCESS_OUTCOMES),
            "stale": int(stale),
        }
        total.add(row)
        matrix[(r["sender_organization_id"] or SELF, r["receiving_organization_id"])].add(row)
        needs[r["need_term_id"]].add(row)
        municipalities[r["municipality_id"]].add(row)
        if r["status"] == Status.COMPLETED and r["outcome"]:
            outcomes[r["outcome"]] += 1
        if r["first_viewed_at"]:
            first_view_hours.append((r["first_viewed_at"] - r["requested_at"]).total_seconds() / 3600)
        if decided:
            decision_days.append(
                working_days_between(
                    timezone.localdate(r["requested_at"]), timezone.localdate(r["decided_at"]), country
                )
            )

    org_names = dict(
        Organization.objects.filter(pk__in={k for pair in matrix for k in pair if k != SELF}).values_list(
            "pk", "name"
        )
    )
    sender_keys = sorted({s for s, _r in matrix}, key=lambda k: (k == SELF, org_names.get(k, "")))
    receiver_keys = sorted({r for _s, r in matrix}, key=lambda k: org_names.get(k, ""))
    senders = [(k, _("The person themselves") if k == SELF else org_names.get(k, "?")) for k in sender_keys]
    receivers = [(k, org_names.get(k, "?")) for k in receiver_keys]

    need_names = dict(TaxonomyTerm.objects.filter(pk__in=[k for k in needs if k]).values_list("pk", "name"))
    muni_names = dict(
        Municipality.objects.filter(pk__in=[k for k in municipalities if k]).values_list("pk", "name")
    )
    report = Report(
        network=network,
        start=start,
        end=end,
        total=total,
        median_first_view_hours=_median(first_view_hours),
        median_decision_working_days=_median(decision_days),
        outcomes=[(str(Outcome(code).label), shown(n)) for code, n in sorted(outcomes.items())],
        senders=senders,
        receivers=receivers,
        matrix=dict(matrix),
        by_need=_named_rows(needs, need_names, _("Need area not given")),
        by_municipality=_named_rows(municipalities, muni_names, _("Municipality not given")),
    )
    report.flows = flow_chart(report)
    return report


def _named_rows(groups: dict[Any, Group], names: dict[Any, str], missing: str) -> list[tuple[str, Group]]:
    rows = [(names.get(key, missing) if key else missing, group) for key, group in groups.items()]
    return sorted(rows, key=lambda item: (-item[1].volume, item[0]))


# --- the flow chart (server-rendered SVG) ---

SVG_WIDTH = 640
ROW_HEIGHT = 36
BOX_WIDTH = 200


def flow_chart(report: Report) -> list[dict[str, Any]]:
    """Lines from senders (left) to receivers (right), as wide as the volume; suppressed pairs are not drawn."""
    sender_y = {key: 20 + i * ROW_HEIGHT for i, (key, _name) in enumerate(report.senders)}
    receiver_y = {key: 20 + i * ROW_HEIGHT for i, (key, _name) in enumerate(report.receivers)}
    biggest = max((g.volume for g in report.matrix.values()), default=1)
    flows = []
    for (sender, receiver), group in sorted(report.matrix.items(), key=lambda item: -item[1].volume):
        if group.volume < SMALL_CELL:
            continue
        y1, y2 = sender_y[sender] + ROW_HEIGHT / 3, receiver_y[receiver] + ROW_HEIGHT / 3
        x1, x2 = BOX_WIDTH, SVG_WIDTH - BOX_WIDTH
        mid = (x1 + x2) / 2
        flows.append(
            {
                "path": f"M{x1},{y1:.0f} C{mid:.0f},{y1:.0f} {mid:.0f},{y2:.0f} {x2},{y2:.0f}",
                "width": max(2, round(16 * group.volume / biggest)),
                "volume": group.volume,
            }
        )
    return flows


def chart_height(report: Report) -> int:
    return 20 + ROW_HEIGHT * max(len(report.senders), len(report.receivers), 1)


# --- CSV ---


def csv_rows(report: Report) -> list[list[str]]:
    """The report's tables as CSV rows, with the same suppression as the page."""
    header = [
        _("Section"),
        _("Row"),
        _("Column"),
        _("Referrals"),
        _("Response rate"),
        _("Answered in time"),
        _("Acceptance rate"),
        _("Closed-loop rate"),
        _("Success rate"),
        _("Stale"),
    ]
    rows = [header]

    def add(section: str, label: str, column: str, group: Group) -> None:
        c = group.cells()
        rows.append(
            [
                section,
                label,
                column,
                c["volume"],
                c["response_rate"],
                c["response_in_time_rate"],
                c["acceptance_rate"],
                c["closed_loop_rate"],
                c["success_rate"],
                c["stale"],
            ]
        )

    add(_("Total"), "", "", report.total)
    names = dict(report.senders)
    receiver_names = dict(report.receivers)
    for (sender, receiver), group in sorted(
        report.matrix.items(),
        key=lambda item: (names.get(item[0][0], ""), receiver_names.get(item[0][1], "")),
    ):
        add(_("From × to"), names.get(sender, ""), receiver_names.get(receiver, ""), group)
    for label, group in report.by_need:
        add(_("Need area"), label, "", group)
    for label, group in report.by_municipality:
        add(_("Municipality"), label, "", group)
    for label, count in report.outcomes:
        rows.append([_("Outcome"), label, "", count, "", "", "", "", "", ""])
    return rows
