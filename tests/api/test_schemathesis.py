"""Schemathesis against the committed schema, through Django's WSGI app (no network): every
operation, bounded examples; no 500, and every response matches the schema.

Every check runs, "schema-valid data is accepted" included: the schema states each limit the
code enforces (control characters as a pattern; a name that fails the name checks is set aside,
not refused). Two limits a JSON schema cannot state are in the descriptions only, so the data is
moved inside them: a time received lies between 2000 and now (the map_body hook below), and the
figures are spared that one check until their schema states their three-year period limit.
"""

import json
import os
from datetime import UTC, datetime, timedelta

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from passage.api.models import ApiToken, hash_token
from passage.api.schema import openapi_document
from passage.api.schemas import EARLIEST
from tests.api.conftest import make_token
from tests.conftest import make_case

schema = schemathesis.openapi.from_dict(json.loads(openapi_document()))
schema.app = WSGIHandler()
# Known in advance: schemathesis builds some cases while collecting, before any fixture runs.
SECRET = "psg_schemathesis-test-token-not-a-real-one-000000"


@schema.hook
def map_body(context, body):
    """A time received (RFC 3339, any year) moved between 2000-01-01 and yesterday."""
    if isinstance(body, dict) and isinstance(body.get("received_at"), str):
        try:
            when = datetime.fromisoformat(body["received_at"])
        except ValueError:
            return body
        if when.tzinfo is not None and when.utcoffset() is not None:
            span = datetime.now(UTC) - timedelta(days=1) - EARLIEST
            since = when - datetime(1, 1, 1, tzinfo=UTC)
            body = {**body, "received_at": (EARLIEST + since % span).isoformat()}
    return body


@schema.auth()
class CoordinatorToken:
    """The token the fixture made for this test; schemathesis leaves it out to test a 401."""

    def get(self, case, context):
        return SECRET

    def set(self, case, data, context):
        case.headers = {
            **(case.headers or {}),
            "Authorization": f"Bearer {data}",
            "X-Telegram-Bot-Api-Secret-Token": data,
        }


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


EXAMPLES = int(os.environ.get("PASSAGE_SCHEMATHESIS_EXAMPLES", "200"))


def _excluded(case) -> list:
    # The figures' period limit (at most three years) is not in their schema yet.
    return [positive_data_acceptance] if case.path.startswith("/api/v1/figures") else []


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_keeps_to_its_schema(case, coordinator_token):
    case.call_and_validate(excluded_checks=_excluded(case))


STATEFUL_STEPS = int(os.environ.get("PASSAGE_SCHEMATHESIS_STATEFUL", "50"))
ANSWERED: list[tuple[str, int]] = []


class Workflow(schema.as_state_machine()):  # type: ignore[misc]
    """Each scenario starts from the fixture's data: what one scenario created is rolled back
    (a savepoint), so the next one's steps do not depend on it (hypothesis requires that)."""

    def setup(self):
        self._savepoint = transaction.savepoint()

    def teardown(self):
        transaction.savepoint_rollback(self._savepoint)

    def after_call(self, response, case):
        super().after_call(response, case)
        ANSWERED.append((case.operation.label, response.status_code))

    def validate_response(self, response, case, additional_checks=None, **kwargs):
        case.validate_response(
            response,
            additional_checks=additional_checks,
            excluded_checks=_excluded(case),
            transport_kwargs=kwargs or None,
            recorder=self.recorder,
        )


def test_workflows_keep_to_the_schema(coordinator_token):
    """The stateful phase: log a request, then read it, read its case and move it, following
    the OpenAPI links in the schema, with every check on each answer."""
    ANSWERED.clear()
    Workflow.run(
        settings=settings(
            max_examples=STATEFUL_STEPS,
            stateful_step_count=6,
            deadline=None,
            # The same scenarios on every run, and none replayed from an earlier run's database:
            # a replayed scenario can be the one without credentials, over and over.
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
    )
    # The links were followed: a request just logged was read back by its id.
    assert ("GET /api/v1/requests/{request_id}", 200) in ANSWERED
