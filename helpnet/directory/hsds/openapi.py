"""Our HSDS schemas (official 3.1 + our profile's merge patches) and the OpenAPI 3.1 document built from them.

The official ``openapi.json`` has known defects (duplicate operationIds, a wrong ``$ref``, remote ``$ref``s to
the 3.0 branch, ``format: datetime``); this document is written fresh and embeds every schema, so validators
need no network.
"""

import copy
import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings

Json = dict[str, Any]

HERE = Path(__file__).resolve().parent
SCHEMAS = HERE / "schemas"
PROFILE = HERE / "profile"

# Frictionless / HSDS tooling keywords that mean nothing to JSON Schema or OpenAPI.
_TOOLING_KEYS = {"name", "path", "datapackage_metadata", "constraints", "core", "tabular_required", "example"}


def load(relative: str) -> Json:
    with (SCHEMAS / relative).open(encoding="utf-8") as f:
        result: Json = json.load(f)
    return result


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386 JSON Merge Patch: objects merge recursively, ``null`` deletes, anything else replaces."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


@functools.cache
def profile_patches() -> dict[str, Json]:
    """Our profile: schema name → merge patch (``closure`` is a whole new schema)."""
    patches = {}
    for path in sorted(PROFILE.glob("*.json")):
        with path.open(encoding="utf-8") as f:
            patches[path.stem] = json.load(f)
    return patches


@functools.cache
def _profiled_service() -> Json:
    official = load("compiled/service_with_definitions.json")
    patches = profile_patches()
    definitions = {
        name: merge_patch(schema, patches.get(name, {})) for name, schema in official["definitions"].items()
    }
    for name, patch in patches.items():
        definitions.setdefault(name, patch)
    root = {k: v for k, v in official.items() if k != "definitions"}
    root = merge_patch(root, patches.get("service", {}))
    definitions["service"] = copy.deepcopy(root)
    root["definitions"] = definitions
    return root


def profiled_service_schema() -> Json:
    """The nested service schema with our profile applied (standalone, for jsonschema). A fresh copy."""
    return copy.deepcopy(_profiled_service())


def profiled_schema(name: str) -> Json:
    """A standalone schema for one HSDS object (``organization``, ``location``, …) under our profile."""
    schema = profiled_service_schema()
    return {"$ref": f"#/definitions/{name}", "definitions": schema["definitions"]}


def _strip(schema: Any, refs_to: str) -> Any:
    """Drop tooling keywords and point ``#/definitions/x`` at ``refs_to + x``; property names stay."""
    if isinstance(schema, list):
        return [_strip(x, refs_to) for x in schema]
    if not isinstance(schema, dict):
        return schema
    out: Json = {}
    for key, value in schema.items():
        if key in _TOOLING_KEYS:
            continue
        if key == "$ref" and isinstance(value, str) and value.startswith("#/definitions/"):
            out[key] = refs_to + value.removeprefix("#/definitions/")
        elif key in {"properties", "definitions", "$defs"} and isinstance(value, dict):
            out[key] = {name: _strip(sub, refs_to) for name, sub in value.items()}
        else:
            out[key] = _strip(value, refs_to)
    return out


# --- the OpenAPI document ---------------------------------------------------------------------------

REF = "#/components/schemas/"


def _param(name: str, description: str, schema: Json) -> Json:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


_UUID = {"type": "string", "format": "uuid"}
_BOOL = {"type": "boolean"}

PARAMETERS: Json = {
    "search": _param("search", "Full-text search (the help map's multilingual search).", {"type": "string"}),
    "page": _param("page", "Page number, from 1.", {"type": "integer", "minimum": 1, "maximum": 10000000}),
    "per_page": _param(
        "per_page",
        "Items per page (default 50, at most 500).",
        {"type": "integer", "minimum": 1, "maximum": 500},
    ),
    "format": _param(
        "format",
        "`ndjson` streams every result, one JSON object per line, without pagination.",
        {"type": "string", "enum": ["json", "ndjson"]},
    ),
    "taxonomy_term_id": _param("taxonomy_term_id", "Only records with this taxonomy term.", _UUID),
    "taxonomy_id": _param("taxonomy_id", "Only records with a term of this taxonomy.", _UUID),
    "organization_id": _param("organization_id", "Only services of this organization.", _UUID),
    "modified_after": _param(
        "modified_after",
        "Only records modified at or after this date-time (ISO 8601; UTC when no offset).",
        {"type": "string", "format": "date-time"},
    ),
    "minimal": _param("minimal", "Return only `id` and `last_modified` of each service (for sync).", _BOOL),
    "full": _param("full", "Return fully nested objects in the list.", _BOOL),
    "full_service": _param("full_service", "Nest fully nested services in organizations.", _BOOL),
    "postcode": _param(
        "postcode",
        "Services at a location with this postcode, or whose service area (municipality) contains it. "
        "With `proximity`: within that many metres of the postcode's centre.",
        {"type": "string"},
    ),
    "proximity": _param(
        "proximity",
        "Metres from the centre of `postcode`.",
        {"type": "number", "minimum": 0, "maximum": 1000000},
    ),
    "lat": _param(
        "lat",
        "Extension: latitude (WGS84) of a point; use with `lng`.",
        {"type": "number", "minimum": -90, "maximum": 90},
    ),
    "lng": _param(
        "lng",
        "Extension: longitude (WGS84) of a point; use with `lat`.",
        {"type": "number", "minimum": -180, "maximum": 180},
    ),
    "radius_km": _param(
        "radius_km",
        "Extension: kilometres around `lat`/`lng` (default 10).",
        {"type": "number", "minimum": 0, "maximum": 1000},
    ),
    "open_now": _param("open_now", "Extension: only services open at this moment.", _BOOL),
    "lang": _param(
        "lang",
        "Extension: put the translation in this language into the text fields (falls back to the original).",
        {"type": "string", "enum": ["sl", "da", "en"]},
    ),
    "top_only": _param("top_only", "Only terms without a parent.", _BOOL),
    "parent_id": _param("parent_id", "Only children of this term.", _UUID),
}

_ID_PARAM = {"name": "id", "in": "path", "required": True, "description": "The record's id.", "schema": _UUID}


def _json_content(schema: Json) -> Json:
    return {"application/json": {"schema": schema}}


def _error_response(description: str) -> Json:
    return {"description": description, "content": _json_content({"$ref": REF + "Error"})}


def _list_operation(operation_id: str, summary: str, item_schema: Json, params: list[str], tag: str) -> Json:
    page = {
        "allOf": [
            {"$ref": REF + "Page"},
            {"type": "object", "properties": {"contents": {"type": "array", "items": item_schema}}},
        ]
    }
    return {
        "get": {
            "operationId": operation_id,
            "summary": summary,
            "tags": [tag],
            "parameters": [{"$ref": f"#/components/parameters/{p}"} for p in params],
            "responses": {
                "200": {
                    "description": summary,
                    "content": {
                        **_json_content(page),
                        "application/x-ndjson": {"schema": {"type": "string"}},
                    },
                },
                "400": _error_response("A parameter is not valid."),
                "429": _error_response("Too many requests; see Retry-After."),
            },
        }
    }


def _detail_operation(operation_id: str, summary: str, schema: Json, params: list[str], tag: str) -> Json:
    return {
        "get": {
            "operationId": operation_id,
            "summary": summary,
            "tags": [tag],
            "parameters": [_ID_PARAM, *({"$ref": f"#/components/parameters/{p}"} for p in params)],
            "responses": {
                "200": {"description": summary, "content": _json_content(schema)},
                "400": _error_response("A parameter is not valid."),
                "404": _error_response("No published record has this id."),
                "429": _error_response("Too many requests; see Retry-After."),
            },
        }
    }


def _components() -> Json:
    service = _profiled_service()
    schemas: Json = {name: _strip(s, REF) for name, s in service["definitions"].items()}
    for name in ("service_list", "organization_list", "service_at_location_list"):
        schemas[f"{name}_item"] = _strip(load(f"compiled/{name}.json"), REF)
    schemas["service_minimal"] = {
        "type": "object",
        "required": ["id"],
        "properties": {"id": _UUID, "last_modified": {"type": "string", "format": "date-time"}},
    }
    schemas["organization_with_services"] = {
        "allOf": [
            {"$ref": REF + "organization"},
            {
                "type": "object",
                "properties": {"services": {"type": "array", "items": {"$ref": REF + "service"}}},
            },
        ]
    }
    schemas["service_at_location_with_service"] = {
        "allOf": [
            {"$ref": REF + "service_at_location"},
            {"type": "object", "properties": {"service": {"$ref": REF + "service_list_item"}}},
        ]
    }
    page_keys = ["total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty"]
    schemas["Page"] = {
        "type": "object",
        "required": [*page_keys, "contents"],
        "properties": {
            **{k: {"type": "integer", "minimum": 0} for k in page_keys[:4]},
            **{k: {"type": "boolean"} for k in page_keys[4:]},
            "contents": {"type": "array"},
        },
    }
    schemas["Error"] = {
        "type": "object",
        "required": ["error", "message"],
        "properties": {
            "error": {"type": "string"},
            "message": {"type": "string"},
            "parameter": {"type": "string"},
        },
    }
    schemas["ApiInfo"] = {
        "type": "object",
        "required": ["version", "profile", "openapi_url"],
        "properties": {
            "version": {"type": "string"},
            "profile": {"type": "string", "format": "uri"},
            "openapi_url": {"type": "string", "format": "uri"},
            "description": {"type": "string"},
            "publisher": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "identifier": {"type": "string"},
                    "email": {"type": "string", "format": "email"},
                    "website": {"type": "string", "format": "uri"},
                    "additional_websites": {"type": "array", "items": {"$ref": REF + "url"}},
                },
            },
        },
    }
    return {"schemas": schemas, "parameters": PARAMETERS}


_SERVICE_FILTERS = ["search", "taxonomy_term_id", "taxonomy_id", "organization_id", "modified_after"]
_PLACE = ["postcode", "proximity", "lat", "lng", "radius_km", "open_now"]
_PAGING = ["page", "per_page", "format", "lang"]


@functools.cache
def _document_without_server() -> Json:
    paths = {
        "/": {
            "get": {
                "operationId": "getAPIMetaInformation",
                "summary": "About this API: HSDS version, profile, OpenAPI document, publisher.",
                "tags": ["required"],
                "responses": {
                    "200": {
                        "description": "API information.",
                        "content": _json_content({"$ref": REF + "ApiInfo"}),
                    },
                    "429": _error_response("Too many requests; see Retry-After."),
                },
            }
        },
        "/services": _list_operation(
            "getPaginatedListOfServices",
            "Listed services (active or temporarily closed).",
            {"anyOf": [{"$ref": REF + "service_list_item"}, {"$ref": REF + "service_minimal"}]},
            [*_SERVICE_FILTERS, *_PLACE, "minimal", "full", *_PAGING],
            "required",
        ),
        "/services/{id}": _detail_operation(
            "getFullyNestedServiceById",
            "A fully nested service.",
            {"$ref": REF + "service"},
            ["lang"],
            "required",
        ),
        "/service_at_locations": _list_operation(
            "getPaginatedListOfServiceAtLocations",
            "Services at their locations.",
            {"$ref": REF + "service_at_location_list_item"},
            [*_SERVICE_FILTERS, *_PLACE, "full", *_PAGING],
            "optional",
        ),
        "/service_at_locations/{id}": _detail_operation(
            "getServiceAtLocationById",
            "A fully nested service at location.",
            {"$ref": REF + "service_at_location_with_service"},
            ["lang"],
            "optional",
        ),
        "/organizations": _list_operation(
            "getPaginatedListOfOrganizations",
            "Organizations with at least one listed service.",
            {"$ref": REF + "organization_list_item"},
            ["search", "taxonomy_term_id", "taxonomy_id", "full", "full_service", *_PAGING],
            "optional",
        ),
        "/organizations/{id}": _detail_operation(
            "getOrganizationById",
            "A fully nested organization with its listed services.",
            {"$ref": REF + "organization_with_services"},
            ["full_service", "lang"],
            "optional",
        ),
        "/taxonomies": _list_operation(
            "getPaginatedListOfTaxonomies",
            "Taxonomies.",
            {"$ref": REF + "taxonomy"},
            ["search", *_PAGING],
            "optional",
        ),
        "/taxonomies/{id}": _detail_operation(
            "getTaxonomyById", "A taxonomy.", {"$ref": REF + "taxonomy"}, ["lang"], "optional"
        ),
        "/taxonomy_terms": _list_operation(
            "getPaginatedListOfTaxonomyTerms",
            "Taxonomy terms.",
            {"$ref": REF + "taxonomy_term"},
            ["search", "taxonomy_id", "top_only", "parent_id", *_PAGING],
            "optional",
        ),
        "/taxonomy_terms/{id}": _detail_operation(
            "getTaxonomyTermById", "A taxonomy term.", {"$ref": REF + "taxonomy_term"}, ["lang"], "optional"
        ),
    }
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "info": {
            "title": "helpnet HSDS API",
            "version": "3.1",
            "summary": "Open Referral HSDS 3.1 read API with the helpnet SI/DK profile.",
            "description": (
                "Health and social-care services in Slovenia and Denmark. Public, no key, CORS `*`, "
                "throttled per client (HTTP 429 with Retry-After). Filters combine with AND. "
                "Schemas: HSDS 3.1 (CC BY-SA 4.0, Human Services Data Specification: an Open Referral "
                "resource, https://openreferral.org/) with the helpnet profile's merge patches."
            ),
            "license": {"name": "CC BY-SA 4.0 (schemas)", "identifier": "CC-BY-SA-4.0"},
        },
        "tags": [
            {"name": "required", "description": "Required by HSDS."},
            {"name": "optional", "description": "Optional in HSDS."},
        ],
        "paths": paths,
        "components": _components(),
    }


def document(server_url: str) -> Json:
    doc = dict(_document_without_server())
    doc["servers"] = [{"url": server_url.rstrip("/")}]
    return doc


def profile_index(url_for: Callable[[str], str]) -> Json:
    return {
        "name": "helpnet SI/DK profile of HSDS 3.1",
        "base": "https://docs.openreferral.org/en/v3.1/",
        "description": (
            "JSON Merge Patches (RFC 7386) on the HSDS 3.1 schemas: translations and original_language on "
            "public text, location.confidential (export only; the API hides such locations' whereabouts), "
            "closures, municipality slugs, address.state_province optional, phone.extension may be text."
        ),
        "patches": {name: url_for(name) for name in profile_patches()},
        "publisher": getattr(settings, "HELPNET_API_PUBLISHER", {}).get("name", "helpnet"),
    }


def profile_patch(name: str) -> Json | None:
    return profile_patches().get(name)
