"""In one process: the identity survives a key rotation, match keys meet across scripts and never
come from one syllable, and the published figures pass through the suppression."""

from datetime import datetime
from types import SimpleNamespace

import pytest
from django.core.management import call_command

from passage.core import sealed_box
from passage.core.sealing import keyring, state
from passage.partners import identity, psi, summary
from passage.partners.matchkeys import keys_for
from tests.conftest import TEST_PASSPHRASE
from tests.core.sealing.conftest import fresh_keyring  # noqa: F401 - a fixture


@pytest.fixture
def own_keyring(fresh_keyring):  # noqa: F811
    state.install(*keyring.initialise(TEST_PASSPHRASE)[:3])
    sealed_box.ensure_key_pair()
    return fresh_keyring


@pytest.mark.django_db
def test_the_partner_identity_still_signs_and_opens_after_a_key_rotation(own_keyring):
    card = identity.own_card()
    signed = identity.signing_key().sign(b"before")
    call_command("rotate-keys")
    assert identity.own_card() == card
    assert identity.signing_key().verify_key.verify(signed) == b"before"
    identity.box_key()  # unwraps with the keys held after the rotation


def test_burmese_zawgyi_and_latin_spellings_give_the_same_keys():
    burmese = keys_for(["ကျော်ထူး"], 1990, "LIB 101", "")
    zawgyi = keys_for(["ေက်ာ္ထူး"], 1990, "lib-101", "")
    latin = keys_for(["Kyaw Htoo"], 1990, "Lib 101", "")
    assert burmese == zawgyi == latin
    assert set(burmese) == {"name", "year", "place"}


def test_a_one_syllable_name_contributes_no_key():
    assert keys_for(["Aung"], 1990, "LIB 101", "") == {}
    # An alias with two syllables is used instead.
    assert keys_for(["Aung", "Aung Aung"], None, "", "")["name"].endswith("aung-aung")


def test_the_protocol_counts_exactly_in_both_directions():
    a = {k: [f"{k}{i}" for i in range(0, 300)] for k in psi.KINDS}
    b = {k: [f"{k}{i}" for i in range(250, 600)] for k in psi.KINDS}
    sa, sb = psi.new_secrets(), psi.new_secrets()
    pa, pb = psi.blind(sa, a), psi.blind(sb, b)
    assert psi.count(sa, pb, psi.respond(sb, pa)) == {k: 50 for k in psi.KINDS}
    assert psi.count(sb, pa, psi.respond(sa, pb)) == {k: 50 for k in psi.KINDS}
    assert psi.sizes(pa) == {k: 300 for k in psi.KINDS}


def _run(strict, loose, ours=40, theirs=35):
    return SimpleNamespace(
        strict=strict,
        loose=loose,
        own_sizes={"people": ours},
        partner_sizes={"people": theirs},
        finished_at=datetime(2026, 12, 1, 12, 0).astimezone(),
    )


def test_a_small_overlap_is_published_suppressed_and_the_combined_count_widens(settings):
    settings.PASSAGE_SUPPRESSION_THRESHOLD = 5
    shown = summary.published(_run(2, 3))
    assert shown.overlap == "<5"
    assert shown.combined == "71–74"  # 75 minus an overlap known only to be 1..4
    shown = summary.published(_run(10, 15))
    assert (shown.overlap, shown.combined, shown.date) == ("10–15", "60–65", "2026-12-01")


@pytest.mark.django_db
def test_the_summary_for_publication_shows_the_last_combined_count(people):
    from django.urls import reverse
    from django.utils import timezone

    from passage.partners.models import Partner, Run
    from tests.conftest import signed_in

    coordinator = people["coordinator"]
    page = signed_in(coordinator).get(reverse("reports:summary")).content.decode()
    assert "known to both" not in page
    partner = Partner.objects.create(fingerprint="a" * 32, added_by=coordinator)
    Run.objects.create(
        partner=partner,
        role=Run.Role.INITIATOR,
        opened_by=coordinator,
        state=Run.State.DONE,
        strict=10,
        loose=15,
        own_sizes={"people": 40},
        partner_sizes={"people": 35},
        finished_at=timezone.now(),
    )
    page = signed_in(people["analyst"]).get(reverse("reports:summary")).content.decode()
    assert "<strong>60–65</strong> people (10–15 known to both" in page


def _card() -> str:
    import base64

    from nacl.public import PrivateKey
    from nacl.signing import SigningKey

    sign, box = SigningKey.generate().verify_key, PrivateKey.generate().public_key
    b64 = base64.b64encode
    return f"passage-partner-1:{b64(bytes(sign)).decode()}:{b64(bytes(box)).decode()}"


@pytest.mark.django_db
def test_the_partners_page_shows_the_safety_number_to_compare(people):
    from django.urls import reverse

    from passage.core.models import AuditRecord
    from passage.partners import actions
    from tests.conftest import signed_in

    coordinator = people["coordinator"]
    with pytest.raises(actions.PartnerError, match="own"):
        actions.add_partner(coordinator, "Us", identity.own_card())
    partner, number = actions.add_partner(coordinator, "Group B", _card())
    assert AuditRecord.objects.filter(action="partner.add").exists()
    page = signed_in(coordinator).get(reverse("partners:list")).content.decode()
    assert number in page and "Group B" in page
    with pytest.raises(actions.PartnerError, match="does not match"):
        actions.confirm_partner(coordinator, partner, "1" * 30)
    actions.confirm_partner(coordinator, partner, number.replace(" ", ""))
    partner.refresh_from_db()
    assert partner.confirmed
