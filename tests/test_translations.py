"""The Burmese catalogue: complete, right placeholders, current with the source, and used.

A new `_()` or `{% translate %}` string without a Burmese translation fails
`test_the_catalogue_is_current_with_the_source`: it re-extracts every message from a copy of
`passage/` with `makemessages` (which needs GNU gettext's xgettext: `make browser-deps` installs
it) and compares. To fix it: `.venv/bin/passage makemessages -l my --ignore=.venv --ignore=var
--ignore=benchmarks --ignore=tests`, translate the new entries in
`passage/locale/my/LC_MESSAGES/django.po` (see docs/glossary-my.md), then
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
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone

from passage.cases.models import Case
from tests.conftest import make_case, signed_in

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "passage" / "locale"
PO = LOCALE / "my" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")

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


def test_the_header_says_burmese_with_one_plural_form():
    header = read_po(PO)[0]
    assert header["msgid"] == ""
    assert "fuzzy" not in header["flags"]
    assert "Language: my\n" in header["msgstr"][0]
    assert "Plural-Forms: nplurals=1; plural=0;\n" in header["msgstr"][0]


def test_every_message_is_translated_and_none_is_fuzzy():
    untranslated, fuzzy = [], []
    for entry in messages(read_po(PO)):
        if "fuzzy" in entry["flags"]:
            fuzzy.append(label(entry))
        if not entry["msgstr"] or not all(s.strip() for s in entry["msgstr"].values()):
            untranslated.append(label(entry))
        if "msgid_plural" in entry and sorted(entry["msgstr"]) != [0]:
            untranslated.append(label(entry) + " should have exactly msgstr[0]")
    assert not untranslated, "untranslated:\n" + "\n".join(untranslated)
    assert not fuzzy, "fuzzy (check and clear the flag):\n" + "\n".join(fuzzy)


def test_translations_are_burmese_not_copies_of_the_english():
    copies = [
        label(e)
        for e in messages(read_po(PO))
        if e["msgstr"].get(0) == e["msgid"] and e["msgid"] not in SAME_IN_BURMESE
    ]
    assert not copies, "left in English:\n" + "\n".join(copies)
    no_burmese = [
        label(e)
        for e in messages(read_po(PO))
        if e["msgid"] not in SAME_IN_BURMESE and not re.search("[\u1000-\u109f]", e["msgstr"][0])
    ]
    assert not no_burmese, "no Burmese letter in:\n" + "\n".join(no_burmese)


def test_placeholders_are_the_same_as_in_the_english():
    wrong = []
    for entry in messages(read_po(PO)):
        sources = [entry["msgid"]] + ([entry["msgid_plural"]] if "msgid_plural" in entry else [])
        for text in entry["msgstr"].values():
            # A plural's one Burmese form follows the plural English (it may drop a count
            # that only the singular leaves out), so it must match one of the English forms.
            if all(placeholders(text) != placeholders(source) for source in sources):
                wrong.append(f"{label(entry)}: {text!r}")
    assert not wrong, "placeholders differ from the English:\n" + "\n".join(wrong)


def test_the_compiled_catalogue_matches_the_po_file():
    """The .mo is committed (a fresh machine needs no gettext to run); it must not be stale."""
    with MO.open("rb") as f:
        catalog = gettext.GNUTranslations(f)._catalog  # type: ignore[attr-defined]
    stale = []
    for entry in messages(read_po(PO)):
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
        call_command("makemessages", locale=["my"], verbosity=0)
    fresh = {
        key_of(e): e for e in messages(read_po(copy / "locale" / "my" / "LC_MESSAGES" / PO.name))
    }
    committed = {key_of(e) for e in messages(read_po(PO))}
    new = [label(fresh[k]) for k in fresh if k not in committed]
    gone = [repr(k[1]) for k in committed if k not in fresh]
    assert not new, "new messages to translate (see this file's docstring):\n" + "\n".join(new)
    assert not gone, "messages no longer in the source (re-run makemessages):\n" + "\n".join(gone)
    fuzzy = [label(e) for e in fresh.values() if "fuzzy" in e["flags"]]
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
