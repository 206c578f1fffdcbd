"""Conformance: our feed through the ORUK-style checker, the checker on the validator's own mock feeds,
responses against our OpenAPI document, and schemathesis fuzzing that document (bounded)."""

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, settings
from openapi_spec_validator import validate
from schemathesis.specs.openapi.checks import positive_data_acceptance

from helpnet.directory.hsds import openapi
from helpnet.directory.hsds.conformance import Fetch, check_feed, openapi_validator
from helpnet.directory.tests.factories import (
    AttributeFactory,
    ServiceFactory,
    TaxonomyTermFactory,
    hsds_rich_service,
)

API = "/api/hsds"
MOCKS = Path(__file__).parent / "data" / "oruk_validator_mocks"
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_throttle() -> None:
    """Each test starts with no requests counted against the per-minute limit."""
    from django.core.cache import cache

    cache.clear()


def client_fetch(client: Client, per_page: int | None = None) -> Fetch:
    def fetch(path: str) -> tuple[int, Mapping[str, str], Any]:
        if per_page and "?" in path:
            path += f"&per_page={per_page}"
        response = client.get(API + path)
        try:
            body = response.json()
        except ValueError:
            body = None
        return response.status_code, response.headers, body

    return fetch


@pytest.fixture
def feed(db: Any) -> None:
    """Enough rows for several pages in every list."""
    for _ in range(3):
        hsds_rich_service()
    ServiceFactory.create_batch(4)


# --- our feed ---------------------------------------------------------------------------------------


def test_our_feed_passes_the_checker_on_first_middle_and_last_pages(client: Client, feed: None) -> None:
    report = check_feed(client_fetch(client, per_page=2), profiled=True, strict=True)
    assert report.errors == []
    assert report.warnings == []


def test_checker_visits_middle_and_last_pages(client: Client, feed: None) -> None:
    asked: list[str] = []
    fetch = client_fetch(client, per_page=2)

    def recording(path: str) -> tuple[int, Mapping[str, str], Any]:
        asked.append(path)
        return fetch(path)

    check_feed(recording, profiled=True)
    assert {"/services?page=1", "/services?page=2", "/services?page=4"} <= set(asked)


def test_and_filters_give_subsets_on_every_list(client: Client, feed: None) -> None:
    term = TaxonomyTermFactory()
    service = ServiceFactory()
    AttributeFactory(link_id=service.id, taxonomy_term=term)

    def found(path: str, **params: str) -> set[str]:
        body = client.get(API + path, {**params, "per_page": 500}).json()
        return {item["id"] for item in body["contents"]}

    for path in ("/services", "/service_at_locations", "/organizations"):
        a = found(path, taxonomy_term_id=str(term.id))
        b = found(path, search="Service")
        both = found(path, taxonomy_term_id=str(term.id), search="Service")
        assert both <= a and both <= b


# --- the checker against the ORUK validator's mock feeds --------------------------------------------

_MOCK_FILES = {
    "services": ("service_list", "service_full"),
    "service_at_locations": ("service_at_location_list", "service_at_location_full"),
    "organizations": ("organization_list", "organization"),
    "taxonomies": ("taxonomy_list", "taxonomy"),
    "taxonomy_terms": ("taxonomy_term_list", "taxonomy_term"),
}


def mock_fetch(name: str) -> Fetch:
    folder = MOCKS / name

    def fetch(path: str) -> tuple[int, Mapping[str, str], Any]:
        parts = path.partition("?")[0].strip("/").split("/")
        if parts == [""]:
            stem = "api_details"
        else:
            stem = _MOCK_FILES[parts[0]][len(parts) - 1]
            if not (folder / f"{stem}.json").exists():
                stem += "_full"
        with (folder / f"{stem}.json").open(encoding="utf-8") as f:
            return 200, {"Access-Control-Allow-Origin": "*"}, json.load(f)

    return fetch


def test_default_mock_feed_passes_cleanly() -> None:
    report = check_feed(mock_fetch("V3.0-UK-Default"))
    assert report.findings == []


def test_warn_mock_feed_passes_with_warnings() -> None:
    report = check_feed(mock_fetch("V3.0-UK-Warn"))
    assert report.passed
    assert report.warnings


def test_fail_mock_feed_fails_with_eight_service_list_errors() -> None:
    report = check_feed(mock_fetch("V3.0-UK-Fail"))
    assert not report.passed
    assert len([e for e in report.errors if e.path.startswith("/services?page=1")]) == 8


def test_a_feed_without_cors_gets_a_warning() -> None:
    fetch = mock_fetch("V3.0-UK-Default")
    report = check_feed(lambda path: (fetch(path)[0], {}, fetch(path)[2]))
    assert [f.code for f in report.warnings] == ["CORS"]


# --- the OpenAPI document ---------------------------------------------------------------------------


def test_openapi_document_is_valid_openapi_31(client: Client) -> None:
    document = client.get(f"{API}/openapi.json").json()
    validate(document)
    assert document["openapi"] == "3.1.0"


def test_openapi_operation_ids_are_unique(client: Client) -> None:
    document = client.get(f"{API}/openapi.json").json()
    operation_ids = [op["operationId"] for item in document["paths"].values() for op in item.values()]
    assert len(operation_ids) == len(set(operation_ids)) == 11


def test_responses_validate_against_the_openapi_schemas(client: Client, feed: None) -> None:
    document = client.get(f"{API}/openapi.json").json()
    service = client.get(f"{API}/services").json()["contents"][0]["id"]
    sal = client.get(f"{API}/service_at_locations").json()["contents"][0]["id"]
    org = client.get(f"{API}/organizations").json()["contents"][0]["id"]
    taxonomy = client.get(f"{API}/taxonomies").json()["contents"][0]["id"]
    term = client.get(f"{API}/taxonomy_terms").json()["contents"][0]["id"]
    concrete = {
        "/services/{id}": f"/services/{service}",
        "/service_at_locations/{id}": f"/service_at_locations/{sal}",
        "/organizations/{id}": f"/organizations/{org}",
        "/taxonomies/{id}": f"/taxonomies/{taxonomy}",
        "/taxonomy_terms/{id}": f"/taxonomy_terms/{term}",
    }
    for template, item in document["paths"].items():
        schema = item["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        for query in ("", "?full=true", "?minimal=true" if template == "/services" else ""):
            body = client.get(API + concrete.get(template, template) + query).json()
            errors = [e.message for e in openapi_validator(document, schema).iter_errors(body)]
            assert errors == [], (template, query)


# --- schemathesis: property-based requests from our OpenAPI document (bounded for CI) ----------------

schema = schemathesis.openapi.from_dict(openapi.document(server_url=f"http://testserver{API}"))
schema.app = get_wsgi_application()


@pytest.fixture
def fuzz_data(db: Any, settings: Any) -> Iterator[None]:
    settings.HELPNET_API_RATE_LIMIT = 0
    hsds_rich_service()
    # The raw WSGI app would close the test's database connection after each request (Django's test
    # Client does the same disconnection for its own requests).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# OpenAPI cannot say "lat needs lng" or "proximity needs postcode": a 400 naming one of those is right.
DEPENDENT_PARAMETERS = {"lat", "lng", "radius_km", "proximity"}


def only_dependent_parameters_are_rejected(ctx: Any, response: Any, case: Any) -> bool | None:
    if response.status_code == 400 and not case.meta.generation.mode.is_negative:
        assert response.json()["parameter"] in DEPENDENT_PARAMETERS, response.json()
    return None


@schema.parametrize()
@settings(max_examples=8, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_openapi_document(case: Any, fuzz_data: None) -> None:
    case.call_and_validate(
        excluded_checks=[positive_data_acceptance],
        additional_checks=[only_dependent_parameters_are_rejected],
    )
