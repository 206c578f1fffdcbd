"""The permission matrix: every URL pattern of the project, requested by every role, against a table.

The table is helpnet/tests/permission_matrix.py; the world (demo data + an unrelated organisation B and
network M) is helpnet/tests/matrix_world.py, built once per module inside a transaction that is rolled back at
the end; each test runs in a savepoint of it. A new URL without a row fails ``test_every_url_has_a_row``;
a row whose URL is gone fails ``test_every_row_names_a_url``.

GET: each URL x role must answer as the table says ("login" = a redirect to the login page).
POST by anonymous and by the user of organisation B: never a 500, never a database write (INSERT, UPDATE,
DELETE) outside the session table, and never a 200, unless the table lists the URL with its reason (forms for
citizens, read-only public pages, the user's own pages, links that carry their own authorisation).

``MATRIX_RECORD=path.json pytest helpnet/tests/test_permission_matrix.py`` writes the observed answers instead
of asserting them, for reviewing a change of the table.
"""

import json
import os
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from helpnet.tests import permission_matrix as table
from helpnet.tests.matrix_urls import ADMIN_REDIRECT_SHAPE, ADMIN_SHAPES, UrlCase, url_cases
from helpnet.tests.matrix_world import ROLES, World, build_world

CASES = url_cases()
RECORD = os.environ.get("MATRIX_RECORD")
_recorded: dict[str, dict[str, str]] = {}


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[World]:
    """Built once per module; every test's own transaction is a savepoint inside this one."""
    with django_db_blocker.unblock(), translation.override("en"), transaction.atomic():
        built = build_world()
        yield built
        transaction.set_rollback(True)
    if RECORD:
        old = {}
        if os.path.exists(RECORD):
            with open(RECORD, encoding="utf-8") as f:
                old = json.load(f)
        for key, answers in _recorded.items():
            old.setdefault(key, {}).update(answers)
        with open(RECORD, "w", encoding="utf-8") as f:
            json.dump(old, f, indent=1, sort_keys=True)


def _url(case: UrlCase, world: World) -> str:
    values = world.values
    if case.admin_model is not None:
        pk = world.admin_objects[case.admin_model]
        if case.row == ADMIN_REDIRECT_SHAPE:
            return "/" + case.route.replace("<path:object_id>", str(pk if pk is not None else 0))
        kwargs = {"object_id": pk} if "object_id" in case.kwargs else {}
        if pk is None and kwargs:
            kwargs["object_id"] = 0
        return reverse(case.name, kwargs=kwargs)  # type: ignore[arg-type]
    if case.name is None:
        return "/" + table.UNNAMED_PATHS[case.key]
    specific = table.KWARGS.get(case.key, {})
    kwargs = {}
    for name in case.kwargs:
        key = specific.get(name) or table.DEFAULT_KWARGS[name]
        kwargs[name] = values.get(key, key)  # a world object, or the literal itself
    url = reverse(case.name, kwargs=kwargs)
    query = table.QUERY.get(case.key)
    return f"{url}?{values[query]}" if query else url


def _client(world: World, role: str) -> Client:
    client = Client(raise_request_exception=False)  # a 500 is an answer to report, not a crash
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    return client


# The project's login page in any language (LoginRequiredMiddleware sends /admin/ to the default one), or the
# admin's own.
LOGIN_PATH = re.compile(r"^/(?:[a-z]{2}/accounts|admin)/login/$")


def _answer(response: Any) -> str:
    if response.status_code in (301, 302, 303, 307, 308):
        path = urlsplit(response["Location"]).path
        if LOGIN_PATH.match(path):
            return "login"
    return str(response.status_code)


def _expected(case: UrlCase, role: str) -> str:
    row = table.MATRIX.get(case.key) or table.MATRIX[case.row]
    return dict(zip(ROLES, row.split(), strict=True))[role]


# One test per URL x role; the admin's per-model URLs one test per shape x role, walking every model inside.
SINGLE = [c for c in CASES if c.admin_model is None]
SHAPES = sorted({c.row for c in CASES if c.admin_model is not None})
# The admin's per-model URLs all pass the same AdminSite.admin_view check: every model is requested by the
# superuser, anonymous and the user of B; the other roles (no staff flag either) try the first model of each shape.
EVERY_MODEL_ROLES = ("anonymous", "user_b", "superuser")


def _shape_cases(shape: str, role: str) -> list[UrlCase]:
    cases = [c for c in CASES if c.row == shape]
    return cases if role in EVERY_MODEL_ROLES else cases[:1]


GET_PARAMS = [pytest.param([c], role, id=f"{c.key}|{role}") for c in SINGLE for role in ROLES] + [
    pytest.param(_shape_cases(shape, role), role, id=f"{shape}|{role}") for shape in SHAPES for role in ROLES
]
POST_ROLES = ("anonymous", "user_b")
POST_PARAMS = [pytest.param([c], role, id=f"{c.key}|{role}") for c in SINGLE for role in POST_ROLES] + [
    pytest.param([c for c in CASES if c.row == shape], role, id=f"{shape}|{role}")
    for shape in SHAPES
    for role in POST_ROLES
]


def test_every_url_has_a_row() -> None:
    missing = sorted(c.key for c in CASES if c.key not in table.MATRIX and c.row not in table.MATRIX)
    assert not missing, f"URL patterns without a row in helpnet/tests/permission_matrix.py: {missing}"


def test_every_row_names_a_url() -> None:
    keys = {c.key for c in CASES} | {c.row for c in CASES}
    stale = sorted(set(table.MATRIX) - keys)
    for listed in ("POST_OPEN_FORMS", "POST_READ_ONLY", "POST_OWN_PAGES", "POST_WRITES"):
        stale += sorted(f"{listed}: {k}" for k in set(getattr(table, listed)) - keys)
    stale += sorted(f"KWARGS: {k}" for k in set(table.KWARGS) - keys)
    stale += sorted(f"QUERY: {k}" for k in set(table.QUERY) - keys)
    assert not stale, f"rows for URLs that no longer exist: {stale}"


def test_the_table_keeps_the_privacy_rule() -> None:
    """The table itself may not accept a leak: no 403 (a hint that something is there) for someone of another
    organisation or network or for anonymous, and no 500 for anyone."""
    broken = []
    for key, row in table.MATRIX.items():
        answers = dict(zip(ROLES, row.split(), strict=True))
        if any(answers[role] == "403" for role in ("anonymous", "user_b", "coordinator_m")):
            broken.append(f"{key}: {row}")
        if "500" in answers.values():
            broken.append(f"{key}: {row}")
    assert not broken, f"rows that break the privacy rule: {broken}"


def test_every_admin_shape_is_walked() -> None:
    shapes = {c.row for c in CASES if c.admin_model}
    assert shapes == {f"admin:*_{s}" for s in ADMIN_SHAPES} | {ADMIN_REDIRECT_SHAPE}


@pytest.mark.django_db
@pytest.mark.parametrize(("cases", "role"), GET_PARAMS)
def test_get(world: World, cases: list[UrlCase], role: str) -> None:
    client = _client(world, role)
    wrong = []
    for case in cases:
        url = _url(case, world)
        got = _answer(client.get(url))
        if RECORD:
            _recorded.setdefault(case.key, {})[role] = got
        elif got != _expected(case, role):
            wrong.append(f"GET {url} as {role}: {got}, the table says {_expected(case, role)}")
    assert not wrong, "\n".join(wrong)


WRITES = ("INSERT", "UPDATE", "DELETE")


def _writes(queries: list[dict[str, str]]) -> list[str]:
    out = []
    for q in queries:
        sql = q["sql"].lstrip()
        if sql.upper().startswith(WRITES) and not any(t in sql for t in table.WRITES_ALLOWED):
            out.append(sql[:200])
    return out


@pytest.mark.django_db
@pytest.mark.parametrize(("cases", "role"), POST_PARAMS)
def test_post_changes_nothing(world: World, cases: list[UrlCase], role: str) -> None:
    wrong = []
    client = _client(world, role)
    for case in cases:
        url = _url(case, world)
        if world.users[role] is not None and "_auth_user_id" not in client.session:
            client = _client(world, role)  # the last POST logged out
        with CaptureQueriesContext(connection) as queries:
            response = client.post(url, {})
        got = _answer(response)
        if RECORD:
            _recorded.setdefault(case.key, {})[f"POST {role}"] = got
        if response.status_code >= 500:
            wrong.append(f"POST {url} as {role}: {response.status_code}")
        writes = _writes(queries.captured_queries)
        if writes and not table.post_may_write(case.key, role):
            wrong.append(f"POST {url} as {role} wrote to the database: {writes}")
        if got == "200" and not table.post_may_answer_200(case.key, role):
            wrong.append(f"POST {url} as {role} answered 200 and the table has no reason for it")
    assert not wrong, "\n".join(wrong)
