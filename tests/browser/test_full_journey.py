"""The whole journey in a real browser, one person per window, each signing in with a TOTP code.

A requester writes through the public form; an intake officer logs it; screening finds an
earlier request with the same name; a vetter reviews it and recommends clearing; a coordinator
who did none of the vetting approves; a planner plans the exit; a missed check-in raises an
alert through a real worker pass; the person arrives; a caseworker records a need and a
statement; the intake officer replies; the requester reads the reply with their receipt.

Every step's screen lands in var/screenshots/en/ and var/screenshots/my/ under the same name
(e.g. my/05-vetting-approved.png), each checked to be in its language before it is saved.
"""

import re
import shutil
import time
from datetime import timedelta
from importlib import import_module

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect, sync_playwright

from passage.accounts.roles import Role
from passage.aftercare.models import Need, Statement
from passage.cases.models import Case
from passage.core import audit
from passage.core.models import AuditRecord
from passage.planning.models import Alert, CheckIn
from passage.public import tokens
from passage.public.models import Reply
from passage.vetting.models import Decision
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, DESKTOP, SCREENSHOTS
from tests.conftest import make_case, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long test password"  # noqa: S105 (make_user's default)
NAMES = ["ကျော်ထူး", "Kyaw Htoo"]
MESSAGE = "I want to leave my battalion with my wife. Signal only, please."
REPLY = "We read your message. Someone will contact you on Signal this week."
WORKER = ["db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0"]
LANGUAGES = ("en", "my")
WAIT_MS = 15_000
# The journey, one number per step: every one is saved in both languages.
STEPS = {
    1: "the public form",
    2: "intake",
    3: "screening",
    4: "vetting with two people (the recommendation)",
    5: "vetting with two people (the approval)",
    6: "a plan with steps",
    7: "the missed check-in alert the planner sees",
    8: "arrived",
    9: "an after-care need",
    10: "testimony with consent",
    11: "the requester reads the reply",
}
# Letters of each script in what the page shows (not its markup).
SCRIPTS_JS = """() => {
  const text = document.body.innerText;
  return {
    burmese: (text.match(/[\u1000-\u109f]/g) || []).length,
    latin: (text.match(/[A-Za-z]/g) || []).length,
  };
}"""


def totp_code(device: TOTPDevice) -> str:
    return f"{TOTP(device.bin_key).token():06d}"


def assert_in_language(page, lang: str) -> None:
    """The page is really in `lang`: its lang attribute, and most of the letters it shows.

    What people typed (an English message, a Burmese name, a Latin pseudonym) shows in both
    languages, so the test is the balance of the letters, not their absence.
    """
    expect(page.locator("html")).to_have_attribute("lang", lang)
    seen = page.evaluate(SCRIPTS_JS)
    where = f"{page.url} in {lang}: {seen}"
    if lang == "my":
        assert seen["burmese"] > 2 * seen["latin"], where
    else:
        assert seen["latin"] > 2 * seen["burmese"], where


class Shots:
    """Full-page screenshots, var/screenshots/<language>/NN-name.png, NN the journey's step."""

    def __init__(self):
        shutil.rmtree(SCREENSHOTS / "full-journey", ignore_errors=True)  # this test's old layout
        for lang in LANGUAGES:
            (SCREENSHOTS / lang).mkdir(parents=True, exist_ok=True)
            for old in (SCREENSHOTS / lang).glob("*.png"):
                old.unlink()
        self.taken = {lang: [] for lang in LANGUAGES}

    def __call__(self, page, lang: str, step: int, name: str) -> None:
        assert_in_language(page, lang)
        path = SCREENSHOTS / lang / f"{step:02d}-{name}.png"
        page.screenshot(path=path, full_page=True)
        self.taken[lang].append(path.name)

    def both(self, page, step: int, name: str) -> None:
        """A staff page in English, then in Burmese through the header's switch, then back."""
        self(page, "en", step, name)
        set_language(page, "my")
        self(page, "my", step, name)
        set_language(page, "en")


def set_language(page, code: str) -> None:
    page.select_option("#lang-select", code)
    page.locator("form.lang button").click()
    expect(page.locator("html")).to_have_attribute("lang", code)


def fill_public_form(page) -> None:
    page.fill("#id_message", MESSAGE)
    page.fill("#id_names", "\n".join(NAMES))
    page.fill("#id_contact_handle", "@kyaw_htoo_test")
    page.select_option("#id_branch", "army")
    page.select_option("#id_rank", "corporal")
    page.select_option("#id_region", "sagaing")


@pytest.fixture
def browser(monkeypatch):
    # Playwright's sync API keeps an event loop running, so the ORM calls the test makes while a
    # browser is open (accounts, reading a TOTP key, one worker pass) need Django's guard lifted.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    if not CHROMIUM.exists():
        pytest.skip("Debian's Chromium is missing: `make browser-deps` installs it")
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()


@pytest.fixture
def staff(org, cells, monkeypatch):
    """The staff accounts, made in the database; each one signs in for real in the browser.

    The public forms' minimum fill time (tests/public) is lifted: this test types fast.
    """
    monkeypatch.setattr(tokens, "MIN_FILL_SECONDS", 0)
    north = cells["north"]
    people = {
        "intake": make_user("intake", Role.INTAKE, cells=[north]),
        "vetter": make_user("vetter", Role.VETTER, cells=[north]),
        "coordinator": make_user("coordinator", Role.COORDINATOR, cells=[north]),
        "planner": make_user("planner", Role.PLANNER, cells=[north]),
        "caseworker": make_user("caseworker", Role.CASEWORKER, cells=[north]),
    }
    # The default checklist template (a data migration, which transactional tests flush).
    import_module("passage.vetting.migrations.0002_default_template").add_default(apps, None)
    # An earlier request under the same name, for screening to find.
    make_case(people["coordinator"], cell=north, names=["Kyaw Htoo"])
    return people


def sign_in(browser, origin: str, user):
    """A fresh window for this person, signed in with their password and authenticator code."""
    context = browser.new_context(viewport=DESKTOP, locale="en-GB", timezone_id="Asia/Yangon")
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    page.goto(origin + "/accounts/sign-in/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.fill("#id_token", totp_code(TOTPDevice.objects.get(user=user)))
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/sign-in/"))
    return page


def test_a_request_goes_from_the_public_form_to_after_care_and_a_reply(live_server, staff, browser):
    origin = live_server.url
    shots = Shots()

    # 1. The requester, on a phone, writes through the public form (shown in Burmese first).
    requester = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="my-MM", timezone_id="Asia/Yangon"
    )
    requester.set_default_timeout(WAIT_MS)
    public = requester.new_page()
    public.goto(origin + "/public/?lang=my")
    shots(public, "my", 1, "public-form")
    public.goto(origin + "/public/?lang=en")
    # The one-time form token is a hidden field: no stray "Token" label for the requester.
    expect(public.locator("label", has_text="Token")).to_have_count(0)
    expect(public.locator("input[name=token]")).to_have_attribute("type", "hidden")
    fill_public_form(public)
    shots(public, "en", 1, "public-form")
    public.get_by_role("button", name="Send securely").click()
    expect(public.locator("h1")).to_have_text("Sent. Keep this receipt.")
    code_name = public.locator("dd code").nth(0).inner_text().strip()
    passphrase = public.locator("dd code").nth(1).inner_text().strip()
    assert code_name and len(passphrase.split()) >= 5, (code_name, passphrase)
    # The receipt is shown once, so its Burmese screen is another requester's, at the end.
    shots(public, "en", 1, "public-receipt")

    # 2. The intake officer logs it as a new request.
    intake = sign_in(browser, origin, staff["intake"])
    intake.goto(origin + "/public-inbox/")
    intake.get_by_role("link", name="Open").first.click()
    expect(intake.locator("main")).to_contain_text(MESSAGE)
    shots.both(intake, 2, "intake-submission")
    intake.get_by_role("button", name="Log as a new request").click()
    expect(intake).to_have_url(re.compile(r"/cases/[0-9a-f-]{36}/$"))
    case_url = intake.url
    pseudonym = intake.locator("main h1").evaluate("h => h.firstChild.textContent").strip()
    expect(intake.locator(".messages")).to_contain_text(f"Logged as a request on {pseudonym}")
    shots.both(intake, 2, "intake-case")

    # 3. The coordinator assigns the team and moves the case to vetting.
    coordinator = sign_in(browser, origin, staff["coordinator"])
    coordinator.goto(case_url)
    coordinator.get_by_role("link", name="Change assignment").click()
    for name in ("intake", "vetter", "planner", "caseworker"):
        coordinator.get_by_label(name, exact=True).check()
    coordinator.get_by_role("button", name="Save").click()
    expect(coordinator.locator(".messages")).to_contain_text("Assignment saved")
    coordinator.select_option("#to_stage", "vetting")
    coordinator.get_by_role("button", name="Move", exact=True).click()
    expect(coordinator.locator("main h1 .stage")).to_have_text("Vetting")
    shots.both(coordinator, 2, "assigned-and-in-vetting")

    # 4. Screening found the earlier request; the vetter reviews it, checks, recommends.
    vetter = sign_in(browser, origin, staff["vetter"])
    vetter.goto(case_url)
    vetter.get_by_role("link", name=re.compile("Vetting: checklist")).click()
    hit = vetter.locator("#screening .hit").first
    expect(hit).to_contain_text("Earlier request")
    shots.both(vetter, 3, "screening-hit")
    hit.get_by_label("False positive").check()
    hit.get_by_label("Why").fill("Different unit and age: a common name.")
    hit.get_by_role("button", name="Save review").click()
    expect(vetter.locator("#screening .hit").first).to_contain_text("False positive")
    vetter.get_by_role("link", name=re.compile("Vetting: checklist")).click()
    vetter.locator("#checklist").get_by_role("button", name="Start the checklist").click()
    first_item = vetter.locator("#checklist .check").first
    expect(first_item).to_be_visible()
    first_item.locator("select").select_option("done")
    first_item.locator("textarea").fill("Confirmed by a video call and his unit ID card.")
    first_item.get_by_role("button", name="Save check").click()
    expect(vetter.locator("#checklist .check").first).to_contain_text("vetter")
    references = vetter.locator("#references")
    references.locator("textarea").fill("A defector we helped last year; served with him.")
    references.locator("select").select_option("strong")
    references.get_by_role("button", name="Add reference").click()
    expect(vetter.locator("#references .reference")).to_have_count(1)
    decision = vetter.locator("#decision")
    decision.get_by_label("Clear", exact=True).check()
    decision.get_by_role("button", name="Recommend").click()
    expect(vetter.locator("#decision .pending")).to_contain_text("recommended by vetter")
    shots.both(vetter, 4, "vetting-recommended")

    # 5. The coordinator, who did none of the vetting, approves: the case is cleared.
    coordinator.goto(case_url)
    coordinator.get_by_role("link", name=re.compile("Vetting: checklist")).click()
    coordinator.locator("#decision").get_by_role("button", name="Approve").click()
    expect(coordinator.locator("main h1 .stage")).to_have_text("Cleared")
    shots.both(coordinator, 5, "vetting-approved")

    # 6. The coordinator opens an exit plan for the planner, and decides "go".
    coordinator.goto(case_url)
    coordinator.get_by_role("link", name="Open an exit plan").click()
    coordinator.get_by_label("planner", exact=True).check()
    coordinator.get_by_role("button", name=re.compile("Open|Create|Save")).click()
    expect(coordinator).to_have_url(re.compile(r"/planning/[0-9a-f-]{36}/$"))
    plan_url = coordinator.url

    planner = sign_in(browser, origin, staff["planner"])
    planner.goto(plan_url)
    steps = planner.locator("#steps")
    steps.get_by_label("Step", exact=True).fill("Meet the driver")
    steps.locator("textarea").fill("Tea shop by the bridge, 06:00; safe house B.")
    steps.get_by_role("button", name="Add step").click()
    expect(planner.locator("#steps ol li").first).to_contain_text("Meet the driver")
    shots.both(planner, 6, "plan-with-step")

    coordinator.goto(plan_url)
    go = coordinator.locator("#go")
    go.get_by_label("Go", exact=True).check()
    go.get_by_role("button", name="Record decision").click()
    expect(coordinator.locator("#go")).to_contain_text("coordinator")

    planner.goto(plan_url)
    planner.get_by_role("button", name="Start transit").click()
    expect(planner.locator("main h1 .stage")).to_have_text("In transit")

    # 7. A check-in at the next whole minute (the field's resolution) that nobody records.
    now = timezone.localtime()
    due = (now + timedelta(minutes=1)).replace(second=0, microsecond=0)
    if (due - now).total_seconds() < 5:
        due += timedelta(minutes=1)
    check_ins = planner.locator("#check-ins")
    check_ins.locator("input[type=datetime-local]").fill(due.strftime("%Y-%m-%dT%H:%M"))
    check_ins.get_by_role("button", name="Schedule check-in").click()
    expect(planner.locator("#check-ins ol li").first).to_contain_text("Expected")

    call_command(*WORKER, verbosity=0)  # not due yet: nothing raised
    assert not Alert.objects.exists()
    shots.both(planner, 6, "check-in-scheduled")
    time.sleep(max(0.0, (due - timezone.now()).total_seconds()) + 0.2)
    call_command(*WORKER, verbosity=0)

    planner.goto(origin + "/planning/alerts/")
    expect(planner.locator("main")).to_contain_text("Missed check-in")
    expect(planner.locator("main")).to_contain_text(pseudonym)
    shots.both(planner, 7, "missed-check-in-alert")

    # 8. The person arrives.
    planner.goto(plan_url)
    outcome = planner.locator("#outcome")
    outcome.get_by_label("Arrived").check()
    outcome.locator("textarea").fill("Safe house B, with his wife.")
    outcome.get_by_role("button", name="Record outcome").click()
    expect(planner.locator("main")).to_contain_text("Outcome: Arrived")
    shots.both(planner, 8, "arrived")

    # 9. After-care: a need and a statement with consent.
    caseworker = sign_in(browser, origin, staff["caseworker"])
    caseworker.goto(case_url)
    caseworker.get_by_role("link", name="Needs, services and testimony").click()
    need = caseworker.locator("form[action$='/needs/']")
    need.locator("select[name=kind]").select_option("shelter")
    need.locator("input[name=provider]").fill("Safe house B")
    need.get_by_role("button", name="Add").click()
    expect(caseworker.locator("table tbody tr").first).to_contain_text("Shelter")
    shots.both(caseworker, 9, "after-care-need")

    statement = caseworker.locator("form[action$='/statements/']")
    statement.locator("textarea[name=text]").fill(
        "We were ordered to burn the village near the river."
    )
    statement.locator("select[name=consent]").select_option("anonymised")
    statement.get_by_role("button", name="Record").click()
    expect(caseworker.locator("main")).to_contain_text("Anonymised")
    shots.both(caseworker, 10, "testimony-with-consent")

    # 10. The intake officer replies from the case.
    intake.goto(case_url)
    intake.locator("#public-channel").get_by_role("link", name="Reply").click()
    intake.locator("textarea").fill(REPLY)
    intake.get_by_role("button", name="Save reply").click()
    expect(intake.locator("#public-channel")).to_contain_text(REPLY)
    shots.both(intake, 11, "reply-saved")

    # 11. The requester comes back with the receipt and reads the reply, in both languages.
    for lang in ("en", "my"):
        public.goto(f"{origin}/public/check/?lang={lang}")
        public.fill("#id_code_name", code_name)
        public.fill("#id_passphrase", passphrase)
        public.locator("form button[type=submit]").click()
        expect(public.locator("main")).to_contain_text(REPLY)
        expect(public.locator("html")).to_have_attribute("lang", lang)
        shots(public, lang, 11, "requester-reads-reply")

    # 12. Another requester, writing in Burmese, for the receipt's Burmese screen.
    other = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="my-MM", timezone_id="Asia/Yangon"
    )
    other.set_default_timeout(WAIT_MS)
    other_page = other.new_page()
    other_page.goto(origin + "/public/?lang=my")
    fill_public_form(other_page)
    other_page.locator("form button[type=submit]").click()
    expect(other_page.locator("dd code")).to_have_count(2)
    shots(other_page, "my", 1, "public-receipt")

    browser.close()

    # What the browsers did is what the database holds, with every step in the audit chain.
    case = Case.objects.get(person__pseudonym=pseudonym)
    assert case.stage == "arrived"
    assert case.screening_hits.get().status == "false_positive"
    decision = Decision.objects.get(case=case)
    assert decision.status == "approved" and decision.kind == "clear"
    assert (decision.recommended_by.username, decision.decided_by.username) == (
        "vetter",
        "coordinator",
    )
    assert Need.objects.get(case=case).kind == "shelter"
    assert Statement.objects.get(case=case).consent == "anonymised"
    assert Reply.objects.filter(source__case=case).count() == 1
    check_in = CheckIn.objects.get(plan__case=case)
    assert check_in.status == CheckIn.Status.MISSED
    assert {a.recipient.username for a in Alert.objects.filter(check_in=check_in)} == {
        "planner",
        "coordinator",
    }
    actions = set(AuditRecord.objects.values_list("action", flat=True))
    assert {"alert.raise", "plan.go"} <= actions
    assert audit.verify().ok
    # Every step of the journey, and every screen, in both languages.
    assert sorted(shots.taken["en"]) == sorted(shots.taken["my"])
    assert {int(name[:2]) for name in shots.taken["my"]} == set(STEPS)
    assert len(shots.taken["my"]) == 16
