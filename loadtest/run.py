"""The load test of issue 8: helpnet under gunicorn on PostgreSQL, driven by locust on loopback.

    .venv/bin/python loadtest/run.py                      # the full run: 50 users for two minutes
    .venv/bin/python loadtest/run.py --users 20 --time 20s   # the short form (helpnet/tests/test_load_short.py)

Steps: a fresh PostgreSQL database (``--database-url``, dropped afterwards unless ``--keep-db``), migrate,
``load_demo`` (and ``--extra-services N`` from the benchmark generator), staff sessions made out of band
(no login pages: a session row with the user's id, backend and hash, plus a confirmed TOTP device's
``otp_device_id`` once django-otp is installed), a pool of referrals for the receiver, then gunicorn
(``--workers``, default 2 × cores + 1) with DEBUG off, then locust headless with ``--csv``. It prints
p50/p95/p99 per request kind and the failures, checks in the database that every staff write the
scenario counted as done is there, and exits non-zero on any failure.
"""

import argparse
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/helpnet_loadtest"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--time", default="120s", help="locust --run-time, e.g. 120s or 2m")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument(
        "--database-url", default=os.environ.get("HELPNET_LOADTEST_DATABASE_URL", DEFAULT_URL)
    )
    parser.add_argument("--extra-services", type=int, default=0, help="synthetic services on top of the demo")
    parser.add_argument("--keep-db", action="store_true", help="do not drop the database afterwards")
    parser.add_argument("--out", type=Path, default=None, help="folder for the plan, CSVs and logs")
    return parser.parse_args(argv)


def _maintenance_url(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if parts.scheme not in ("postgres", "postgresql", "pgsql") or not name:
        raise SystemExit(f"--database-url must be a PostgreSQL URL with a database name, not {url!r}")
    return urlunsplit((parts.scheme, parts.netloc, "/postgres", "", "")), name


def recreate_database(url: str, *, drop_only: bool = False) -> None:
    import psycopg

    maintenance, name = _maintenance_url(url)
    conninfo = maintenance.replace("postgres://", "postgresql://", 1)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            conn.execute(f'CREATE DATABASE "{name}"')


def database_url_of(settings_dict: dict[str, Any]) -> str:
    """A DATABASE_URL for a Django connection's settings (to point the servers at a test database)."""
    s = settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{s['USER']}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(40))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpnet.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def make_session(user: Any) -> str:
    """A logged-in (and, with django-otp, verified) session for `user`, as the login pages would leave it."""
    from django.apps import apps
    from django.conf import settings
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session["_auth_user_backend"] = settings.AUTHENTICATION_BACKENDS[0]
    session["_auth_user_hash"] = user.get_session_auth_hash()
    if apps.is_installed("django_otp.plugins.otp_totp"):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="load test", confirmed=True)
        session["otp_device_id"] = device.persistent_id
    session.create()
    return str(session.session_key)


def run_seconds(text: str) -> int:
    """locust's --run-time ("120s", "2m", "1h30m") in seconds."""
    total, number = 0, ""
    for char in text:
        if char.isdigit():
            number += char
        else:
            total += int(number or 0) * {"h": 3600, "m": 60, "s": 1}[char]
            number = ""
    return total + int(number or 0)


def prepare(*, users: int, seconds: int, extra_services: int = 0, migrate: bool = True) -> dict[str, Any]:
    """Demo data, extra services, staff sessions and the receiver's referral pool; the plan locust reads."""
    import logging

    from django.conf import settings
    from django.core.management import call_command

    logging.disable(logging.INFO)  # the referral log lines of the pool
    if migrate:
        call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as devnull:
        call_command("load_demo", stdout=devnull)
    from helpnet.accounts.models import User
    from helpnet.directory import indexing, vocabulary
    from helpnet.directory.demo.generate import generate_services
    from helpnet.directory.management.commands.bench_search import TEXTS
    from helpnet.directory.models import Service, TaxonomyTerm
    from helpnet.meetings.models import Meeting
    from helpnet.monitoring.models import Indicator, Measurement
    from helpnet.monitoring.queries import periods_for
    from helpnet.networks.models import Network
    from helpnet.organizations.geography import MUNICIPALITIES
    from helpnet.organizations.models import Membership, Municipality, Organization
    from helpnet.referrals import actions as referral_actions

    if extra_services:
        generate_services(extra_services, seed=2026)
        indexing.reindex_all()
    editor = User.objects.get(username="urednik")  # editor of Zdravstveni dom Sevnica, deputy in LSKZ Sevnica
    receiver = User.objects.get(username="skrbnik")  # its admin: the referral inbox
    home_org = Membership.objects.get(user=editor).organization
    network = Network.objects.get(slug="lskz-sevnica")
    # A sender in another Slovenian organisation for the receiver's pool of new referrals.
    sender_org = (
        Organization.objects.filter(country="SI", services__status="active")
        .exclude(pk=home_org.pk)
        .distinct()
        .order_by("name")
        .first()
    )
    if sender_org is None:
        raise SystemExit("the demo has no other Slovenian organisation with services")
    sender, _created = User.objects.get_or_create(username="loadtest-sender", defaults={"first_name": "Load"})
    Membership.objects.get_or_create(user=sender, organization=sender_org, defaults={"role": "editor"})
    target = Service.objects.filter(organization=home_org, status="active").order_by("name").first()
    if target is None:
        raise SystemExit("the demo organisation has no active service")
    # Each receiver takes a referral every few seconds; the pool has room for twice that.
    pool = []
    for n in range(max(20, users * seconds // 40)):
        referral = referral_actions.create_referral(
            target,
            sender_organization=sender_org,
            by=sender,
            data={
                "person_name": f"Oseba {n}",
                "person_phone": "+38640000000",
                "preferred_contact": "phone",
                "reason": "Potrebuje pomoč pri opuščanju kajenja.",
                "legal_basis": "consent",
                "consent_given": True,
                "consent_method": "verbal",
                "consent_scope": "Napotitev in kontakt po telefonu.",
            },
            send=True,
        )
        pool.append(str(referral.pk))
    # The measurement the editor keeps as a draft: a reported indicator, an open period with no figure
    # of the organisation that is already submitted.
    indicator = next(
        i for i in Indicator.objects.filter(network=network).order_by("pk") if not i.is_automatic
    )
    taken = Measurement.objects.filter(
        indicator=indicator, reporting_organization=home_org, disagg_key=""
    ).exclude(status__in=[Measurement.Status.DRAFT, Measurement.Status.RETURNED])
    period = (
        periods_for(indicator)
        .filter(locked_at__isnull=True)
        .exclude(pk__in=taken.values("period_id"))
        .order_by("-start")
        .first()
    )
    if period is None:
        raise SystemExit("the demo network has no open reporting period")
    need_id = vocabulary.taxonomy_id(vocabulary.NEED_AREAS_TAXONOMY)
    group_id = vocabulary.taxonomy_id(vocabulary.TARGET_GROUPS_TAXONOMY)
    municipalities = list(Municipality.objects.order_by("slug").values_list("slug", flat=True))
    logging.disable(logging.NOTSET)
    return {
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "csrf_cookie": settings.CSRF_COOKIE_NAME,
        "sessions": {"editor": make_session(editor), "receiver": make_session(receiver)},
        "texts": list(TEXTS),
        "needs": list(TaxonomyTerm.objects.filter(taxonomy_id=need_id).values_list("code", flat=True)),
        "groups": list(TaxonomyTerm.objects.filter(taxonomy_id=group_id).values_list("code", flat=True)),
        "municipalities": municipalities,
        "towns": [slug for slug in municipalities if slug in MUNICIPALITIES],
        "services": [
            str(pk)
            for pk in Service.objects.filter(status="active").order_by("?").values_list("pk", flat=True)[:500]
        ],
        "editor_services": [
            str(pk)
            for pk in Service.objects.filter(organization=home_org, status="active").values_list(
                "pk", flat=True
            )
        ],
        "referrals": pool,
        "network": network.slug,
        "indicator": indicator.pk,
        "period": period.pk,
        "home_org": str(home_org.pk),
        "meetings": list(Meeting.objects.filter(network=network).values_list("pk", flat=True)),
    }


def verify(plan: dict[str, Any], stats: dict[str, dict[str, Any]], *, users: int) -> list[str]:
    """Every staff write the scenario counted as a success is in the database, once.

    A write still in flight when locust stopped may be stored without being counted, so a count may exceed
    locust's by at most the number of users; it may never fall short of it.
    """
    from helpnet.accounts.models import User
    from helpnet.directory.models import Service
    from helpnet.meetings.models import AgendaItem
    from helpnet.monitoring.models import Measurement
    from helpnet.referrals.models import Referral, ReferralEvent, ReferralMessage

    def done(name: str) -> int:
        row = stats.get(name)
        return 0 if row is None else int(row["Request Count"]) - int(row["Failure Count"])

    def check(what: str, stored: int, name: str) -> None:
        if not done(name) <= stored <= done(name) + users:
            problems.append(f"{what}: {stored} stored, {done(name)} done by locust")

    problems: list[str] = []
    receiver = User.objects.get(username="skrbnik")
    accepted = Referral.objects.filter(pk__in=plan["referrals"], status="accepted").count()
    events = ReferralEvent.objects.filter(
        referral_id__in=plan["referrals"], to_status="accepted", actor=receiver
    ).count()
    if events != accepted:
        problems.append(f"referrals accepted {accepted}, but {events} acceptance events")
    check("referrals accepted", accepted, "referral: accept")
    answers = ReferralMessage.objects.filter(referral_id__in=plan["referrals"], author=receiver).count()
    check("referral answers", answers, "referral: answer")
    proposed = AgendaItem.objects.filter(
        network__slug=plan["network"], title__startswith="Load test:"
    ).count()
    check("agenda items", proposed, "meetings: propose agenda item")
    edited = sum(
        1
        for service in Service.objects.filter(pk__in=plan["editor_services"])
        if "[load test edit " in service.description
    )
    if done("staff: save service") and not edited:
        problems.append("no service description carries a load-test edit")
    figures = Measurement.objects.filter(
        indicator_id=plan["indicator"],
        period_id=plan["period"],
        reporting_organization_id=plan["home_org"],
        disagg_key="",
    )
    if done("monitoring: save figure") and (
        figures.count() != 1 or not figures[0].note.startswith("Load test figure")
    ):
        problems.append(f"figures for the indicator and period: {figures.count()} (want one, the last saved)")
    return problems


def read_stats(csv_path: Path) -> dict[str, dict[str, Any]]:
    import csv

    with csv_path.open(newline="") as handle:
        return {row["Name"]: row for row in csv.DictReader(handle)}


def report(stats: dict[str, dict[str, Any]]) -> tuple[int, str]:
    lines = [f"{'request':<38}{'n':>6}{'fail':>6}{'p50':>8}{'p95':>8}{'p99':>8}{'max':>8}  (ms)"]
    failures = 0
    for name, row in stats.items():
        failures += int(row["Failure Count"]) if name != "Aggregated" else 0
        lines.append(
            f"{name[:37]:<38}{row['Request Count']:>6}{row['Failure Count']:>6}"
            f"{row['50%']:>8}{row['95%']:>8}{row['99%']:>8}{float(row['Max Response Time']):>8.0f}"
        )
    total = stats.get("Aggregated", {})
    if total:
        lines.append(f"requests/s: {float(total['Requests/s']):.1f}")
    return failures, "\n".join(lines)


def wait_until_up(base: str, process: subprocess.Popen[bytes], *, workers: int, timeout: float = 180) -> None:
    """Wait for the first page, then warm every worker (templates, the lemmatiser's dictionaries) so the run
    measures the steady state, not start-up."""
    from concurrent.futures import ThreadPoolExecutor

    def fetch(path: str) -> int:
        with urllib.request.urlopen(f"{base}{path}", timeout=timeout) as response:  # noqa: S310 - loopback
            return int(response.status)

    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise SystemExit("gunicorn exited before it served a page")
        try:
            fetch("/en/")
            break
        except OSError as error:
            if time.monotonic() > deadline:
                raise SystemExit(f"gunicorn did not answer in {timeout:.0f} s: {error}") from error
            time.sleep(0.5)
    paths = ["/sl/search/?q=alkohol", "/da/search/?q=ensomhed", "/en/search/?q=debt", "/api/hsds/services"]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(fetch, paths * workers))


def run_load(
    database_url: str,
    plan: dict[str, Any],
    *,
    users: int,
    spawn_rate: float,
    run_time: str,
    workers: int,
    out: Path,
) -> tuple[int, list[str], str]:
    """gunicorn on `database_url`, locust against it; (failed requests, failed write checks, the report)."""
    from django.conf import settings
    from django.db import connections

    connections.close_all()
    plan_path = out / "plan.json"
    plan_path.write_text(json.dumps(plan))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server_env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        # The sessions' auth hash is an HMAC with SECRET_KEY: the server must use the key that made them.
        "SECRET_KEY": settings.SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING",
        # Every locust user comes from 127.0.0.1: the per-address API limit would count them as one client.
        "HELPNET_API_RATE_LIMIT": "0",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    with (out / "gunicorn.log").open("wb") as log:
        server = subprocess.Popen(  # noqa: S603 - our own executables
            [
                str(BIN / "gunicorn"),
                "helpnet.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--timeout",
                "60",
                "--preload",  # import Django and build the middleware (WhiteNoise's file index) once
            ],
            cwd=ROOT,
            env=server_env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until_up(base, server, workers=workers)
            with (out / "locust.log").open("wb") as locust_log:
                locust = subprocess.run(  # noqa: S603 - our own executables
                    [
                        str(BIN / "locust"),
                        "-f",
                        str(ROOT / "loadtest" / "locustfile.py"),
                        "--headless",
                        "--users",
                        str(users),
                        "--spawn-rate",
                        str(spawn_rate),
                        "--run-time",
                        run_time,
                        "--host",
                        base,
                        "--csv",
                        str(out / "locust"),
                        "--only-summary",
                        # Let each user finish the task in hand, so every write sent is also counted.
                        "--stop-timeout",
                        "60",
                        "--loglevel",
                        "WARNING",
                    ],
                    cwd=ROOT,
                    env={**os.environ, "HELPNET_LOADTEST_PLAN": str(plan_path)},
                    stdout=locust_log,
                    stderr=subprocess.STDOUT,
                    check=False,
                )
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
    stats = read_stats(out / "locust_stats.csv")
    failures, table = report(stats)
    lines = [f"gunicorn: {workers} workers; locust: {users} users for {run_time}", table]
    failure_rows = (out / "locust_failures.csv").read_text().strip().splitlines()[1:]
    lines += [f"failure: {row}" for row in failure_rows[:20]]
    problems = verify(plan, stats, users=users)
    if locust.returncode not in (0, 1):  # 1 = some requests failed, counted above
        problems.append(f"locust exited with {locust.returncode}; see {out / 'locust.log'}")
    lines += [f"write check: {problem}" for problem in problems]
    lines.append(f"failures: {failures}; write checks: {'ok' if not problems else 'FAILED'}; out: {out}")
    return failures, problems, "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    out = args.out or Path(tempfile.mkdtemp(prefix="helpnet-load-"))
    out.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    recreate_database(args.database_url)
    try:
        setup_django(args.database_url)
        plan = prepare(users=args.users, seconds=run_seconds(args.time), extra_services=args.extra_services)
        print(
            f"setup: {time.monotonic() - started:.0f} s; {len(plan['referrals'])} referrals in the pool",
            flush=True,
        )
        failures, problems, text = run_load(
            args.database_url,
            plan,
            users=args.users,
            spawn_rate=args.spawn_rate,
            run_time=args.time,
            workers=args.workers,
            out=out,
        )
        print(text)
        return 0 if failures == 0 and not problems else 1
    finally:
        if not args.keep_db:
            from django.db import connections

            connections.close_all()
            recreate_database(args.database_url, drop_only=True)


if __name__ == "__main__":
    sys.exit(main())
