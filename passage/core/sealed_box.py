"""Encrypt to the organisation: X25519 sealed boxes (libsodium, via PyNaCl).

The public key is kept in clear in the keyring, so `seal_for_organisation` works while Passage is
sealed (the public intake form queues submissions this way). The private key is wrapped by a key
derived from the master key, so `open_for_organisation` needs Passage unsealed.
"""

import base64

from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox

from passage.core import crypto
from passage.core.sealing import keyring

WRAP_PURPOSE = "passage organisation box v1"


class BoxError(Exception):
    """No organisation key pair yet, or a blob that does not open."""


def ensure_key_pair() -> None:
    """Make the key pair once (needs unsealed); called at unseal and on first use."""
    data = keyring.load()
    if data.get("box"):
        return
    private = PrivateKey.generate()
    data["box"] = {
        "public": base64.b64encode(bytes(private.public_key)).decode("ascii"),
        "private": keyring.wrap(
            crypto.derive_key(WRAP_PURPOSE), bytes(private), "organisation box private key"
        ),
    }
    keyring.save(data)


def public_key() -> PublicKey:
    box = keyring.load().get("box")
    if not box:
        try:
            ensure_key_pair()
        except crypto.SealedError:
            raise BoxError("no organisation key pair yet: unseal Passage once") from None
        box = keyring.load()["box"]
    return PublicKey(base64.b64decode(box["public"]))


def seal_for_organisation(data: bytes) -> bytes:
    """Encrypt `data` so only the organisation (unsealed) can read it. Works while sealed."""
    return SealedBox(public_key()).encrypt(data)


def open_for_organisation(blob: bytes) -> bytes:
    """Decrypt a sealed box; SealedError while sealed, BoxError if it was altered."""
    box = keyring.load().get("box")
    if not box:
        raise BoxError("no organisation key pair")
    private = keyring.unwrap(
        crypto.derive_key(WRAP_PURPOSE), box["private"], "organisation box private key"
    )
    try:
        return SealedBox(PrivateKey(private)).decrypt(blob)
    except CryptoError:
        raise BoxError("this sealed box does not open: altered, or for another key") from None


def rewrap_private_key(old_master: bytes, new_master: bytes) -> None:
    """Key rotation: the same key pair, its private half wrapped under the new master."""
    data = keyring.load()
    if not data.get("box"):
        return
    label = "organisation box private key"
    private = keyring.unwrap(
        crypto.derive_from(old_master, WRAP_PURPOSE), data["box"]["private"], label
    )
    data["box"]["private"] = keyring.wrap(
        crypto.derive_from(new_master, WRAP_PURPOSE), private, label
    )
    keyring.save(data)
