"""After-care needs and testimony: who sees them, consent and its withdrawal, redaction."""

import pytest
from django.urls import reverse

from passage.aftercare import actions
from passage.aftercare.models import Need, Statement
from passage.aftercare.redaction import redact
from passage.core.models import AuditRecord
from tests.aftercare.helpers import make_need, make_statement
from tests.conftest import make_case, make_user, signed_in

pytestmark = pytest.mark.django_db


def test_needs_are_stored_encrypted_and_audited(people, cells):
    need = make_need(people, cells["north"], provider="Clinic on 5th street")
    actions.update_need(people["caseworker"], need, {"status": "in_progress"})
    raw = Need.objects.filter(pk=need.pk).values_list("details", "provider").get()
    assert "tea shop" not in repr(raw) and "Clinic" not in repr(raw)
    assert Need.objects.get(pk=need.pk).details == "Room above the tea shop"
    assert AuditRecord.objects.filter(action="aftercare.need_update").exists()


def test_open_needs_list_only_cases_the_caseworker_is_assigned_to(people, cells):
    mine = make_need(people, cells["north"])
    theirs = make_need(people, cells["south"])
    met = make_need(people, cells["north"], status="met")
    page = signed_in(people["caseworker"]).get(reverse("aftercare:open_needs"))
    needs = list(page.context["needs"])
    assert mine in needs and theirs not in needs and met not in needs


def test_a_caseworker_outside_the_case_gets_404(people, cells):
    need = make_need(people, cells["south"])
    client = signed_in(people["caseworker"])
    assert client.get(reverse("aftercare:edit_need", args=[need.pk])).status_code == 404
    other = make_user("cw2", "caseworker", cells=[cells["south"]])
    assert signed_in(other).get(reverse("aftercare:edit_need", args=[need.pk])).status_code == 200


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "spaceship", "status": "open"},
        {"kind": "shelter", "status": "open", "starts_on": "2026-05-02", "ends_on": "2026-05-01"},
        {"kind": "shelter", "status": "open", "starts_on": "not a date"},
        {"kind": "shelter", "status": "open", "details": "x" * 6000},
    ],
)
def test_a_bad_need_gets_a_clear_error_and_saves_nothing(people, cells, data):
    case = make_case(people["coordinator"], cell=cells["north"])
    response = signed_in(people["caseworker"]).post(
        reverse("aftercare:add_need", args=[case.pk]), data
    )
    assert response.status_code == 400
    assert 'class="errorlist"' in response.content.decode()
    assert not Need.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"text": "", "consent": "private"},
        {"text": "A statement", "consent": "everyone"},
        {"text": "A statement", "consent": "private", "reasons": ["boredom"]},
        {"text": "bad\x00", "consent": "private"},
    ],
)
def test_a_bad_statement_gets_a_clear_error_and_saves_nothing(people, cells, data):
    case = make_case(people["coordinator"], cell=cells["north"])
    url = reverse("aftercare:add_statement", args=[case.pk])
    response = signed_in(people["caseworker"]).post(url, data)
    assert response.status_code == 400
    assert 'class="errorlist"' in response.content.decode()
    assert not Statement.objects.exists()


def test_a_statement_is_encrypted_with_its_reasons_from_the_vocabulary(people, cells):
    case = make_case(people["coordinator"], cell=cells["north"])
    signed_in(people["caseworker"]).post(
        reverse("aftercare:add_statement", args=[case.pk]),
        {
            "text": "I refused to burn the village.",
            "consent": "anonymised",
            "reasons": ["atrocities", "conscience"],
        },
    )
    statement = Statement.objects.get()
    assert statement.reasons == ["atrocities", "conscience"]
    assert "village" not in repr(Statement.objects.values_list("text").get())
    assert AuditRecord.objects.filter(action="testimony.record").exists()


def test_withdrawn_testimony_is_never_shown_again(people, cells):
    statement = make_statement(people, cells["north"])
    client = signed_in(people["caseworker"])
    assert client.get(reverse("aftercare:statement", args=[statement.pk])).status_code == 200
    client.post(reverse("aftercare:withdraw", args=[statement.pk]))
    statement.refresh_from_db()
    assert statement.withdrawn_at is not None
    assert not Statement.objects.shown().exists()
    assert not Statement.objects.publishable().exists()
    assert client.get(reverse("aftercare:statement", args=[statement.pk])).status_code == 404
    page = client.get(reverse("aftercare:case", args=[statement.case_id]))
    assert reverse("aftercare:statement", args=[statement.pk]) not in page.content.decode()
    assert AuditRecord.objects.filter(action="testimony.withdraw").count() == 1


def test_publishable_means_consent_to_publish(people, cells):
    private = make_statement(people, cells["north"], consent="private")
    public = make_statement(people, cells["north"], consent="public")
    assert list(Statement.objects.publishable()) == [public]
    actions.change_consent(people["caseworker"], private, "live")
    assert set(Statement.objects.publishable()) == {private, public}


def test_the_preview_redacts_names_aliases_and_township(people, cells):
    statement = make_statement(people, cells["north"])
    page = signed_in(people["caseworker"]).get(reverse("aftercare:statement", args=[statement.pk]))
    assert page.context["content"]["redacted"] == "[name] saw the village of [place] burned."
    assert AuditRecord.objects.filter(action="testimony.read").exists()


def test_redaction_of_burmese_names_and_single_given_names():
    text = "ကျော်ထူး said Kyaw would meet in MONYWA."
    assert redact(text, names=["ကျော်ထူး", "Kyaw Htoo"], township="Monywa") == (
        "[name] said [name] would meet in [place]."
    )
    assert redact("Kyawswa is someone else", names=["Kyaw"]) == "Kyawswa is someone else"


def test_the_case_page_links_to_aftercare_only_for_those_who_may_see_it(people, cells):
    case = make_case(people["coordinator"], cell=cells["north"])
    link = reverse("aftercare:case", args=[case.pk])
    assert (
        link
        in signed_in(people["caseworker"])
        .get(reverse("cases:detail", args=[case.pk]))
        .content.decode()
    )
    assert (
        link
        not in signed_in(people["vetter"])
        .get(reverse("cases:detail", args=[case.pk]))
        .content.decode()
    )


def test_only_people_who_consented_to_live_stream_can_join_and_withdrawal_removes_them(
    people, cells
):
    from passage.aftercare.models import LiveParticipant
    from tests.aftercare.helpers import make_live_session

    session = make_live_session(people)
    private = make_statement(people, cells["north"], consent="private")
    live = make_statement(people, cells["north"], consent="live")
    client = signed_in(people["caseworker"])
    url = reverse("aftercare:live_session", args=[session.pk])
    response = client.post(url, {"case": str(private.case_id)})
    assert response.status_code == 400 and not LiveParticipant.objects.exists()
    assert client.post(url, {"case": str(live.case_id)}).status_code == 302
    assert live.case.person.pseudonym in client.get(url).content.decode()
    # Another cell's caseworker sees the session but not this person.
    other = make_user("cw-south", "caseworker", cells=[cells["south"]])
    assert live.case.person.pseudonym not in signed_in(other).get(url).content.decode()
    actions.withdraw_consent(people["caseworker"], live)
    assert live.case.person.pseudonym not in client.get(url).content.decode()
    assert not LiveParticipant.objects.consenting().exists()


@pytest.mark.parametrize(
    "data", [{"title": "", "starts_at": "2027-01-01T10:00"}, {"title": "A", "starts_at": "soon"}]
)
def test_a_bad_session_gets_a_clear_error_and_saves_nothing(people, data):
    from passage.aftercare.models import LiveSession

    response = signed_in(people["caseworker"]).post(reverse("aftercare:live_sessions"), data)
    assert response.status_code == 400
    assert 'class="errorlist"' in response.content.decode()
    assert not LiveSession.objects.exists()


def test_a_scheduled_session_keeps_its_details_encrypted(people):
    from passage.aftercare.models import LiveSession

    signed_in(people["coordinator"]).post(
        reverse("aftercare:live_sessions"),
        {
            "title": "Evening stream",
            "starts_at": "2027-01-01T19:00",
            "details": "Studio B, Mae Sot",
        },
    )
    assert "Studio" not in repr(LiveSession.objects.values_list("details").get())
    assert AuditRecord.objects.filter(action="live.schedule").exists()


def upload(client, statement, name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("aftercare:attach", args=[statement.pk]),
        {"file": SimpleUploadedFile(name, data, content_type="image/jpeg")},
    )


def test_an_image_is_stored_encrypted_without_its_metadata(people, cells):
    from passage.aftercare.models import Attachment
    from tests.aftercare.helpers import png_bytes

    statement = make_statement(people, cells["north"])
    client = signed_in(people["caseworker"])
    response = upload(client, statement, "photo.jpg", png_bytes(GPS="16.8N 96.1E"))
    assert response.status_code == 302
    item = Attachment.objects.get()
    assert item.content_type == "image/png"
    assert "16.8N" not in repr(Attachment.objects.values_list("data").get())
    served = client.get(reverse("aftercare:attachment", args=[item.pk]))
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert served.content.startswith(b"\x89PNG") and b"16.8N" not in served.content
    assert AuditRecord.objects.filter(action="testimony.attachment_read").exists()
    actions.withdraw_consent(people["caseworker"], statement)
    assert client.get(reverse("aftercare:attachment", args=[item.pk])).status_code == 404


@pytest.mark.parametrize(
    "name,data",
    [
        ("notes.jpg", b"just some text pretending"),
        ("empty.png", b""),
        ("huge.mp3", b"ID3" + b"\0" * (10 * 1024 * 1024 + 10)),
        ("broken.png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 10),
    ],
)
def test_a_bad_attachment_gets_a_clear_error_and_saves_nothing(people, cells, name, data):
    from passage.aftercare.models import Attachment

    statement = make_statement(people, cells["north"])
    response = upload(signed_in(people["caseworker"]), statement, name, data)
    assert response.status_code == 400
    assert 'class="errorlist"' in response.content.decode()
    if name == "huge.mp3":
        assert "too large" in response.content.decode()
    assert not Attachment.objects.exists()


def test_audio_is_recognised_by_its_bytes():
    from passage.aftercare.attachments import sniff

    assert sniff(b"OggS\0\0") == "audio/ogg"
    assert sniff(b"ID3\x04") == "audio/mpeg"
    assert sniff(b"RIFF\0\0\0\0WAVEfmt ") == "audio/wav"
    assert sniff(b"<html>") is None


@pytest.mark.parametrize("kind", ["wav", "mp3", "opus", "m4a"])
def test_audio_loses_its_tags_and_keeps_its_sound(kind):
    from passage.aftercare import attachments
    from tests.aftercare import helpers

    data = getattr(helpers, f"{kind}_bytes")()
    assert helpers.GPS.encode() in data
    content_type, stored = attachments.check(data)
    assert content_type == attachments.sniff(data) and content_type in attachments.AUDIO_TYPES
    assert helpers.GPS.encode() not in stored and b"16.84" not in stored
    sound = helpers.SOUND[:200] if kind == "opus" else helpers.SOUND[: 417 - 4]
    assert sound in stored
    if kind == "m4a":  # the same size, so the sample offsets in the boxes stay right
        assert len(stored) == len(data) and stored.index(helpers.SOUND) == data.index(helpers.SOUND)


def test_an_uploaded_recording_is_stored_without_its_position(people, cells):
    from passage.aftercare.models import Attachment
    from tests.aftercare.helpers import GPS, mp3_bytes

    statement = make_statement(people, cells["north"])
    client = signed_in(people["caseworker"])
    assert upload(client, statement, "memo.mp3", mp3_bytes()).status_code == 302
    item = Attachment.objects.get()
    served = client.get(reverse("aftercare:attachment", args=[item.pk]))
    assert served.status_code == 200 and GPS.encode() not in served.content
