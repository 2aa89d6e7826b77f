"""PSI-cardinality on OpenMined's `openmined-psi` (ECDH over P-256, elements hashed to the curve).

Why that library: it is maintained, made for exactly this (a cardinality-only mode whose answer is
sorted, so the asking side learns how many matched, not which), and keeps the group arithmetic out
of our code. We use its RAW setup (the blinded points themselves, sorted) rather than its Golomb or
Bloom filter: no false positives, so the count is exact; and no filter of any kind leaves Passage.

Each side plays both roles, so both learn the count: it *serves* its own set (setup: its points
under its server key; response: the partner's request raised to the same key) and *asks* with its
own set (request: its points under its client key). All keys are fresh per run and destroyed at
its end; a blinded point is then a random-looking curve point no one can open or test a guess on.
Pure Python around the library, no Django.
"""

import hashlib
import json

import private_set_intersection.python as psi

KINDS = ("name", "year", "place")


class ProtocolError(ValueError):
    """A blinded set or answer from the partner that the library refuses to read."""


def new_secrets() -> dict[str, str]:
    server = psi.server.CreateWithNewKey(False)
    client = psi.client.CreateWithNewKey(False)
    return {
        "server": server.GetPrivateKeyBytes().hex(),
        "client": client.GetPrivateKeyBytes().hex(),
    }


def _server(secrets: dict):
    return psi.server.CreateFromKey(bytes.fromhex(secrets["server"]), False)


def _client(secrets: dict):
    return psi.client.CreateFromKey(bytes.fromhex(secrets["client"]), False)


def blind(secrets: dict, sets: dict[str, list[str]]) -> dict[str, dict[str, bytes]]:
    """Our blinded set, per kind of key: what we serve (setup) and what we ask with (request)."""
    server, client = _server(secrets), _client(secrets)
    out = {}
    for kind in KINDS:
        items = sets[kind]
        setup = server.CreateSetupMessage(0.0, max(len(items), 1), items, psi.DataStructure.RAW)
        out[kind] = {
            "setup": setup.SerializeToString(),
            "request": client.CreateRequest(items).SerializeToString(),
        }
    return out


def commitment(payload: dict[str, dict[str, bytes]]) -> str:
    """A hash that binds a side to its blinded set before it sees the other's."""
    h = hashlib.sha256(b"passage partners commitment v1")
    for kind in KINDS:
        for part in ("setup", "request"):
            blob = payload[kind][part]
            h.update(len(blob).to_bytes(8, "big") + blob)
    return h.hexdigest()


def respond(secrets: dict, partner_payload: dict[str, dict[str, bytes]]) -> dict[str, bytes]:
    """Our answer to the partner's requests: their points raised to our server key, sorted."""
    server, out = _server(secrets), {}
    for kind in KINDS:
        request = psi.Request()
        try:
            request.ParseFromString(partner_payload[kind]["request"])
            out[kind] = server.ProcessRequest(request).SerializeToString()
        except Exception as exc:  # noqa: BLE001 - the library raises plain RuntimeErrors
            raise ProtocolError(f"the partner's {kind} request does not read") from exc
    return out


def count(
    secrets: dict, partner_payload: dict[str, dict[str, bytes]], responses: dict[str, bytes]
) -> dict[str, int]:
    """How many of our keys are in the partner's set, per kind (all we learn)."""
    client, out = _client(secrets), {}
    for kind in KINDS:
        setup, response = psi.ServerSetup(), psi.Response()
        try:
            setup.ParseFromString(partner_payload[kind]["setup"])
            response.ParseFromString(responses[kind])
            out[kind] = int(client.GetIntersectionSize(setup, response))
        except Exception as exc:  # noqa: BLE001
            raise ProtocolError(f"the partner's {kind} answer does not read") from exc
    return out


def sizes(payload: dict[str, dict[str, bytes]]) -> dict[str, int]:
    """How many points each blinded request holds (P-256 compressed points, 33 bytes each)."""
    out = {}
    for kind in KINDS:
        request = psi.Request()
        request.ParseFromString(payload[kind]["request"])
        out[kind] = len(request.encrypted_elements)
    return out


def person_range(counts: dict[str, int]) -> tuple[int, int]:
    """(strict, loose) people in common. Loose: same whole name (loose syllable keys); every other
    key includes the name too, so any key matching means this one does. Strict: at least this many
    also share a birth year or a unit or township."""
    strict = max(counts["year"], counts["place"])
    # Namesakes share one whole-name key but not a birth year: never report loose below strict.
    return strict, max(strict, counts["name"])


def canonical(obj) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"))
