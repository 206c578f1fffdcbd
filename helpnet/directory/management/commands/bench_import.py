import json
import os
import platform
import random
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from helpnet.directory import indexing, schedules
from helpnet.directory.hsds.importer import import_hsds
from helpnet.directory.models import Service
from helpnet.directory.vocabulary import (
    NEED_AREAS,
    NEED_AREAS_TAXONOMY,
    TARGET_GROUPS,
    TARGET_GROUPS_TAXONOMY,
    term_id,
)

NAMESPACE = uuid.UUID("2f7c1d7e-4c1b-4b8e-9d55-0f3a52b0b001")
TOWNS = [
    ("Sevnica", "8290", "SI", 46.0106, 15.3126),
    ("Krško", "8270", "SI", 45.9590, 15.4910),
    ("Trbovlje", "1420", "SI", 46.1550, 15.0530),
    ("Randers", "8900", "DK", 56.4607, 10.0364),
    ("Vanløse", "2720", "DK", 55.6870, 12.4910),
]
WORDS = [
    "svetovanje",
    "pomoč",
    "skupina",
    "podpora",
    "družina",
    "mladi",
    "starejši",
    "zasvojenost",
    "nasilje",
    "rådgivning",
    "hjælp",
    "gruppe",
    "støtte",
    "familie",
    "unge",
    "ældre",
    "afhængighed",
    "vold",
    "counselling",
    "help",
    "group",
    "support",
]


def uid(*parts: object) -> str:
    return str(uuid.uuid5(NAMESPACE, ":".join(str(p) for p in parts)))


def nested_services(count: int, *, seed: int) -> Iterator[dict[str, Any]]:
    """Nested HSDS services shaped like the demo: 12 per organization, one place each, hours, terms."""
    rng = random.Random(seed)  # noqa: S311 - benchmark text, not secrets
    needs = [term_id(NEED_AREAS_TAXONOMY, code) for code in NEED_AREAS]
    groups = [term_id(TARGET_GROUPS_TAXONOMY, code) for code in TARGET_GROUPS]
    for n in range(count):
        org = n // 12
        town, postcode, country, lat, lng = TOWNS[org % len(TOWNS)]
        words = " ".join(rng.choice(WORDS) for _ in range(12))
        sid = uid("service", n)
        yield {
            "id": sid,
            "name": f"{rng.choice(WORDS).capitalize()} {town} {n}",
            "description": words.capitalize() + ".",
            "status": "active",
            "email": f"info{n}@example.org",
            "organization": {
                "id": uid("org", org),
                "name": f"Društvo {org} {town}",
                "description": "Pomoč ljudem v stiski.",
                "country": country,
            },
            "phones": [
                {"id": uid("phone", n), "number": f"+386 7 {n % 1000:03d} {n % 97:02d} 00", "type": "voice"}
            ],
            "schedules": [
                {
                    "id": uid("schedule", n, i),
                    "freq": "WEEKLY",
                    "byday": byday,
                    "opens_at": opens,
                    "closes_at": closes,
                }
                for i, (byday, opens, closes) in enumerate(
                    [("MO,TU,WE,TH,FR", "08:00", "14:00"), ("WE", "15:00", "17:00")][: 1 + n % 2]
                )
            ],
            "languages": [{"id": uid("language", n), "name": "slovenščina", "code": "sl"}],
            "service_areas": [{"id": uid("area", n), "name": town}],
            "cost_options": [{"id": uid("cost", n), "option": "free", "amount": 0, "currency": "EUR"}],
            "service_at_locations": [
                {
                    "id": uid("sal", n),
                    "location": {
                        "id": uid("location", n),
                        "location_type": "physical",
                        "name": f"Pisarna {town}",
                        "latitude": round(lat + rng.uniform(-0.02, 0.02), 6),
                        "longitude": round(lng + rng.uniform(-0.02, 0.02), 6),
                        "addresses": [
                            {
                                "id": uid("address", n),
                                "address_1": f"Trg svobode {n % 90 + 1}",
                                "city": town,
                                "postal_code": postcode,
                                "country": country,
                                "address_type": "physical",
                            }
                        ],
                    },
                }
            ],
            "attributes": [
                {"id": uid("need", n), "taxonomy_term_id": str(needs[n % len(needs)]), "link_type": "need"},
                {
                    "id": uid("group", n),
                    "taxonomy_term_id": str(groups[n % len(groups)]),
                    "link_type": "audience",
                },
            ],
        }


class Command(BaseCommand):
    help = (
        "Benchmark import_hsds: write N nested services as NDJSON, import them, then import them again "
        "(nothing changes). Run it on an empty scratch database (DATABASE_URL)."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--services", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--keep", type=Path, help="Write the NDJSON file here and keep it.")
        parser.add_argument("--once", action="store_true", help="Skip the second (unchanged) import.")
        parser.add_argument(
            "--occurrence-sample", type=int, default=1000, help="Services to time occurrences on."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if Service.objects.exists():
            raise CommandError("The database already has services; run the benchmark on an empty database.")
        count = options["services"]
        with tempfile.TemporaryDirectory() as scratch:
            path = options["keep"] or Path(scratch) / "services.ndjson"
            started = time.perf_counter()
            with path.open("w", encoding="utf-8") as handle:
                for item in nested_services(count, seed=options["seed"]):
                    handle.write(json.dumps(item, ensure_ascii=False) + "\n")
            written = time.perf_counter() - started
            size = path.stat().st_size / 1024 / 1024
            self.stdout.write(f"generated {count} services ({size:.0f} MB NDJSON) in {written:.1f} s")
            runs = [("first import", True)] + (
                [] if options["once"] else [("second import (unchanged)", True)]
            )
            for label, defer in runs:
                started, cpu = time.perf_counter(), time.process_time()
                report = import_hsds(
                    path,
                    progress=lambda line: print(line, file=sys.stderr, flush=True),
                    progress_every=20_000,
                    defer_derived=defer,
                )
                elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
                if report.failed:
                    raise CommandError("; ".join(str(e) for e in report.errors[:5]))
                created, updated = sum(report.created.values()), sum(report.updated.values())
                rows = created + updated + sum(report.unchanged.values())
                self.stdout.write(
                    f"{label}: {elapsed:.1f} s wall, {cpu:.1f} s CPU, {count / elapsed:.0f} services/s, "
                    f"{rows} rows ({created} new, {updated} changed), load {os.getloadavg()[0]:.1f}"
                )
        started, cpu = time.perf_counter(), time.process_time()
        indexing.reindex_all()
        self.stdout.write(
            f"derived: search index of {count} services rebuilt in {time.perf_counter() - started:.1f} s wall, "
            f"{time.process_time() - cpu:.1f} s CPU"
        )
        sample = list(Service.objects.order_by("pk")[: options["occurrence_sample"]])
        started, cpu = time.perf_counter(), time.process_time()
        for start in range(0, len(sample), 200):
            schedules.prefetch_schedules(sample[start : start + 200])
            for service in sample[start : start + 200]:
                schedules.refresh_occurrences(service)
        per_service = (time.process_time() - cpu) / max(len(sample), 1)
        self.stdout.write(
            f"derived: opening times of {len(sample)} services in {time.perf_counter() - started:.1f} s wall, "
            f"{per_service * 1000:.1f} ms CPU per service (~{per_service * count:.0f} s CPU for all {count})"
        )
        self.stdout.write(
            f"machine: {platform.python_implementation()} {platform.python_version()}, "
            f"{connection.vendor}, {platform.machine()}"
        )
