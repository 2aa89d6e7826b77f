"""The OpenAPI document as committed in docs/openapi.json: English, stable key order."""

import json

from django.utils import translation

from passage.api.api import api

PREFIX = "/api/v1/"


def openapi_document() -> str:
    with translation.override("en"):
        schema = api.get_openapi_schema(path_prefix=PREFIX)
        return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
