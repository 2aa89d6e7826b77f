"""Purging from the case page: one coordinator asks with a reason and a warning, another approves,
and the case then says plainly when its identity was purged."""

from django.urls import reverse

from passage.cases.models import Person
from passage.core.models import AuditRecord, PurgeRequest
from passage.core.sealing import datakeys
from tests.conftest import signed_in

REASON = "He asked us to forget him: his family was questioned."


def _ask(client, case, **data):
    return client.post(
        reverse("sealing:purge_request", args=[case.pk]),
        {"reason": REASON, "understood": "on", **data},
        follow=True,
    )


def test_coordinators_see_the_form_with_its_warning_and_others_do_not(people, north_case):
    page = signed_in(people["coordinator"]).get(reverse("cases:detail", args=[north_case.pk]))
    html = page.content.decode()
    assert reverse("sealing:purge_request", args=[north_case.pk]) in html
    assert "It cannot be undone" in html
    for role in ("caseworker", "intake", "vetter"):
        other = signed_in(people[role]).get(reverse("cases:detail", args=[north_case.pk]))
        assert other.status_code == 200
        assert 'id="purge"' not in other.content.decode(), role


def test_a_request_without_reason_or_confirmation_saves_nothing(people, north_case):
    client = signed_in(people["coordinator"])
    for data in ({"reason": "   "}, {"understood": ""}):
        page = _ask(client, north_case, **data)
        assert "Give a reason and confirm" in page.content.decode()
    assert not PurgeRequest.objects.exists()


def test_ask_then_another_coordinator_approves_and_the_case_says_purged(people, north_case):
    asker, approver = people["coordinator"], people["outsider_coordinator"]
    page = _ask(signed_in(asker), north_case).content.decode()
    assert "Another coordinator must approve it" in page
    assert "Waiting for another coordinator" in page
    purge = PurgeRequest.objects.get(case=north_case)
    # Sealed under the case's key, not stored in clear.
    raw = PurgeRequest.objects.filter(pk=purge.pk).values_list("reason", flat=True).get()
    assert REASON not in str(raw.token)

    # The one who asked cannot approve, from the page or by posting.
    assert reverse("sealing:purge_approve", args=[purge.pk]) not in page
    refused = signed_in(asker).post(reverse("sealing:purge_approve", args=[purge.pk]), follow=True)
    assert "Another coordinator must approve" in refused.content.decode()
    assert PurgeRequest.objects.get(pk=purge.pk).done_at is None

    # The second coordinator finds it on the control page, reads the reason (audited), approves.
    control = signed_in(approver).get(reverse("sealing:control")).content.decode()
    assert reverse("cases:detail", args=[north_case.pk]) in control
    client = signed_in(approver)
    case_page = client.get(reverse("cases:detail", args=[north_case.pk])).content.decode()
    assert REASON in case_page
    assert AuditRecord.objects.filter(action="case.read_purge_reason", actor=approver).exists()
    done = client.post(reverse("sealing:purge_approve", args=[purge.pk]), follow=True)
    html = done.content.decode()
    assert "Identity purged on" in html
    assert REASON not in html
    datakeys.clear_cache()
    assert Person.objects.get(pk=north_case.person_id).names == []
    assert not PurgeRequest.objects.get(pk=purge.pk).reason  # shredded with the case
    # Everyone who sees the case sees that it was purged; no new request can be made.
    seen = signed_in(people["caseworker"]).get(reverse("cases:detail", args=[north_case.pk]))
    assert "Identity purged on" in seen.content.decode()
    again = _ask(signed_in(asker), north_case).content.decode()
    assert "already purged" in again
    assert PurgeRequest.objects.filter(case=north_case).count() == 1


def test_a_second_request_for_the_same_case_is_refused(people, north_case):
    _ask(signed_in(people["coordinator"]), north_case)
    page = _ask(signed_in(people["outsider_coordinator"]), north_case).content.decode()
    assert "already waiting for approval" in page
    assert PurgeRequest.objects.filter(case=north_case).count() == 1
