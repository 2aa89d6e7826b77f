import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from passage.cases.models import Case
from passage.core.models import AuditRecord
from passage.exports.models import ImportBatch
from passage.exports.spreadsheet import read_sheet
from tests.conftest import signed_in

HEADER = "Name,Date,Rank,Branch,State/Region,Township,Age,Phone,Family at risk,Notes\n"
GOOD = (
    HEADER
    + "ေက်ာ္ထူး;Kyaw Htoo,01/03/2024,Corporal,Army,Sagaing,Monywa,27,@kyaw,yes,Left with wife\n"
    + "Aung Aung,2024-03-02,private,navy,Yangon Region,,31,,no,\n"
)


def upload(client, text=GOOD, name="sheet.csv", **data):
    sheet = SimpleUploadedFile(name, text.encode("utf-8") if isinstance(text, str) else text)
    return client.post("/exports/import/", {"sheet": sheet, "default_channel": "phone", **data})


def review_url(response):
    assert response.status_code == 302, response.content.decode()[:500]
    return response["Location"]


def test_columns_are_guessed_and_rows_previewed_with_zawgyi_converted(people):
    client = signed_in(people["coordinator"])
    page = client.get(review_url(upload(client)))
    body = page.content.decode()
    assert page.status_code == 200
    assert "ကျော်ထူး; Kyaw Htoo" in body  # converted from Zawgyi in the preview
    assert "1 cell was in Zawgyi" in body
    batch = ImportBatch.objects.get()
    assert batch.mapping["names"] == "0" and batch.mapping["region"] == "4"
    assert not Case.objects.exists()


def test_the_rows_are_sealed_while_waiting(people):
    from django.db import connection

    client = signed_in(people["coordinator"])
    upload(client)
    with connection.cursor() as cursor:
        cursor.execute("SELECT content FROM exports_importbatch")
        raw = cursor.fetchone()[0]
    assert "Kyaw" not in raw and "@kyaw" not in raw


def test_commit_logs_every_row_through_intake(people, cells):
    client = signed_in(people["coordinator"])
    url = review_url(upload(client, cell=cells["north"].pk))
    mapping = ImportBatch.objects.get().mapping
    response = client.post(url, {**mapping, "commit": "1"})
    assert response.status_code == 302
    cases = Case.objects.order_by("opened_at")
    assert cases.count() == 2
    person = [c.person for c in cases if "Aung Aung" in c.person.names][0]
    assert person.branch == "navy" and person.region == "yangon" and person.age == 31
    first = [c for c in cases if "Kyaw Htoo" in c.person.names][0]
    assert first.person.names == ["ကျော်ထူး", "Kyaw Htoo"]
    assert first.person.rank == "corporal" and first.person.family_at_risk
    assert first.cell == cells["north"] and first.requests.get().notes == "Left with wife"
    assert AuditRecord.objects.filter(action="request.create").count() == 2
    assert AuditRecord.objects.filter(action="import.commit").get().detail["rows"] == 2
    assert ImportBatch.objects.get().content == {}


def test_the_importer_is_not_assigned_to_the_rows_they_import(people):
    # Unlike the intake form: a batch of names is not a person someone just spoke to.
    client = signed_in(people["coordinator"])
    url = review_url(upload(client))
    client.post(url, {**ImportBatch.objects.get().mapping, "commit": "1"})
    assert Case.objects.count() == 2
    assert not Case.assignees.through.objects.exists()
    assert not AuditRecord.objects.filter(action="case.assign").exists()


def test_one_bad_row_imports_nothing_and_says_where(people):
    bad = GOOD + "Kyaw ထူး,31/02/2024,general,army,mars,,7,,maybe,\n"
    client = signed_in(people["coordinator"])
    url = review_url(upload(client, bad))
    mapping = ImportBatch.objects.get().mapping
    response = client.post(url, {**mapping, "commit": "1"})
    assert response.status_code == 200
    problems = {(p.row, p.column) for p in response.context["check"].problems}
    assert {(4, "Name"), (4, "Date"), (4, "State/Region"), (4, "Age"), (4, "Family at risk")} <= (
        problems
    )
    assert "mixes Burmese and Latin" in response.content.decode()
    assert not Case.objects.exists()


def test_remapping_a_column(people):
    client = signed_in(people["coordinator"])
    url = review_url(upload(client))
    mapping = {**ImportBatch.objects.get().mapping, "notes": "5"}  # township as notes
    client.post(url, mapping)
    assert ImportBatch.objects.get().mapping["notes"] == "5"


def test_xlsx_is_read_like_csv():
    book = Workbook()
    sheet = book.active
    sheet.append(["Name", "Age", "Date"])
    sheet.append(["Kyaw Htoo", 27, None])
    sheet.append([None, None, None])
    out = io.BytesIO()
    book.save(out)
    header, rows = read_sheet("cases.xlsx", out.getvalue())
    assert header == ["Name", "Age", "Date"] and rows == [["Kyaw Htoo", "27", ""]]


def test_a_file_that_is_not_a_spreadsheet_gets_a_clear_message(people):
    client = signed_in(people["coordinator"])
    response = upload(client, b"\x00\x01not a workbook", name="cases.xlsx")
    assert "could not be opened as an Excel workbook" in response.content.decode()
    response = upload(client, "x", name="cases.pdf")
    assert "Upload a .csv or .xlsx file." in response.content.decode()


def test_a_batch_is_only_for_the_person_who_uploaded_it(people):
    client = signed_in(people["coordinator"])
    url = review_url(upload(client))
    assert signed_in(people["outsider_coordinator"]).get(url).status_code == 404
    assert signed_in(people["intake"]).get(url).status_code == 403
