"""Bearer-token authentication: the token acts as its owner, within its scopes and rate limit."""

from ninja.security import HttpBearer

from passage.api import tokens
from passage.api.errors import ApiError


class TokenAuth(HttpBearer):
    """Accepts a usable token that carries `scope`; counts the call against the token's limit."""

    def __init__(self, scope: str):
        super().__init__()
        self.scope = scope

    def __call__(self, request):
        # Not HttpBearer's own: with DEBUG on it logs the header, token and all.
        scheme, _, raw = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not raw:
            return None
        return self.authenticate(request, raw.strip())

    def authenticate(self, request, token):
        found = tokens.find_token(token)
        if found is None:
            return None
        request.api_token = found
        verdict = tokens.count_call(found)
        if not verdict.allowed:
            raise ApiError("rate_limited", headers={"Retry-After": str(verdict.retry_after)})
        if not found.allows(self.scope):
            raise ApiError("scope_missing", detail=self.scope)
        return found.owner
