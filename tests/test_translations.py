"""The Burmese catalogues: complete, right placeholders, current with the source, and used.

There are two: the project's (`passage/locale/`) and the public form's own
(`passage/public/locale/`, requester-facing, so the public app can be published alone). Both are
checked alike.

A new `_()` or `{% translate %}` string without a Burmese translation fails
`test_the_catalogue_is_current_with_the_source`: it re-extracts every message from a copy of
`passage/` with `makemessages` (which needs GNU gettext's xgettext: `make browser-deps` installs
it) and compares. To fix it: `.venv/bin/passage makemessages -l my --ignore=.venv --ignore=var
--ignore=benchmarks --ignore=tests`, translate the new entries in
`passage/locale/my/LC_MESSAGES/django.po` or `passage/public/locale/my/LC_MESSAGES/django.po`
(see docs/glossary-my.md), then
`.venv/bin/passage compilemessages --ignore=.venv`.
"""

import ast
import gettext
import re
import shutil
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import django
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import pgettext

from passage.cases.models import Case
from passage.core import crypto
from tests.aftercare.helpers import make_need
from tests.conftest import make_case, signed_in

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "passage" / "locale"
PO = LOCALE / "my" / "LC_MESSAGES" / "django.po"
PUBLIC_PO = ROOT / "passage" / "public" / "locale" / "my" / "LC_MESSAGES" / "django.po"
CATALOGUES = pytest.mark.parametrize("po", [PO, PUBLIC_PO], ids=["project", "public"])

# Words that are the same in Burmese: names of apps and services.
SAME_IN_BURMESE = {"Signal", "Telegram", "Facebook"}

BURMESE_MONTHS = [
    "ဇန်နဝါရီ",
    "ဖေဖော်ဝါရီ",
    "မတ်",
    "ဧပြီ",
    "မေ",
    "ဇွန်",
    "ဇူလိုင်",
    "ဩဂုတ်",
    "စက်တင်ဘာ",
    "အောက်တိုဘာ",
    "နိုဝင်ဘာ",
    "ဒီဇင်ဘာ",
]
ENGLISH_MONTHS = [datetime(2000, m, 1).strftime("%B") for m in range(1, 13)]  # noqa: DTZ001


# --- a small .po reader -----------------------------------------------------------------------


def parse_po(text: str) -> list[dict]:
    """Entries of a .po file: msgctxt, msgid, msgid_plural, msgstr {index: text}, flags, refs."""
    entries: list[dict] = []
    entry: dict | None = None
    key = None
    for line in text.splitlines() + [""]:
        if not line.strip():
            if entry is not None and "msgid" in entry:
                entries.append(entry)
            entry, key = None, None
            continue
        if line.startswith("#~"):  # obsolete
            continue
        if entry is None:
            entry = {"flags": set(), "refs": [], "msgstr": {}}
        if line.startswith("#,"):
            entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#:"):
            entry["refs"] += line[2:].split()
        elif line.startswith("#"):
            continue
        else:
            match = re.fullmatch(r'(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (".*")', line)
            if match:
                key, value = match.group(1), ast.literal_eval(match.group(2))
            elif line.startswith('"') and key:
                value = ast.literal_eval(line)
            else:
                raise ValueError(f"unreadable .po line: {line!r}")
            if key.startswith("msgstr"):
                index = int(key[7:-1]) if "[" in key else 0
                entry["msgstr"][index] = entry["msgstr"].get(index, "") + value
            else:
                entry[key] = entry.get(key, "") + value
    return entries


def read_po(path: Path) -> list[dict]:
    return parse_po(path.read_text(encoding="utf-8"))


def messages(entries: list[dict]) -> list[dict]:
    return [e for e in entries if e["msgid"]]


def key_of(entry: dict) -> tuple:
    return (entry.get("msgctxt"), entry["msgid"], entry.get("msgid_plural"))


def label(entry: dict) -> str:
    return f"{entry['msgid']!r} ({', '.join(entry['refs'][:2])})"


_PRINTF = re.compile(r"%(?:\((\w+)\))?[#0 +-]*\d*(?:\.\d+)?([sdifrxXeEgGc%])")
_BRACES = re.compile(r"\{\w*\}")


def placeholders(text: str) -> Counter:
    """Named placeholders as a multiset; unnamed ones in order (they are filled by position)."""
    found: Counter = Counter()
    position = 0
    for match in _PRINTF.finditer(text):
        name, conversion = match.groups()
        if conversion == "%":
            continue
        if name is None:
            name, position = f"#{position}", position + 1
        found[(name, match.group(0))] += 1
    found.update(("brace", m) for m in _BRACES.findall(text))
    return found


# --- the catalogue itself ---------------------------------------------------------------------


@CATALOGUES
def test_the_header_says_burmese_with_one_plural_form(po):
    header = read_po(po)[0]
    assert header["msgid"] == ""
    assert "fuzzy" not in header["flags"]
    assert "Language: my\n" in header["msgstr"][0]
    assert "Plural-Forms: nplurals=1; plural=0;\n" in header["msgstr"][0]


@CATALOGUES
def test_every_message_is_translated_and_none_is_fuzzy(po):
    untranslated, fuzzy = [], []
    for entry in messages(read_po(po)):
        if "fuzzy" in entry["flags"]:
            fuzzy.append(label(entry))
        if not entry["msgstr"] or not all(s.strip() for s in entry["msgstr"].values()):
            untranslated.append(label(entry))
        if "msgid_plural" in entry and sorted(entry["msgstr"]) != [0]:
            untranslated.append(label(entry) + " should have exactly msgstr[0]")
    assert not untranslated, "untranslated:\n" + "\n".join(untranslated)
    assert not fuzzy, "fuzzy (check and clear the flag):\n" + "\n".join(fuzzy)


@CATALOGUES
def test_translations_are_burmese_not_copies_of_the_english(po):
    copies = [
        label(e)
        for e in messages(read_po(po))
        if e["msgstr"].get(0) == e["msgid"] and e["msgid"] not in SAME_IN_BURMESE
    ]
    assert not copies, "left in English:\n" + "\n".join(copies)
    no_burmese = [
        label(e)
        for e in messages(read_po(po))
        if e["msgid"] not in SAME_IN_BURMESE and not re.search("[\u1000-\u109f]", e["msgstr"][0])
    ]
    assert not no_burmese, "no Burmese letter in:\n" + "\n".join(no_burmese)


@CATALOGUES
def test_placeholders_are_the_same_as_in_the_english(po):
    wrong = []
    for entry in messages(read_po(po)):
        sources = [entry["msgid"]] + ([entry["msgid_plural"]] if "msgid_plural" in entry else [])
        for text in entry["msgstr"].values():
            # A plural's one Burmese form follows the plural English (it may drop a count
            # that only the singular leaves out), so it must match one of the English forms.
            if all(placeholders(text) != placeholders(source) for source in sources):
                wrong.append(f"{label(entry)}: {text!r}")
    assert not wrong, "placeholders differ from the English:\n" + "\n".join(wrong)


@CATALOGUES
def test_the_compiled_catalogue_matches_the_po_file(po):
    """The .mo is committed (a fresh machine needs no gettext to run); it must not be stale."""
    with po.with_suffix(".mo").open("rb") as f:
        catalog = gettext.GNUTranslations(f)._catalog  # type: ignore[attr-defined]
    stale = []
    for entry in messages(read_po(po)):
        msgid = entry["msgid"]
        if "msgctxt" in entry:
            msgid = f"{entry['msgctxt']}\x04{msgid}"
        if "msgid_plural" in entry:
            compiled = catalog.get((msgid, 0))
        else:
            compiled = catalog.get(msgid)
        if compiled != entry["msgstr"][0]:
            stale.append(label(entry))
    assert not stale, "run `passage compilemessages --ignore=.venv`; stale in .mo:\n" + "\n".join(
        stale
    )


def test_the_catalogue_is_current_with_the_source(tmp_path, monkeypatch):
    """Re-extract every message from a copy of the project: nothing new, nothing gone."""
    if not shutil.which("xgettext") or not shutil.which("msgmerge"):
        pytest.fail("GNU gettext is missing (xgettext, msgmerge): run `make browser-deps`")
    copy = tmp_path / "passage"
    shutil.copytree(
        ROOT / "passage", copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo", "*.pyc")
    )
    monkeypatch.chdir(tmp_path)
    with override_settings(LOCALE_PATHS=[copy / "locale"]):
        # Files under passage/public/ go to the public app's own catalogue, the rest to the
        # project's: makemessages picks the nearest `locale` folder.
        call_command("makemessages", locale=["my"], verbosity=0)
    new, gone, fuzzy = [], [], []
    for po in (PO, PUBLIC_PO):
        fresh_po = copy / po.relative_to(ROOT / "passage")
        fresh = {key_of(e): e for e in messages(read_po(fresh_po))}
        committed = {key_of(e) for e in messages(read_po(po))}
        where = po.relative_to(ROOT)
        new += [f"{where}: {label(fresh[k])}" for k in fresh if k not in committed]
        gone += [f"{where}: {k[1]!r}" for k in committed if k not in fresh]
        fuzzy += [f"{where}: {label(e)}" for e in fresh.values() if "fuzzy" in e["flags"]]
    assert not new, "new messages to translate (see this file's docstring):\n" + "\n".join(new)
    assert not gone, "messages no longer in the source (re-run makemessages):\n" + "\n".join(gone)
    assert not fuzzy, "\n".join(fuzzy)


def test_django_still_uses_the_strings_passage_translates_for_it():
    """passage/formats/django_strings.py copies Django's msgids; an upgrade may change them."""
    django_dir = Path(django.__file__).parent
    known = set()
    for po in django_dir.glob("**/locale/en/LC_MESSAGES/django.po"):
        known |= {e["msgid"] for e in read_po(po)}
    ours = [
        e
        for e in messages(read_po(PO))
        if any(ref.startswith("passage/formats/django_strings.py") for ref in e["refs"])
    ]
    assert len(ours) > 30
    missing = [e["msgid"] for e in ours if e["msgid"] not in known]
    assert not missing, "Django no longer has these msgids:\n" + "\n".join(missing)


# --- pages in Burmese -------------------------------------------------------------------------


def burmese_client(user, how: str):
    client = signed_in(user)
    if how == "cookie":
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "my"
        return client, {}
    return client, {"HTTP_ACCEPT_LANGUAGE": "my"}


@pytest.mark.parametrize("how", ["cookie", "accept-language"])
def test_the_queue_is_in_burmese(people, north_case, how):
    client, headers = burmese_client(people["coordinator"], how)
    html = client.get(reverse("cases:queue"), **headers).content.decode()
    assert '<html lang="my">' in html
    for burmese in ("ဦးစားပေးစာရင်း", "အမည်ဝှက်", "အဆင့်", "လက်ခံရရှိ", "ထွက်မည်"):
        assert burmese in html
    for english in ("Triage queue", "Pseudonym", "Waiting since", "Sign out", "Received"):
        assert english not in html


def test_the_queue_is_in_english_by_default(people, north_case):
    html = signed_in(people["coordinator"]).get(reverse("cases:queue")).content.decode()
    assert '<html lang="en">' in html
    assert "Triage queue" in html
    assert "ဦးစားပေးစာရင်း" not in html


def test_dates_on_burmese_pages_are_day_first_with_burmese_months(people, cells):
    coordinator = people["coordinator"]
    case = make_case(coordinator, cell=cells["north"], assignees=[coordinator])
    at = (timezone.now() - timedelta(days=3, hours=2)).replace(second=0, microsecond=0)
    Case.objects.filter(pk=case.pk).update(opened_at=at, stage_changed_at=at)
    local = timezone.localtime(at)
    client, headers = burmese_client(coordinator, "cookie")

    detail = client.get(reverse("cases:detail", args=[case.pk]), **headers).content.decode()
    month = BURMESE_MONTHS[local.month - 1]
    assert f"{local.day} {month} {local.year}၊ {local:%H:%M}" in detail
    queue = client.get(reverse("cases:queue"), **headers).content.decode()
    assert f"{local:%d-%m-%Y %H:%M}" in queue
    assert "3\xa0ရက်" in queue  # how long it has waited, in Burmese units
    for page in (detail, queue):
        assert not any(re.search(rf"\b{m}\b", page) for m in ENGLISH_MONTHS)
        assert not re.search(r"\b(a\.m\.|p\.m\.|minutes?|hours?|days?|weeks?|months?)\b", page)


def test_form_errors_from_django_itself_are_in_burmese(people):
    client, headers = burmese_client(people["intake"], "cookie")
    html = client.post(reverse("intake:new"), {"channel": "", "age": "old"}, **headers)
    html = html.content.decode()
    assert "ဤအကွက်ကို ဖြည့်ရန် လိုအပ်သည်။" in html
    assert "ကိန်းပြည့် ထည့်ပါ။" in html
    assert "This field is required." not in html
    assert "Enter a whole number." not in html


# --- strings that were left in English ----------------------------------------------------------

SEALED_MY = "Passage ကို သော့ခတ်ထားသည်"


def test_the_sealed_page_title_is_in_burmese_and_english(org):
    crypto.forget_keys()  # sealed, as after a restart; the autouse fixture unseals after
    html = Client().get("/cases/").content.decode()
    title = re.search(r"<title>(.*)</title>", html).group(1)
    assert "Passage is sealed" in title and SEALED_MY in title


@pytest.mark.parametrize(("language", "start"), [("my", SEALED_MY), (None, "Passage is sealed.")])
def test_the_api_says_it_is_sealed_in_the_request_s_language(org, language, start):
    crypto.forget_keys()
    headers = {"HTTP_ACCEPT_LANGUAGE": language} if language else {}
    response = Client().get(reverse("api:list_cases"), **headers)
    assert response.status_code == 503
    body = response.json()
    assert body["error"] == "sealed" and body["message"].startswith(start)
    assert response["Retry-After"] == "60"


def test_the_import_form_s_row_limit_is_in_the_reader_s_language(people):
    from passage.exports.spreadsheet import MAX_ROWS

    client, headers = burmese_client(people["coordinator"], "cookie")
    html = client.get(reverse("exports:import"), **headers).content.decode()
    assert f"အတန်း အများဆုံး {MAX_ROWS} တန်း" in html
    assert "first row the column titles" not in html
    english = signed_in(people["coordinator"]).get(reverse("exports:import")).content.decode()
    assert f"up to {MAX_ROWS} rows" in english


def test_the_burmese_checklist_page_leads_with_the_burmese_checks(people):
    client, headers = burmese_client(people["coordinator"], "cookie")
    html = client.get(reverse("vetting:templates"), **headers).content.decode()
    burmese = html.index("လွတ်လပ်သော နည်းလမ်းနှစ်ခုဖြင့် ကိုယ်ရေးအချက်အလက် အတည်ပြုပြီး")
    english = html.index('<span lang="en">Identity confirmed by two independent means</span>')
    assert burmese < english
    page = signed_in(people["coordinator"]).get(reverse("vetting:templates")).content.decode()
    assert "<li>Identity confirmed by two independent means · " in page


def test_open_and_step_are_worded_for_each_sense_in_burmese(people, cells):
    """A button that opens is not an open need; a stage of a case is not a step of a plan."""
    client, headers = burmese_client(people["coordinator"], "cookie")
    dashboard = client.get(reverse("reports:dashboard"), **headers).content.decode()
    assert '<th scope="col">အဆင့်</th>' in dashboard
    assert "အဆင့်ခွဲ" not in dashboard

    need = make_need(people, cells["north"])
    need.case.assignees.add(people["caseworker"])
    client, headers = burmese_client(people["caseworker"], "cookie")
    needs = client.get(reverse("aftercare:open_needs"), **headers).content.decode()
    assert "မဖြည့်ဆည်းရသေး" in needs
    assert "ဖွင့်မည်" not in needs and "ဖွင့်ရန်" not in needs

    check = Client().get(reverse("public:check") + "?lang=my").content.decode()
    assert "ဖွင့်မည်</button>" in check
    with translation.override("my"):
        assert pgettext("exit plan", "Step") == "အဆင့်ခွဲ"
        assert pgettext("stage of a case", "Step") == "အဆင့်"
