"""Model fields whose values are stored only encrypted (see crypto.py).

Values are decrypted on first attribute access, never at load time, so list pages that show
only summary fields never open a sealed value.
"""

import json
from typing import Any

from django.db import models
from django.db.models.query_utils import DeferredAttribute

from passage.core import crypto
from passage.core.sealing.datakeys import KeyDestroyed, owner_of


class Sealed:
    """A ciphertext straight from the database, not yet opened."""

    __slots__ = ("token",)

    def __init__(self, token: str):
        self.token = token

    def __repr__(self) -> str:
        return "<Sealed>"


class EncryptedAttribute(DeferredAttribute):
    """A data descriptor (it has __set__), so every read passes through __get__ to decrypt."""

    def __set__(self, instance, value):
        instance.__dict__[self.field.attname] = value

    def __get__(self, instance, cls=None):
        if instance is None:
            return self
        value = super().__get__(instance, cls)
        if isinstance(value, Sealed):
            field = self.field
            try:
                plain = crypto.decrypt(
                    value.token, field.associated_data(instance), field.key_owner(instance)
                )
            except KeyDestroyed:
                # Purged (crypto-shredded): the value is gone for good; show the field empty.
                value = field.get_default()
            else:
                value = field.decode_plain(plain)
            instance.__dict__[self.field.attname] = value
        return value


class EncryptedTextField(models.TextField):
    """Text encrypted with AES-256-GCM; the model, field and primary key are the associated data.

    The model's primary key must be set before saving (use a UUID default), because it is bound
    into the ciphertext. A model sets `data_key_owner` ("self" or a foreign key's name) to have its
    values encrypted under that owner's own data key, which a purge destroys. Encrypted fields
    cannot be used in lookups: the database never sees them.
    """

    descriptor_class = EncryptedAttribute

    def associated_data(self, instance: models.Model) -> str:
        if instance.pk is None:
            raise ValueError(f"{self.model.__name__} needs its primary key before encrypting")
        return f"{self.model._meta.label_lower}.{self.name}:{instance.pk}"

    def key_owner(self, instance: models.Model):
        """Whose data key encrypts this value (the model's `data_key_owner`), or None."""
        return owner_of(instance)

    def encode_plain(self, value: Any) -> str:
        return str(value)

    def decode_plain(self, text: str) -> Any:
        return text

    def from_db_value(self, value, expression, connection):
        return None if value is None else Sealed(value)

    def pre_save(self, model_instance, add):
        value = model_instance.__dict__.get(self.attname)
        if value is None or isinstance(value, Sealed):
            return value
        return Sealed(
            crypto.encrypt(
                self.encode_plain(value),
                self.associated_data(model_instance),
                self.key_owner(model_instance),
            )
        )

    def get_prep_value(self, value):
        if value is None:
            return None
        if isinstance(value, Sealed):
            return value.token
        raise TypeError(
            f"{self.model.__name__}.{self.name} is encrypted: it can't be searched or bulk-updated"
        )

    def value_to_string(self, obj):
        raw = obj.__dict__.get(self.attname)
        return raw.token if isinstance(raw, Sealed) else raw


class EncryptedJSONField(EncryptedTextField):
    """A JSON value (such as a list of names) encrypted as one text."""

    def encode_plain(self, value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    def decode_plain(self, text: str) -> Any:
        return json.loads(text)

    def to_python(self, value: Any) -> Any:
        return value
