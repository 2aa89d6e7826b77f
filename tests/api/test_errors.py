import json

import pytest
from django.test import Client
from django.urls import reverse

from passage.api.errors import ErrorOut
from passage.api.schema import openapi_document
from passage.core import crypto

SCHEMA = json.loads(openapi_document())


def assert_error_out(response, code):
    assert ErrorOut.model_validate(response.json()).error == code


@pytest.mark.parametrize("path", ["/api/v1/nothing-here", "/api/v2/requests", "/api/"])
def test_an_unknown_route_under_api_answers_json(org, path):
    response = Client().get(path)
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert_error_out(response, "not_found")


def test_a_wrong_method_answers_json_with_allow(bridge):
    response = bridge.delete(reverse("api:create_request"))
    assert response.status_code == 405 and response["Content-Type"] == "application/json"
    assert_error_out(response, "method_not_allowed")
    assert "POST" in response["Allow"]


def test_the_sealed_answer_is_an_error_out_with_retry_after(org, bridge):
    crypto.forget_keys()
    response = bridge.post(reverse("api:create_request"), {}, content_type="application/json")
    assert response.status_code == 503 and response["Retry-After"] == "60"
    assert_error_out(response, "sealed")


def test_every_operation_documents_the_sealed_answer_and_retry_after():
    for path, operations in SCHEMA["paths"].items():
        for method, operation in operations.items():
            sealed = operation["responses"]["503"]
            assert "`sealed`" in sealed["description"], f"{method} {path}"
            assert "Retry-After" in sealed["headers"]
            assert "Retry-After" in operation["responses"]["429"]["headers"]


def test_every_post_documents_its_idempotency_key():
    for path, operations in SCHEMA["paths"].items():
        if "post" in operations:
            names = [p["name"] for p in operations["post"]["parameters"] if p["in"] == "header"]
            assert names == ["Idempotency-Key"], path


def test_the_schema_has_no_unused_component():
    text = json.dumps(SCHEMA["paths"]) + json.dumps(SCHEMA["components"])
    for name in SCHEMA["components"]["schemas"]:
        assert f'"#/components/schemas/{name}"' in text, name


def test_the_schema_documents_the_text_and_time_limits():
    request_in = SCHEMA["components"]["schemas"]["RequestIn"]["properties"]
    assert "pattern" in request_in["notes"] and "pattern" in request_in["contact_handle"]
    received = request_in["received_at"]
    assert "5 minutes in the future" in received["description"]
    assert "2000-01-01" in received["description"]
