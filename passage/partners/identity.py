"""This installation's partner identity (Ed25519 to sign, X25519 to be written to), and the
partners' public keys, all kept in the keyring.

Our private halves are wrapped (AES-GCM) under a key derived from the keyring's wrapping key W,
which only an unsealed process holds. W, unlike a master key, never changes (keyring.py), so a
master-key rotation leaves these wraps valid and needs no step of its own. The partners' public
keys are not secret but who we work with is, and a swapped key would let someone pose as a
partner: they are sealed the same way, as one block.
"""

import base64
import hashlib
import json

from nacl.encoding import RawEncoder
from nacl.public import PrivateKey, PublicKey
from nacl.signing import SigningKey, VerifyKey

from passage.core import crypto
from passage.core.sealing import keyring, state

OWN_PURPOSE = "passage partners identity v1"
PEERS_PURPOSE = "passage partners peers v1"
CARD_PREFIX = "passage-partner-1"


class IdentityError(ValueError):
    """A partner card that does not read, or a partner whose keys are not in the keyring."""


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def fingerprint(sign_public: bytes) -> str:
    return hashlib.sha256(b"passage partner id|" + sign_public).hexdigest()[:32]


def _key(purpose: str) -> bytes:
    return crypto.derive_from(state.wrapping_key(), purpose)  # SealedError while sealed


def _block() -> dict:
    data = keyring.load()
    block = data.get("partners")
    if block:
        return block
    sign, box = SigningKey.generate(), PrivateKey.generate()
    key = _key(OWN_PURPOSE)
    block = {
        "sign_public": _b64(bytes(sign.verify_key)),
        "sign_private": keyring.wrap(key, bytes(sign), "partners signing key"),
        "box_public": _b64(bytes(box.public_key)),
        "box_private": keyring.wrap(key, bytes(box), "partners box key"),
        "peers": keyring.wrap(_key(PEERS_PURPOSE), b"{}", "partners peers"),
    }
    data["partners"] = block
    keyring.save(data)
    return block


def own_public() -> tuple[bytes, bytes]:
    block = _block()
    return base64.b64decode(block["sign_public"]), base64.b64decode(block["box_public"])


def own_fingerprint() -> str:
    return fingerprint(own_public()[0])


def signing_key() -> SigningKey:
    return SigningKey(
        keyring.unwrap(_key(OWN_PURPOSE), _block()["sign_private"], "partners signing key")
    )


def box_key() -> PrivateKey:
    return PrivateKey(
        keyring.unwrap(_key(OWN_PURPOSE), _block()["box_private"], "partners box key")
    )


def own_card() -> str:
    """What a coordinator gives the partner out of band: public keys only."""
    sign, box = own_public()
    return f"{CARD_PREFIX}:{_b64(sign)}:{_b64(box)}"


def read_card(text: str) -> tuple[bytes, bytes]:
    parts = text.strip().split(":")
    if len(parts) != 3 or parts[0] != CARD_PREFIX:
        raise IdentityError(f"a partner card starts with {CARD_PREFIX}: and has two keys")
    try:
        sign, box = base64.b64decode(parts[1], validate=True), base64.b64decode(parts[2])
        VerifyKey(sign)
        PublicKey(box)
    except Exception:  # noqa: BLE001 - any decoding or length error means the same to the user
        raise IdentityError("the keys in this partner card do not read: copy it again") from None
    return sign, box


def safety_number(theirs: tuple[bytes, bytes]) -> str:
    """Six groups of five digits both sides compute alike (the two identities, sorted)."""
    ours = own_public()
    both = sorted([ours[0] + ours[1], theirs[0] + theirs[1]])
    digest = hashlib.sha256(b"passage safety number|" + both[0] + both[1]).digest()
    number = int.from_bytes(digest[:16], "big")
    digits = f"{number % 10**30:030d}"
    return " ".join(digits[i : i + 5] for i in range(0, 30, 5))


def _peers() -> dict:
    raw = keyring.unwrap(_key(PEERS_PURPOSE), _block()["peers"], "partners peers")
    return json.loads(raw)


def store_peer(fp: str, keys: tuple[bytes, bytes]) -> None:
    peers = _peers()
    peers[fp] = {"sign": _b64(keys[0]), "box": _b64(keys[1])}
    data = keyring.load()
    data["partners"]["peers"] = keyring.wrap(
        _key(PEERS_PURPOSE), json.dumps(peers).encode(), "partners peers"
    )
    keyring.save(data)


def peer_keys(fp: str) -> tuple[VerifyKey, PublicKey]:
    peer = _peers().get(fp)
    if peer is None:
        raise IdentityError("this partner's keys are not in the keyring")
    return (
        VerifyKey(base64.b64decode(peer["sign"]), encoder=RawEncoder),
        PublicKey(base64.b64decode(peer["box"])),
    )


def peer_public(fp: str) -> tuple[bytes, bytes]:
    sign, box = peer_keys(fp)
    return bytes(sign), bytes(box)
