"""A seized laptop: after signing out and closing the browser, the profile on disk holds no name or
contact handle from the case pages that were open (Cache-Control: no-store, Clear-Site-Data)."""

import re
from pathlib import Path

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.browser.conftest import Chromium
from tests.browser.test_journey import totp_code
from tests.conftest import make_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAME = "Zeyar Thaungwin Demo"
BURMESE_NAME = "ဇေယျာသောင်းဝင်း"
HANDLE = "@zeyar_seized_laptop"


def _files_holding(profile: Path, needles: list[bytes]) -> list[str]:
    found = []
    for path in profile.rglob("*"):
        if path.is_file() and not path.is_symlink():
            data = path.read_bytes()
            found += [f"{path.relative_to(profile)}: {n!r}" for n in needles if n in data]
    return found


def test_a_signed_out_profile_keeps_no_name_from_the_case_pages(live_server, people, tmp_path):
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("Debian's Chromium is missing: `make browser-deps` installs it")
    coordinator = people["coordinator"]
    case = make_case(
        coordinator, names=[BURMESE_NAME, NAME], contact_handle=HANDLE, assignees=[coordinator]
    )
    device = TOTPDevice.objects.get(user=coordinator)
    secret = __import__("base64").b32encode(device.bin_key).decode().rstrip("=")
    profile = tmp_path / "profile"
    browser = Chromium(profile)
    try:
        page = browser.context.new_page()
        page.goto(live_server.url + "/accounts/sign-in/")
        page.fill("#id_username", "coordinator")
        page.fill("#id_password", "a long test password")
        page.fill("#id_token", totp_code(secret))
        page.get_by_role("button", name="Sign in").click()
        expect(page).to_have_url(re.compile(r"/cases/"))
        page.goto(f"{live_server.url}/cases/{case.pk}/")
        expect(page.locator("main")).to_contain_text(NAME)
        expect(page.locator("main")).to_contain_text(HANDLE)
        page.goto(f"{live_server.url}/cases/")  # another page, so the case page is history
        page.get_by_role("button", name=re.compile("Sign out")).click()
        expect(page).to_have_url(re.compile(r"/accounts/sign-in/"))
    finally:
        browser.close()
    assert (profile / "Default").is_dir()  # the profile was written to disk
    needles = [
        s.encode(enc) for s in (NAME, BURMESE_NAME, HANDLE) for enc in ("utf-8", "utf-16-le")
    ]
    assert _files_holding(profile, needles) == []
