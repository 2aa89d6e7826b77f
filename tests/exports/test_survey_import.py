"""KoboToolbox / ODK exports: group paths, meta columns, UTC submission times, several names
columns, re-imports skipped by `_uuid`, wide forms."""

import io

from openpyxl import Workbook

from passage.cases.models import Case
from passage.exports.importing import guess_mapping
from passage.exports.models import ImportBatch, ImportedSubmission
from passage.exports.spreadsheet import MAX_COLUMNS, read_sheet
from tests.conftest import signed_in
from tests.exports.test_import import review_url, upload

EXTRA_QUESTIONS = [f"survey/q{i}" for i in range(1, 50)]  # a long form: 65 columns in all
KOBO_HEADER = [
    "start",
    "end",
    "today",
    "deviceid",
    "respondent/name_my",
    "respondent/name_en",
    "respondent/rank",
    "respondent/branch",
    "respondent/unit",
    "contact/phone",
    "notes/remarks",
    *EXTRA_QUESTIONS,
    "_id",
    "_uuid",
    "_submission_time",
    "_validation_status",
    "_index",
]
ROWS = [
    [
        "2025-03-01T14:40:00.000+06:30",
        "2025-03-01T14:52:10.000+06:30",
        "2025-03-01",
        "collect:abc123",
        "ကျော်ထူး",
        "Kyaw Htoo",
        "Corporal",
        "Army",
        "LIB 33",
        "+959111222333",
        "Wants to leave before deployment",
        *[""] * len(EXTRA_QUESTIONS),
        "101",
        "9d3c1d2e-0b5f-4a55-9a4e-6f1b2c3d4e5f",
        "2025-03-01T08:30:00",
        "",
        "1",
    ],
    [
        "",
        "",
        "",
        "",
        "",
        "Aung Aung",
        "Private",
        "Navy",
        "",
        "",
        "",
        *[""] * len(EXTRA_QUESTIONS),
        "102",
        "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
        "2025-03-02T23:10:00",
        "",
        "2",
    ],
]


def kobo_xlsx(header=KOBO_HEADER, rows=ROWS) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Defection request"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    repeat = book.create_sheet("family_members")  # a repeat group: its own sheet
    repeat.append(["family_members/name", "_parent_index"])
    repeat.append(["Ma Ma", "1"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def posted(mapping, **extra):
    """What the review form posts: one value per chosen names column."""
    return {**mapping, "names": mapping.get("names", "").split(","), **extra}


def test_group_paths_with_either_separator_and_meta_columns_are_guessed_right():
    for header in (KOBO_HEADER, [h.replace("/", ".") for h in KOBO_HEADER]):
        mapping = guess_mapping(header)
        assert mapping["names"] == "4,5"  # the Burmese and the Latin column
        assert mapping["rank"] == "6" and mapping["branch"] == "7" and mapping["unit"] == "8"
        assert mapping["contact_handle"] == "9" and mapping["notes"] == "10"
        assert header[int(mapping["submission_id"])] == "_uuid"
        # No question asked the date: Kobo's own submission time, never "start"/"end"/"today".
        assert header[int(mapping["received_at"])] == "_submission_time"


def test_a_wide_survey_form_is_read():
    assert MAX_COLUMNS >= 250
    header, rows = read_sheet("kobo.xlsx", kobo_xlsx())
    assert len(header) == 65 and len(rows) == 2


def test_a_kobo_export_imports_with_utc_times_and_both_names(people, settings):
    settings.TIME_ZONE = "Asia/Yangon"
    client = signed_in(people["coordinator"])
    url = review_url(upload(client, kobo_xlsx(), name="kobo.xlsx"))
    mapping = ImportBatch.objects.get().mapping
    response = client.post(url, posted(mapping, commit="1"))
    assert response.status_code == 302, response.content.decode()[:2000]
    kyaw = next(c for c in Case.objects.all() if "Kyaw Htoo" in c.person.names)
    assert kyaw.person.names == ["ကျော်ထူး", "Kyaw Htoo"]
    # _submission_time is UTC: 08:30 UTC is 15:00 in Yangon, not 08:30 Yangon time.
    received = kyaw.requests.get().received_at
    assert received.isoformat() == "2025-03-01T08:30:00+00:00"
    assert kyaw.person.rank == "corporal" and kyaw.person.unit == "LIB 33"
    assert ImportedSubmission.objects.count() == 2


def test_importing_the_same_export_again_skips_every_row_it_imported(people):
    client = signed_in(people["coordinator"])
    url = review_url(upload(client, kobo_xlsx(), name="kobo.xlsx"))
    client.post(url, posted(ImportBatch.objects.get().mapping, commit="1"))
    assert Case.objects.count() == 2
    more = [*ROWS, [*ROWS[1][:5], "Min Thu", *ROWS[1][6:-4], "3f9e", *ROWS[1][-3:]]]
    url = review_url(upload(client, kobo_xlsx(rows=more), name="kobo.xlsx"))
    batch = ImportBatch.objects.filter(committed_at__isnull=True).get()
    page = client.get(url)
    assert page.context["check"].already_imported == 2
    assert "2 rows were imported before and are left out" in page.content.decode()
    client.post(url, posted(batch.mapping, commit="1"))
    assert Case.objects.count() == 3


def test_the_same_submission_twice_in_one_sheet_is_imported_once(people):
    client = signed_in(people["coordinator"])
    url = review_url(upload(client, kobo_xlsx(rows=[ROWS[0], ROWS[0]]), name="kobo.xlsx"))
    client.post(url, posted(ImportBatch.objects.get().mapping, commit="1"))
    assert Case.objects.count() == 1


CHOICES_CSV = (
    "Name,Rank,Branch\n"
    "Kyaw Htoo,Sgt.,Tatmadaw\n"
    "Aung Aung,Sgt.,Myanmar Police Force\n"
    "Min Thu,corporal,army\n"
)


def test_a_choice_column_s_own_words_are_mapped_once_each_on_the_review_page(people):
    client = signed_in(people["coordinator"])
    url = review_url(upload(client, CHOICES_CSV))
    page = client.get(url)
    form = page.context["form"]
    asked = {(target, raw) for _name, target, raw in form.value_fields}
    # Each distinct unknown value once; "corporal" and "army" are Passage's own.
    assert asked == {("rank", "Sgt."), ("branch", "Tatmadaw"), ("branch", "Myanmar Police Force")}
    assert page.context["check"].problems  # unmapped: refused, row by row
    fields = {(target, raw): name for name, target, raw in form.value_fields}
    choose = {
        fields[("rank", "Sgt.")]: "sergeant",
        fields[("branch", "Tatmadaw")]: "army",
        fields[("branch", "Myanmar Police Force")]: "police",
    }
    mapping = ImportBatch.objects.get().mapping
    response = client.post(url, {**mapping, **choose, "commit": "1"})
    assert response.status_code == 302, response.content.decode()[:3000]
    people_by_name = {c.person.names[0]: c.person for c in Case.objects.all()}
    assert people_by_name["Kyaw Htoo"].rank == "sergeant"
    assert people_by_name["Aung Aung"].branch == "police"
    assert people_by_name["Min Thu"].rank == "corporal"


def test_the_value_map_is_sealed_with_the_rows(people):
    from django.db import connection

    client = signed_in(people["coordinator"])
    url = review_url(upload(client, CHOICES_CSV))
    form = client.get(url).context["form"]
    name = next(n for n, target, raw in form.value_fields if raw == "Tatmadaw")
    client.post(url, {**ImportBatch.objects.get().mapping, name: "army"})
    assert ImportBatch.objects.get().content["values"]["branch"] == {"Tatmadaw": "army"}
    with connection.cursor() as cursor:
        cursor.execute("SELECT content, mapping FROM exports_importbatch")
        raw = " ".join(str(v) for v in cursor.fetchone())
    assert "Tatmadaw" not in raw


def test_repeat_group_sheets_are_left_out_with_a_notice(people):
    client = signed_in(people["coordinator"])
    response = upload(client, kobo_xlsx(), name="kobo.xlsx")
    page = client.get(review_url(response))
    assert "Only the first sheet is read. Left out: family_members" in page.content.decode()
    assert ImportBatch.objects.get().row_count == 2
