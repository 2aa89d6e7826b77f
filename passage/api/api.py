"""The REST API, version 1: one NinjaAPI, its error handlers, and the audit of every call."""

import functools

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.urls import URLPattern
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from passage.api import refusals
from passage.api.endpoints import cases, requests
from passage.api.errors import ERRORS, ApiError, error_body
from passage.api.idempotency import idempotent
from passage.core import audit


def _json_not_allowed(view):
    """Ninja answers a wrong method with a bare text 405; the API answers ErrorOut JSON."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response["Allow"]
            response = JsonResponse(
                error_body("method_not_allowed", detail=f"Allowed: {allowed}"), status=405
            )
            response["Allow"] = allowed
        return response

    return wrapper


def unknown_route(request, *args, **kwargs):
    """Any path under /api/ that no operation has: JSON, not the web's HTML 404 page."""
    return JsonResponse(error_body("not_found"), status=404)


class PassageAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        # Short, stable ids that clients generate method names from.
        return operation.view_func.__name__

    def _get_urls(self):
        urls = super()._get_urls()
        for pattern in urls:
            if isinstance(pattern, URLPattern):
                pattern.callback = _json_not_allowed(pattern.callback)
        return urls

    def get_openapi_schema(self, *args, **kwargs):
        # Query schemas (CaseFilters …) are spread into parameters; their components would be
        # listed unused, and a client generator makes dead classes of them.
        schema = super().get_openapi_schema(*args, **kwargs)
        components = schema.get("components", {}).get("schemas", {})
        while True:
            text = str(schema["paths"]) + str(components)
            unused = [n for n in components if f"#/components/schemas/{n}'" not in text]
            if not unused:
                return schema
            for name in unused:
                del components[name]


api = PassageAPI(
    title="Passage API",
    version="1",
    description=(
        "For integrations such as hotline and chat bridges. Every call needs a token "
        "(`Authorization: Bearer …`) that an admin creates with only the scopes it needs; a "
        "token acts as its owner and sees only what the owner may see in the web pages."
    ),
    urls_namespace="api",
    # Swagger UI would load scripts from another host; the schema itself is at openapi.json.
    docs_url=None,
)


def _error(request, code: str, *, detail=None, fields=None, headers=None):
    response = api.create_response(
        request, error_body(code, detail=detail, fields=fields), status=ERRORS[code][0]
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


@api.exception_handler(ApiError)
def _api_error(request, exc: ApiError):
    return _error(request, exc.code, detail=exc.detail, fields=exc.fields, headers=exc.headers)


@api.exception_handler(AuthenticationError)
def _unauthorized(request, exc):
    return _error(request, "unauthorized", headers={"WWW-Authenticate": "Bearer"})


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    # Ninja raises HttpError(400) for a body that is not JSON; nothing else of ours uses it.
    return _error(request, "bad_request")


@api.exception_handler(Http404)
def _not_found(request, exc):
    return _error(request, "not_found")


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return _error(request, "forbidden")


@api.exception_handler(ValidationError)
def _invalid(request, exc: ValidationError):
    fields = []
    for problem in exc.errors[:100]:
        # ("body", "payload", "names", 3) → "body.names.3": the parameter's name is ours, not
        # the client's; the list index says which item.
        loc = list(problem.get("loc", ()))
        if loc[:1] == ["body"] and len(loc) > 1:
            del loc[1]
        where = ".".join(str(part) for part in loc)
        message = str(problem.get("msg", "")).removeprefix("Value error, ")
        fields.append({"field": where[:200], "message": message[:500]})
    return _error(request, "invalid", fields=fields)


def audited(run):
    """Record every call in the audit chain: which token, which endpoint, what status.

    Never the body: it may hold names. The token's owner is the actor.
    """

    @functools.wraps(run)
    def wrapper(request, *args, **kwargs):
        status = 500
        try:
            response = run(request, *args, **kwargs)
            status = response.status_code
            return response
        finally:
            token = getattr(request, "api_token", None)
            match = request.resolver_match
            detail = {
                "token": token.pk if token else None,
                "endpoint": f"{request.method} {match.url_name if match else ''}",
                "status": status,
                **{key: str(value) for key, value in kwargs.items()},
            }
            if token is None:
                refusals.record_refusal(request, detail)
            else:
                audit.record(token.owner, "api.call", token, request=request, detail=detail)

    return wrapper


@functools.cache
def _query_names() -> dict[str, frozenset[str]]:
    schema = api.get_openapi_schema(path_prefix="/")
    return {
        op["operationId"]: frozenset(p["name"] for p in op["parameters"] if p["in"] == "query")
        for path in schema["paths"].values()
        for op in path.values()
    }


def no_unknown_query(view):
    """Refuse query parameters an operation does not take: a typo should not pass silently."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        known = _query_names().get(request.resolver_match.url_name, frozenset())
        unknown = sorted(set(request.GET) - known)
        if unknown:
            fields = [
                {"field": f"query.{name}"[:200], "message": _("Unknown parameter.")}
                for name in unknown[:100]
            ]
            raise ApiError("invalid", fields=fields)
        return view(request, *args, **kwargs)

    return wrapper


api.add_decorator(audited, mode="view")
api.add_decorator(no_unknown_query, mode="operation")
api.add_decorator(idempotent, mode="operation")
api.add_router("/requests", requests.router, tags=["requests"])
api.add_router("/cases", cases.router, tags=["cases"])
api.add_router("/cases", "passage.api.endpoints.hits.router", tags=["screening"])
api.add_router("/figures", "passage.api.endpoints.figures.router", tags=["figures"])
api.add_router("/telegram", "passage.api.endpoints.telegram.router", tags=["bridges"])
