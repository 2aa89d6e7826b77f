"""Match reasons are stored with codes and shown in the reader's language; old ones still show."""

import re
from string import Formatter

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from passage.names.compare import compare
from passage.names.reasons import ENGLISH
from passage.screening.models import Hit
from passage.screening.reasons import describe_reason
from tests.conftest import make_case, signed_in


def hit_page(people, cells, language: str) -> str:
    make_case(people["coordinator"], cell=cells["north"], names=["Kyaw Htoo"])
    later = make_case(people["coordinator"], cell=cells["north"], names=["Kyawe Htu"])
    client = signed_in(people["vetter"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(reverse("cases:detail", args=[later.pk])).content.decode()


def test_reasons_are_stored_with_a_code_parameters_and_the_english_text(people, cells):
    make_case(people["coordinator"], cell=cells["north"], names=["Kyaw Htoo"])
    later = make_case(people["coordinator"], cell=cells["north"], names=["Kyawe Htu"])
    reasons = Hit.objects.get(case=later).reasons
    assert reasons[0] == {
        "code": "names_compared",
        "params": {"a": "Kyawe Htu", "b": "Kyaw Htoo"},
        "text": "Kyawe Htu ~ Kyaw Htoo",
    }
    assert {"code": "same_syllable", "params": {"a": "Htu", "b": "Htoo", "syllable": "ထူး"},
            "text": "Htu ≈ Htoo: same syllable ထူး"} in reasons  # fmt: skip


def test_reasons_show_in_burmese_on_a_burmese_page(people, cells):
    html = hit_page(people, cells, "my")
    assert "Htu ≈ Htoo- ဝဏ္ဏ တူသည် ထူး" in html
    assert "same syllable" not in html


def test_reasons_show_in_english_on_an_english_page(people, cells):
    html = hit_page(people, cells, "en")
    assert "Htu ≈ Htoo: same syllable ထူး" in html
    assert "ဝဏ္ဏ တူသည်" not in html


def test_reasons_stored_as_plain_sentences_still_show(people, cells):
    make_case(people["coordinator"], cell=cells["north"], names=["Kyaw Htoo"])
    later = make_case(people["coordinator"], cell=cells["north"], names=["Kyawe Htu"])
    hit = Hit.objects.get(case=later)
    hit.reasons = ["Kyawe Htu ~ Kyaw Htoo", "Htu ≈ Htoo: same syllable ထူး"]
    hit.save(update_fields=["reasons"])
    client = signed_in(people["vetter"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "my"
    html = client.get(reverse("cases:detail", args=[later.pk])).content.decode()
    assert "Htu ≈ Htoo: same syllable ထူး" in html


def sample_params(code: str) -> dict:
    fields = [f for _, f, _, _ in Formatter().parse(ENGLISH[code]) if f]
    return {f: 1234 if f == "one_in" else f"<{f}>" for f in fields}


@pytest.mark.parametrize("code", sorted(ENGLISH))
def test_every_reason_code_reads_as_a_sentence_in_each_language(code):
    reason = {"code": code, "params": sample_params(code), "text": "stored"}
    with translation.override("en"):
        english = describe_reason(reason)
    with translation.override("my"):
        burmese = describe_reason(reason)
    # Words, not a bare symbol, so there is something to translate; every parameter is shown.
    assert english != "stored" and re.search(r"[a-z]{3}", re.sub(r"<\w+>", "", english))
    assert burmese != english and re.search(r"[\u1000-\u109f]", burmese)
    for value in reason["params"].values():
        assert str(value).strip("<>") in english.replace("1,234", "1234")


def test_the_command_line_keeps_its_symbols():
    # `passage names compare` prints passage.names' English text, unchanged by the sentences.
    result = compare("Kyaw Htoo", "Kyaw Hla")
    assert "Kyaw = Kyaw" in result["reasons"] and "Htoo ≠ Hla" in result["reasons"]
