"""A real Chromium (Debian's, never a downloaded one) for the browser tests, and what it saw.

`make browser-deps` installs Chromium and the Noto fonts; without them these tests are skipped.
"""

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path("/usr/bin/chromium")
# Headless, and nothing that phones home: no updates, no sync, no background fetches.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@dataclass
class Traffic:
    """Every request the browser made, every page's CSP header, and every console error."""

    requests: list[str] = field(default_factory=list)
    fonts: dict[str, int] = field(default_factory=dict)
    documents: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def on_response(self, response) -> None:
        kind = response.request.resource_type
        if kind == "font":
            self.fonts[urlsplit(response.url).path] = response.status
        if kind == "document":
            self.documents.append((response.url, response.headers.get("content-security-policy")))

    def on_console(self, message) -> None:
        # Chromium asks for /favicon.ico on its own; Passage has none, and its 404 is harmless.
        if message.type == "error" and not message.location["url"].endswith("/favicon.ico"):
            self.errors.append(f"{message.text} ({message.location['url']})")

    def foreign_requests(self, origin: str) -> list[str]:
        return [url for url in self.requests if not url.startswith(origin + "/")]


class Chromium:
    """Debian's Chromium with a fresh profile, and the `Traffic` it makes.

    Playwright's sync API runs an event loop, and Django refuses ORM calls while one runs, so a
    test that checks the database afterwards calls `close()` first.
    """

    def __init__(self, profile: Path):
        from playwright.sync_api import sync_playwright

        self.traffic = Traffic()
        self._playwright = sync_playwright().start()
        try:
            self.context = self._playwright.chromium.launch_persistent_context(
                profile,
                executable_path=str(CHROMIUM),
                args=CHROMIUM_ARGS,
                headless=True,
                viewport=PHONE,
                locale="en-GB",
                timezone_id="Asia/Yangon",
            )
        except BaseException:
            self._playwright.stop()
            raise
        traffic = self.traffic
        self.context.on("request", lambda request: traffic.requests.append(request.url))
        self.context.on("response", traffic.on_response)
        self.context.on("weberror", lambda error: traffic.errors.append(str(error.error)))
        self.context.on("console", traffic.on_console)

    def close(self) -> None:
        if self._playwright is not None:
            self.context.close()
            self._playwright.stop()
            self._playwright = None


@pytest.fixture
def chromium(tmp_path):
    if not CHROMIUM.exists():
        pytest.skip("Debian's Chromium is missing: `make browser-deps` installs it")
    browser = Chromium(tmp_path / "chromium-profile")
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture
def screenshot():
    """Save a full-page screenshot as var/screenshots/NN-name.png, numbered in order."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOTS.glob("*.png"):
        old.unlink()
    taken = []

    def take(page, name: str) -> Path:
        path = SCREENSHOTS / f"{len(taken) + 1:02d}-{name}.png"
        page.screenshot(path=path, full_page=True)
        taken.append(path)
        return path

    return take
