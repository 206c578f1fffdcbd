"""schemathesis over the whole JSON API, valid and invalid requests, with the four stateless checks named.

The OpenAPI document (/api/hsds/openapi.json) holds every JSON endpoint of the public API: the HSDS read API
(11 operations). helpnet/directory/tests/test_hsds_conformance.py fuzzes it with valid requests; here every
operation also gets invalid ones (wrong types, out-of-range numbers, NUL and unencodable text) and the checks
are named, so that a server error, an undocumented status code or content type, or a body that breaks its
schema fails the test. The other JSON answers are not API operations: search suggestions are fuzzed through
their one parameter in test_fuzz_search.py; the FHIR bundle and a person's referral export are staff
downloads behind login (the permission matrix covers them).
"""

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from helpnet.directory.hsds import openapi
from helpnet.directory.tests.factories import ServiceFactory, hsds_rich_service

API = "/api/hsds"
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

schema = schemathesis.openapi.from_dict(openapi.document(server_url=f"http://testserver{API}"))
schema.app = get_wsgi_application()
schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE], allow_x00=True)


@pytest.fixture
def api_data(db: Any, settings: Any) -> Iterator[None]:
    settings.HELPNET_API_RATE_LIMIT = 0
    hsds_rich_service()
    ServiceFactory.create_batch(2)
    # The raw WSGI app would close the test's database connection after each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_the_document_has_every_operation() -> None:
    operations = [op for item in openapi.document(server_url="x")["paths"].values() for op in item.values()]
    assert len(operations) == 11


@schema.parametrize()
@settings(max_examples=20, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_every_operation_with_valid_and_invalid_requests(case: Any, api_data: None) -> None:
    case.call_and_validate(checks=CHECKS)
