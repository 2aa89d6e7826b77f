"""The figures pages in a real Chromium: charts drawn under the strict CSP, in both languages."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from tests.browser.conftest import CHROMIUM, DESKTOP, Chromium
from tests.conftest import make_case, signed_in
from tests.reports.test_figures_pages import arrive

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium"),
]


@pytest.fixture
def figures_data(people):
    for i in range(60):
        branch = ["army", "army", "police", "navy", "air_force"][i % 5]
        case = make_case(
            people["coordinator"],
            branch=branch,
            rank=["private", "corporal", "captain"][i % 3],
            region=["sagaing", "magway", "yangon", "shan"][i % 4],
            channel=["signal", "telegram", "phone"][i % 3],
            received_at=timezone.now() - timedelta(days=i * 3),
        )
        if i % 4:
            arrive(case, days_ago=i * 3)


@pytest.mark.parametrize("language", ["en", "my"])
def test_the_dashboard_draws_its_charts_without_breaking_the_csp(
    live_server, tmp_path, people, figures_data, language
):
    client = signed_in(people["analyst"])
    browser = Chromium(tmp_path / "profile")
    try:
        browser.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies["sessionid"].value,
                    "url": live_server.url,
                },
                {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url},
            ]
        )
        page = browser.context.new_page()
        page.set_viewport_size(DESKTOP)
        for name in ("reports:dashboard", "reports:summary"):
            from django.urls import reverse

            page.goto(live_server.url + reverse(name))
            page.wait_for_selector("canvas[data-chart]")
            assert page.locator(".chart").first.is_visible()
            out = settings.BASE_DIR / "var" / "screenshots" / f"{name.split(':')[1]}-{language}.png"
            out.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(out), full_page=True)
        assert not browser.traffic.errors, browser.traffic.errors
        assert not browser.traffic.foreign_requests(live_server.url)
    finally:
        browser.close()
