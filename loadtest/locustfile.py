"""What people do on helpnet, for locust: loadtest/run.py starts it against gunicorn with a plan (JSON).

Most users are the public: searches in Slovenian, Danish and English from the demo vocabulary (text, filters,
near a town), service pages, need areas, municipality pages and the HSDS API. A few are staff, on sessions
made out of band: an editor edits a service's description, keeps a figure as a draft and proposes an agenda
item; a receiver opens new referrals from the inbox, accepts them and answers. Every response must be what
the page gives a person (200, or a redirect after a successful form); anything else is a failure.
"""

# ruff: noqa: S311 - random choices of what a visitor does, not secrets

import json
import os
import random
import secrets
from html.parser import HTMLParser
from typing import Any

from locust import HttpUser, between, task

PLAN: dict[str, Any] = json.loads(open(os.environ["HELPNET_LOADTEST_PLAN"]).read())  # noqa: SIM115
LANGS = ("sl", "sl", "da", "en")
REFERRALS: list[str] = list(PLAN["referrals"])  # shared by all receivers: each referral is taken once


class FormFields(HTMLParser):
    """The fields a browser would submit from the first form whose action ends with `action` (or any form)."""

    def __init__(self, action: str = "") -> None:
        super().__init__()
        self.action = action
        self.fields: list[tuple[str, str]] = []
        self._in_form = False
        self._done = False
        self._select: str | None = None
        self._select_multiple = False
        self._select_first: str | None = None
        self._select_chosen = False
        self._option_value: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = {k: v or "" for k, v in attrs_list}
        if tag == "form" and not self._done and not self._in_form:
            self._in_form = attrs.get("method", "get").lower() == "post" and (
                not self.action or attrs.get("action", "").endswith(self.action) or not attrs.get("action")
            )
            return
        if not self._in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name and "disabled" not in attrs:
            kind = attrs.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.fields.append((name, attrs.get("value", "on" if kind in ("checkbox", "radio") else "")))
        elif tag == "select" and name:
            self._select, self._select_multiple = name, "multiple" in attrs
            self._select_first, self._select_chosen = None, False
        elif tag == "option" and self._select is not None:
            self._option_value = attrs.get("value")
            self._text = []
            if "selected" in attrs:
                self._select_chosen = True
                self._pending_selected = True
            else:
                self._pending_selected = False
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data: str) -> None:
        if self._textarea is not None or self._option_value is not None or self._select is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._in_form:
            self._in_form, self._done = False, True
        elif tag == "option" and self._select is not None:
            value = self._option_value if self._option_value is not None else "".join(self._text).strip()
            if self._select_first is None:
                self._select_first = value
            if getattr(self, "_pending_selected", False):
                self.fields.append((self._select, value))
            self._option_value = None
        elif tag == "select" and self._select is not None:
            if not self._select_chosen and not self._select_multiple and self._select_first is not None:
                self.fields.append((self._select, self._select_first))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = "".join(self._text)
            self.fields.append((self._textarea, text[1:] if text.startswith("\n") else text))
            self._textarea = None


def form_fields(html: str, action: str = "") -> list[tuple[str, str]]:
    parser = FormFields(action)
    parser.feed(html)
    return parser.fields


def replace(fields: list[tuple[str, str]], name: str, value: str) -> list[tuple[str, str]]:
    return [(k, v) for k, v in fields if k != name] + [(name, value)]


class Visitor(HttpUser):
    """Someone looking for help, or a social worker looking on someone's behalf, or an app on the API."""

    weight = 8
    wait_time = between(1, 3)

    def _get(self, url: str, name: str) -> None:
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} for {url}")

    @task(6)
    def search(self) -> None:
        lang = random.choice(LANGS)
        kind = random.choice(("text", "text", "text+filters", "near a town", "filters"))
        params: dict[str, str] = {}
        if kind != "filters":
            params["q"] = random.choice(PLAN["texts"])
        if kind in ("text+filters", "filters"):
            params["need"] = random.choice(PLAN["needs"])
            if random.random() < 0.5:
                params["municipality"] = random.choice(PLAN["municipalities"])
            if random.random() < 0.3:
                params["group"] = random.choice(PLAN["groups"])
            if random.random() < 0.3:
                params["free"] = "1"
            if random.random() < 0.2:
                params["open_now"] = "1"
        if kind == "near a town":
            params.update(
                near=random.choice(PLAN["towns"]), radius_km=random.choice(("5", "10", "25")), sort="distance"
            )
        if random.random() < 0.15:
            params["page"] = "2"
        self.client.get(f"/{lang}/search/", params=params, name=f"search: {kind}")

    @task(4)
    def service_page(self) -> None:
        lang = random.choice(LANGS)
        self._get(f"/{lang}/services/{random.choice(PLAN['services'])}/", "service page")

    @task(2)
    def need_area(self) -> None:
        lang = random.choice(LANGS)
        self._get(f"/{lang}/search/?need={random.choice(PLAN['needs'])}", "need area")

    @task(1)
    def home(self) -> None:
        self._get(f"/{random.choice(LANGS)}/", "home")

    @task(2)
    def municipality(self) -> None:
        lang, slug = random.choice(LANGS), random.choice(PLAN["municipalities"])
        self._get(f"/{lang}/municipalities/{slug}/", "municipality page")
        if random.random() < 0.3:
            self._get(f"/{lang}/municipalities/{slug}/this-week/", "municipality: this week")

    @task(3)
    def api(self) -> None:
        choice = random.random()
        if choice < 0.4:
            self._get(f"/api/hsds/services?page={random.randint(1, 3)}", "api: services")
        elif choice < 0.8:
            self._get(f"/api/hsds/services/{random.choice(PLAN['services'])}", "api: service")
        elif choice < 0.9:
            self._get("/api/hsds/organizations", "api: organizations")
        else:
            self._get("/api/hsds/taxonomy_terms", "api: taxonomy terms")


class Staff(HttpUser):
    abstract = True
    wait_time = between(2, 5)
    role = ""

    def on_start(self) -> None:
        self.csrf = secrets.token_hex(16)  # 32 characters: Django takes an unmasked secret as the token
        # One Cookie header, not the cookie jar: with DEBUG off the server marks its cookies Secure, and a
        # jar would stop sending them over plain http on loopback.
        session = PLAN["sessions"][self.role]
        self.client.headers["Cookie"] = (
            f"{PLAN['session_cookie']}={session}; {PLAN['csrf_cookie']}={self.csrf}"
        )

    def _get(self, url: str, name: str) -> str:
        # No redirects followed: a staff page that sends to the login page is a failure, not a 200.
        with self.client.get(url, name=name, allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} for {url}")
                return ""
            return str(response.text)

    def _post(self, url: str, name: str, fields: list[tuple[str, str]], *, to: str = "") -> bool:
        """A form that works answers with a redirect (to `to` when given); anything else is a failure."""
        data = [*fields, ("csrfmiddlewaretoken", self.csrf)]
        with self.client.post(
            url, data=data, name=name, allow_redirects=False, catch_response=True
        ) as response:
            location = response.headers.get("Location", "")
            if response.status_code != 302 or (to and not location.endswith(to)):
                response.failure(f"{response.status_code} to {location!r} for {url}")
                return False
            return True


class Editor(Staff):
    """An editor of an organisation: services, the network's monitoring and meetings."""

    weight = 1
    role = "editor"

    @task(3)
    def edit_service(self) -> None:
        self._get("/en/staff/", "staff: home")
        service = random.choice(PLAN["editor_services"])
        url = f"/en/staff/services/{service}/edit/"
        html = self._get(url, "staff: service form")
        if not html:
            return
        fields = form_fields(html, url)
        names = [name for name, _value in fields if name == "description" or name.startswith("description")]
        if not names:
            self._get("/no-description-field-in-service-form/", "staff: service form has no description")
            return
        current = dict(fields)[names[0]].split(" [load test edit ")[0]
        fields = replace(fields, names[0], f"{current} [load test edit {secrets.token_hex(3)}]")
        self._post(url, "staff: save service", fields, to="/en/staff/")

    @task(2)
    def report_figure(self) -> None:
        slug = PLAN["network"]
        self._get(f"/en/monitoring/{slug}/", "monitoring: dashboard")
        url = f"/en/monitoring/{slug}/indicators/{PLAN['indicator']}/periods/{PLAN['period']}/report/"
        html = self._get(url, "monitoring: figure form")
        if not html:
            return
        fields = form_fields(html, url)
        fields = replace(fields, "organization", PLAN["home_org"])
        fields = replace(fields, "value", str(random.randint(0, 100)))
        fields = replace(fields, "note", f"Load test figure {secrets.token_hex(3)}")
        fields = replace(fields, "action", "save")
        self._post(url, "monitoring: save figure", fields, to=f"/indicators/{PLAN['indicator']}/")

    @task(2)
    def propose_agenda_item(self) -> None:
        slug = PLAN["network"]
        self._get(f"/en/meetings/{slug}/", "meetings: list")
        url = f"/en/meetings/{slug}/backlog/"
        self._get(url, "meetings: backlog")
        fields = [
            ("title", f"Load test: item {secrets.token_hex(3)}"),
            ("description", "Proposed under load."),
        ]
        self._post(url, "meetings: propose agenda item", [*fields, ("public", "on")], to=url)


class Receiver(Staff):
    """The receiving organisation's admin working through new referrals."""

    weight = 1
    role = "receiver"

    @task
    def work_a_referral(self) -> None:
        self._get("/en/referrals/", "referral: inbox")
        if not REFERRALS:
            self._get("/en/referrals/?tab=all", "referral: inbox")
            return
        pk = REFERRALS.pop()
        page = f"/en/referrals/{pk}/"
        html = self._get(page, "referral: page")  # the first open marks it received
        version = dict(form_fields(html, f"/{pk}/steps/accept/")).get("accept-version")
        if version is None:
            self._get(f"/no-accept-form/{pk}/", "referral: no accept form")
            return
        accepted = self._post(
            f"{page}steps/accept/",
            "referral: accept",
            [("accept-version", version), ("accept-note", "")],
            to=page,
        )
        if accepted:
            self._get(page, "referral: page")
            self._post(
                f"{page}messages/",
                "referral: answer",
                [("body", "Pozdravljeni, osebo pokličemo ta teden.")],
                to=page,
            )
