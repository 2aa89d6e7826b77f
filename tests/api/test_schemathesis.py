"""Schemathesis against the committed schema, through Django's WSGI app (no network): every
operation, bounded examples; no 500, and every response matches the schema.

One check is left out: "schema-valid data is accepted". Passage refuses more than a JSON schema
can say (control characters, a name mixing Burmese and Latin letters), with a clear 422.
"""

import json

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from passage.api.models import ApiToken, hash_token
from passage.api.schema import openapi_document
from tests.api.conftest import make_token
from tests.conftest import make_case

schema = schemathesis.openapi.from_dict(json.loads(openapi_document()))
schema.app = WSGIHandler()
# Known in advance: schemathesis builds some cases while collecting, before any fixture runs.
SECRET = "psg_schemathesis-test-token-not-a-real-one-000000"


@schema.auth()
class CoordinatorToken:
    """The token the fixture made for this test; schemathesis leaves it out to test a 401."""

    def get(self, case, context):
        return SECRET

    def set(self, case, data, context):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@pytest.fixture
def _keep_the_test_connection():
    """A plain WSGIHandler closes the database connection after each request, which would
    end the test's transaction on PostgreSQL; Django's own test client does the same as this."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def coordinator_token(people, cells, _keep_the_test_connection):
    make_case(people["coordinator"], cell=cells["north"])
    make_case(people["coordinator"], cell=cells["south"])
    make_token(people["coordinator"], rate_limit=1_000_000)
    ApiToken.objects.update(token_hash=hash_token(SECRET))


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_keeps_to_its_schema(case, coordinator_token):
    case.call_and_validate(excluded_checks=[positive_data_acceptance])
