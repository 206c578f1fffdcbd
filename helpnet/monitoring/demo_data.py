"""Demo indicators for the Sevnica local group's strategy (LSKZ Sevnica), with periods and figures 2025–2026.

From the seed documents: the group promotes health (smoking, health-promotion workshops), links partners (the
help map, referrals between them) and follows its goals. Figures are in several states: validated, returned
with a comment, submitted and draft; the 2025 periods are locked.

Idempotent: indicators are found by network and code, periods by network and label, figures by their unique
key. Skips quietly when the networks demo has not created the group.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from helpnet.accounts.models import User
from helpnet.directory.demo.loader import demo_id
from helpnet.networks.models import Network
from helpnet.organizations.models import Organization

from .actions import seed_breakdowns
from .automatic import compute_automatic_indicators
from .models import Frequency, Indicator, Measurement, ReportingPeriod

NETWORK_SLUG = "lskz-sevnica"

# code, name, kind, unit, direction, frequency, baseline, target, goal code, responsible, reporters, automatic
INDICATORS: list[tuple[Any, ...]] = [
    (
        "K1",
        "Delež odraslih, ki kadijo",
        "population",
        "percent",
        "decrease",
        "yearly",
        "21.5",
        "17",
        "C1",
        "zd-sevnica",
        [],
        "",
    ),
    (
        "K2",
        "Udeleženci delavnic za krepitev zdravja",
        "performance",
        "count",
        "increase",
        "quarterly",
        "90",
        "160",
        "C1",
        "zd-sevnica",
        ["zd-sevnica", "kstm-sevnica", "ozara-sevnica"],
        "",
    ),
    (
        "K3",
        "Napotitve med partnerji",
        "performance",
        "count",
        "increase",
        "quarterly",
        "0",
        "60",
        "C2",
        "zd-sevnica",
        [],
        Indicator.AutomaticKey.REFERRALS_BETWEEN_PARTNERS,
    ),
    (
        "K4",
        "Delež storitev, preverjenih v zadnjih 6 mesecih",
        "performance",
        "percent",
        "increase",
        "quarterly",
        "40",
        "90",
        "C2",
        "zd-sevnica",
        [],
        Indicator.AutomaticKey.SERVICES_VERIFIED_6_MONTHS,
    ),
    (
        "K5",
        "Delež iskanj brez zadetkov na zemljevidu pomoči",
        "performance",
        "percent",
        "decrease",
        "quarterly",
        "25",
        "10",
        "C3",
        "zd-sevnica",
        [],
        Indicator.AutomaticKey.SEARCHES_WITHOUT_RESULTS,
    ),
]

DEFINITIONS = {
    "K1": "Delež odraslih (25–74 let) v občini Sevnica, ki kadijo vsak dan ali občasno (anketa CINDI/NIJZ).",
    "K2": "Število udeležencev delavnic za krepitev zdravja (zdrav življenjski slog, gibanje, prehrana) v obdobju.",
    "K3": "Število napotitev, ki jih je ena partnerska organizacija poslala drugi prek helpneta.",
    "K4": "Delež aktivnih storitev partnerjev na zemljevidu pomoči, ki so bile preverjene v zadnjih 6 mesecih.",
    "K5": "Delež iskanj na zemljevidu pomoči v občini, ki niso našla nobene storitve.",
}

# K2 workshop participants per quarter and organisation: (zd, kstm, ozara)
WORKSHOPS = {
    "2025-Q1": (55, 28, 14),
    "2025-Q2": (62, 30, 15),
    "2025-Q3": (58, 35, 16),
    "2025-Q4": (68, 33, 18),
    "2026-Q1": (75, 38, 20),
    "2026-Q2": (80, 36, 21),
    "2026-Q3": (84, 41, 22),
}


def _quarters() -> list[tuple[str, dt.date, dt.date]]:
    quarters = []
    for year in (2025, 2026):
        for q in range(4):
            start = dt.date(year, 3 * q + 1, 1)
            next_start = dt.date(year + 1, 1, 1) if q == 3 else dt.date(year, 3 * q + 4, 1)
            quarters.append((f"{year}-Q{q + 1}", start, next_start - dt.timedelta(days=1)))
    return quarters


def _period(network: Network, label: str, frequency: str, start: dt.date, end: dt.date) -> ReportingPeriod:
    period, _ = ReportingPeriod.objects.get_or_create(
        network=network,
        label=label,
        defaults={
            "frequency": frequency,
            "start": start,
            "end": end,
            "due_date": end + dt.timedelta(days=15),
            "timely_until": end + dt.timedelta(days=20),
        },
    )
    return period


def _figure(
    indicator: Indicator,
    period: ReportingPeriod,
    organization: Organization | None,
    value: Any,
    status: str,
    *,
    by: User | None,
    reviewer: User | None,
    late_days: int = 0,
    note: str = "",
) -> None:
    submitted = None
    if status != Measurement.Status.DRAFT:
        day = period.due_date + dt.timedelta(days=late_days - 5)
        submitted = dt.datetime.combine(day, dt.time(10), tzinfo=timezone.get_current_timezone())
    Measurement.objects.update_or_create(
        indicator=indicator,
        period=period,
        reporting_organization=organization,
        disagg_key="",
        defaults={
            "value": Decimal(value),
            "status": status,
            "note": note,
            "created_by": by,
            "submitted_by": by if submitted else None,
            "submitted_at": submitted,
            "validated_by": reviewer if status in ("validated", "returned") else None,
            "validated_at": submitted + dt.timedelta(days=3) if submitted and status == "validated" else None,
            "review_note": "Ali so vključeni tudi udeleženci iz Krmelja?" if status == "returned" else "",
        },
    )


@transaction.atomic
def load() -> str:
    network = Network.objects.filter(slug=NETWORK_SLUG).first()
    if network is None:
        return "monitoring: skipped (no Sevnica local group; load the networks demo first)"
    from helpnet.planning.models import Goal

    seed_breakdowns(network)
    keys = {row[9] for row in INDICATORS} | {key for row in INDICATORS for key in row[10]}
    ids = {demo_id("organization", key): key for key in keys}
    orgs = {ids[o.pk]: o for o in Organization.objects.filter(pk__in=ids)}
    goals = {
        g.code: g for g in Goal.objects.filter(strategy__network=network).order_by("-strategy__period_start")
    }
    people = {u.username: u for u in User.objects.filter(username__in=["skrbnik", "urednik"])}
    coordinator, reporter = people.get("skrbnik"), people.get("urednik")
    breakdowns = list(network.disaggregation_categories.filter(key__in=["sex", "age_group"]))

    indicators: dict[str, Indicator] = {}
    for order, row in enumerate(INDICATORS):
        code, name, kind, unit, direction, frequency, baseline, target, goal, responsible, reporters, key = (
            row
        )
        indicator, _ = Indicator.objects.update_or_create(
            network=network,
            code=code,
            defaults={
                "name": name,
                "kind": kind,
                "definition": DEFINITIONS[code],
                "unit": unit,
                "direction": direction,
                "frequency": frequency,
                "baseline_value": Decimal(baseline),
                "baseline_date": dt.date(2024, 12, 31),
                "target_value": Decimal(target),
                "target_date": dt.date(2030, 12, 31),
                "goal": goals.get(goal),
                "responsible_organization": orgs.get(responsible),
                "source": "automatic" if key else "manual",
                "automatic_key": key,
                "order": order,
            },
        )
        indicator.reporting_organizations.set([orgs[k] for k in reporters if k in orgs])
        if code == "K2":
            indicator.breakdowns.set(breakdowns)
        indicators[code] = indicator

    periods = {label: _period(network, label, Frequency.QUARTERLY, s, e) for label, s, e in _quarters()}
    for year in (2025, 2026):
        periods[str(year)] = _period(
            network, str(year), Frequency.YEARLY, dt.date(year, 1, 1), dt.date(year, 12, 31)
        )

    reporters = [orgs.get(k) for k in ("zd-sevnica", "kstm-sevnica", "ozara-sevnica")]
    for label, values in WORKSHOPS.items():
        for i, (organization, value) in enumerate(zip(reporters, values, strict=True)):
            if organization is None:
                continue
            status = Measurement.Status.VALIDATED
            if label == "2026-Q2" and i == 2:
                status = Measurement.Status.RETURNED
            elif label == "2026-Q3":
                status = (
                    Measurement.Status.SUBMITTED,
                    Measurement.Status.SUBMITTED,
                    Measurement.Status.DRAFT,
                )[i]
            late = 12 if (label in ("2025-Q3", "2026-Q1") and i == 1) else 0
            _figure(
                indicators["K2"],
                periods[label],
                organization,
                value,
                status,
                by=reporter,
                reviewer=coordinator,
                late_days=late,
            )
    _figure(
        indicators["K1"],
        periods["2025"],
        orgs.get("zd-sevnica"),
        "20.8",
        Measurement.Status.VALIDATED,
        by=reporter,
        reviewer=coordinator,
        note="Anketa med odraslimi 2025, vzorec 600 oseb.",
    )

    # Computed figures first: locked periods are never recomputed.
    computed = compute_automatic_indicators()
    for label in ("2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2025"):
        period = periods[label]
        if not period.is_locked:
            period.locked_at = dt.datetime.combine(
                period.due_date + dt.timedelta(days=30), dt.time(9), tzinfo=dt.UTC
            )
            period.locked_by = coordinator
            period.save(update_fields=["locked_at", "locked_by"])
    return (
        f"monitoring: {len(indicators)} indicators, {len(periods)} periods, "
        f"{Measurement.objects.filter(indicator__network=network).count()} figures ({computed})"
    )
