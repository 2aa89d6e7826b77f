"""While sealed, every page but the unseal page and the public intake form answers 503 "sealed"."""

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils import translation

from passage.core.sealing import keyring, state

UNSEAL_PATH = "/sealing/unseal/"
# The public intake form queues submissions encrypted to the organisation's public key.
SEALED_OPEN_PREFIXES = (UNSEAL_PATH, "/public/")
# Before the keyring exists, only the first-run set-up (which creates it) answers.
SETUP_PATHS = ("/accounts/setup/",)


def sealed_response(request, *, missing_keyring: bool = False) -> HttpResponse:
    if request.path.startswith("/api/"):
        # This runs before LocaleMiddleware: take the request's language (else English) here.
        with translation.override(translation.get_language_from_request(request)):
            return JsonResponse({"detail": translation.gettext("Passage is sealed.")}, status=503)
    html = render_to_string(
        "sealing/sealed.html", {"missing_keyring": missing_keyring}, request=None
    )
    response = HttpResponse(html, status=503)
    response["Retry-After"] = "60"
    return response


class SealedMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(settings.STATIC_URL) or settings.PUBLIC_ONLY:
            # A public-only process has no URL but the public form's, which works sealed.
            return self.get_response(request)
        state.sync()
        if state.is_unsealed():
            return self.get_response(request)
        if not keyring.exists():
            from passage.core.models import Organisation

            if request.path.startswith(SETUP_PATHS):
                return self.get_response(request)
            if Organisation.current() is None:
                return redirect("accounts:setup")
            return sealed_response(request, missing_keyring=True)
        if request.path.startswith(SEALED_OPEN_PREFIXES):
            return self.get_response(request)
        return sealed_response(request)
