"""The first hour of Passage in a real browser: set-up, TOTP, a request in Burmese, two moves.

Debian's Chromium drives the live server; screenshots of every step land in var/screenshots/.
"""

import base64
import re

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from passage.cases.models import Case
from passage.core import audit
from passage.core.models import AuditRecord
from tests.browser.conftest import DESKTOP, PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ORGANISATION = "လွတ်မြောက်ရာလမ်း Free Path"
USERNAME = "thida"
PASSWORD = "seven ferries cross the river"
NAMES = ["ကျော်ထူး", "Kyaw Htoo"]
NOTES = "ဇနီးနှင့် ကလေးနှစ်ယောက်နှင့်အတူ ထွက်ခွာလိုသည်။ Signal ဖြင့်သာ ဆက်သွယ်ပါ။"
FONT_FILE = "/static/passage/fonts/NotoSansMyanmar-Regular.ttf"

# How the page renders a piece of Burmese text, measured in the page itself after its fonts load.
# The known-bad rendering is tofu: the same number of Private Use Area code points, which no font
# has a glyph for, in the same font stack. A font asked for by a name that does not exist is no
# bad reference here: fontconfig would fall back to the system's own Noto Sans Myanmar.
MEASURE_JS = """async (el) => {
  const FAMILY = "Noto Sans Myanmar";
  await document.fonts.ready;
  const text = el.textContent.trim();
  const style = getComputedStyle(el);
  const tofu = String.fromCodePoint(...[...text].map((_, i) => 0xE000 + i));
  const ctx = document.createElement("canvas").getContext("2d");
  const width = (family, s) => {
    ctx.font = `${style.fontSize} ${family}`;
    return ctx.measureText(s).width;
  };
  const faces = [...document.fonts].filter((f) => f.family.replace(/"/g, "") === FAMILY);
  return {
    text,
    fontFamily: style.fontFamily,
    check: document.fonts.check('16px "Noto Sans Myanmar"', text),
    regularLoaded: faces.some((f) => f.weight === "400" && f.status === "loaded"),
    width: width(style.fontFamily, text),
    missingFontWidth: width('"Passage Missing Font"', text),
    tofuWidth: width(style.fontFamily, tofu),
  };
}"""


def totp_code(secret: str, *, drift: int = 0) -> str:
    """The code an authenticator app shows for this base32 secret (or the next one, drift=1)."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return f"{TOTP(key, drift=drift).token():06d}"


def glyph_fonts(context, page, selector: str) -> list[dict]:
    """The fonts Chromium actually drew the element's text with (DevTools' "Rendered Fonts")."""
    cdp = context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument")["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        return cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    finally:
        cdp.detach()


def assert_burmese_renders(context, page, selector: str) -> None:
    element = page.locator(selector).first
    expect(element).to_be_visible()
    m = element.evaluate(MEASURE_JS)
    assert re.search("[\u1000-\u109f]", m["text"]), m
    assert m["check"] and m["regularLoaded"], f"Noto Sans Myanmar did not load: {m}"
    # Tofu draws one box per code point; real shaping stacks marks and differs in width.
    assert abs(m["width"] - m["tofuWidth"]) > 0.1 * m["tofuWidth"], f"looks like tofu: {m}"
    fonts = glyph_fonts(context, page, selector)
    burmese = [f for f in fonts if f["familyName"] == "Noto Sans Myanmar" and f["isCustomFont"]]
    # Drawn with the web font Passage served, not a font that happens to be on this machine.
    assert burmese and burmese[0]["glyphCount"] > 0, fonts
    assert not [f for f in fonts if not f["isCustomFont"] and "Myanmar" in f["familyName"]], fonts


def test_a_coordinator_sets_up_passage_and_moves_a_burmese_request_two_stages(
    live_server, chromium, screenshot
):
    context, traffic = chromium.context, chromium.traffic
    page = context.new_page()
    origin = live_server.url

    # First run: the empty database sends everyone to set-up. On a phone.
    page.goto(origin + "/")
    expect(page).to_have_url(re.compile(r"/accounts/setup/$"))
    page.fill("#id_organisation_name", ORGANISATION)
    page.fill("#id_username", USERNAME)
    page.fill("#id_password", PASSWORD)
    page.fill("#id_password_again", PASSWORD)
    screenshot(page, "setup")
    page.get_by_role("button", name="Create the organisation").click()

    # TOTP enrolment: the key shown under the QR code is what an authenticator app would read.
    expect(page).to_have_url(re.compile(r"/accounts/sign-in/authenticator/$"))
    expect(page.locator(".qr svg")).to_be_visible()
    secret = page.locator(".secret").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-7]{32}", secret), secret
    page.fill("#id_token", totp_code(secret))
    screenshot(page, "enrol-authenticator")
    page.get_by_role("button", name="Confirm").click()
    expect(page).to_have_url(re.compile(r"/cases/$"))
    expect(page.locator(".messages")).to_contain_text("authenticator is set up")
    expect(page.locator("header .brand")).to_contain_text(ORGANISATION)
    assert_burmese_renders(context, page, "header .brand")
    screenshot(page, "signed-in-empty-queue")

    # Sign out, and back in with password and code. The enrolment code cannot be replayed, so
    # the app's next code is used: a phone clock a little ahead is within TOTP's tolerance.
    page.get_by_role("button", name=re.compile("Sign out")).click()
    expect(page).to_have_url(re.compile(r"/accounts/sign-in/"))
    page.fill("#id_username", USERNAME)
    page.fill("#id_password", PASSWORD)
    page.fill("#id_token", totp_code(secret, drift=1))
    screenshot(page, "sign-in")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/cases/$"))

    # Log a request from a phone: Burmese name, Latin alias, Burmese notes.
    page.get_by_role("link", name="Log a request").click()
    expect(page).to_have_url(re.compile(r"/intake/"))
    page.select_option("#id_channel", "signal")
    page.select_option("#id_language", "my")
    page.select_option("#id_urgency", "3")
    page.fill("#id_names", "\n".join(NAMES))
    page.select_option("#id_rank", "corporal")
    page.select_option("#id_branch", "army")
    page.fill("#id_unit", "ခမရ ၉၉၉")
    page.select_option("#id_region", "sagaing")
    page.fill("#id_township", "မုံရွာ")
    page.fill("#id_age", "27")
    page.fill("#id_contact_handle", "@kyaw_htoo_test")
    page.check("#id_family_at_risk")
    page.fill("#id_notes", NOTES)
    screenshot(page, "log-request-filled")
    page.get_by_role("button", name="Save request").click()
    expect(page).to_have_url(re.compile(r"/cases/[0-9a-f-]{36}/$"))
    pseudonym = page.locator("main h1").evaluate("h => h.firstChild.textContent").strip()
    assert pseudonym and "ကျော်" not in pseudonym
    expect(page.locator(".messages")).to_contain_text(f"Request logged as {pseudonym}")
    expect(page.locator("main h1 .stage")).to_have_text("Received")
    screenshot(page, "request-logged")

    # Triage: the queue on a desk, searched by the pseudonym.
    page.set_viewport_size(DESKTOP)
    page.get_by_role("link", name="Queue").click()
    page.fill("#id_q", pseudonym)
    page.get_by_role("button", name="Filter").click()
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(pseudonym)
    expect(rows.first).to_contain_text("High")
    expect(rows.first).to_contain_text("Signal")
    screenshot(page, "queue-search")
    rows.first.get_by_role("link", name=pseudonym).click()
    expect(page.locator("main h1")).to_contain_text(pseudonym)

    # Whoever logs a request is assigned to its case: she reads what she typed at once.
    expect(page.locator("dd span[lang=my]")).to_have_text(NAMES[0])
    # Need-to-know: unassigned, a coordinator sees the summary only; assigned again, all of it.
    page.get_by_role("link", name="Change assignment").click()
    page.get_by_label(USERNAME).uncheck()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("Assignment saved")
    expect(page.locator("main")).not_to_contain_text(NAMES[0])
    page.get_by_role("link", name="Change assignment").click()
    page.get_by_label(USERNAME).check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("Assignment saved")
    names = page.locator("dd span[lang=my]")
    expect(names).to_have_text(NAMES[0])
    expect(page.locator("dd span[lang=en]")).to_have_text(NAMES[1])
    expect(page.locator("main")).to_contain_text(NOTES)
    assert_burmese_renders(context, page, "dd span[lang=my]")
    screenshot(page, "case-identity")

    # Two moves: received → vetting → suspended (clearing takes two people: tests/vetting).
    for stage, label in (("vetting", "Vetting"), ("suspended", "Suspended")):
        page.select_option("#to_stage", stage)
        page.fill("#note", f"{label}: ဆက်လက်ဆောင်ရွက်ပါ")
        page.get_by_role("button", name="Move", exact=True).click()
        expect(page.locator(".messages")).to_contain_text(f"Moved to “{label}”")
        expect(page.locator("main h1 .stage")).to_have_text(label)
        screenshot(page, f"moved-to-{stage}")
    # request, assigned at logging, unassigned, assigned again, two moves
    expect(page.locator("main ol li")).to_have_count(6)
    expect(page.locator("main ol li").last).to_contain_text("Vetting → Suspended")

    # The same case on a phone, then the whole interface in Burmese.
    page.set_viewport_size(PHONE)
    screenshot(page, "case-on-phone")
    page.select_option("#lang-select", "my")
    page.locator("form.lang button").click()
    expect(page.locator("html")).to_have_attribute("lang", "my")
    assert_burmese_renders(context, page, "header .brand")
    screenshot(page, "case-in-burmese")

    # The font came from Passage itself, and nothing else was asked of any other host.
    assert traffic.fonts.get(FONT_FILE) in (200, 304), traffic.fonts
    assert traffic.foreign_requests(origin) == []
    assert traffic.documents, "no page was loaded"
    for url, csp in traffic.documents:
        assert csp and "default-src 'none'" in csp, (url, csp)
        assert "http" not in csp.replace(origin, ""), (url, csp)
    assert traffic.errors == [], traffic.errors

    chromium.close()

    # What the browser did is what the database holds, with every step in the audit chain.
    case = Case.objects.get(person__pseudonym=pseudonym)
    assert case.stage == "suspended" and case.person.names == NAMES
    actions = set(AuditRecord.objects.values_list("action", flat=True))
    assert {"setup.complete", "account.totp_enrolled", "request.create", "case.move"} <= actions
    assert audit.verify().ok
