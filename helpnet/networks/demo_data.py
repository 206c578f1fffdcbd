"""Demo networks from the source documents (/work/shared/seeds): who meets with whom in Posavje, Zasavje and Randers.

- "Posavje za zdravje": the regional network founded at Mladinski center Krško on 16 April 2015.
- "Lokalna skupina za krepitev zdravja Sevnica" (LSKZ): the local group within it, started by the health centre,
  with the municipality, the social work centre, the employment service, schools and NGOs, one representative
  each, and narrower groups for children and youth, adults and older people.
- "Regijska akcijska skupina NVO Zasavje": the NGOs' action group of the 2017–2020 regional plan.
- "Sundhedsnetværk Randers": the Danish health centre with the municipality's services and local associations.

Loaded after the directory demo (load_demo runs it); idempotent: rows are found by slug, organisation and person.
An organisation missing from the directory demo is skipped rather than invented, except the two municipal
bodies the documents name (Občina Sevnica, Randers Kommune), which this module adds as organisations.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction

from helpnet.accounts.models import User
from helpnet.directory.demo.loader import demo_id
from helpnet.organizations.models import Municipality, Organization

from .models import Network, NetworkMember, Representative, WorkingGroup, WorkingGroupMember

COORDINATOR = NetworkMember.Role.COORDINATOR
MEMBER = NetworkMember.Role.MEMBER
OBSERVER = NetworkMember.Role.OBSERVER


@dataclass(frozen=True)
class Contact:
    """A person without a password: they get e-mail and calendar invitations but cannot sign in."""

    username: str
    first_name: str
    last_name: str
    language: str = "sl"

    @property
    def email(self) -> str:
        return f"{self.username}@helpnet-demo.example"


CONTACTS = (
    Contact("tina.mirt", "Tina", "Mirt"),  # Občina Sevnica
    Contact("bostjan.kralj", "Boštjan", "Kralj"),  # CSD Posavje
    Contact("katja.vidmar", "Katja", "Vidmar"),  # OŠ Sava Kladnika Sevnica
    Contact("damijan.golob", "Damijan", "Golob"),  # Družinski inštitut Zaupanje
    Contact("lars.holm", "Lars", "Holm", "da"),  # Jobcenter Randers
)

# Extra organisations the documents name and the directory demo does not have (they list no services).
EXTRA_ORGS = {
    "obcina-sevnica": (
        "Občina Sevnica",
        "Sevnica Municipality",
        Organization.Kind.MUNICIPALITY,
        "sevnica",
        "SI",
    ),
    "randers-kommune": (
        "Randers Kommune",
        "Randers Municipality",
        Organization.Kind.MUNICIPALITY,
        "randers",
        "DK",
    ),
}

POSAVJE: dict[str, Any] = {
    "slug": "posavje-za-zdravje",
    "name": "Posavje za zdravje",
    "kind": Network.Kind.REGIONAL,
    "country": "SI",
    "area_name": "Posavje",
    "founded_on": dt.date(2015, 4, 16),
    "coordinator": "mc-krsko",
    "purpose": (
        "Povezovanje in sodelovanje med vladnimi in nevladnimi organizacijami, ki pri svojem delu srečujejo "
        "ranljive skupine: nove programe zanje, skupne regijske projekte, medsebojno usposabljanje in dobre prakse."
    ),
    "purpose_en": (
        "Linking government and non-governmental organisations that work with vulnerable groups: new programmes "
        "for them, joint regional projects, training each other and sharing good practice."
    ),
    "members": [
        ("mc-krsko", COORDINATOR),
        ("zaupanje", MEMBER),
        ("zd-krsko", MEMBER),
        ("zd-brezice", MEMBER),
        ("zd-sevnica", MEMBER),
        ("csd-posavje", MEMBER),
        ("zrsz", MEMBER),
        ("lu-krsko", MEMBER),
        ("varna-hisa", MEMBER),
        ("ozara-sevnica", MEMBER),
        ("knof", MEMBER),
    ],
    "groups": [],
}

LSKZ_SEVNICA: dict[str, Any] = {
    "slug": "lskz-sevnica",
    "name": "Lokalna skupina za krepitev zdravja Sevnica",
    "kind": Network.Kind.LOCAL,
    "country": "SI",
    "parent": "posavje-za-zdravje",
    "area_name": "Občina Sevnica",
    "founded_on": dt.date(2024, 1, 15),
    "coordinator": "zd-sevnica",
    "purpose": (
        "Usklajeno izvajanje krepitve zdravja in zmanjševanja neenakosti v zdravju v lokalni skupnosti: "
        "zemljevid pomoči, strategija in akcijski načrt ter spremljanje njunih ciljev in učinkov."
    ),
    "purpose_en": (
        "Working together on health promotion and on reducing inequalities in health in the community: "
        "a map of help, a strategy and an action plan, and following up their goals and effects."
    ),
    "description": (
        "Vsak partner imenuje po enega predstavnika. Skupina se srečuje na sestankih, ožje skupine pa delajo "
        "za otroke in mladostnike, za odrasle in za starejše."
    ),
    "description_en": (
        "Each partner appoints one representative. The group meets regularly; narrower groups work for children "
        "and young people, for adults and for older people."
    ),
    "members": [
        ("zd-sevnica", COORDINATOR),
        ("obcina-sevnica", MEMBER),
        ("csd-posavje", MEMBER),
        ("zrsz", MEMBER),
        ("os-sevnica", MEMBER),
        ("os-bostanj", MEMBER),
        ("kstm-sevnica", MEMBER),
        ("zaupanje", MEMBER),
        ("ozara-sevnica", MEMBER),
        ("knof", MEMBER),
        ("rk-sevnica", MEMBER),
        ("karitas-sevnica", MEMBER),
        ("kza-sevnica", MEMBER),
        ("du-sevnica", MEMBER),
    ],
    "groups": [
        ("otroci-in-mladostniki", "Otroci in mladostniki", "children_youth", "os-sevnica"),
        ("odrasli", "Odrasli", "adults", "csd-posavje"),
        ("starejsi", "Starejši", "elderly", "du-sevnica"),
    ],
}

ZASAVJE: dict[str, Any] = {
    "slug": "nvo-zasavje",
    "name": "Regijska akcijska skupina NVO Zasavje",
    "kind": Network.Kind.THEMATIC,
    "country": "SI",
    "area_name": "Zasavje",
    "founded_on": dt.date(2017, 5, 24),
    "coordinator": "zlht",
    "purpose": (
        "Povezovanje nevladnih organizacij s področja socialnega varstva v zasavski regiji in priprava "
        "akcijskih načrtov za ukrepe regijskega izvedbenega načrta 2017–2020."
    ),
    "purpose_en": (
        "Linking the social-care NGOs of the Zasavje region and preparing action plans for the measures of "
        "the regional implementation plan 2017–2020."
    ),
    "members": [
        ("zlht", COORDINATOR),
        ("spiritual", MEMBER),
        ("vdc-zagorje", MEMBER),
        ("rk-trbovlje", MEMBER),
        ("lu-zagorje", MEMBER),
        ("csd-zasavje", OBSERVER),
    ],
    "groups": [],
}

RANDERS: dict[str, Any] = {
    "slug": "sundhedsnetvaerk-randers",
    "name": "Sundhedsnetværk Randers",
    "kind": Network.Kind.LOCAL,
    "country": "DK",
    "area_name": "Randers Kommune",
    "founded_on": dt.date(2016, 2, 1),
    "coordinator": "randers-sundhedscenter",
    "purpose": (
        "Samarbejde, koordinering og videndeling mellem sundhedscentret, kommunens forvaltninger og lokale "
        "foreninger om tidlig opsporing og indsatser i nærområder, med fokus på social ulighed i sundhed."
    ),
    "purpose_en": (
        "Cooperation, coordination and knowledge sharing between the health centre, the municipality's services "
        "and local associations on early detection and local action, with a focus on social inequality in health."
    ),
    "members": [
        ("randers-sundhedscenter", COORDINATOR),
        ("randers-kommune", MEMBER),
        ("jobcenter-randers", MEMBER),
        ("aeldresagen-randers", MEMBER),
        ("headspace-randers", MEMBER),
        ("alkoholraadgivning-randers", MEMBER),
        ("frivilligcenter-randers", MEMBER),
        ("rodekors-randers", MEMBER),
        ("dialog-mod-vold", MEMBER),
    ],
    "groups": [
        ("boern-og-unge", "Børn og unge", "children_youth", "headspace-randers"),
        ("maend-i-risiko", "Mænd i risiko", "adults", "randers-sundhedscenter"),
        ("aeldre", "Ældre", "elderly", "aeldresagen-randers"),
    ],
}

NETWORKS = (POSAVJE, LSKZ_SEVNICA, ZASAVJE, RANDERS)

# (network slug, organisation key, username, kind)
REPRESENTATIVES = (
    ("lskz-sevnica", "zd-sevnica", "skrbnik", Representative.Kind.PRIMARY),
    ("lskz-sevnica", "zd-sevnica", "urednik", Representative.Kind.DEPUTY),
    ("lskz-sevnica", "obcina-sevnica", "tina.mirt", Representative.Kind.PRIMARY),
    ("lskz-sevnica", "csd-posavje", "bostjan.kralj", Representative.Kind.PRIMARY),
    ("lskz-sevnica", "os-sevnica", "katja.vidmar", Representative.Kind.PRIMARY),
    ("lskz-sevnica", "zaupanje", "damijan.golob", Representative.Kind.PRIMARY),
    ("posavje-za-zdravje", "zd-sevnica", "skrbnik", Representative.Kind.PRIMARY),
    ("posavje-za-zdravje", "zaupanje", "damijan.golob", Representative.Kind.PRIMARY),
    ("sundhedsnetvaerk-randers", "randers-sundhedscenter", "redaktoer", Representative.Kind.PRIMARY),
    ("sundhedsnetvaerk-randers", "jobcenter-randers", "lars.holm", Representative.Kind.PRIMARY),
)

# (network slug, group slug, username, organisation key, role)
GROUP_MEMBERS = (
    ("lskz-sevnica", "otroci-in-mladostniki", "katja.vidmar", "os-sevnica", WorkingGroupMember.Role.CHAIR),
    ("lskz-sevnica", "otroci-in-mladostniki", "urednik", "zd-sevnica", WorkingGroupMember.Role.MEMBER),
    ("lskz-sevnica", "odrasli", "bostjan.kralj", "csd-posavje", WorkingGroupMember.Role.CHAIR),
    ("lskz-sevnica", "odrasli", "tina.mirt", "obcina-sevnica", WorkingGroupMember.Role.MEMBER),
    ("lskz-sevnica", "starejsi", "skrbnik", "zd-sevnica", WorkingGroupMember.Role.CHAIR),
    (
        "sundhedsnetvaerk-randers",
        "maend-i-risiko",
        "redaktoer",
        "randers-sundhedscenter",
        WorkingGroupMember.Role.CHAIR,
    ),
    (
        "sundhedsnetvaerk-randers",
        "maend-i-risiko",
        "lars.holm",
        "jobcenter-randers",
        WorkingGroupMember.Role.MEMBER,
    ),
)

POPULATION_NAMES_EN = {"children_youth": "Children and youth", "adults": "Adults", "elderly": "Older people"}


def _organizations() -> dict[str, Organization]:
    """The demo organisations by key: the directory's (by their demo id) and the two added here."""
    keys = {key for spec in NETWORKS for key, _ in spec["members"]}
    for key, (name, name_en, kind, municipality_slug, country) in EXTRA_ORGS.items():
        Organization.objects.get_or_create(
            id=demo_id("organization", key),
            defaults={
                "name": name,
                "description": name_en,
                "kind": kind,
                "country": country,
                "original_language": country.lower(),
                "municipality": Municipality.objects.filter(slug=municipality_slug).first(),
                "translations": {"en": {"name": name_en}},
            },
        )
    by_id = {demo_id("organization", key): key for key in keys}
    return {by_id[org.pk]: org for org in Organization.objects.filter(pk__in=by_id)}


def _people() -> dict[str, User]:
    for contact in CONTACTS:
        User.objects.get_or_create(
            username=contact.username,
            defaults={
                "email": contact.email,
                "first_name": contact.first_name,
                "last_name": contact.last_name,
                "preferred_language": contact.language,
                "password": make_password(None),
            },
        )
    usernames = {u for *_, u, _ in REPRESENTATIVES} | {row[2] for row in GROUP_MEMBERS}
    return {u.username: u for u in User.objects.filter(username__in=usernames)}


@transaction.atomic
def load() -> str:
    orgs = _organizations()
    people = _people()
    networks: dict[str, Network] = {}
    counts = {"members": 0, "representatives": 0, "groups": 0, "group members": 0}
    for spec in NETWORKS:
        lang = "da" if spec["country"] == "DK" else "sl"
        network, _ = Network.objects.update_or_create(
            slug=spec["slug"],
            defaults={
                "name": spec["name"],
                "kind": spec["kind"],
                "country": spec["country"],
                "parent": networks.get(str(spec.get("parent", ""))),
                "area_name": spec["area_name"],
                "purpose": spec["purpose"],
                "description": spec.get("description", ""),
                "founded_on": spec["founded_on"],
                "coordinator_organization": orgs.get(str(spec["coordinator"])),
                "original_language": lang,
                "translations": {
                    "en": {"purpose": spec["purpose_en"], "description": spec.get("description_en", "")}
                },
            },
        )
        networks[network.slug] = network
        municipality = {"lskz-sevnica": "sevnica", "sundhedsnetvaerk-randers": "randers"}.get(network.slug)
        if municipality:
            network.municipalities.set(Municipality.objects.filter(slug=municipality))
        for key, role in spec["members"]:
            if key not in orgs:
                continue
            _, created = NetworkMember.objects.get_or_create(
                network=network,
                organization=orgs[key],
                defaults={"role": role, "joined_on": spec["founded_on"], "hosts_meetings": role != OBSERVER},
            )
            counts["members"] += created
        for slug, name, population, lead in spec["groups"]:
            _, created = WorkingGroup.objects.update_or_create(
                network=network,
                slug=slug,
                defaults={
                    "name": name,
                    "kind": WorkingGroup.Kind.POPULATION,
                    "population": population,
                    "lead_organization": orgs.get(lead),
                    "started_on": spec["founded_on"],
                },
            )
            counts["groups"] += created
    for network_slug, key, username, kind in REPRESENTATIVES:
        member = NetworkMember.objects.filter(
            network=networks[network_slug], organization=orgs.get(key)
        ).first()
        if member is None or username not in people:
            continue
        active = member.representatives.filter(ended_on__isnull=True)
        # Keep whatever was changed in the app since: never a second primary, never a second appointment.
        if active.filter(user=people[username]).exists():
            continue
        if kind == Representative.Kind.PRIMARY and active.filter(kind=kind).exists():
            continue
        Representative.objects.create(
            member=member, user=people[username], kind=kind, appointed_on=member.joined_on
        )
        counts["representatives"] += 1
    for network_slug, group_slug, username, key, role in GROUP_MEMBERS:
        group = WorkingGroup.objects.filter(network=networks[network_slug], slug=group_slug).first()
        if group is None or username not in people or key not in orgs:
            continue
        _, created = WorkingGroupMember.objects.get_or_create(
            working_group=group,
            user=people[username],
            end_date__isnull=True,
            defaults={"on_behalf_of": orgs[key], "role": role, "start_date": group.started_on},
        )
        counts["group members"] += created
    added = ", ".join(f"{n} {what}" for what, n in counts.items())
    return f"{len(networks)} networks ({added} added)."
