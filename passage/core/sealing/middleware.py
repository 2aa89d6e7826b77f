"""While sealed, every page but the unseal page and the public intake form answers 503 "sealed"."""

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode

from passage.core.sealing import keyring, state

UNSEAL_PATH = "/sealing/unseal/"
# The public intake form queues submissions encrypted to the organisation's public key.
SEALED_OPEN_PREFIXES = (UNSEAL_PATH, "/public/")
# Before the keyring exists, only the first-run set-up (which creates it) answers.
SETUP_PATHS = ("/accounts/setup/",)


def sealed_response(request, *, missing_keyring: bool = False) -> HttpResponse:
    if request.path.startswith("/api/"):
        # This runs before LocaleMiddleware: take the request's language (else English) here.
        # The API's ErrorOut shape, code "sealed" (passage.api.errors lists it; core cannot
        # import the API).
        with translation.override(translation.get_language_from_request(request)):
            body = {
                "error": "sealed",
                "message": translation.gettext(
                    "Passage is sealed. Try again after Retry-After seconds."
                ),
                "detail": None,
                "fields": None,
            }
        response = JsonResponse(body, status=503)
        response["Retry-After"] = "60"
        return response
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
        if state.sealed_quietly() and not request.path.startswith("/api/"):
            # After the duress password the browser in front of us must not learn it sealed:
            # the sign-in page answers as before (every try "wrong"), other pages send there.
            login = reverse(settings.LOGIN_URL)
            if request.path == login:
                return self.get_response(request)
            return redirect(f"{login}?{urlencode({'next': request.path})}")
        return sealed_response(request)
