"""Shared fixtures: organisations, their members in each role, and a real browser."""

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from helpnet.organizations.models import Membership
from helpnet.organizations.tests.factories import MembershipFactory, OrganizationFactory

CHROMIUM = os.environ.get("HELPNET_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    # Tests roll back the database but not the in-process cache (search keeps browse counts there).
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _force_login_is_verified(monkeypatch: Any) -> None:
    # Staff sessions need a second factor (helpnet.accounts.twofactor). force_login already skips the
    # password; skipping the second factor with it is the same test convenience: the session gets the
    # verified-session key. helpnet/accounts/tests prove the real flow with real codes.
    from django_otp import DEVICE_ID_SESSION_KEY

    original = Client.force_login

    def force_login(self: Client, user: Any, backend: str | None = None) -> None:
        original(self, user, backend)
        session = self.session
        session[DEVICE_ID_SESSION_KEY] = "force_login"
        session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture(autouse=True)
def _immediate_tasks(settings: Any) -> None:
    # Queued work (e-mails, reminders) runs at once in tests; a test that checks the worker path sets
    # the database backend itself.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def org_a(db: Any) -> Any:
    return OrganizationFactory(name="Organisation A")


@pytest.fixture
def org_b(db: Any) -> Any:
    return OrganizationFactory(name="Organisation B")


def _member(org: Any, role: str) -> Any:
    return MembershipFactory(organization=org, role=role).user


@pytest.fixture
def editor(org_a: Any) -> Any:
    return _member(org_a, Membership.Role.EDITOR)


@pytest.fixture
def viewer(org_a: Any) -> Any:
    return _member(org_a, Membership.Role.VIEWER)


@pytest.fixture
def org_admin(org_a: Any) -> Any:
    return _member(org_a, Membership.Role.ADMIN)


@pytest.fixture
def other_editor(org_b: Any) -> Any:
    return _member(org_b, Membership.Role.EDITOR)


def _client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def editor_client(editor: Any) -> Client:
    return _client_for(editor)


@pytest.fixture
def viewer_client(viewer: Any) -> Client:
    return _client_for(viewer)


@pytest.fixture
def other_editor_client(other_editor: Any) -> Client:
    return _client_for(other_editor)


# --- browser tests: Playwright driving Debian's chromium (never a downloaded browser) ---


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run must install Debian's chromium")
        pytest.skip(f"{CHROMIUM} is missing (install Debian's chromium to run browser tests)")
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls from the
    # live-server fixtures are still synchronous and safe here.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def log_in(page: Any, live_server: Any) -> Any:
    """log_in(username, lang="en"): the real login pages in the browser, password and second factor."""
    from helpnet.accounts.tests.browser import log_in_through_pages

    return lambda username, lang="en": log_in_through_pages(page, live_server, username, lang=lang)


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(locale="sl-SI", viewport={"width": 390, "height": 844})
    # Map tiles are never fetched in tests: the page must work without them.
    context.route(
        "**/*",
        lambda route: (
            route.abort() if not route.request.url.startswith(live_server.url) else route.continue_()
        ),
    )
    pg = context.new_page()
    pg.set_default_timeout(10_000)
    yield pg
    context.close()
