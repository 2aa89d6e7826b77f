import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from passage.cases.actions import CaseActionError, move_case
from passage.cases.lifecycle import Stage
from passage.core import audit
from passage.core.models import AuditRecord
from passage.screening.models import Hit
from passage.vetting import actions
from passage.vetting.actions import VettingError
from passage.vetting.models import ChecklistItem, ChecklistTemplate, Decision, Reference
from tests.conftest import make_case, signed_in
from tests.vetting.helpers import (
    default_template,
    pending_clearance,
    post_refused,
    second_coordinator,
    vetting_case,
    with_checklist,
)


@pytest.fixture
def case(people, cells):
    return vetting_case(people, cells["north"])


def raw(model, pk, column):
    """The stored value, straight from the table."""
    value = model.objects.filter(pk=pk).values_list(column, flat=True).get()
    return value.token  # still sealed: never decrypted on the way out


# --- templates ----------------------------------------------------------------------------------


def test_the_default_template_has_the_seven_checks_in_english_and_burmese(db):
    template = default_template()
    items = list(template.items.all())
    assert len(items) == 7
    assert items[0].text_en == "Identity confirmed by two independent means"
    assert all(i.text_my and "\u1000" <= i.text_my[0] <= "\u109f" for i in items)


def test_a_coordinator_edits_a_template_and_old_checklists_keep_their_copy(people, case):
    with_checklist(people, case)
    template = default_template()
    actions.save_template(
        people["coordinator"], template, name="Short", items=[("One", "တစ်")], is_default=True
    )
    assert [i.text_en for i in template.items.all()] == ["One"]
    assert case.checklist.count() == 7
    assert AuditRecord.objects.filter(action="vetting.template_save").exists()


def test_only_coordinators_edit_templates(people):
    for role in ("vetter", "planner", "admin"):
        with pytest.raises(PermissionDenied):
            actions.save_template(
                people[role], None, name="X", items=[("a", "b")], is_default=False
            )


@pytest.mark.parametrize(
    ("items", "message"),
    [
        ("Only English", "needs both wordings"),
        ("One | two | three", "needs both wordings"),
        (" | ", "needs both wordings"),
        ("", "required"),
        ("x" * 201 + " | y", "too long"),
        ("\n".join(f"{i} | {i}" for i in range(41)), "at most 40"),
        ("Bad\x07 | bell", "control character"),
    ],
)
def test_a_bad_template_gets_a_clear_error_and_saves_nothing(people, items, message):
    template = default_template()
    before = list(template.items.values_list("text_en", flat=True))
    response = signed_in(people["coordinator"]).post(
        reverse("vetting:template_edit", args=[template.pk]), {"name": "Standard", "items": items}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert list(template.items.values_list("text_en", flat=True)) == before


def test_a_new_template_through_the_page(people):
    response = signed_in(people["coordinator"]).post(
        reverse("vetting:template_new"),
        {"name": "Police", "items": "Badge number checked | ရဲအမှတ် စစ်ဆေးပြီး", "is_default": ""},
    )
    assert response.status_code == 302
    template = ChecklistTemplate.objects.get(name="Police")
    assert template.items.get().text_my == "ရဲအမှတ် စစ်ဆေးပြီး"
    assert default_template().name == "Standard vetting"


# --- the checklist ------------------------------------------------------------------------------


def test_a_checklist_is_copied_once_and_each_check_records_who_when_and_an_encrypted_note(
    people, case
):
    with_checklist(people, case)
    with pytest.raises(VettingError, match="already has a checklist"):
        with_checklist(people, case)
    item = case.checklist.first()
    actions.update_item(
        people["vetter"], item, status="done", note="Two IDs seen: NRC and army card"
    )
    item.refresh_from_db()
    assert (item.status, item.recorded_by, item.note) == (
        "done",
        people["vetter"],
        "Two IDs seen: NRC and army card",
    )
    assert item.recorded_at is not None
    assert "NRC" not in raw(ChecklistItem, item.pk, "note")
    record = AuditRecord.objects.filter(action="vetting.item").get()
    assert record.detail == {"case": str(case.pk), "status": "done"}


def test_the_checklist_is_worked_only_in_vetting(people, cells):
    case = make_case(people["coordinator"], cell=cells["north"])
    with pytest.raises(VettingError, match="not in vetting"):
        with_checklist(people, case)


def test_people_outside_vetting_cannot_touch_the_checklist(people, case):
    with_checklist(people, case)
    item = case.checklist.first()
    for role in ("planner", "intake", "caseworker", "outsider_vetter"):
        with pytest.raises(PermissionDenied):
            actions.update_item(people[role], item, status="done", note="")


def test_a_bad_check_gets_a_clear_error_and_saves_nothing(people, case):
    with_checklist(people, case)
    item = case.checklist.first()
    client = signed_in(people["vetter"])
    prefix = str(item.pk)
    for data in (
        {f"{prefix}-status": "maybe"},
        {f"{prefix}-status": "done", f"{prefix}-note": "x" * 2001},
    ):
        response = client.post(reverse("vetting:item", args=[item.pk]), data)
        assert response.status_code == 400
        assert "errorlist" in response.content.decode()
    item.refresh_from_db()
    assert item.status == "not_done" and item.recorded_by is None


# --- references ---------------------------------------------------------------------------------


def test_a_reference_by_pseudonym_is_found_among_visible_cases_only(people, cells, case):
    helped = make_case(people["coordinator"], cell=cells["north"], stage=Stage.AFTERCARE)
    hidden = make_case(people["coordinator"], cell=cells["south"], stage=Stage.AFTERCARE)
    ref = actions.add_reference(
        people["vetter"], case, pseudonym=helped.person.pseudonym, description="", strength="strong"
    )
    assert ref.person == helped.person
    with pytest.raises(VettingError, match="among the cases you can see"):
        actions.add_reference(
            people["vetter"],
            case,
            pseudonym=hidden.person.pseudonym,
            description="",
            strength="weak",
        )
    with pytest.raises(VettingError, match="cannot vouch for themselves"):
        actions.add_reference(
            people["vetter"], case, pseudonym=case.person.pseudonym, description="", strength="weak"
        )
    assert Reference.objects.count() == 1


def test_a_reference_description_is_encrypted(people, case):
    ref = actions.add_reference(
        people["vetter"], case, pseudonym="", description="His cousin in Mae Sot", strength="medium"
    )
    assert "Mae Sot" not in raw(Reference, ref.pk, "description")
    assert Reference.objects.get().description == "His cousin in Mae Sot"


def test_a_reference_whose_case_was_rejected_is_flagged_and_lowers_trust(people, cells, case):
    rejected = make_case(people["coordinator"], cell=cells["north"], stage=Stage.REJECTED)
    good = make_case(people["coordinator"], cell=cells["north"], stage=Stage.AFTERCARE)
    for other, strength in ((rejected, "strong"), (good, "strong")):
        actions.add_reference(
            people["vetter"],
            case,
            pseudonym=other.person.pseudonym,
            description="",
            strength=strength,
        )
    refs = list(case.references.all())
    flags = actions.reference_flags(refs)
    assert list(flags.values()) == [["their case was rejected"]]
    trust = actions.trust_of(refs, flags)
    assert (trust.references, trust.strong, trust.flagged, trust.lowered) == (2, 1, 1, True)
    body = signed_in(people["vetter"]).get(reverse("vetting:case", args=[case.pk])).content.decode()
    assert "Trust is lowered: 1 reference is flagged." in body
    assert "their case was rejected" in body


def test_a_reference_with_a_confirmed_screening_hit_is_flagged(people, cells, case):
    other = make_case(people["coordinator"], cell=cells["north"], stage=Stage.AFTERCARE)
    ref = actions.add_reference(
        people["vetter"], case, pseudonym=other.person.pseudonym, description="", strength="weak"
    )
    assert actions.reference_flags([ref]) == {}
    Hit.objects.create(
        case=other,
        other_kind="watchlist",
        other_id=other.pk,
        name_score=0.9,
        score=0.9,
        status=Hit.Status.CONFIRMED,
    )
    assert actions.reference_flags([ref]) == {ref.pk: ["a screening match on them was confirmed"]}


def test_a_bad_reference_gets_a_clear_error_and_saves_nothing(people, case):
    client = signed_in(people["vetter"])
    url = reverse("vetting:add_reference", args=[case.pk])
    post_refused(
        client,
        url,
        (
            ({"strength": "strong"}, "pseudonym or describe"),
            ({"description": "x", "strength": "total"}, "Select a valid choice"),
            ({"pseudonym": "Nobody Here", "strength": "weak"}, "among the cases you can see"),
            ({"description": "x" * 1001, "strength": "weak"}, "at most 1000"),
        ),
    )
    assert not Reference.objects.exists()


# --- decisions: four eyes -----------------------------------------------------------------------


def test_clearing_takes_a_vetter_and_a_different_coordinator(people, cells, case):
    approver = second_coordinator(cells)
    decision = pending_clearance(people, case)
    case.refresh_from_db()
    assert case.stage == Stage.VETTING and decision.status == Decision.Status.PENDING

    actions.approve(approver, decision)

    case.refresh_from_db()
    decision.refresh_from_db()
    assert case.stage == Stage.CLEARED
    assert (decision.status, decision.decided_by) == (Decision.Status.APPROVED, approver)
    move = AuditRecord.objects.filter(action="case.move").order_by("seq").last()
    assert move.actor == approver and move.detail["approval"] == str(decision.pk)
    assert AuditRecord.objects.filter(action="vetting.decide", object_id=str(decision.pk)).exists()
    assert audit.verify().ok


def test_nobody_approves_their_own_recommendation(people, case):
    decision = actions.recommend(people["coordinator"], case, kind="clear")
    with pytest.raises(VettingError, match="You recommended this"):
        actions.approve(people["coordinator"], decision)
    case.refresh_from_db()
    assert case.stage == Stage.VETTING
    assert Decision.objects.get().status == Decision.Status.PENDING


def test_a_coordinator_who_did_part_of_the_vetting_cannot_approve_the_clearance(people, case):
    with_checklist(people, case)
    actions.update_item(people["coordinator"], case.checklist.first(), status="done", note="")
    decision = pending_clearance(people, case)
    with pytest.raises(VettingError, match="did part of the vetting"):
        actions.approve(people["coordinator"], decision)
    case.refresh_from_db()
    assert case.stage == Stage.VETTING


def test_a_vetter_cannot_approve(people, cells, case):
    decision = actions.recommend(people["coordinator"], case, kind="clear")
    with pytest.raises(PermissionDenied):
        actions.approve(people["vetter"], decision)


def test_clear_with_conditions_needs_the_conditions_and_keeps_them_encrypted(people, cells, case):
    with pytest.raises(VettingError, match="conditions"):
        pending_clearance(people, case, kind="clear_conditions")
    decision = pending_clearance(
        people, case, kind="clear_conditions", conditions="No phone until the border"
    )
    assert "border" not in raw(Decision, decision.pk, "conditions")
    actions.approve(second_coordinator(cells), decision)
    case.refresh_from_db()
    assert case.stage == Stage.CLEARED


@pytest.mark.parametrize(
    ("kind", "stage"),
    [("reject", Stage.REJECTED), ("refer", Stage.REFERRED), ("suspend", Stage.SUSPENDED)],
)
def test_a_coordinator_rejects_refers_or_suspends_at_once_with_a_reason(people, case, kind, stage):
    with pytest.raises(VettingError, match="reason"):
        actions.recommend(people["coordinator"], case, kind=kind)
    decision = actions.recommend(
        people["coordinator"], case, kind=kind, reason="Unit confirms desertion story is false"
    )
    case.refresh_from_db()
    assert case.stage == stage and decision.status == Decision.Status.APPROVED
    assert {"vetting.recommend", "vetting.decide", "case.move"} <= set(
        AuditRecord.objects.values_list("action", flat=True)
    )


def test_a_vetters_rejection_waits_for_a_coordinator(people, case):
    decision = actions.recommend(
        people["vetter"], case, kind="refer", reason="Named in an abuse record"
    )
    case.refresh_from_db()
    assert case.stage == Stage.VETTING
    actions.approve(people["coordinator"], decision)
    case.refresh_from_db()
    assert case.stage == Stage.REFERRED


def test_a_declined_recommendation_leaves_the_case_in_vetting(people, case):
    decision = pending_clearance(people, case)
    with pytest.raises(VettingError, match="Say why"):
        actions.decline(people["coordinator"], decision, note="")
    actions.decline(people["coordinator"], decision, note="References not yet contacted")
    decision.refresh_from_db()
    case.refresh_from_db()
    assert decision.status == Decision.Status.DECLINED and case.stage == Stage.VETTING
    with pytest.raises(VettingError, match="no longer waiting"):
        actions.approve(people["coordinator"], decision)


def test_a_new_recommendation_replaces_the_waiting_one(people, cells, case):
    first = pending_clearance(people, case)
    second = actions.recommend(
        people["vetter"], case, kind="suspend", reason="Wait for the interview"
    )
    first.refresh_from_db()
    assert first.status == Decision.Status.SUPERSEDED
    with pytest.raises(VettingError, match="no longer waiting"):
        actions.approve(second_coordinator(cells), first)
    assert second.status == Decision.Status.PENDING


def test_the_plain_move_cannot_clear_a_case(people, cells, case):
    with pytest.raises(CaseActionError, match="approved by a second person"):
        move_case(people["coordinator"], case, Stage.CLEARED)
    response = signed_in(people["coordinator"]).get(reverse("cases:detail", args=[case.pk]))
    assert 'value="cleared"' not in response.content.decode()
    response = signed_in(people["coordinator"]).post(
        reverse("cases:move", args=[case.pk]), {"to_stage": "cleared"}
    )
    case.refresh_from_db()
    assert case.stage == Stage.VETTING


def test_move_case_checks_the_approval_itself(people, cells, case):
    approver = second_coordinator(cells)
    # Another name: the same one would be a screening match, and an open match blocks clearance.
    other = vetting_case(people, cells["north"], names=["Aung Min Naing"])
    decision = pending_clearance(people, other)
    actions.approve(approver, decision)
    # An approval of another case, or used by someone else, clears nothing.
    for actor, target in ((approver, case), (people["coordinator"], case)):
        with pytest.raises(CaseActionError, match="approved by a second person"):
            move_case(actor, target, Stage.CLEARED, approval=decision)
    own = Decision(
        case=case, kind="clear", status="approved", recommended_by=approver, decided_by=approver
    )
    assert not own.clears(case, approver)


def test_bad_decisions_on_the_page_get_a_clear_error_and_save_nothing(people, case):
    client = signed_in(people["vetter"])
    url = reverse("vetting:recommend", args=[case.pk])
    post_refused(
        client,
        url,
        (
            ({}, "This field is required"),
            ({"kind": "banish"}, "Select a valid choice"),
            ({"kind": "reject"}, "Give the reason"),
            ({"kind": "clear_conditions"}, "Write the conditions"),
            ({"kind": "clear", "reason": "x" * 2001}, "at most 2000"),
        ),
    )
    assert not Decision.objects.exists()


def test_approving_and_declining_through_the_pages(people, cells, case):
    approver = second_coordinator(cells)
    decision = pending_clearance(people, case)
    response = signed_in(people["vetter"]).post(reverse("vetting:approve", args=[decision.pk]))
    assert response.status_code == 403
    response = signed_in(approver).post(
        reverse("vetting:decline", args=[decision.pk]), {"note": ""}
    )
    assert response.status_code == 400 and "Say why" in response.content.decode()
    response = signed_in(approver).post(reverse("vetting:approve", args=[decision.pk]))
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.stage == Stage.CLEARED


def test_the_vetting_page_read_is_audited_and_shows_the_screening_panel(people, case):
    body = signed_in(people["vetter"]).get(reverse("vetting:case", args=[case.pk])).content.decode()
    assert 'id="screening"' in body and "Standard vetting" in body
    assert AuditRecord.objects.filter(action="vetting.read", object_id=str(case.pk)).exists()


# --- withdrawing a recommendation -------------------------------------------------------------


def test_the_recommender_withdraws_a_waiting_recommendation_and_the_approver_sees_it_go(
    people, cells, case
):
    approver = second_coordinator(cells)
    decision = pending_clearance(people, case)
    approve_url = reverse("vetting:approve", args=[decision.pk])
    withdraw_url = reverse("vetting:withdraw", args=[decision.pk])
    page = reverse("vetting:case", args=[case.pk])
    assert approve_url in signed_in(approver).get(page).content.decode()
    # Only the recommender is offered the withdrawal.
    assert withdraw_url in signed_in(people["vetter"]).get(page).content.decode()
    assert withdraw_url not in signed_in(approver).get(page).content.decode()

    response = signed_in(people["vetter"]).post(withdraw_url, {"note": "Interview not done"})

    assert response.status_code == 302
    decision.refresh_from_db()
    case.refresh_from_db()
    assert (decision.status, decision.decided_by) == (Decision.Status.WITHDRAWN, people["vetter"])
    assert decision.withdraw_note == "Interview not done"
    assert "Interview" not in raw(Decision, decision.pk, "withdraw_note")
    assert case.stage == Stage.VETTING
    record = AuditRecord.objects.get(action="vetting.withdraw")
    assert (record.actor, record.object_id) == (people["vetter"], str(decision.pk))
    body = signed_in(approver).get(page).content.decode()
    assert approve_url not in body and "Withdrawn by the person who recommended it" in body
    response = signed_in(approver).post(approve_url)
    assert response.status_code == 400 and "no longer waiting" in response.content.decode()
    case.refresh_from_db()
    assert case.stage == Stage.VETTING


def test_a_withdrawn_recommendation_cannot_be_approved_even_from_a_stale_copy(people, cells, case):
    approver = second_coordinator(cells)
    pending_clearance(people, case)
    # Both loaded while it was waiting, as two requests racing would have them.
    seen_by_approver = Decision.objects.select_related("case").get()
    seen_by_vetter = Decision.objects.select_related("case").get()
    actions.withdraw(people["vetter"], seen_by_vetter, note="Wrong person")
    with pytest.raises(VettingError, match="no longer waiting"):
        actions.approve(approver, seen_by_approver)
    case.refresh_from_db()
    assert case.stage == Stage.VETTING
    assert Decision.objects.get().status == Decision.Status.WITHDRAWN


def test_an_approved_recommendation_can_no_longer_be_withdrawn(people, cells, case):
    approver = second_coordinator(cells)
    pending_clearance(people, case)
    seen_by_vetter = Decision.objects.select_related("case").get()
    actions.approve(approver, Decision.objects.select_related("case").get())
    with pytest.raises(VettingError, match="no longer waiting"):
        actions.withdraw(people["vetter"], seen_by_vetter, note="Too late")
    assert Decision.objects.get().status == Decision.Status.APPROVED
    assert not AuditRecord.objects.filter(action="vetting.withdraw").exists()


def test_only_the_recommender_withdraws_and_always_with_a_reason(people, cells, case):
    decision = pending_clearance(people, case)
    for someone in (people["coordinator"], second_coordinator(cells), people["intake"]):
        with pytest.raises(PermissionDenied):
            actions.withdraw(someone, decision, note="Not mine")
    with pytest.raises(VettingError, match="Say why"):
        actions.withdraw(people["vetter"], decision, note="")
    response = signed_in(people["vetter"]).post(
        reverse("vetting:withdraw", args=[decision.pk]), {"note": "  "}
    )
    assert response.status_code == 400 and "Say why you withdraw it" in response.content.decode()
    decision.refresh_from_db()
    assert decision.status == Decision.Status.PENDING and decision.withdraw_note is None
    assert not AuditRecord.objects.filter(action="vetting.withdraw").exists()


def test_after_a_withdrawal_the_vetter_recommends_again_and_that_one_is_approved(
    people, cells, case
):
    approver = second_coordinator(cells)
    actions.withdraw(people["vetter"], pending_clearance(people, case), note="Wrong kind")
    again = pending_clearance(people, case, kind="clear_conditions", conditions="Check in weekly")
    actions.approve(approver, again)
    case.refresh_from_db()
    assert case.stage == Stage.CLEARED
    assert sorted(Decision.objects.values_list("status", flat=True)) == ["approved", "withdrawn"]
