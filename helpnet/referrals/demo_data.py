"""Demo referrals between the demo organisations, so the inboxes of `urednik` (ZD Sevnica) and `redaktoer`
(Randers Sundhedscenter) are not empty. All people are fictional.

The rows are written in their state directly, with the events that would have led there: the demo senders of
other organisations have no user accounts to act through the workflow. Idempotent: referrals have fixed ids and an
existing one is left as it is (someone may have moved it on in the demo). Skips referrals whose services are absent.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from helpnet.accounts.models import User
from helpnet.directory.demo.loader import demo_id
from helpnet.directory.models import Service

from .actions import add_working_days
from .models import Referral, ReferralEvent, ReferralSettings, Status


@dataclass(frozen=True)
class Demo:
    key: str
    sender: str  # organisation key
    service: str  # service key
    status: str
    days_ago: int
    name: str
    reason: str
    sent_by: str = ""  # demo username
    assigned_to: str = ""
    reason_code: str = ""
    outcome: str = ""
    urgency: str = "routine"
    language: str = "sl"
    interpreter: bool = False
    steps: tuple[str, ...] = field(default=())


# status → the statuses it went through after being sent (the events of the demo row)
PATHS: dict[str, tuple[str, ...]] = {
    Status.DRAFT: (),
    Status.REQUESTED: (Status.REQUESTED,),
    Status.RECEIVED: (Status.REQUESTED, Status.RECEIVED),
    Status.ACCEPTED: (Status.REQUESTED, Status.RECEIVED, Status.ACCEPTED),
    Status.IN_PROGRESS: (Status.REQUESTED, Status.RECEIVED, Status.ACCEPTED, Status.IN_PROGRESS),
    Status.ON_HOLD: (Status.REQUESTED, Status.RECEIVED, Status.ACCEPTED, Status.ON_HOLD),
    Status.COMPLETED: (
        Status.REQUESTED,
        Status.RECEIVED,
        Status.ACCEPTED,
        Status.IN_PROGRESS,
        Status.COMPLETED,
    ),
    Status.REJECTED: (Status.REQUESTED, Status.RECEIVED, Status.REJECTED),
    Status.FAILED: (Status.REQUESTED, Status.RECEIVED, Status.ACCEPTED, Status.FAILED),
}

DEMOS: tuple[Demo, ...] = (
    # To ZD Sevnica
    Demo("si-1", "csd-posavje", "ckz-sevnica-stres", "requested", 1, "Marjeta Izmišljena",
         "Feels overwhelmed since losing her job; would like the stress workshop.", urgency="soon"),
    Demo("si-2", "karitas-sevnica", "ckz-sevnica-alkohol", "requested", 9, "Tone Primerni",
         "Asked for help to drink less. Prefers afternoon calls."),
    Demo("si-3", "ozara-sevnica", "ckz-sevnica-individualni-posveti", "received", 3, "Vida Vzorčna",
         "Wants advice on healthy eating and movement after a long illness."),
    Demo("si-4", "zrsz", "ckz-sevnica-posvetovalnica", "accepted", 6, "Bojan Testni",
         "Unemployed for a year, low energy; agreed to a health check.", assigned_to="urednik"),
    Demo("si-5", "os-sevnica", "zd-sevnica-sola-za-starse", "in_progress", 14, "Nina in Luka Demo",
         "Young parents expecting their first child; mother speaks Ukrainian.", assigned_to="urednik",
         language="uk", interpreter=True),
    Demo("si-6", "csd-posavje", "ckz-sevnica-kajenje", "completed", 40, "Stane Primer",
         "Wants to stop smoking.", outcome="need_met"),
    Demo("si-7", "rk-sevnica", "zd-sevnica-patronaza", "rejected", 20, "Ivanka Fiktivna",
         "Lives alone, needs visits after hospital.", reason_code="out_of_area"),
    # From ZD Sevnica
    Demo("si-8", "zd-sevnica", "karitas-sevnica-dolgovi", "requested", 2, "Franc Zgledni",
         "Debts with utility bills; needs advice before the electricity is cut.", sent_by="urednik", urgency="urgent"),
    Demo("si-9", "zd-sevnica", "ozara-dnevni-center", "accepted", 12, "Mojca Poskusna",
         "Would like company during the day; lonely since her husband died.", sent_by="urednik"),
    Demo("si-10", "zd-sevnica", "rk-sevnica-hrana", "completed", 30, "Jože Vzorec",
         "Family of four without enough food until the next payment.", sent_by="urednik", outcome="need_partly_met"),
    Demo("si-11", "zd-sevnica", "csd-posavje-pomoc-na-domu", "on_hold", 18, "Ana Preizkusna",
         "Needs help at home after a hip operation.", sent_by="skrbnik", reason_code="waitlist"),
    Demo("si-12", "zd-sevnica", "zaupanje-druzinska-posvetovalnica", "draft", 0, "Peter Osnutek",
         "Family conflicts; still to ask him whether he agrees to be referred.", sent_by="urednik"),
    # Randers Sundhedscenter
    Demo("dk-1", "jobcenter-randers", "randers-rygestop", "requested", 1, "Jens Eksempel",
         "Vil gerne holde op med at ryge.", language="da"),
    Demo("dk-2", "headspace-randers", "randers-sundhedssamtale", "accepted", 5, "Sofie Prøve",
         "Ung kvinde med søvnproblemer; ønsker en samtale.", language="da", assigned_to="redaktoer"),
    Demo("dk-3", "randers-sundhedscenter", "frivilligcenter-gaeld", "requested", 2, "Lars Fiktiv",
         "Har gæld og brug for rådgivning.", sent_by="redaktoer", language="da"),
    Demo("dk-4", "randers-sundhedscenter", "alkohol-randers-behandling", "failed", 25, "Hanne Demo",
         "Ønsker behandling for alkohol.", sent_by="redaktoer", language="da", reason_code="unable_to_contact"),
)  # fmt: skip

SETTINGS: dict[str, dict[str, Any]] = {
    "ckz-sevnica-stres": {"capacity_note": "Next workshop starts in three weeks; 4 places left."},
    "karitas-sevnica-dolgovi": {"response_working_days": 5, "capacity_note": "Advice on Tuesdays only."},
    "ozara-dnevni-center": {"accepts_self_referrals": True},
    "randers-rygestop": {"capacity_note": "Nyt hold starter hver måned."},
}


def _timeline(demo: Demo, start: dt.datetime) -> list[tuple[str, dt.datetime]]:
    path = PATHS[demo.status]
    step = dt.timedelta(hours=max(1, demo.days_ago * 24 // (len(path) + 1)))
    return [(status, start + step * (i + 1)) for i, status in enumerate(path)]


@transaction.atomic
def load() -> str:
    services = {
        key: s
        for key in {d.service for d in DEMOS} | set(SETTINGS)
        if (s := Service.objects.select_related("organization").filter(pk=demo_id("service", key)).first())
    }
    users = {u.username: u for u in User.objects.filter(username__in=["urednik", "skrbnik", "redaktoer"])}
    for key, values in SETTINGS.items():
        if key in services:
            ReferralSettings.objects.update_or_create(service=services[key], defaults=values)
    from helpnet.organizations.models import Organization

    created = 0
    for demo in DEMOS:
        service = services.get(demo.service)
        sender = Organization.objects.filter(pk=demo_id("organization", demo.sender)).first()
        if (
            service is None
            or sender is None
            or Referral.objects.filter(pk=demo_id("referral", demo.key)).exists()
        ):
            continue
        now = timezone.now()
        created_at = now - dt.timedelta(days=demo.days_ago, hours=2)
        timeline = _timeline(demo, created_at)
        at = dict(timeline)
        sent_by = users.get(demo.sent_by)
        referral = Referral.objects.create(
            id=demo_id("referral", demo.key),
            sender_organization=sender,
            sender_user=sent_by,
            receiving_organization=service.organization,
            service=service,
            status=demo.status,
            status_reason=demo.reason_code,
            outcome=demo.outcome,
            urgency=demo.urgency,
            assigned_to=users.get(demo.assigned_to),
            person_name=demo.name,
            person_phone="+386 40 000 000" if demo.language != "da" else "+45 20 00 00 00",
            preferred_contact="phone",
            preferred_time="",
            person_language=demo.language,
            interpreter_needed=demo.interpreter,
            reason=demo.reason,
            legal_basis="consent" if demo.status != "draft" else "",
            consent_given=demo.status != "draft",
            consent_method="verbal" if demo.status != "draft" else "",
            consent_at=created_at if demo.status != "draft" else None,
            consent_by=sent_by,
            consent_scope="Share these details with the receiving service." if demo.status != "draft" else "",
            version=len(timeline) + 1,
        )
        requested_at = at.get(Status.REQUESTED)
        receiver_country = service.organization.country
        Referral.objects.filter(pk=referral.pk).update(
            created_at=created_at,
            updated_at=timeline[-1][1] if timeline else created_at,
            requested_at=requested_at,
            response_due_at=add_working_days(requested_at, 3, receiver_country) if requested_at else None,
            first_viewed_at=at.get(Status.RECEIVED),
            decided_at=at.get(Status.ACCEPTED) or at.get(Status.REJECTED),
            started_at=at.get(Status.IN_PROGRESS),
            closed_at=timeline[-1][1] if demo.status in ("completed", "rejected", "failed") else None,
        )
        events = [ReferralEvent(referral=referral, at=created_at, actor=sent_by, actor_organization=sender,
                                to_status=Status.DRAFT)]  # fmt: skip
        previous: str = Status.DRAFT
        for status, when in timeline:
            by_sender = status == Status.REQUESTED
            events.append(
                ReferralEvent(
                    referral=referral,
                    at=when,
                    actor=sent_by if by_sender else None,
                    actor_organization=sender if by_sender else service.organization,
                    from_status=previous,
                    to_status=status,
                    reason_code=demo.reason_code if status == demo.status else "",
                    business_status="opened" if status == Status.RECEIVED else "",
                )
            )
            previous = status
        ReferralEvent.objects.bulk_create(events)
        created += 1
    return f"{created} demo referrals created ({len(DEMOS)} defined), {len(SETTINGS)} services' referral settings"
