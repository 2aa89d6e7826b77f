"""Shamir's secret sharing over GF(256): any k of n shares give back the secret, k-1 give nothing.

Small and dependency-free so it can be read in one sitting; the property tests in
tests/core/sealing/test_shamir.py check every k-subset recovers the secret and k-1 do not.
"""

import hashlib
import secrets

# log/exp tables for GF(2^8) with the AES polynomial x^8 + x^4 + x^3 + x + 1, generator 3.
_EXP = [0] * 512
_LOG = [0] * 256
_x = 1
for _i in range(255):
    _EXP[_i] = _x
    _LOG[_x] = _i
    _x ^= (_x << 1) ^ (0x11B if _x & 0x80 else 0)
    _x &= 0xFF
for _i in range(255, 512):
    _EXP[_i] = _EXP[_i - 255]


class ShareError(ValueError):
    """A share is malformed, mistyped, repeated, or there are too few."""


def _mul(a: int, b: int) -> int:
    if a == 0 or b == 0:
        return 0
    return _EXP[_LOG[a] + _LOG[b]]


def _div(a: int, b: int) -> int:
    if a == 0:
        return 0
    return _EXP[(_LOG[a] - _LOG[b]) % 255]


def split(secret: bytes, k: int, n: int) -> list[bytes]:
    """n shares (each: its x coordinate, then one y per secret byte), any k of which recover it."""
    if not 2 <= k <= n <= 255:
        raise ValueError("need 2 <= k <= n <= 255")
    coefficients = [[b] + [secrets.randbelow(256) for _ in range(k - 1)] for b in secret]
    shares = []
    for x in range(1, n + 1):
        ys = []
        for poly in coefficients:
            y = 0
            for c in reversed(poly):  # Horner
                y = _mul(y, x) ^ c
            ys.append(y)
        shares.append(bytes([x, *ys]))
    return shares


def combine(shares: list[bytes]) -> bytes:
    """The secret from k shares by Lagrange interpolation at 0 (more than k is fine)."""
    if len(shares) < 2:
        raise ShareError("at least two shares are needed")
    xs = [s[0] for s in shares]
    if len(set(xs)) != len(xs) or 0 in xs:
        raise ShareError("the same share was given twice")
    if len({len(s) for s in shares}) != 1:
        raise ShareError("the shares are of different lengths")
    secret = []
    for pos in range(1, len(shares[0])):
        value = 0
        for i, xi in enumerate(xs):
            basis = 1
            for j, xj in enumerate(xs):
                if i != j:
                    basis = _mul(basis, _div(xj, xj ^ xi))
            value ^= _mul(shares[i][pos], basis)
        secret.append(value)
    return bytes(secret)


def encode(share: bytes, k: int) -> str:
    """A share as text an officer can write down: P<k>-<x>-<hex>-<check>."""
    body = share[1:].hex()
    check = hashlib.sha256(share).hexdigest()[:6]
    return f"P{k}-{share[0]}-{body}-{check}"


def decode(text: str) -> tuple[int, bytes]:
    """(k, share) from encode()'s text; a typo fails the check digits and names the share."""
    try:
        k_part, x_part, body, check = text.strip().split("-")
        k, x = int(k_part.removeprefix("P")), int(x_part)
        share = bytes([x]) + bytes.fromhex(body)
    except ValueError:
        raise ShareError("this is not a Passage share") from None
    if hashlib.sha256(share).hexdigest()[:6] != check:
        raise ShareError(f"share {x} is mistyped (its check digits do not match)")
    return k, share
