import json
from pathlib import Path

from django.test import Client

from passage.api.errors import ERRORS
from passage.api.schema import openapi_document

COMMITTED = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"


def test_the_committed_schema_matches_the_code():
    assert COMMITTED.read_text(encoding="utf-8") == openapi_document(), (
        "regenerate it: passage api-schema > docs/openapi.json"
    )


def test_the_schema_is_served(db):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json()["paths"].keys() == json.loads(openapi_document())["paths"].keys()


def test_every_operation_describes_its_errors_with_their_codes():
    schema = json.loads(openapi_document())
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert {"401", "429"} <= responses.keys(), f"{method} {path}"
            for status, response in responses.items():
                if status.startswith(("4", "5")):
                    assert response["content"]["application/json"]["schema"] == {
                        "$ref": "#/components/schemas/ErrorOut"
                    }
                    codes = [c for c, (s, _m) in ERRORS.items() if str(s) == status]
                    assert any(f"`{c}`" in response["description"] for c in codes)


def test_every_string_and_list_in_the_schema_has_a_limit():
    schema = json.loads(openapi_document())

    def walk(node, where):
        if isinstance(node, dict):
            kind = node.get("type")
            if kind == "string" and "enum" not in node and "format" not in node:
                assert "maxLength" in node or "const" in node, where
            if kind == "array":
                assert "maxItems" in node, where
            for key, value in node.items():
                walk(value, f"{where}.{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{where}[{i}]")

    walk(schema["components"]["schemas"], "components")
