"""The shapes of the demo records: plain data, written once and turned into HSDS rows by the loader.

Every record has a ``key`` that is stable across releases: the loader derives the row ids from it
(uuid5), so loading the demo again updates the same rows instead of adding new ones.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Org:
    key: str
    name: str
    name_en: str
    kind: str
    municipality: str  # slug from organizations.geography
    description: str
    description_en: str
    website: str = ""
    email: str = ""
    phone: str = ""
    alternate_name: str = ""


@dataclass(frozen=True)
class Place:
    """A location with its street address (``confidential`` ones never get an address or coordinates)."""

    key: str
    org: str
    name: str
    municipality: str
    address: str = ""
    postal_code: str = ""
    city: str = ""
    latitude: float | None = None
    longitude: float | None = None
    transportation: str = ""
    transportation_en: str = ""
    accessibility: str = ""
    accessibility_en: str = ""
    confidential: bool = False
    name_en: str = ""


@dataclass(frozen=True)
class Hours:
    """One schedule row. ``byday`` as in RFC 5545 (``MO,TU`` weekly, ``1WE,3WE`` monthly)."""

    byday: str
    opens: str  # "08:30"
    closes: str
    freq: str = "WEEKLY"
    attending_type: str = ""  # "in person", "by appointment", "online", "phone"
    description: str = ""
    description_en: str = ""
    place: str = ""  # key of the place where this session happens ("" = every place of the service)
    # Seasonal validity as (month, day) pairs in the current year; the loader fills in the year.
    valid_from: tuple[int, int] | None = None
    valid_to: tuple[int, int] | None = None


@dataclass(frozen=True)
class Fee:
    option: str
    amount: float
    currency: str = "EUR"
    description: str = ""


FREE = (Fee("free", 0),)


@dataclass(frozen=True)
class Svc:
    key: str
    org: str
    name: str
    name_en: str
    description: str
    description_en: str
    needs: tuple[str, ...]
    groups: tuple[str, ...]
    places: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()  # municipality slugs served
    hours: tuple[Hours, ...] = ()
    languages: tuple[str, ...] = ("sl",)
    fees: tuple[Fee, ...] = FREE
    fees_description: str = ""
    fees_description_en: str = ""
    application_process: str = ""
    application_process_en: str = ""
    eligibility: str = ""
    eligibility_en: str = ""
    phone: str = ""
    email: str = ""
    url: str = ""
    program: str = ""  # key of a Program of the organisation
    status: str = "active"
    alert: str = ""
    alert_en: str = ""
    minimum_age: int | None = None
    maximum_age: int | None = None
    verified_days_ago: int = 30
    wait_time: str = ""
    capacity: tuple[int, int] | None = None  # (available, maximum) places
    # A planned closure as (first day, last day) counted from the day of loading, and the reason.
    closure: tuple[int, int, str, str] | None = None  # (from, to, reason sl/da, reason en)
    interpretation: str = ""


@dataclass(frozen=True)
class Prog:
    key: str
    org: str
    name: str
    name_en: str
    description: str
    description_en: str
    alternate_name: str = ""
