import pytest
from django.db import connection

from passage.cases.models import Person
from passage.core import crypto
from passage.core.fields import Sealed


def test_a_sealed_field_round_trips_and_is_not_stored_in_clear(db):
    person = Person.objects.create(
        pseudonym="Amber Heron", names=["ကျော်ထူး", "Kyaw Htoo"], contact_handle="@kyaw"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT names, contact_handle FROM cases_person WHERE id = %s",
            [person.pk.hex if connection.vendor == "sqlite" else person.pk],
        )
        raw_names, raw_contact = cursor.fetchone()
    assert raw_names.startswith(crypto.TOKEN_PREFIX) and "Kyaw" not in raw_names
    assert "@kyaw" not in raw_contact
    assert Person.objects.get(pk=person.pk).names == ["ကျော်ထူး", "Kyaw Htoo"]


def test_a_value_moved_to_another_record_does_not_decrypt(db):
    a = Person.objects.create(pseudonym="A B", contact_handle="secret-a")
    b = Person.objects.create(pseudonym="C D", contact_handle="secret-b")
    token = Person.objects.get(pk=a.pk).__dict__["contact_handle"].token
    Person.objects.filter(pk=b.pk).update(contact_handle=Sealed(token))
    with pytest.raises(crypto.DecryptionError):
        _ = Person.objects.get(pk=b.pk).contact_handle


def test_encrypted_fields_refuse_lookups(db):
    with pytest.raises(TypeError, match="encrypted"):
        list(Person.objects.filter(contact_handle="x"))


def test_a_tampered_ciphertext_is_refused(db):
    person = Person.objects.create(pseudonym="E F", contact_handle="hello")
    token = Person.objects.get(pk=person.pk).__dict__["contact_handle"].token
    flipped = token[:-4] + ("AAAA" if token[-4:] != "AAAA" else "BBBB")
    Person.objects.filter(pk=person.pk).update(contact_handle=Sealed(flipped))
    with pytest.raises(crypto.DecryptionError):
        _ = Person.objects.get(pk=person.pk).contact_handle


def test_the_list_query_never_opens_a_sealed_field(db, monkeypatch):
    Person.objects.create(pseudonym="G H", contact_handle="x", names=["Aung"])
    calls = []
    monkeypatch.setattr(crypto, "decrypt", lambda *a: calls.append(a) or "")
    assert [p.pseudonym for p in Person.objects.all()] == ["G H"]
    assert calls == []
