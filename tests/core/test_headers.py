"""A seized laptop keeps no page: every response but static files says no-store, responses that end
the session clear the site's data, the CSRF cookie dies with the browser, and the sealed page
sends the same security headers as every other page."""

from django.conf import settings
from django.test import Client
from django.urls import reverse

from passage.core.sealing import state
from tests.conftest import signed_in

SECURITY_HEADERS = (
    "Content-Security-Policy",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
    "Cache-Control",
)


def test_every_kind_of_response_says_no_store(people, north_case):
    client = signed_in(people["coordinator"])
    responses = {
        "case page": client.get(reverse("cases:detail", args=[north_case.pk])),
        "sign-in page": Client().get(reverse("accounts:login")),
        "redirect": Client().get(reverse("cases:queue")),
        "404": client.get("/cases/no-such-page/"),
        "403": signed_in(people["intake"]).get(reverse("sealing:control")),
        "API": Client().get("/api/v1/requests/"),
        "public form": Client().get(reverse("public:start")),
    }
    for kind, response in responses.items():
        assert "no-store" in response["Cache-Control"], kind
    assert responses["403"].status_code == 403 and responses["404"].status_code == 404


def test_static_files_may_be_cached(db):
    response = Client().get(settings.STATIC_URL + "passage/css/passage.css")
    response.close()  # WhiteNoise streams the file
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_the_sealed_page_sends_the_same_security_headers_as_every_page(people):
    normal = Client().get(reverse("accounts:login"))
    state.drop()
    sealed = Client().get(reverse("cases:queue"))
    assert sealed.status_code == 503
    for name in SECURITY_HEADERS:
        assert sealed.get(name) == normal.get(name) and normal.get(name), name


def test_signing_out_clears_the_cache_and_storage(people):
    client = signed_in(people["intake"])
    response = client.post(reverse("accounts:logout"))
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    # An ordinary page does not ask for it.
    assert not Client().get(reverse("accounts:login")).has_header("Clear-Site-Data")


def test_seal_now_clears_cache_storage_and_cookies(people):
    response = signed_in(people["coordinator"]).post(reverse("sealing:seal_now"))
    assert response["Clear-Site-Data"] == '"cache", "storage", "cookies"'


def test_the_csrf_cookie_lasts_only_as_long_as_the_browser(people):
    response = Client().get(reverse("accounts:login"))
    cookie = response.cookies[settings.CSRF_COOKIE_NAME]
    assert cookie.value and not cookie["expires"] and not cookie["max-age"]


def test_a_refusal_is_logged_in_one_line_without_a_traceback(people, caplog):
    response = signed_in(people["intake"]).get(reverse("sealing:control"))
    assert response.status_code == 403
    refused = [r for r in caplog.records if r.name == "django.request"]
    assert refused and "Forbidden" in refused[0].getMessage()
    assert refused[0].exc_info is None and "Traceback" not in caplog.text
