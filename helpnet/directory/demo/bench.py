"""Server-time measurement of the public pages, in process, with Django's test client.

Used by ``helpnet bench_pages``. The client skips the network and the WSGI server, so what is
measured is URL routing, middleware, the view, its queries and template rendering: the part of a
request the application controls.
"""

import math
import os
import platform
import random
import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass

import django
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from ..queries import listed_services

# What people type (colloquial sl, a few da/en words) and the filters they click.
QUERIES = (
    "alkohol", "pitje", "zasvojenost", "opuščanje kajenja", "kajenje", "nasilje v družini", "nasilje",
    "osamljenost", "dolgovi", "starejši", "pomoč na domu", "mladi", "svetovanje", "hrana", "depresija",
    "brezposelni", "slovenščina", "stres", "starši", "skupina za samopomoč", "rygestop", "ensomhed",
    "gæld", "debt", "loneliness",
)  # fmt: skip
NEEDS = ("addiction", "violence", "mental-health", "parenting", "elderly-care", "poverty-food", "youth")
GROUPS = ("elderly", "families", "children-youth", "adults", "migrants")
TOWNS = ("sevnica", "krsko", "brezice", "trbovlje", "zagorje-ob-savi", "litija", "randers", "vanlose")


@dataclass(frozen=True)
class Timing:
    label: str
    requests: int
    p50: float
    p95: float
    p99: float
    max: float
    mean: float
    errors: int
    queries: int  # median number of SQL queries per request
    # CPU time of this process per request: on a shared, busy machine the wall-clock figures
    # include waiting for a core, and these show what the request itself costs.
    cpu_p50: float = 0.0
    cpu_p95: float = 0.0

    def line(self) -> str:
        return (
            f"{self.label:<14} n={self.requests:<5} p50 {self.p50:7.1f} ms  p95 {self.p95:7.1f} ms  "
            f"p99 {self.p99:7.1f} ms  max {self.max:7.1f} ms  mean {self.mean:7.1f} ms  "
            f"(cpu p50 {self.cpu_p50:.1f} ms, p95 {self.cpu_p95:.1f} ms)  "
            f"queries {self.queries}  non-200 {self.errors}"
        )


def percentile(sorted_ms: Sequence[float], p: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    if not sorted_ms:
        return 0.0
    rank = max(1, min(len(sorted_ms), math.ceil(p / 100 * len(sorted_ms))))
    return sorted_ms[rank - 1]


def search_urls(count: int, *, seed: int) -> list[str]:
    """A reproducible mix: mostly a word, often with one or two filters, sometimes near a town."""
    rng = random.Random(seed)  # noqa: S311 (a benchmark mix, not a secret)
    with translation.override("sl"):
        base = reverse("directory:search")
    urls = []
    for _ in range(count):
        params: list[tuple[str, str]] = []
        if rng.random() < 0.8:
            params.append(("q", rng.choice(QUERIES)))
        for _ in range(rng.choice((0, 0, 1, 1, 2))):
            kind = rng.choice(
                ("need", "group", "municipality", "language", "free", "open_now", "near", "page")
            )
            if kind == "need":
                params.append(("need", rng.choice(NEEDS)))
            elif kind == "group":
                params.append(("group", rng.choice(GROUPS)))
            elif kind == "municipality":
                params.append(("municipality", rng.choice(TOWNS)))
            elif kind == "language":
                params.append(("language", rng.choice(("uk", "en", "ar"))))
            elif kind == "near":
                params += [("near", rng.choice(TOWNS)), ("sort", "distance")]
            elif kind == "page":
                params.append(("page", "2"))
            else:
                params.append((kind, "on"))
        query = "&".join(f"{k}={v}" for k, v in params)
        urls.append(f"{base}?{query}" if query else base)
    return urls


def service_urls(count: int, *, seed: int) -> list[str]:
    rng = random.Random(seed)  # noqa: S311
    ids = list(listed_services().order_by("id").values_list("id", flat=True)[: max(count * 5, 1000)])
    picked = [rng.choice(ids) for _ in range(count)] if ids else []
    with translation.override("sl"):
        return [reverse("directory:service_detail", args=[pk]) for pk in picked]


def measure(label: str, client: Client, urls: Sequence[str], *, warmup: int = 20) -> Timing:
    for url in urls[:warmup]:
        client.get(url)
    times: list[float] = []
    cpu: list[float] = []
    errors = 0
    for url in urls:
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        errors += response.status_code != 200
    counts = []
    for url in urls[:15]:
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        counts.append(len(ctx.captured_queries))
    times.sort()
    cpu.sort()
    return Timing(
        label=label,
        requests=len(times),
        p50=percentile(times, 50),
        p95=percentile(times, 95),
        p99=percentile(times, 99),
        max=times[-1] if times else 0.0,
        mean=sum(times) / len(times) if times else 0.0,
        errors=errors,
        queries=sorted(counts)[len(counts) // 2] if counts else 0,
        cpu_p50=percentile(cpu, 50),
        cpu_p95=percentile(cpu, 95),
    )


def machine() -> str:
    db = connection.vendor
    if db == "sqlite":
        db = f"SQLite {sqlite3.sqlite_version}"
    return (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPU cores, "
        f"Python {platform.python_version()}, Django {django.get_version()}, {db}"
    )
