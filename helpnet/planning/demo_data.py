"""Demo plans for the Sevnica local group (LSKZ Sevnica), from the source documents in /work/shared/seeds:

- the local strategy for health promotion and reducing inequalities in health 2026–2030, with three goals
  (health promotion, fewer inequalities in health, mental health), measures and activities with statuses;
- the action plan 2026 that implements it;
- a needs-assessment round with the problem areas the Posavje network named at its founding meeting
  (violence in the family, addiction, support for parents, mental distress, immigrant families), scored by
  member organisations;
- two measures proposed by NGOs, one waiting and one accepted.

Idempotent: plans, goals and items are found by network and code, areas by round and title. Skips quietly when
the networks demo (helpnet/networks/demo_data.py) has not created the group.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction

from helpnet.accounts.models import User
from helpnet.directory.demo.loader import demo_id
from helpnet.networks.models import Network
from helpnet.organizations.models import Municipality, Organization

from .actions import ensure_statuses
from .models import (
    Activity,
    Goal,
    Measure,
    MeasureProposal,
    Milestone,
    NeedsAssessmentRound,
    PriorityArea,
    PriorityScore,
    StatusDefinition,
    Strategy,
)

NETWORK_SLUG = "lskz-sevnica"

# code, title, description, populations
GOALS = [
    (
        "C1",
        "Krepitev zdravja in zdravega življenjskega sloga",
        "Več prebivalcev občine Sevnica se giblje, zdravo prehranjuje in ne kadi; preventivne obravnave so "
        "dostopne v lokalnih skupnostih.",
        ["children_youth", "adults", "elderly"],
    ),
    (
        "C2",
        "Zmanjševanje neenakosti v zdravju",
        "Ranljive skupine (brezposelni, starejši na podeželju, priseljene družine) imajo boljši dostop do "
        "preventivnih storitev in pomoči.",
        ["adults", "elderly"],
    ),
    (
        "C3",
        "Duševno zdravje",
        "Ljudje v duševni stiski hitreje dobijo pomoč; okrepljeno je terensko delo in skupine za samopomoč.",
        ["children_youth", "adults"],
    ),
]

# goal code, code, title, lead org key, partner keys, populations, start, end, budget, status, progress, weight
MEASURES = [
    (
        "C1",
        "C1.U1",
        "Zemljevid pomoči lokalne skupnosti",
        "zd-sevnica",
        ["obcina-sevnica", "csd-posavje"],
        [],
        "2026-01-01",
        "2026-12-31",
        "2000",
        "in_progress",
        None,
        "1",
    ),
    (
        "C1",
        "C1.U2",
        "Posvetovalnice v lokalnih skupnostih",
        "zd-sevnica",
        ["kstm-sevnica", "du-sevnica"],
        ["adults", "elderly"],
        "2026-01-01",
        "2030-12-31",
        "6000",
        "in_progress",
        None,
        "2",
    ),
    (
        "C2",
        "C2.U1",
        "Terenske preventivne obravnave za starejše na podeželju",
        "zd-sevnica",
        ["du-sevnica", "rk-sevnica", "karitas-sevnica"],
        ["elderly"],
        "2026-03-01",
        "2028-12-31",
        "12000",
        "in_progress",
        None,
        "2",
    ),
    (
        "C2",
        "C2.U2",
        "Podpora brezposelnim pri skrbi za zdravje",
        "zrsz",
        ["zd-sevnica", "csd-posavje"],
        ["adults"],
        "2026-09-01",
        "2027-06-30",
        "3000",
        "planned",
        None,
        "1",
    ),
    (
        "C3",
        "C3.U1",
        "Skupine za samopomoč in podporne mreže",
        "ozara-sevnica",
        ["zaupanje", "csd-posavje"],
        ["adults"],
        "2026-01-01",
        "2030-12-31",
        "8000",
        "in_progress",
        40,
        "1",
    ),
    (
        "C3",
        "C3.U2",
        "Duševno zdravje otrok in mladostnikov v šolah",
        "os-sevnica",
        ["os-bostanj", "zd-sevnica"],
        ["children_youth"],
        "2026-09-01",
        "2027-06-30",
        None,
        "planned",
        None,
        "1",
    ),
]

# measure code, code, title, lead org key, status, progress, weight, start, end
ACTIVITIES = [
    (
        "C1.U1",
        "C1.U1.A1",
        "Zbiranje podatkov o storitvah partnerjev",
        "zd-sevnica",
        "completed",
        None,
        "1",
        "2026-01-15",
        "2026-03-31",
    ),
    (
        "C1.U1",
        "C1.U1.A2",
        "Objava zemljevida in predstavitev v lokalnih skupnostih",
        "obcina-sevnica",
        "in_progress",
        60,
        "1",
        "2026-04-01",
        "2026-06-30",
    ),
    (
        "C1.U1",
        "C1.U1.A3",
        "Tiskani katalog informacij",
        "csd-posavje",
        "cancelled",
        None,
        "1",
        "2026-05-01",
        "2026-06-30",
    ),
    (
        "C1.U2",
        "C1.U2.A1",
        "Posvetovalnica v VGC Andeški hram (1. in 3. sreda)",
        "zd-sevnica",
        "in_progress",
        50,
        "2",
        "2026-01-07",
        "2026-12-16",
    ),
    (
        "C1.U2",
        "C1.U2.A2",
        "Delavnice zdravega življenjskega sloga za upokojence",
        "du-sevnica",
        "planned",
        None,
        "1",
        "2026-10-01",
        "2026-11-30",
    ),
    (
        "C2.U1",
        "C2.U1.A1",
        "Obiski na domu v KS Tržišče in Krmelj",
        "zd-sevnica",
        "in_progress",
        30,
        "1",
        "2026-03-01",
        "2026-12-31",
    ),
    (
        "C2.U1",
        "C2.U1.A2",
        "Prevozi na preventivne preglede",
        "rk-sevnica",
        "planned",
        None,
        "1",
        "2026-06-01",
        "2026-12-31",
    ),
    (
        "C3.U1",
        "C3.U1.A1",
        "Skupina za samopomoč za svojce",
        "ozara-sevnica",
        "in_progress",
        70,
        "1",
        "2026-01-01",
        "2026-12-31",
    ),
    (
        "C3.U1",
        "C3.U1.A2",
        "Intervizija za strokovne delavce",
        "zaupanje",
        "planned",
        None,
        "1",
        "2026-09-01",
        "2026-12-31",
    ),
]

# title, description, evidence, populations
AREAS = [
    (
        "Nasilje v družini",
        "Program za preprečevanje nasilja v družini.",
        "Ustanovna seja mreže Posavje za zdravje (16. 4. 2015) ga je uvrstila med najpomembnejša področja.",
        ["adults", "children_youth"],
    ),
    (
        "Zasvojenost",
        "Spopadanje s problematiko zasvojenosti.",
        "Ustanovna seja mreže Posavje za zdravje; iskanja na zemljevidu pomoči brez zadetkov.",
        ["adults"],
    ),
    (
        "Pomoč staršem",
        "Ustrezni in dostopni programi pomoči za starše.",
        "Ustanovna seja mreže Posavje za zdravje.",
        ["adults", "children_youth"],
    ),
    (
        "Ljudje v duševni stiski",
        "Okrepitev terenskega dela z ljudmi v različnih duševnih stiskah.",
        "Ustanovna seja mreže Posavje za zdravje.",
        ["adults"],
    ),
    (
        "Priseljene družine",
        "Razvoj pomoči priseljenim družinam.",
        "Ustanovna seja mreže Posavje za zdravje.",
        ["adults", "children_youth"],
    ),
]

# organisation key → scores per area title: (severity, reach, feasibility, inequality)
SCORES = {
    "zd-sevnica": {
        "Nasilje v družini": (5, 3, 3, 4),
        "Zasvojenost": (4, 4, 3, 4),
        "Pomoč staršem": (3, 4, 5, 3),
        "Ljudje v duševni stiski": (5, 4, 4, 4),
        "Priseljene družine": (3, 2, 3, 5),
    },
    "csd-posavje": {
        "Nasilje v družini": (5, 3, 4, 5),
        "Zasvojenost": (4, 3, 3, 4),
        "Pomoč staršem": (4, 4, 4, 3),
        "Ljudje v duševni stiski": (4, 4, 3, 4),
    },
    "zaupanje": {
        "Nasilje v družini": (5, 2, 4, 4),
        "Pomoč staršem": (4, 5, 5, 3),
        "Ljudje v duševni stiski": (5, 5, 4, 4),
    },
}


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _orgs(keys: set[str]) -> dict[str, Organization]:
    ids = {demo_id("organization", key): key for key in keys}
    return {ids[o.pk]: o for o in Organization.objects.filter(pk__in=ids)}


@transaction.atomic
def load() -> str:
    network = Network.objects.filter(slug=NETWORK_SLUG).first()
    if network is None:
        return f"skipped: network {NETWORK_SLUG} is missing (load the networks demo first)"
    statuses = {s.key: s for s in ensure_statuses(network)}
    keys = {m[3] for m in MEASURES} | {p for m in MEASURES for p in m[4]} | {a[3] for a in ACTIVITIES}
    keys |= set(SCORES) | {"zd-sevnica", "ozara-sevnica", "knof"}
    orgs = _orgs(keys)
    coordinator = User.objects.filter(username="skrbnik").first()

    strategy = _plan(
        network,
        "Strategija za krepitev zdravja in zmanjševanje neenakosti v zdravju v občini Sevnica 2026–2030",
        Strategy.Kind.STRATEGY,
        dt.date(2026, 1, 1),
        dt.date(2030, 12, 31),
        None,
        coordinator,
    )
    action_plan = _plan(
        network,
        "Akcijski načrt za krepitev zdravja in zmanjševanje neenakosti v zdravju 2026",
        Strategy.Kind.ACTION_PLAN,
        dt.date(2026, 1, 1),
        dt.date(2026, 12, 31),
        strategy,
        coordinator,
    )
    goals = {}
    for order, (code, title, description, populations) in enumerate(GOALS, start=1):
        goals[code], _ = Goal.objects.update_or_create(
            strategy=strategy,
            code=code,
            defaults={"title": title, "description": description, "populations": populations, "order": order},
        )
    # The action plan takes the same goals for the year, with the year's measures under them.
    plan_goals = {}
    for order, (code, title, description, populations) in enumerate(GOALS, start=1):
        plan_goals[code], _ = Goal.objects.update_or_create(
            strategy=action_plan,
            code=code,
            defaults={"title": title, "description": description, "populations": populations, "order": order},
        )
    # The strategy holds the measures for the whole period; the action plan the same measures for 2026, with
    # the year's activities under them.
    _measures(strategy, goals, orgs, statuses)
    measures = _measures(action_plan, plan_goals, orgs, statuses)
    for order, (measure_code, code, title, lead, status, progress, weight, start, end) in enumerate(
        ACTIVITIES
    ):
        Activity.objects.update_or_create(
            measure__goal__strategy=action_plan,
            code=code,
            defaults={
                "measure": measures[measure_code],
                "title": title,
                "lead_organization": orgs.get(lead),
                "status": statuses[status],
                "progress": progress,
                "weight": Decimal(weight),
                "start": _date(start),
                "end": _date(end),
                "order": order,
            },
        )
    Milestone.objects.get_or_create(
        measure=measures["C1.U1"], title="Zemljevid pomoči objavljen", defaults={"date": dt.date(2026, 6, 1)}
    )
    Milestone.objects.get_or_create(
        measure=measures["C1.U1"],
        title="Podatki vseh partnerjev zbrani",
        defaults={"date": dt.date(2026, 3, 31), "done": True},
    )

    round_, _ = NeedsAssessmentRound.objects.update_or_create(
        network=network,
        title="Ocena potreb 2026",
        defaults={"opens_on": dt.date(2026, 1, 1), "closes_on": dt.date(2026, 12, 31), "status": "open"},
    )
    sevnica = Municipality.objects.filter(slug="sevnica").first()
    areas = {}
    for title, description, evidence, populations in AREAS:
        area, _ = PriorityArea.objects.update_or_create(
            round=round_,
            title=title,
            defaults={"description": description, "evidence": evidence, "populations": populations},
        )
        if sevnica:
            area.municipalities.set([sevnica])
        areas[title] = area
    for key, by_area in SCORES.items():
        if key not in orgs:
            continue
        for title, (severity, reach, feasibility, inequality) in by_area.items():
            PriorityScore.objects.update_or_create(
                area=areas[title],
                organization=orgs[key],
                defaults={
                    "severity": severity,
                    "reach": reach,
                    "feasibility": feasibility,
                    "inequality": inequality,
                },
            )
    goals["C3"].priority_areas.set([areas["Ljudje v duševni stiski"]])
    plan_goals["C3"].priority_areas.set([areas["Ljudje v duševni stiski"]])
    goals["C2"].priority_areas.set([areas["Priseljene družine"]])

    proposals = 0
    if "knof" in orgs:
        _proposal(
            network,
            orgs["knof"],
            "Medgeneracijski center za druženje in učenje",
            "Prostor, kjer se srečujejo mladi in starejši: delavnice, pomoč pri digitalnih veščinah, druženje.",
            "Osamljenost starejših in manj priložnosti za mlade na podeželju.",
            ["children_youth", "elderly"],
        )
        proposals += 1
    if "zaupanje" in orgs:
        proposal = _proposal(
            network,
            orgs["zaupanje"],
            "Svetovalnica za starše",
            "Brezplačni individualni posveti in skupine za starše otrok z vedenjskimi težavami.",
            "Pomoč staršem je med najpomembnejšimi področji po oceni potreb.",
            ["adults", "children_youth"],
        )
        if proposal.status != MeasureProposal.Status.ACCEPTED:
            measure, _ = Measure.objects.update_or_create(
                goal__strategy=action_plan,
                code="C3.U3",
                defaults={
                    "goal": plan_goals["C3"],
                    "title": proposal.title,
                    "description": proposal.description,
                    "populations": proposal.populations,
                    "origin": Measure.Origin.PROPOSAL,
                    "lead_organization": proposal.organization,
                    "status": statuses["planned"],
                    "order": len(MEASURES) + 1,
                },
            )
            proposal.status = MeasureProposal.Status.ACCEPTED
            proposal.answer = "Sprejeto na delovnem sestanku; ukrep je vključen v akcijski načrt 2026."
            proposal.decided_by = coordinator
            proposal.measure = measure
            proposal.save()
        proposals += 1
    return (
        f"{Strategy.objects.filter(network=network).count()} plans, "
        f"{Measure.objects.filter(goal__strategy__network=network).count()} measures, "
        f"{Activity.objects.filter(measure__goal__strategy__network=network).count()} activities, "
        f"{round_.areas.count()} priority areas, {proposals} proposals in {network.slug}"
    )


def _measures(
    plan: Strategy,
    goals: dict[str, Goal],
    orgs: dict[str, Organization],
    statuses: dict[str, StatusDefinition],
) -> dict[str, Measure]:
    measures = {}
    for order, spec in enumerate(MEASURES, start=1):
        goal_code, code, title, lead, partners, pops, start, end, budget, status, progress, weight = spec
        measure, _ = Measure.objects.update_or_create(
            goal__strategy=plan,
            code=code,
            defaults={
                "goal": goals[goal_code],
                "title": title,
                "lead_organization": orgs.get(lead),
                "populations": pops,
                "start": _date(start),
                "end": _date(end),
                "budget": Decimal(budget) if budget else None,
                "status": statuses[status],
                "progress": progress,
                "weight": Decimal(weight),
                "order": order,
            },
        )
        measure.partners.set([orgs[k] for k in partners if k in orgs])
        measures[code] = measure
    return measures


def _plan(
    network: Network,
    title: str,
    kind: str,
    start: dt.date,
    end: dt.date,
    implements: Strategy | None,
    by: Any,
) -> Strategy:
    plan, _ = Strategy.objects.update_or_create(
        network=network,
        kind=kind,
        period_start=start,
        defaults={
            "title": title,
            "period_end": end,
            "implements": implements,
            "status": Strategy.Status.ADOPTED,
            "created_by": by,
        },
    )
    return plan


def _proposal(
    network: Network, org: Organization, title: str, description: str, rationale: str, populations: list[str]
) -> MeasureProposal:
    proposal, _ = MeasureProposal.objects.get_or_create(
        network=network,
        organization=org,
        title=title,
        defaults={"description": description, "rationale": rationale, "populations": populations},
    )
    return proposal
