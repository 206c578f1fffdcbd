"""Two app servers on one PostgreSQL (issue 8, part 5): people acting on the same thing at the same moment
through different gunicorn instances lose no update and create no duplicate.

Two gunicorn instances (two workers each, DEBUG off) serve the test database; the test commits its data
(transactional), makes staff sessions out of band (loadtest/run.py's make_session: verified with a TOTP
device when django-otp is installed), then fires each pair of requests from two threads released by a
barrier, one at each server, several times over.
"""

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from django.conf import settings
from django.db import connection

from loadtest.run import database_url_of, free_port, make_session

ROOT = Path(__file__).resolve().parents[2]
ROUNDS = 4  # each race is run this many times: a lucky ordering should not let a missing guard pass
CSRF = "k" * 32  # an unmasked CSRF secret: the cookie and the form field carry the same value

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL: two servers, one database"
    ),
]


@pytest.fixture(scope="module")
def servers(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any) -> Iterator[list[str]]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url_of(connection.settings_dict),
        "DEBUG": "0",
        "SECRET_KEY": settings.SECRET_KEY,  # the sessions' hashes are made with it
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    processes, bases = [], []
    log_dir = tmp_path_factory.mktemp("gunicorn")
    for n in range(2):
        port = free_port()
        log = (log_dir / f"server{n}.log").open("wb")
        processes.append(
            subprocess.Popen(  # noqa: S603 - our own executable, fixed arguments
                [
                    str(Path(sys.executable).parent / "gunicorn"),
                    "helpnet.wsgi:application",
                    *("--bind", f"127.0.0.1:{port}", "--workers", "2", "--preload", "--timeout", "120"),
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
        bases.append(f"http://127.0.0.1:{port}")
    try:
        for base, process in zip(bases, processes, strict=True):
            deadline = time.monotonic() + 180
            while True:
                assert process.poll() is None, (log_dir / "server0.log").read_text()
                try:
                    if requests.get(f"{base}/en/", timeout=180).status_code == 200:
                        break
                except requests.ConnectionError:
                    pass
                assert time.monotonic() < deadline, "gunicorn did not answer"
                time.sleep(0.3)
        yield bases
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


class Browser:
    """One person's session on the servers: posts a form, and reads the message the next page shows."""

    def __init__(self, user: Any) -> None:
        self.cookie = (
            f"{settings.SESSION_COOKIE_NAME}={make_session(user)}; {settings.CSRF_COOKIE_NAME}={CSRF}"
        )

    def post(self, url: str, data: dict[str, Any]) -> requests.Response:
        return requests.post(
            url,
            data={**data, "csrfmiddlewaretoken": CSRF},
            headers={"Cookie": self.cookie},
            allow_redirects=False,
            timeout=120,
        )

    def follow(self, response: requests.Response) -> str:
        """The page a browser lands on after `response`, with the one-time message cookie it was given
        (with DEBUG off the server marks cookies Secure, so they are passed on here by hand)."""
        assert response.status_code == 302, response.status_code
        location = response.headers["Location"]
        if location.startswith("/"):
            parts = urlsplit(response.url)
            location = f"{parts.scheme}://{parts.netloc}{location}"
        extra = "".join(f"; {name}={value}" for name, value in response.cookies.items())
        page = requests.get(location, headers={"Cookie": self.cookie + extra}, timeout=120)
        assert page.status_code == 200, page.status_code
        return page.text


Post = tuple["Browser", str, dict[str, Any]]


def race(*posts: Post) -> list[requests.Response]:
    """Send each (browser, url, form data) from its own thread, all released together; responses in order."""
    barrier = threading.Barrier(len(posts))
    results: list[Any] = [None] * len(posts)

    def run(i: int, browser: Browser, url: str, data: dict[str, Any]) -> None:
        barrier.wait()
        try:
            results[i] = browser.post(url, data)
        except BaseException as error:  # reported by the assertion below
            results[i] = error

    threads = [threading.Thread(target=run, args=(i, *post)) for i, post in enumerate(posts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(isinstance(r, requests.Response) for r in results), results
    return results


# --- referrals ---


def test_two_receivers_deciding_the_same_referral_on_two_servers_exactly_one_wins(servers: list[str]) -> None:
    from helpnet.referrals import actions
    from helpnet.referrals.models import ReferralEvent
    from helpnet.referrals.tests.conftest import Parties

    parties = Parties()
    editor, admin = parties.users["receiver_editor"], parties.users["receiver_admin"]
    browsers = Browser(editor), Browser(admin)
    for round_ in range(ROUNDS):
        referral = parties.referral("requested")
        actions.mark_received(referral, by=editor)
        referral.refresh_from_db()
        version = referral.version
        step = (
            "accept" if round_ % 2 else "reject"
        )  # the second person accepts, or declines, at the same moment
        second = {"reject-version": version, "reject-reason": "no_capacity", "reject-note": ""}
        if step == "accept":
            second = {"accept-version": version, "accept-note": ""}
        page = f"/en/referrals/{referral.pk}"
        responses = race(
            (browsers[0], f"{servers[0]}{page}/steps/accept/", {"accept-version": version}),
            (browsers[1], f"{servers[1]}{page}/steps/{step}/", second),
        )
        codes = sorted(r.status_code for r in responses)
        assert codes == [302, 409], codes
        loser = next(r for r in responses if r.status_code == 409)
        assert "Someone else changed this referral a moment ago" in loser.text
        decided = ReferralEvent.objects.filter(referral=referral, to_status__in=["accepted", "rejected"])
        assert decided.count() == 1
        referral.refresh_from_db()
        assert referral.version == version + 1
        assert referral.status == decided.get().to_status


# --- monitoring ---


@pytest.fixture
def monitoring_world() -> dict[str, Any]:
    from datetime import date

    from helpnet.accounts.models import User
    from helpnet.monitoring.tests.factories import IndicatorFactory, PeriodFactory
    from helpnet.networks.tests.factories import make_network_with_members
    from helpnet.organizations.models import Membership

    network, members = make_network_with_members(3, slug="sevnica", name="Lokalna skupina Sevnica")
    org_b = members[1].organization
    second_reporter = User.objects.create(username="reporter-two")
    Membership.objects.create(user=second_reporter, organization=org_b, role=Membership.Role.EDITOR)
    second_coordinator = User.objects.create(username="coordinator-two")
    Membership.objects.create(
        user=second_coordinator, organization=members[0].organization, role=Membership.Role.ADMIN
    )
    return {
        "network": network,
        "org_b": org_b,
        "indicator": IndicatorFactory(network=network, frequency="quarterly"),
        "periods": [
            PeriodFactory(
                network=network,
                label=f"2026-Q{q}",
                start=date(2026, 3 * q - 2, 1),
                end=date(2026, 3 * q, 28),
                due_date=date(2026, 3 * q, 28),
            )
            for q in range(1, ROUNDS + 1)
        ],
        "reporters": [members[1].representatives.get().user, second_reporter],
        "coordinators": [members[0].representatives.get().user, second_coordinator],
    }


def test_two_people_reporting_the_same_figure_on_two_servers_make_one_measurement(
    servers: list[str], monitoring_world: dict[str, Any]
) -> None:
    from helpnet.monitoring.models import Measurement

    world = monitoring_world
    indicator, org_b = world["indicator"], world["org_b"]
    browsers = [Browser(user) for user in world["reporters"]]
    for period in world["periods"]:
        url = f"/en/monitoring/sevnica/indicators/{indicator.pk}/periods/{period.pk}/report/"
        responses = race(
            *[
                (b, f"{s}{url}", {"organization": org_b.pk, "value": v, "note": "", "action": "submit"})
                for b, s, v in zip(browsers, servers, (11, 12), strict=True)
            ]
        )
        figures = Measurement.objects.filter(indicator=indicator, period=period, reporting_organization=org_b)
        assert figures.count() == 1
        figure = figures.get()
        assert figure.status == Measurement.Status.SUBMITTED
        # One saved and submitted it; the other was told it is already submitted, and changed nothing.
        codes = sorted(r.status_code for r in responses)
        assert codes == [200, 302], codes
        winner = next(r for r in responses if r.status_code == 302)
        loser = next(r for r in responses if r.status_code == 200)
        assert "already submitted" in loser.text
        assert str(figure.value.normalize()) == ("11" if responses[0] is winner else "12")


def test_two_coordinators_reviewing_the_same_figure_on_two_servers_one_decision_stands(
    servers: list[str], monitoring_world: dict[str, Any]
) -> None:
    from helpnet.monitoring.models import Measurement
    from helpnet.monitoring.tests.factories import MeasurementFactory

    world = monitoring_world
    browsers = [Browser(user) for user in world["coordinators"]]
    for period in world["periods"]:
        figure = MeasurementFactory(
            indicator=world["indicator"],
            period=period,
            reporting_organization=world["org_b"],
            status=Measurement.Status.SUBMITTED,
        )
        base = f"/en/monitoring/sevnica/measurements/{figure.pk}"
        responses = race(
            (browsers[0], f"{servers[0]}{base}/validate/", {}),
            (browsers[1], f"{servers[1]}{base}/return/", {"comment": "Count only adults."}),
        )
        pages = [browser.follow(response) for browser, response in zip(browsers, responses, strict=True)]
        validated = "The figure is validated." in pages[0]
        returned = "The figure is returned to its organisation." in pages[1]
        # Exactly one review stands, and the other coordinator is told why theirs did not.
        assert validated != returned, (validated, returned)
        figure.refresh_from_db()
        if validated:
            assert "Only a submitted figure can be returned." in pages[1]
            assert figure.status == Measurement.Status.VALIDATED and figure.validated_at is not None
        else:
            assert "Only a submitted figure can be validated." in pages[0]
            assert figure.status == Measurement.Status.RETURNED and figure.validated_at is None


# --- meetings: the host rotation ---


def test_two_coordinators_scheduling_the_next_meeting_on_two_servers_give_each_turn_once(
    servers: list[str], monitoring_world: dict[str, Any]
) -> None:
    import datetime as dt

    from helpnet.meetings.models import MeetingSeries
    from helpnet.meetings.queries import rotation_members

    world = monitoring_world
    network = world["network"]
    series = MeetingSeries.objects.create(
        network=network,
        title="Local group",
        rrule="FREQ=WEEKLY;BYDAY=WE",
        dtstart=dt.date(2027, 1, 6),
        start_time=dt.time(10, 0),
        rotate_hosts=True,
    )
    browsers = [Browser(user) for user in world["coordinators"]]
    url = f"/en/meetings/sevnica/series/{series.pk}/generate/"
    for _round in range(ROUNDS):
        responses = race(*[(b, f"{s}{url}", {"count": 1}) for b, s in zip(browsers, servers, strict=True)])
        assert [r.status_code for r in responses] == [302, 302]
    meetings = list(series.meetings.order_by("start"))
    # Every request scheduled its own meeting: no date twice, no number twice, and the host turns go
    # round the members in order, nobody hosting twice in a row.
    assert len(meetings) == 2 * ROUNDS
    assert len({m.start for m in meetings}) == len(meetings)
    numbers = [m.sequence_no for m in meetings]
    assert numbers == list(range(1, len(meetings) + 1))
    hosts = [m.host_organization_id for m in meetings]
    rotation = [member.organization_id for member in rotation_members(series)]
    assert hosts == [rotation[i % len(rotation)] for i in range(len(meetings))]
