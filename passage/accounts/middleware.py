"""Every page needs a signed-in user who has passed TOTP, except the few listed here."""

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

OPEN_URL_NAMES = {
    "accounts:login",
    "accounts:enroll",
    "accounts:redeem",
    "accounts:setup",
    "set_language",
    "sealing:unseal",
    # An unknown path under /api/: answers a JSON 404, never a sign-in redirect.
    "api_unknown",
}
# The REST API checks a bearer token on every call itself (passage/api/auth.py).
# The public intake form (passage/public) is for people with no account.
OPEN_NAMESPACES = {"api", "public"}


class RequireVerifiedSignInMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path.startswith(settings.STATIC_URL):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in OPEN_URL_NAMES:
            return None
        if match is not None and match.namespace in OPEN_NAMESPACES:
            return None
        user = request.user
        if user.is_authenticated and user.is_verified() and user.is_active:
            return None
        from passage.core.models import Organisation

        if Organisation.current() is None:
            return redirect("accounts:setup")
        return redirect(f"{reverse(settings.LOGIN_URL)}?{urlencode({'next': request.path})}")
