"""An offline HSDS feed checker that mirrors the ORUK validator's algorithm (design/hsds.md §8).

``check_feed(fetch)`` asks ``GET /``, then every list endpoint's first, middle and last page, validates each
item, follows up to ``max_ids`` ids to ``/{id}`` and validates those. A failure on a required endpoint is an
error; on an optional endpoint a warning (the validator's "treat optional endpoints as warnings"). ``fetch`` is
any callable ``path → (status, headers, parsed JSON or None)``, so it runs against our Django test client, a
live server or canned files alike.
"""

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker

from . import openapi

Json = dict[str, Any]
Fetch = Callable[[str], tuple[int, Mapping[str, str], Any]]
PAGE_KEYS = (
    "total_items",
    "total_pages",
    "page_number",
    "size",
    "first_page",
    "last_page",
    "empty",
    "contents",
)


@dataclass(frozen=True)
class Finding:
    level: str  # "error" or "warning"
    code: str  # the ORUK validator's names where one exists
    path: str
    message: str


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "warning"]

    @property
    def passed(self) -> bool:
        return not self.errors

    def add(self, required: bool, code: str, path: str, message: str) -> None:
        self.findings.append(Finding("error" if required else "warning", code, path, message))


@dataclass(frozen=True)
class Endpoint:
    list_path: str
    item_schema: str
    detail_schema: str
    required: bool


ENDPOINTS = (
    Endpoint("/services", "service_list", "service", required=True),
    Endpoint("/service_at_locations", "service_at_location_list", "service_at_location", required=False),
    Endpoint("/organizations", "organization_list", "organization", required=False),
    Endpoint("/taxonomies", "taxonomy", "taxonomy", required=False),
    Endpoint("/taxonomy_terms", "taxonomy_term", "taxonomy_term", required=False),
)


def validator(schema: Json) -> Draft202012Validator:
    return Draft202012Validator(schema, format_checker=FormatChecker())


@cache
def _validators(profiled: bool) -> dict[str, Draft202012Validator]:
    """List items: the official compiled list schemas. Objects: official 3.1, or with our profile applied."""
    service = (
        openapi.profiled_service_schema()
        if profiled
        else openapi.load("compiled/service_with_definitions.json")
    )
    definitions = service["definitions"]

    def one(name: str) -> Json:
        return {"$ref": f"#/definitions/{name}", "definitions": definitions}

    return {
        "service_list": validator(openapi.load("compiled/service_list.json")),
        "organization_list": validator(openapi.load("compiled/organization_list.json")),
        "service_at_location_list": validator(openapi.load("compiled/service_at_location_list.json")),
        "service": validator(service),
        "service_at_location": validator(one("service_at_location")),
        "organization": validator(one("organization")),
        "taxonomy": validator(one("taxonomy")),
        "taxonomy_term": validator(one("taxonomy_term")),
    }


def schema_errors(name: str, instance: Any, *, profiled: bool = False) -> list[str]:
    """Plain-words errors of ``instance`` against one schema (empty when it validates)."""
    return [
        f"{'/'.join(str(p) for p in err.absolute_path) or '(root)'}: {err.message}"
        for err in _validators(profiled)[name].iter_errors(instance)
    ]


def openapi_validator(document: Json, schema: Json) -> Draft202012Validator:
    """A validator for a schema taken from an OpenAPI document (its ``#/components/...`` refs resolve)."""
    return validator({**schema, "components": document["components"]})


def _get(fetch: Fetch, report: Report, path: str, required: bool) -> tuple[Any, Mapping[str, str]] | None:
    try:
        status, headers, body = fetch(path)
    except Exception as exc:  # a feed that breaks the client is a finding, not a crash
        report.add(required, "REQUEST_FAILED", path, str(exc))
        return None
    if not 200 <= status < 300:
        report.add(
            required, "REQUIRED_ENDPOINT_FAILED" if required else "ENDPOINT_FAILED", path, f"HTTP {status}"
        )
        return None
    if body is None:
        report.add(required, "INVALID_JSON", path, "The answer is not JSON.")
        return None
    return body, headers


def _check_page(
    report: Report, ep: Endpoint, path: str, page: Any, number: int, *, profiled: bool, strict: bool
) -> list[Any]:
    if not isinstance(page, dict) or not isinstance(page.get("contents"), list):
        report.add(ep.required, "SCHEMA_VALIDATION_ERROR", path, "Not a Page object with a contents array.")
        return []
    missing = [k for k in PAGE_KEYS if k not in page]
    if missing:
        report.add(ep.required, "SCHEMA_VALIDATION_ERROR", path, f"Page keys missing: {', '.join(missing)}.")
    contents = page["contents"]
    for index, item in enumerate(contents):
        for error in schema_errors(ep.item_schema, item, profiled=profiled):
            report.add(ep.required, "SCHEMA_VALIDATION_ERROR", f"{path} contents/{index}", error)
    if not strict:
        return contents
    if page.get("size") != len(contents):
        report.add(False, "PAGINATION", path, "size is not the number of items in contents.")
    if page.get("page_number") != number:
        report.add(False, "PAGINATION", path, f"Asked for page {number}, got page {page.get('page_number')}.")
    if page.get("first_page") is not (number == 1):
        report.add(False, "PAGINATION", path, "first_page does not match the page number.")
    if page.get("last_page") is not (number == page.get("total_pages")):
        report.add(False, "PAGINATION", path, "last_page does not match total_pages.")
    return contents


def check_feed(fetch: Fetch, *, max_ids: int = 10, profiled: bool = False, strict: bool = False) -> Report:
    """Run the validator's checks against a feed.

    ``profiled`` validates objects with our profile applied. ``strict`` adds what the validator does not
    check but a real feed must get right (a canned mock cannot): page numbers and flags agree with the page
    asked for, ``size`` counts ``contents``, and ``/{id}`` answers with that id.
    """
    report = Report()
    root = _get(fetch, report, "/", required=True)
    if root is not None:
        body, headers = root
        for key in ("version", "openapi_url"):
            if not isinstance(body, dict) or key not in body:
                report.add(True, "SCHEMA_VALIDATION_ERROR", "/", f"{key} is missing.")
        if isinstance(body, dict) and "profile" not in body:
            report.add(False, "MISSING_PROFILE", "/", "profile is missing.")
        if headers.get("Access-Control-Allow-Origin") != "*":
            report.add(False, "CORS", "/", "Access-Control-Allow-Origin is not *.")
    for ep in ENDPOINTS:
        first = _get(fetch, report, f"{ep.list_path}?page=1", ep.required)
        if first is None:
            continue
        contents = _check_page(
            report, ep, f"{ep.list_path}?page=1", first[0], 1, profiled=profiled, strict=strict
        )
        if not contents:
            report.add(False, "EMPTY_FEED_WARNING", ep.list_path, "The list is empty.")
        total_pages = first[0].get("total_pages") if isinstance(first[0], dict) else None
        if isinstance(total_pages, int) and total_pages > 1:
            for number in sorted({math.ceil(total_pages / 2), total_pages} - {1}):
                path = f"{ep.list_path}?page={number}"
                answer = _get(fetch, report, path, ep.required)
                if answer is not None:
                    _check_page(report, ep, path, answer[0], number, profiled=profiled, strict=strict)
        ids = [item["id"] for item in contents if isinstance(item, dict) and isinstance(item.get("id"), str)]
        if contents and not ids:
            report.add(ep.required, "NO_IDS_AVAILABLE", ep.list_path, "No ids to follow.")
        for item_id in ids[:max_ids]:
            path = f"{ep.list_path}/{item_id}"
            answer = _get(fetch, report, path, ep.required)
            if answer is None:
                continue
            for error in schema_errors(ep.detail_schema, answer[0], profiled=profiled):
                report.add(ep.required, "SCHEMA_VALIDATION_ERROR", path, error)
            if strict and isinstance(answer[0], dict) and answer[0].get("id") != item_id:
                report.add(ep.required, "WRONG_RECORD", path, "The answer's id is not the one asked for.")
    return report
