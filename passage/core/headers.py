"""Headers for a seized laptop: no page Passage serves stays in the browser's cache.

Every response but the static files (CSS, fonts: no one's details) says `Cache-Control: no-store`,
so case pages, API answers, error pages and the sealed page are never written to the browser's
disk cache. A response that ends the session (sign-out, an idle session found expired, "seal
now", the duress password) also asks the browser to clear what it kept of this site
(`Clear-Site-Data`); one that sealed Passage clears its cookies too, except after the duress
password, whose answer must look like a wrong password's (cookies cleared would drop the
language chosen, a visible change).

It sits above the sealing middleware, so the sealed 503 page gets these headers (and, below
this, the CSP and frame headers) like every other page.
"""

from django.conf import settings

from passage.core.sealing import state

CLEAR_SIGNED_OUT = '"cache", "storage"'
CLEAR_SEALED = '"cache", "storage", "cookies"'


def _ended_session(response) -> bool:
    morsel = response.cookies.get(settings.SESSION_COOKIE_NAME)
    return morsel is not None and morsel["max-age"] == 0


class PrivateResponseMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(settings.STATIC_URL):
            return self.get_response(request)
        before = state.read_shared()["generation"]
        response = self.get_response(request)
        if "no-store" not in response.get("Cache-Control", ""):  # never_cache already says it
            response["Cache-Control"] = "no-store"
        after = state.read_shared()
        if after["generation"] != before:
            response["Clear-Site-Data"] = CLEAR_SIGNED_OUT if after.get("quiet") else CLEAR_SEALED
        elif _ended_session(response):
            response["Clear-Site-Data"] = CLEAR_SIGNED_OUT
        return response
