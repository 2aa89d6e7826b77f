"""Posting messages to Passage's API: one POST each, retried safely, with a summary.

Every POST carries the message's own id as `message_id`, which Passage remembers (hashed) for
good, so a retry after a timeout, or the whole export run again next month, logs nothing twice
and is answered 200; and the sender's key, so a second message from someone joins their case.
(No Idempotency-Key: its replay would answer 201 again, and the summary would count it new.)
"""

import json
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from passage.bridges.messages import Message, Skipped, request_body

MAX_WAIT_SECONDS = 120
NETWORK_TRIES = 3


class BridgeStopped(Exception):
    """Nothing more can be sent (wrong token, Passage sealed): stop instead of failing each."""


@dataclass
class Summary:
    created: int = 0
    already: int = 0
    follow_ups: int = 0
    names_set_aside: int = 0
    skipped: Counter = field(default_factory=Counter)
    failed: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [
            f"Taken: {self.created} new requests ({self.follow_ups} of them joined a case opened "
            f"earlier in this run), {self.already} already in Passage.",
        ]
        if self.names_set_aside:
            out.append(f"Names set aside for an intake officer to verify: {self.names_set_aside}.")
        if self.skipped:
            reasons = ", ".join(f"{n} {why}" for why, n in self.skipped.most_common())
            out.append(f"Skipped: {sum(self.skipped.values())} ({reasons}).")
        if self.failed:
            out.append(f"Failed: {len(self.failed)}.")
        return out


def post(url: str, token: str, body: dict, *, timeout: float = 30):
    """One POST; (status, JSON answer, headers). HTTP errors come back as values."""
    request = urllib.request.Request(  # noqa: S310 (the operator's own server)
        f"{url.rstrip('/')}/api/v1/requests",
        data=json.dumps(body, ensure_ascii=False).encode("utf-8"),
        method="POST",
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, json.loads(response.read() or b"{}"), dict(response.headers)
    except urllib.error.HTTPError as error:
        try:
            answer = json.loads(error.read() or b"{}")
        except ValueError:
            answer = {}
        return error.code, answer, dict(error.headers)


def _post_patiently(url, token, body, sleep):
    waited, tries = 0, 0
    while True:
        try:
            status, answer, headers = post(url, token, body)
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            # The server may have committed before the answer was lost: the message_id makes
            # the retry safe.
            tries += 1
            if tries >= NETWORK_TRIES:
                return None, {"message": f"no answer from {url}: {exc}"}, {}
            sleep(2**tries)
            continue
        if status == 429 and waited < MAX_WAIT_SECONDS:
            pause = max(1, min(int(headers.get("Retry-After", "5")), MAX_WAIT_SECONDS - waited))
            sleep(pause)
            waited += pause
            continue
        return status, answer, headers


def send(
    items: Iterable[Message | Skipped],
    *,
    url: str,
    token: str,
    channel: str,
    progress=None,
    every: int = 25,
    sleep=time.sleep,
) -> Summary:
    summary = Summary()
    cases: set[str] = set()
    done = 0
    for item in items:
        done += 1
        if progress is not None and done % every == 0:
            print(f"… {done} read, {summary.created} new", file=progress, flush=True)
        if isinstance(item, Skipped):
            summary.skipped[item.reason] += 1
            continue
        status, answer, _headers = _post_patiently(url, token, request_body(item, channel), sleep)
        if status in (401, 403, 503):
            raise BridgeStopped(f"{status} {answer.get('error', '')}: {answer.get('message', '')}")
        if status == 201:
            summary.created += 1
            summary.follow_ups += answer["case_id"] in cases
            summary.names_set_aside += answer.get("names_set_aside", 0)
            cases.add(answer["case_id"])
        elif status == 200:
            summary.already += 1
            cases.add(answer["case_id"])
        else:
            problems = "; ".join(
                f"{f['field']}: {f['message']}" for f in answer.get("fields") or []
            )
            summary.failed.append(
                f"{item.message_id}: {status} {answer.get('error', '')} "
                f"{answer.get('message', '')} {problems}".rstrip()
            )
    if progress is not None:
        print(f"… {done} read, done.", file=progress, flush=True)
    return summary
