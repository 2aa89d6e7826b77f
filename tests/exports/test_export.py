import csv
import io

from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from openpyxl import load_workbook

from passage.cases.models import Case, Person
from passage.core.models import AuditRecord
from tests.conftest import make_case, signed_in

URL = "/exports/queue/"


def _csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def export(client, **data):
    return client.post(URL, {"file_format": "csv", "columns": ["pseudonym", "stage"], **data})


def test_a_user_exports_only_the_cases_they_can_see(people, cells):
    own = make_case(people["coordinator"], cell=cells["north"])
    other = make_case(people["coordinator"], cell=cells["south"])
    rows = _csv(export(signed_in(people["vetter"])))
    assert rows[0] == ["Pseudonym", "Stage"]
    assert [r[0] for r in rows[1:]] == [own.person.pseudonym]
    rows = _csv(export(signed_in(people["coordinator"])))
    assert {r[0] for r in rows[1:]} == {own.person.pseudonym, other.person.pseudonym}


def test_the_export_keeps_the_queue_filters(people, cells):
    make_case(people["coordinator"], cell=cells["north"])
    vetting = make_case(people["coordinator"], cell=cells["north"], stage="vetting")
    rows = _csv(export(signed_in(people["coordinator"]), stage="vetting"))
    assert [r[0] for r in rows[1:]] == [vetting.person.pseudonym]


def test_each_export_is_audited(people, cells):
    make_case(people["coordinator"], cell=cells["north"])
    _csv(export(signed_in(people["vetter"]), branch="army"))
    record = AuditRecord.objects.filter(action="export.queue").get()
    assert record.actor == people["vetter"]
    assert record.detail["rows"] == 1 and record.detail["columns"] == ["pseudonym", "stage"]
    assert record.detail["filters"] == {"branch": "army"} and record.detail["identity"] is False


def test_formula_injection_is_neutralised_in_csv_and_xlsx(people, cells):
    case = make_case(people["coordinator"], cell=cells["north"])
    Person.objects.filter(pk=case.person.pk).update(pseudonym="=cmd|' /C calc'!A0")
    client = signed_in(people["coordinator"])
    rows = _csv(export(client))
    assert rows[1][0] == "'=cmd|' /C calc'!A0"
    response = export(client, file_format="xlsx")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    cell = book.active["A2"]
    assert cell.value == "'=cmd|' /C calc'!A0" and cell.data_type == "s"


def test_burmese_survives_both_formats(people, cells):
    case = make_case(people["coordinator"], cell=cells["north"])
    Person.objects.filter(pk=case.person.pk).update(pseudonym="မြင့်မိုရ်")
    client = signed_in(people["coordinator"])
    assert _csv(export(client))[1][0] == "မြင့်မိုရ်"
    response = export(client, file_format="xlsx")
    assert response["Content-Disposition"].startswith("attachment")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.active["A2"].value == "မြင့်မိုရ်"


def test_only_a_coordinator_is_offered_identity_columns(people):
    page = signed_in(people["vetter"]).get(URL).content.decode()
    assert 'value="names"' not in page
    response = export(signed_in(people["vetter"]), columns=["pseudonym", "names"])
    assert response.status_code == 400
    page = signed_in(people["coordinator"]).get(URL).content.decode()
    assert 'value="names"' in page


def test_identity_columns_need_a_reason(people, cells):
    make_case(people["coordinator"], cell=cells["north"])
    client = signed_in(people["coordinator"])
    response = export(client, columns=["pseudonym", "names"])
    assert response.status_code == 400
    assert not AuditRecord.objects.filter(action="export.queue").exists()


def test_identity_is_filled_only_on_rows_the_user_may_see_it(people, cells):
    own = make_case(people["coordinator"], cell=cells["north"])
    other = make_case(people["coordinator"], cell=cells["south"])
    client = signed_in(people["coordinator"])
    reason = "Hand-over list for the North cell's safe house."
    response = export(client, columns=["pseudonym", "names", "contact_handle"], reason=reason)
    rows = {r[0]: r[1:] for r in _csv(response)[1:]}
    assert rows[own.person.pseudonym] == ["ကျော်ထူး; Kyaw Htoo", "'@kyaw_htoo_test"]
    assert rows[other.person.pseudonym] == ["", ""]
    record = AuditRecord.objects.filter(action="export.queue").get()
    assert record.detail["identity"] is True and record.detail["reason"] == reason
    reads = AuditRecord.objects.filter(action="person.read_identity")
    assert [r.object_id for r in reads] == [str(own.person.pk)]


def test_analysts_and_admins_cannot_export(people):
    for role in ("analyst", "admin"):
        assert export(signed_in(people[role])).status_code == 403


def _many_cases(n, cell):
    people = [Person(pseudonym=f"Bulk {i:05d}", names=[f"Name {i}"]) for i in range(n)]
    Person.objects.bulk_create(people)
    Case.objects.bulk_create([Case(person=p, cell=cell) for p in people])


@override_settings(EXPORT_BACKGROUND_ROWS=5000)
def test_an_immediate_export_streams_with_a_fixed_number_of_queries(people, cells):
    _many_cases(2500, cells["north"])
    client = signed_in(people["coordinator"])
    with CaptureQueriesContext(connection) as queries:
        rows = _csv(export(client))
    assert len(rows) == 2501
    assert len(queries) < 40
