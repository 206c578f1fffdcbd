"""Headers, the strict CSP's promise (no inline script anywhere), sessions and the password change."""

import re
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.conf import settings as django_settings
from django.contrib.auth import SESSION_KEY

from helpnet.organizations.tests.factories import UserFactory

PASSWORD = "a-long-test-password"
ROOT = Path(django_settings.BASE_DIR)


def _templates() -> list[Path]:
    found = sorted((ROOT / "templates").rglob("*.html"))
    found += sorted((ROOT / "helpnet").glob("*/templates/**/*.html"))
    return found


def _without_comments(text: str) -> str:
    text = re.sub(r"\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", "", text, flags=re.S)
    return re.sub(r"\{#.*?#\}", "", text, flags=re.S)


INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)
JAVASCRIPT_URL = re.compile(r"javascript:", re.I)
INLINE_STYLE = re.compile(r"<style\b|<[a-z][^>]*\sstyle\s*=", re.I)


def test_there_are_templates_to_check():
    assert len(_templates()) > 50


@pytest.mark.parametrize(
    ("pattern", "what"),
    [
        (INLINE_SCRIPT, "an inline <script> without src"),
        (EVENT_HANDLER, "an on*= event handler attribute"),
        (JAVASCRIPT_URL, "a javascript: URL"),
        (INLINE_STYLE, "an inline style (the CSP's style-src blocks it)"),
    ],
)
def test_no_template_has_what_the_csp_would_block(pattern, what):
    offenders = [
        f"{path.relative_to(ROOT)}: {match.group(0)[:80]}"
        for path in _templates()
        for match in pattern.finditer(_without_comments(path.read_text(encoding="utf-8")))
    ]
    assert not offenders, f"{what}:\n" + "\n".join(offenders)


def test_the_checks_catch_what_they_look_for():
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert INLINE_SCRIPT.search('<script type="module">x()</script>')
    assert not INLINE_SCRIPT.search('<script src="/static/js/map.js" defer></script>')
    assert EVENT_HANDLER.search('<button class="x" onclick="go()">')
    assert not EVENT_HANDLER.search('<button class="x" data-onclick="go">')
    assert JAVASCRIPT_URL.search('<a href="JavaScript:void(0)">')
    assert INLINE_STYLE.search('<p style="color: red">')
    assert not _without_comments("{# <script>x</script> #}")


def _assert_security_headers(response: Any) -> None:
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "'unsafe-inline'" not in csp
    assert "object-src 'none'" in csp
    assert "frame-ancestors" in csp
    assert response.headers["Permissions-Policy"].startswith("camera=(), microphone=(), geolocation=(self)")
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_public_pages_send_the_security_headers(client, db):
    for url in ["/en/", "/en/accounts/login/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_security_headers(response)


def test_staff_pages_send_the_security_headers(editor_client):
    response = editor_client.get("/en/staff/")
    assert response.status_code == 200
    _assert_security_headers(response)


def test_the_session_lasts_a_working_day_at_most_and_ends_with_the_browser(client, db):
    assert django_settings.SESSION_COOKIE_AGE <= 8 * 60 * 60
    user = UserFactory()
    client.post("/en/accounts/login/", {"username": user.username, "password": PASSWORD})
    cookie = client.cookies["sessionid"]
    assert cookie["samesite"] == "Lax"
    assert cookie["httponly"]
    assert not cookie["expires"] and not cookie["max-age"]  # a browser-session cookie
    assert client.session.get_expiry_age() <= 8 * 60 * 60


def test_the_session_ends_after_eight_hours(client, db):
    user = UserFactory()
    with time_machine.travel("2026-03-02 08:00+00:00", tick=False) as traveller:
        client.post("/en/accounts/login/", {"username": user.username, "password": PASSWORD})
        assert SESSION_KEY in client.session
        traveller.shift(8 * 60 * 60 + 60)
        assert client.get("/en/accounts/password/").status_code == 302


def test_the_login_gives_a_new_session_id(client, db):
    user = UserFactory()
    client.get("/en/accounts/login/")
    session = client.session
    session["before"] = "login"
    session.save()
    before = session.session_key
    client.post("/en/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert client.cookies["sessionid"].value != before


def test_staff_change_their_password_with_the_rules(editor_client, editor):
    page = editor_client.get("/en/accounts/password/")
    assert page.status_code == 200
    weak = editor_client.post(
        "/en/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    text = weak.content.decode()
    assert "This password is too short. It must contain at least 10 characters." in text
    assert "This password is entirely numeric." in text
    assert "This password is too common." in text
    done = editor_client.post(
        "/en/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "river-lantern-oak-42",
            "new_password2": "river-lantern-oak-42",
        },
    )
    assert done.status_code == 302
    editor.refresh_from_db()
    assert editor.check_password("river-lantern-oak-42")
    # Still logged in and still verified after the change.
    assert editor_client.get("/en/staff/").status_code == 200


def _weak_password_errors(client: Any, lang: str) -> str:
    from django.utils import translation

    with translation.override(lang):
        response = client.post(
            f"/{lang}/accounts/password/",
            {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
        )
    return response.content.decode()


def test_password_rules_speak_danish(editor_client):
    text = _weak_password_errors(editor_client, "da")
    assert "Denne adgangskode er for kort. Den skal indeholde mindst 10 tegn." in text
    assert "This password" not in text


def test_password_rules_speak_slovenian_where_django_translates_them(editor_client):
    text = _weak_password_errors(editor_client, "sl")
    assert "Vaše geslo je sestavljeno samo iz števk." in text
    assert "This password is entirely numeric" not in text


def test_the_minimum_length_rule_speaks_slovenian(editor_client):
    # Django 5.2's own Slovenian catalogue lacks this msgid; ours has it (helpnet/accounts/django_messages.py).
    text = _weak_password_errors(editor_client, "sl")
    assert "This password is too short" not in text
    assert "To geslo je prekratko. Imeti mora vsaj 10 znakov." in text
