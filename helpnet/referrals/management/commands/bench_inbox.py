"""Benchmark of the referral inbox: N generated referrals for one receiving organisation, each tab timed.

    .venv/bin/helpnet bench_inbox --referrals 10000

By default a fresh SQLite file under var/ (a separate process, so it is the only database it touches); with
--use-current-db it adds the referrals to the configured database (e.g. DATABASE_URL=postgres://…) and measures
there. Requests go through Django's test client in this process (routing, middleware, the view, its queries,
the access-log rows it writes, template rendering), as for `bench_pages`. Fictional people only.
"""

import argparse
import datetime as dt
import os
import random
import subprocess
import sys
import time
import warnings
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone, translation

from helpnet.accounts.models import User
from helpnet.directory.demo import bench
from helpnet.directory.models import Service
from helpnet.organizations.models import Membership, Organization
from helpnet.referrals.models import Referral, Status

TABS = ("new", "overdue", "mine", "sent", "all")
# How a receiving organisation's referrals are spread over the statuses after a year or two of use.
STATUS_MIX = (
    (Status.REQUESTED, 8),
    (Status.RECEIVED, 6),
    (Status.ACCEPTED, 12),
    (Status.IN_PROGRESS, 14),
    (Status.ON_HOLD, 4),
    (Status.COMPLETED, 30),
    (Status.FAILED, 5),
    (Status.REJECTED, 12),
    (Status.CANCELLED, 7),
    (Status.ENTERED_IN_ERROR, 2),
)
DECIDED = {
    Status.ACCEPTED,
    Status.IN_PROGRESS,
    Status.ON_HOLD,
    Status.COMPLETED,
    Status.FAILED,
    Status.REJECTED,
}
TERMINAL = {Status.COMPLETED, Status.FAILED, Status.REJECTED, Status.CANCELLED, Status.ENTERED_IN_ERROR}
BENCH_USER = "bench-inbox"


def generate(count: int, *, seed: int) -> tuple[Organization, User]:
    """One receiving organisation with `count` referrals (a tenth sent by it to others), its staff member."""
    rng = random.Random(seed)  # noqa: S311 (benchmark data, not a secret)
    with transaction.atomic():
        receiver = Organization.objects.create(name="Bench: receiving centre", description="Benchmark.")
        senders = [
            Organization.objects.create(name=f"Bench: sender {i:02d}", description="Benchmark.")
            for i in range(20)
        ]
        services = [
            Service.objects.create(organization=receiver, name=f"Bench service {i}", description="Benchmark.")
            for i in range(10)
        ]
        elsewhere = [
            Service.objects.create(
                organization=org, name=f"Bench service at {org.name}", description="Benchmark."
            )
            for org in senders[:5]
        ]
        user = User.objects.create_user(BENCH_USER + str(seed), email="bench@example.org", password=None)
        Membership.objects.create(user=user, organization=receiver, role=Membership.Role.EDITOR)
        colleague = User.objects.create_user(BENCH_USER + str(seed) + "-2", password=None)
        Membership.objects.create(user=colleague, organization=receiver, role=Membership.Role.EDITOR)
        statuses = [s for s, weight in STATUS_MIX for _ in range(weight)]
        now = timezone.now()
        rows = []
        for i in range(count):
            outgoing = i % 10 == 0
            status = rng.choice(statuses)
            requested = now - dt.timedelta(minutes=rng.randint(10, 2 * 365 * 24 * 60))
            decided = requested + dt.timedelta(hours=rng.randint(1, 120)) if status in DECIDED else None
            service = rng.choice(elsewhere if outgoing else services)
            rows.append(
                Referral(
                    sender_organization=receiver if outgoing else rng.choice(senders),
                    sender_user=user if outgoing else None,
                    receiving_organization=service.organization,
                    service=service,
                    status=status,
                    outcome="need_met" if status == Status.COMPLETED else "",
                    status_reason="no_capacity" if status == Status.REJECTED else "",
                    urgency=rng.choice(("routine", "routine", "soon", "urgent")),
                    assigned_to=rng.choice((user, colleague, None, None)) if not outgoing else None,
                    person_name=f"Bench Person {i}",
                    person_phone=f"+386 40 {i:06d}",
                    preferred_contact="phone",
                    reason="Benchmark referral.",
                    legal_basis="public_task",
                    consent_given=True,
                    consent_method="verbal",
                    consent_scope="Benchmark.",
                    requested_at=requested,
                    first_viewed_at=requested + dt.timedelta(hours=1) if status != Status.REQUESTED else None,
                    decided_at=decided,
                    closed_at=(decided or requested) + dt.timedelta(days=5) if status in TERMINAL else None,
                    response_due_at=requested + dt.timedelta(days=3),
                )
            )
        Referral.objects.bulk_create(rows, batch_size=1000)
    return receiver, user


class Command(BaseCommand):
    help = "Time the referral inbox (each tab) with N generated referrals for one receiving organisation."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--referrals", type=int, default=10_000)
        parser.add_argument("--requests", type=int, default=200, help="Measured requests per tab.")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--use-current-db", action="store_true", help="Generate into and measure the configured database."
        )
        parser.add_argument("--migrate", action="store_true", help=argparse.SUPPRESS)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["use_current_db"]:
            self._run(options)
            return
        path = settings.VAR_DIR / f"bench-inbox-{options['referrals']}.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
        argv = [
            sys.executable,
            "-m",
            "helpnet",
            "bench_inbox",
            "--use-current-db",
            "--migrate",
            "--skip-checks",
            f"--referrals={options['referrals']}",
            f"--requests={options['requests']}",
            f"--seed={options['seed']}",
        ]
        self.stdout.write(f"Benchmark database: {path}")
        self.stdout.flush()
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}"}
        if subprocess.run(argv, env=env, check=False).returncode:  # noqa: S603 (our own command)
            raise CommandError("The benchmark run failed.")

    def _run(self, options: dict[str, Any]) -> None:
        n, requests, seed = options["referrals"], options["requests"], options["seed"]
        if options["migrate"]:
            call_command("migrate", verbosity=0, interactive=False)
        start = time.perf_counter()
        receiver, user = generate(n, seed=seed)
        self.stdout.write(f"Generated {n} referrals in {time.perf_counter() - start:.1f} s.")
        warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        rng = random.Random(seed)  # noqa: S311
        with translation.override("sl"):
            base = reverse("referrals:referral_list")
        timings = []
        with override_settings(DEBUG=False):
            for tab in TABS:
                pages = max(1, Referral.objects.filter(receiving_organization=receiver).count() // 25)
                urls = [
                    f"{base}?org={receiver.pk}&tab={tab}"
                    + (f"&page={rng.randint(2, min(pages, 40))}" if rng.random() < 0.2 and pages > 1 else "")
                    for _ in range(requests)
                ]
                timings.append(bench.measure(f"inbox {tab}", client, urls))
        self.stdout.write(f"Machine: {bench.machine()}")
        self.stdout.write(f"Referrals in the database: {Referral.objects.count()}")
        for timing in timings:
            self.stdout.write(timing.line())
        worst = max(t.p95 for t in timings)
        self.stdout.write(f"Worst tab p95: {worst:.1f} ms (target 50 ms)")
