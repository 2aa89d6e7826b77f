"""A person's exact age is sealed; only its band is in clear, and ages stored before bands stay
readable and get their band from the migration."""

import importlib

from django.apps import apps
from django.db import connection

from passage.cases.models import Person
from passage.cases.vocab import AgeBand, age_band
from tests.conftest import make_case


def _row(person) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT legacy_age, age_band, sealed_age FROM cases_person WHERE id = %s",
            [person.pk.hex if connection.vendor == "sqlite" else person.pk],
        )
        legacy, band, sealed = cursor.fetchone()
    return {"legacy_age": legacy, "age_band": band, "sealed_age": sealed}


def test_the_database_holds_the_band_not_the_age(people):
    case = make_case(people["intake"], age=27)
    row = _row(case.person)
    assert row["legacy_age"] is None and row["age_band"] == AgeBand.FROM_25
    assert row["sealed_age"] and "27" not in row["sealed_age"]
    assert Person.objects.get(pk=case.person.pk).age == 27


def test_no_age_means_no_band(people):
    case = make_case(people["intake"], age=None)
    assert _row(case.person)["age_band"] == "" and Person.objects.get().age is None


def test_bands_have_no_gaps():
    assert [age_band(a) for a in (14, 17, 18, 24, 25, 54, 55, 90)] == [
        "0-17", "0-17", "18-24", "18-24", "25-34", "45-54", "55+", "55+",
    ]  # fmt: skip


def test_an_age_stored_before_bands_stays_readable_and_gets_its_band(people):
    case = make_case(people["intake"], age=None)
    Person.objects.filter(pk=case.person.pk).update(legacy_age=40)
    migration = importlib.import_module("passage.cases.migrations.0002_age_band")
    migration.fill_bands(apps, None)
    person = Person.objects.get(pk=case.person.pk)
    assert person.age == 40 and person.age_band == AgeBand.FROM_35
    person.age = 41  # the next save with an age seals it
    person.save()
    assert _row(person)["legacy_age"] is None and Person.objects.get().age == 41
