"""The shared write-and-audit helpers every app's actions use."""

import pytest

from passage.accounts.models import User
from passage.core.actions import save_audited, update_audited
from passage.core.models import AuditRecord
from passage.vetting.models import ChecklistTemplate


def test_update_audited_saves_only_the_named_fields_and_records_the_event(people):
    actor, user = people["admin"], people["analyst"]
    user.username = "not-saved"  # changed in memory only: not one of the named fields
    update_audited(actor, user, {"display_name": "Renamed"}, "test.update", detail={"n": 1})
    stored = User.objects.get(pk=user.pk)
    assert (stored.display_name, stored.username) == ("Renamed", "analyst")
    record = AuditRecord.objects.get(action="test.update")
    assert (record.actor, record.object_id, record.detail) == (actor, str(user.pk), {"n": 1})


# No test-wide transaction here: the helper's own transaction is what is under test.
@pytest.mark.django_db(transaction=True)
def test_a_change_whose_audit_record_fails_is_not_saved(people):
    actor, user = people["admin"], people["analyst"]
    with pytest.raises(TypeError):
        # The detail cannot be written as JSON, so the audit record fails after the save.
        update_audited(actor, user, {"display_name": "Renamed"}, "test.update", detail={1: set()})
    assert User.objects.get(pk=user.pk).display_name != "Renamed"
    assert not AuditRecord.objects.filter(action="test.update").exists()


@pytest.mark.django_db(transaction=True)
def test_a_new_record_whose_audit_record_fails_is_not_saved(people):
    template = ChecklistTemplate(name="Unsaved")
    with pytest.raises(TypeError):
        save_audited(people["admin"], template, "test.create", detail={1: set()})
    assert not ChecklistTemplate.objects.filter(name="Unsaved").exists()
