"""Demo learning data from the source documents (/work/shared/seeds), for the demo networks.

- LSKZ Sevnica: the training needs the members named at the founding of "Posavje za zdravje" (counselling
  unmotivated users, communication skills, children in distress, work with addiction), a past training with
  feedback, an upcoming one that is full with a waiting list, an intervision group, the health centre's
  health-promotion workshops (published) and the family counselling office of Družinski inštitut Zaupanje
  (submitted, waiting for review).
- Sundhedsnetværk Randers: the "afklarende samtale" (clarifying conversation) of Randers Sundhedscenter, published.

Idempotent: rows are found by network and title; a missing network, organisation or person is skipped.
"""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from helpnet.accounts.models import User
from helpnet.directory import vocabulary
from helpnet.directory.demo.loader import demo_id
from helpnet.networks.models import Network
from helpnet.organizations.models import Organization

from .models import (
    CRITERION_CODES,
    Feedback,
    GoodPractice,
    IntervisionGroup,
    IntervisionMember,
    PracticeReview,
    Registration,
    TrainingEvent,
    TrainingNeed,
)

SEVNICA = "lskz-sevnica"
RANDERS = "sundhedsnetvaerk-randers"

# (network, organisation key, topic, need area, target staff, people, urgency, format)
NEEDS = (
    (
        SEVNICA,
        "zd-sevnica",
        "Svetovalno delo z neprostovoljnimi in nemotiviranimi uporabniki",
        "mental-health",
        "patronažne sestre, diplomirane medicinske sestre",
        8,
        TrainingNeed.Urgency.HIGH,
        TrainingNeed.Format.IN_PERSON,
    ),
    (
        SEVNICA,
        "csd-posavje",
        "Svetovalno delo z neprostovoljnimi uporabniki",
        "mental-health",
        "socialne delavke",
        5,
        TrainingNeed.Urgency.MEDIUM,
        TrainingNeed.Format.ANY,
    ),
    (
        SEVNICA,
        "zaupanje",
        "Komunikacijske veščine pri delu z uporabniki",
        "mental-health",
        "svetovalci, prostovoljci",
        6,
        TrainingNeed.Urgency.MEDIUM,
        TrainingNeed.Format.IN_PERSON,
    ),
    (
        SEVNICA,
        "os-sevnica",
        "Učinkoviti pristopi pri delu z otroki v stiski (posebne potrebe, vedenjske težave)",
        "youth",
        "učitelji, svetovalna služba",
        10,
        TrainingNeed.Urgency.HIGH,
        TrainingNeed.Format.HYBRID,
    ),
    (
        SEVNICA,
        "ozara-sevnica",
        "Dobre prakse pri delu z odvisniki",
        "addiction",
        "strokovni delavci",
        4,
        TrainingNeed.Urgency.LOW,
        TrainingNeed.Format.ONLINE,
    ),
    (
        RANDERS,
        "jobcenter-randers",
        "Very brief advice (VBA): henvisning til sundhedscentrets tilbud",
        "health-promotion",
        "frontmedarbejdere, sagsbehandlere",
        12,
        TrainingNeed.Urgency.HIGH,
        TrainingNeed.Format.IN_PERSON,
    ),
)

WORKSHOPS = {
    "title": "Delavnice in posvetovalnice za krepitev zdravja v lokalnih skupnostih",
    "summary": (
        "Center za krepitev zdravja pride v vaške skupnosti: posvetovalnice vsako prvo in tretjo sredo ter "
        "brezplačne delavnice za zdrav življenjski slog, skupaj z lokalnimi partnerji."
    ),
    "description": (
        "Strokovne sodelavke CKZ Zdravstvenega doma Sevnica izvajajo posvetovalnice v lokalnih skupnostih "
        "(vsako 1. in 3. sredo v VGC Andeški hram, od 8.30 do 9.30) in individualne posvete v prostorih CKZ "
        "vsak delovni dan med 7. in 14. uro. Delavnice (zdravo hujšanje, gibanje, zdrava prehrana, obvladovanje "
        "stresa) so brezplačne in odprte za vse odrasle.\n\nPraksa je del skupnostnega pristopa lokalne skupine "
        "za krepitev zdravja: partnerji skupaj prepoznajo potrebe, ZD in občina poskrbita za prostor, nevladne "
        "organizacije povabijo ljudi, ki sicer ne pridejo v zdravstveni dom."
    ),
    "territory": "Občina Sevnica",
    "period_start": dt.date(2024, 1, 1),
    "contact": "Center za krepitev zdravja, ZD Sevnica, 030 662 126",
    "links": "https://www.zd-sevnica.si/",
    "original_language": "sl",
    "translations": {
        "en": {
            "title": "Health-promotion workshops and counselling in local communities",
            "summary": (
                "The Centre for Health Promotion goes to the villages: counselling on the first and third "
                "Wednesday and free workshops on healthy living, with local partners."
            ),
        }
    },
    "criteria": {
        "relevance": "Neenakosti v zdravju: ljudje s podeželja in ranljive skupine redko pridejo v CKZ.",
        "intervention": "Posvetovalnice dvakrat mesečno, delavnice v skupinah 10–15 ljudi, individualni posveti.",
        "evidence": "Nacionalni programi CKZ (NIJZ) in model skupnostnega pristopa za krepitev zdravja.",
        "ethics": "Prostovoljna udeležba, zaupnost posvetov, brez stroškov za udeležence.",
        "effectiveness": "Spremljamo število udeležencev in spremembe pri telesni dejavnosti po 3 mesecih.",
        "equity": "Izvajanje v vaških skupnostih, kjer je dostop do zdravstvenega doma najtežji.",
        "transferability": "Potrebni so prostor v skupnosti, ena strokovna sodelavka in lokalni partner.",
        "sustainability": "Del rednega programa CKZ, financiran iz zdravstvenega zavarovanja.",
        "intersectoral": "ZD, občina, krajevne skupnosti, društva upokojencev in Rdeči križ.",
        "participation": "Teme delavnic izberejo udeleženci in krajevne skupnosti.",
    },
    "need_areas": ["health-promotion"],
    "populations": ["adults", "elderly"],
}

AFKLARENDE_SAMTALE = {
    "title": "Afklarende samtale",
    "summary": (
        "En kort, afklarende samtale med en sundhedsprofessionel, når en borger er henvist: sammen finder I det "
        "tilbud, der passer – i sundhedscentret, i kommunen eller i en lokal forening."
    ),
    "description": (
        "Borgere, som frontmedarbejdere (fx i jobcentret) har givet et very brief advice, tilbydes en afklarende "
        "samtale i Randers Sundhedscenter. Samtalen tager udgangspunkt i borgerens egne mål og livssituation og "
        "ender med en konkret aftale om et tilbud. Der er særligt fokus på mænd i risiko og på borgere, som ikke "
        "selv opsøger sundhedscentrets tilbud.\n\nFrivillige fra lokale foreninger kan deltage i opfølgningen, "
        "fx motion og spiseklubber i nærområdet."
    ),
    "territory": "Randers Kommune",
    "period_start": dt.date(2016, 1, 1),
    "contact": "Randers Sundhedscenter",
    "links": "https://www.randers.dk/",
    "original_language": "da",
    "translations": {
        "en": {
            "title": "Clarifying conversation",
            "summary": (
                "A short, clarifying talk with a health professional after a referral: together you find the "
                "offer that fits – at the health centre, in the municipality or in a local association."
            ),
        }
    },
    "criteria": {
        "relevance": "Social ulighed i sundhed: borgere med størst behov bruger sjældnest tilbuddene.",
        "intervention": "Én samtale på 30–45 minutter efter henvisning; aftale om tilbud og opfølgning.",
        "evidence": "Motivationssamtale og very brief advice (VBA); erfaringer fra KL's temadage 2015.",
        "ethics": "Frivillig samtale; borgeren bestemmer målet; samtykke til videregivelse.",
        "effectiveness": "Andel af henviste, der starter i et tilbud, følges hvert kvartal.",
        "equity": "Målrettet mænd i risiko og borgere på overførselsindkomst.",
        "transferability": "Kræver en henvisningsvej og en medarbejder med samtaleuddannelse.",
        "sustainability": "Del af sundhedscentrets faste drift.",
        "intersectoral": "Sundhedscenter, jobcenter, socialforvaltning og lokale foreninger.",
        "participation": "Borgerpanel har været med til at forme samtalens form.",
    },
    "need_areas": ["health-promotion"],
    "populations": ["men-at-risk", "adults"],
}

POSVETOVALNICA = {
    "title": "Družinska posvetovalnica",
    "summary": "Strokovnjaki z različnih področij na enem mestu svetujejo družinam v stiski.",
    "description": (
        "Ideja interdisciplinarnega tima v Sevnici po ogledu dobrih praks v Bernu: v družinski posvetovalnici "
        "na enem mestu svetujejo družinski terapevt, socialna delavka in psiholog."
    ),
    "territory": "Občina Sevnica",
    "period_start": dt.date(2024, 9, 1),
    "contact": "Družinski inštitut Zaupanje",
    "original_language": "sl",
    "criteria": {
        "relevance": "Družine v stiski iščejo pomoč pri več ustanovah hkrati.",
        "intervention": "Posvetovalnica enkrat tedensko, brezplačno, brez napotnice.",
        "evidence": "Ogled dobrih praks (Contact Netz, Bern); sistemska družinska terapija.",
        "ethics": "Zaupnost in soglasje družine za vsako povezovanje z drugimi službami.",
        "effectiveness": "Pilotno obdobje: spremljamo število družin in zadovoljstvo.",
    },
    "need_areas": ["parenting"],
    "populations": ["families"],
}


def _org(key: str) -> Organization | None:
    return Organization.objects.filter(pk=demo_id("organization", key)).first()


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def _term_ids(taxonomy: str, codes: list[str]) -> list[Any]:
    return [vocabulary.term_id(taxonomy, code) for code in codes]


def _practice(network: Network, org_key: str, spec: dict[str, Any], status: str, reviewer: Any) -> bool:
    org = _org(org_key)
    if org is None or GoodPractice.objects.filter(network=network, title=spec["title"]).exists():
        return False
    fields = {k: v for k, v in spec.items() if k not in {"need_areas", "populations"}}
    now = timezone.now()
    practice = GoodPractice.objects.create(
        network=network,
        organization=org,
        slug=slugify(spec["title"])[:100],
        status=status,
        submitted_at=now - dt.timedelta(days=40),
        published_at=now - dt.timedelta(days=30) if status == GoodPractice.Status.PUBLISHED else None,
        **fields,
    )
    practice.need_areas.set(_term_ids(vocabulary.NEED_AREAS_TAXONOMY, spec["need_areas"]))
    practice.populations.set(_term_ids(vocabulary.TARGET_GROUPS_TAXONOMY, spec["populations"]))
    if status == GoodPractice.Status.PUBLISHED and reviewer is not None:
        scores = dict.fromkeys(CRITERION_CODES, 3) | {"effectiveness": 2, "transferability": 2}
        PracticeReview.objects.create(practice=practice, reviewer=reviewer, scores=scores, comment="")
    return True


def _event(network: Network, title: str, **fields: Any) -> tuple[TrainingEvent, bool]:
    existing = TrainingEvent.objects.filter(network=network, title=title).first()
    if existing:
        return existing, False
    return TrainingEvent.objects.create(network=network, title=title, **fields), True


def _register(
    event: TrainingEvent, username: str, org_key: str, status: str, **fields: Any
) -> Registration | None:
    user = _user(username)
    if user is None:
        return None
    registration, _created = Registration.objects.get_or_create(
        event=event,
        user=user,
        defaults={
            "organization": _org(org_key),
            "status": status,
            "registered_at": event.start - dt.timedelta(days=10, minutes=len(username)),
            **fields,
        },
    )
    return registration


@transaction.atomic
def load() -> str:
    networks = {n.slug: n for n in Network.objects.filter(slug__in=[SEVNICA, RANDERS])}
    if not networks:
        return "no demo networks; skipped."
    counts = {"needs": 0, "events": 0, "groups": 0, "practices": 0}
    for network_slug, org_key, topic, area, staff, people, urgency, fmt in NEEDS:
        network, org = networks.get(network_slug), _org(org_key)
        if network is None or org is None:
            continue
        _need, created = TrainingNeed.objects.get_or_create(
            network=network,
            organization=org,
            topic=topic,
            defaults={
                "need_area_id": vocabulary.term_id(vocabulary.NEED_AREAS_TAXONOMY, area),
                "target_staff": staff,
                "people_count": people,
                "urgency": urgency,
                "preferred_format": fmt,
            },
        )
        counts["needs"] += created

    sevnica = networks.get(SEVNICA)
    if sevnica is not None:
        now = timezone.now().replace(minute=0, second=0, microsecond=0)
        past_start = now - dt.timedelta(days=30)
        past, created = _event(
            sevnica,
            "Svetovalno delo z neprostovoljnimi uporabniki",
            kind=TrainingEvent.Kind.TRAINING,
            description="Kako vzpostaviti sodelovanje, ko uporabnik ne pride po lastni volji.",
            start=past_start,
            end=past_start + dt.timedelta(hours=4),
            place="Zdravstveni dom Sevnica, predavalnica",
            capacity=20,
            trainer="Družinski inštitut Zaupanje",
            organizer=_org("zd-sevnica"),
            status=TrainingEvent.Status.PLANNED,
        )
        counts["events"] += created
        if created:
            past.addressed_needs.set(sevnica.training_needs.filter(topic__startswith="Svetovalno delo"))
            sevnica.training_needs.filter(topic__startswith="Svetovalno delo").update(
                status=TrainingNeed.Status.MET
            )
            ratings = {"urednik": (5, "Zelo uporabni primeri iz prakse."), "bralec": (4, "")}
            for username, org_key in (
                ("urednik", "zd-sevnica"),
                ("bralec", "zd-sevnica"),
                ("bostjan.kralj", "csd-posavje"),
            ):
                registration = _register(
                    past, username, org_key, Registration.Status.REGISTERED, attended=True
                )
                if registration and username in ratings:
                    rating, comment = ratings[username]
                    Feedback.objects.get_or_create(
                        registration=registration, defaults={"rating": rating, "comments": comment}
                    )
        next_start = now + dt.timedelta(days=14)
        upcoming, created = _event(
            sevnica,
            "Komunikacijske veščine pri delu z uporabniki",
            kind=TrainingEvent.Kind.WORKSHOP,
            description="Delavnica z igro vlog. Mest je malo, da lahko vsak vadi.",
            start=next_start,
            end=next_start + dt.timedelta(hours=3),
            place="Grad Sevnica, konferenčna dvorana",
            capacity=2,
            registration_closes=next_start - dt.timedelta(days=2),
            trainer="Ozara Sevnica",
            organizer=_org("zaupanje"),
        )
        counts["events"] += created
        if created:
            upcoming.addressed_needs.set(sevnica.training_needs.filter(topic__startswith="Komunikacijske"))
            sevnica.training_needs.filter(topic__startswith="Komunikacijske").update(
                status=TrainingNeed.Status.PLANNED
            )
            _register(upcoming, "urednik", "zd-sevnica", Registration.Status.REGISTERED)
            _register(upcoming, "katja.vidmar", "os-sevnica", Registration.Status.REGISTERED)
            _register(upcoming, "bralec", "zd-sevnica", Registration.Status.WAITING)

        group, created = IntervisionGroup.objects.get_or_create(
            network=sevnica,
            name="Intervizija strokovnih delavcev Sevnica",
            defaults={
                "description": "Strokovni delavci iz zdravstva, sociale in šol ob primerih iz prakse.",
                "facilitator": _user("bostjan.kralj"),
                "schedule_note": "Vsak prvi četrtek v mesecu ob 14.00",
                "rrule": "FREQ=MONTHLY;BYDAY=1TH",
                "confidential": True,
            },
        )
        counts["groups"] += created
        for username, org_key in (
            ("bostjan.kralj", "csd-posavje"),
            ("urednik", "zd-sevnica"),
            ("katja.vidmar", "os-sevnica"),
            ("damijan.golob", "zaupanje"),
        ):
            user = _user(username)
            if user is not None:
                IntervisionMember.objects.get_or_create(
                    group=group, user=user, defaults={"on_behalf_of": _org(org_key)}
                )
        session_start = now + dt.timedelta(days=21)
        counts["events"] += _event(
            sevnica,
            "Intervizija: primeri iz prakse",
            kind=TrainingEvent.Kind.INTERVISION,
            start=session_start,
            end=session_start + dt.timedelta(hours=2),
            place="Center za socialno delo Posavje, enota Sevnica",
            capacity=8,
            intervision_group=group,
        )[1]
        reviewer = _user("skrbnik")
        counts["practices"] += _practice(
            sevnica, "zd-sevnica", WORKSHOPS, GoodPractice.Status.PUBLISHED, reviewer
        )
        counts["practices"] += _practice(
            sevnica, "zaupanje", POSVETOVALNICA, GoodPractice.Status.SUBMITTED, None
        )

    randers = networks.get(RANDERS)
    if randers is not None:
        counts["practices"] += _practice(
            randers,
            "randers-sundhedscenter",
            AFKLARENDE_SAMTALE,
            GoodPractice.Status.PUBLISHED,
            _user("redaktoer"),
        )
    added = ", ".join(f"{n} {what}" for what, n in counts.items())
    return f"learning: {added} added."
