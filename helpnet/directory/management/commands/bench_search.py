"""Benchmark the help-map search at scale: the same search_services the page and the API call.

Run it on a scratch database (it adds N synthetic services when there are fewer):
    HELPNET_VAR_DIR=/tmp/bench .venv/bin/helpnet migrate && HELPNET_VAR_DIR=/tmp/bench .venv/bin/helpnet bench_search --services 100000
"""

import os
import random
import resource
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q

from helpnet.directory import indexing
from helpnet.directory.demo.generate import generate_services
from helpnet.directory.models import Attribute, Location, Service, ServiceArea
from helpnet.directory.queries import SearchParams, listed_services, search_services, with_public_relations
from helpnet.organizations.geography import MUNICIPALITIES
from helpnet.search import queries as search_queries

# What people type: needs in sl/da/en, inflected, without diacritics, with typos and towns.
TEXTS = (
    "alkohol", "mož pije", "pitje alkohola", "zasvojenost", "opuščanje kajenja", "kajenje", "nasilje v druzini",
    "nasilje", "osamljenost", "dolgovi", "izvrsba", "starejši", "pomoč na domu", "mladi", "depresija",
    "depersija", "tesnoba", "brezposelnost", "izgubil sem službo", "slovenscina za tujce", "stres", "starši",
    "skupina za samopomoč", "hrana", "paket hrane", "invalid", "nosečnost", "alkohol sevnica",
    "kajenje krsko", "svetovanje trbovlje", "rygestop", "jeg ryger", "min mor er ensom", "ensomhed", "gæld",
    "gaeld", "vold i familien", "ledig", "arbejdsløs", "sorg", "ældre", "motion", "alkoholbehandlng",
    "debt", "loneliness", "help with depression", "quit smoking", "domestic violence", "food bank",
    "unemployed", "anxiety",
)  # fmt: skip
NEEDS = ("addiction", "violence", "mental-health", "parenting", "elderly-care", "poverty-food", "youth",
         "unemployment", "disability", "migrants", "health-promotion")  # fmt: skip
GROUPS = ("elderly", "families", "children-youth", "adults", "migrants", "men-at-risk")
# The share of each kind in the fixed mix.
MIX = (("text", 0.40), ("text+filters", 0.25), ("text+distance", 0.20), ("filters", 0.15))


def query_mix(count: int, *, seed: int) -> list[tuple[str, SearchParams]]:
    rng = random.Random(seed)  # noqa: S311 - a reproducible mix, not a secret
    towns = list(MUNICIPALITIES.items())
    mix: list[tuple[str, SearchParams]] = []
    for kind, share in MIX:
        for _ in range(round(count * share)):
            text = rng.choice(TEXTS)
            lang = rng.choice(("sl", "sl", "da", "en"))
            slug, (_name, _code, _country, _region, lat, lng) = rng.choice(towns)
            if kind == "text":
                params = SearchParams(q=text, lang=lang)
            elif kind == "text+filters":
                params = SearchParams(
                    q=text,
                    lang=lang,
                    need=(rng.choice(NEEDS),) if rng.random() < 0.5 else (),
                    group=(rng.choice(GROUPS),) if rng.random() < 0.3 else (),
                    municipality=slug if rng.random() < 0.6 else "",
                    free=rng.random() < 0.3,
                    open_now=rng.random() < 0.2,
                )
            elif kind == "text+distance":
                params = SearchParams(
                    q=text,
                    lang=lang,
                    lat=lat + rng.uniform(-0.03, 0.03),
                    lng=lng + rng.uniform(-0.03, 0.03),
                    radius_km=rng.choice((5.0, 10.0, 25.0)),
                    sort=rng.choice(("relevance", "distance")),
                )
            else:
                params = SearchParams(
                    lang=lang,
                    need=(rng.choice(NEEDS),),
                    municipality=slug if rng.random() < 0.7 else "",
                    group=(rng.choice(GROUPS),) if rng.random() < 0.3 else (),
                )
            mix.append((kind, params))
    rng.shuffle(mix)
    return mix[:count]


def naive_search(params: SearchParams, *, per_page: int = 20) -> tuple[int, list[Service]]:
    """The baseline peers use: substring match on name and description, filters as EXISTS subqueries."""
    services = listed_services()
    if params.q.strip():
        services = services.filter(Q(name__icontains=params.q) | Q(description__icontains=params.q))
    for codes in (params.need, params.group):
        if codes:
            services = services.filter(
                Exists(
                    Attribute.objects.filter(
                        link_entity="service", link_id=OuterRef("pk"), taxonomy_term__code__in=codes
                    )
                )
            )
    if params.municipality:
        services = services.filter(
            Exists(ServiceArea.objects.filter(service=OuterRef("pk"), municipality__slug=params.municipality))
        )
    if params.lat is not None and params.lng is not None and params.radius_km:
        degrees = params.radius_km / 111.0
        services = services.filter(
            Exists(
                Location.objects.filter(
                    service_at_locations__service=OuterRef("pk"),
                    latitude__range=(params.lat - degrees, params.lat + degrees),
                    longitude__range=(params.lng - 2 * degrees, params.lng + 2 * degrees),
                )
            )
        )
    total = services.count()
    return total, list(with_public_relations(services.order_by("name"))[:per_page])


def percentiles(ms: list[float]) -> tuple[float, float, float]:
    ordered = sorted(ms)

    def at(p: float) -> float:
        return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]

    return at(50), at(95), at(99)


def timed(run: Callable[[], Any]) -> tuple[float, float]:
    """Wall-clock and this process's CPU milliseconds (on a shared machine CPU is the steadier figure)."""
    started, cpu = time.perf_counter(), time.process_time()
    run()
    return (time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000


def database_size_mb() -> float:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            return float(cursor.fetchone()[0]) / 1e6
    path = Path(str(settings.DATABASES["default"]["NAME"]))
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*")) / 1e6


def analyze() -> None:
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute("PRAGMA optimize")
        cursor.execute("ANALYZE")


class Command(BaseCommand):
    help = (
        "Generate services, build the search index, and time a fixed mix of searches (and a naive baseline)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--services", type=int, default=100_000)
        parser.add_argument("--queries", type=int, default=500)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--skip-index", action="store_true", help="Reuse the index already built.")
        parser.add_argument("--skip-baseline", action="store_true")
        parser.add_argument(
            "--browse-cache", action="store_true", help="Keep the browse-count cache on (off by default)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        wanted = options["services"]
        existing = Service.objects.count()
        if existing < wanted:
            started = time.perf_counter()
            generate_services(wanted - existing, seed=options["seed"])
            self.stdout.write(
                f"Generated {wanted - existing} services in {time.perf_counter() - started:.0f} s."
            )
            # As autovacuum would, before the rebuild reads them: with the statistics of an empty database,
            # PostgreSQL joins every batch of services to all locations (170 ms a batch at 1 000 000).
            analyze()
        if not options["skip_index"]:
            started = time.perf_counter()
            with transaction.atomic():
                count = indexing.reindex_all()
            self.stdout.write(f"Index build: {count} services in {time.perf_counter() - started:.1f} s.")
        analyze()
        if not options["browse_cache"]:
            # The mix repeats filter combinations: cached counts would flatter the figures.
            search_queries.BROWSE_CACHE_SECONDS = 0
        mix = query_mix(options["queries"], seed=options["seed"])
        for _kind, params in mix[:20]:  # warm the lemmatiser's dictionaries and the database cache
            search_services(params)
        ours: dict[str, list[tuple[float, float]]] = {}
        naive: dict[str, list[tuple[float, float]]] = {}
        for kind, params in mix:
            ours.setdefault(kind, []).append(timed(lambda p=params: search_services(p)))  # type: ignore[misc]
        if not options["skip_baseline"]:
            for kind, params in mix:
                naive.setdefault(kind, []).append(timed(lambda p=params: naive_search(p)))  # type: ignore[misc]
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write(
            f"Database: {connection.vendor}, {Service.objects.count()} services, "
            f"{database_size_mb():.0f} MB; peak memory {peak_mb:.0f} MB; {os.cpu_count()} CPUs"
        )
        self.stdout.write(
            f"{'queries':<15}{'n':>4} {'p50':>7}{'p95':>7}{'p99':>7}  {'cpu p50':>7}{'p95':>7}"
            "   naive p50/p95 (cpu p95), ratio of p95s naive/ours"
        )
        for kind in [k for k, _share in MIX] + ["all"]:
            mine = [t for k, ts in ours.items() for t in ts] if kind == "all" else ours.get(kind, [])
            base = [t for k, ts in naive.items() for t in ts] if kind == "all" else naive.get(kind, [])
            if not mine:
                continue
            p50, p95, p99 = percentiles([w for w, _c in mine])
            c50, c95, _c99 = percentiles([c for _w, c in mine])
            line = f"{kind:<15}{len(mine):>4} {p50:>7.1f}{p95:>7.1f}{p99:>7.1f}  {c50:>7.1f}{c95:>7.1f}"
            if base:
                b50, b95, _b99 = percentiles([w for w, _c in base])
                _bc50, bc95, _bc99 = percentiles([c for _w, c in base])
                line += f"   {b50:.1f}/{b95:.1f} ({bc95:.1f}), {b95 / p95:.1f}×"
            self.stdout.write(line + "  (ms)")
