#!/usr/bin/env python3
"""Post chat messages from a JSON-lines file to Passage as new requests (an example bridge).

Each line is one message, as a chat export might give it:

    {"id": "tg-1041", "channel": "telegram", "sent_at": "2025-03-01T09:15:00+06:30",
     "sender": "@handle", "sender_name": "ကျော်ထူး", "text": "I want to leave my unit."}

Only `id` and `text` are required. The token (scope requests:create) is read from the
environment variable PASSAGE_API_TOKEN, never from the command line, where other users of the
machine could see it. Messages already posted are remembered in a state file next to the input,
so running the bridge again posts only new ones. Standard library only.

    PASSAGE_API_TOKEN=psg_… python3 examples/jsonl_bridge.py messages.jsonl \\
        --url https://passage.example.org
"""

import argparse
import json
import os
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

CHANNELS = {"phone", "signal", "telegram", "facebook", "in_person", "web_form", "partner"}
MAX_WAIT_SECONDS = 120


def to_request(message: dict, default_channel: str) -> dict:
    """The API's request body for one chat message."""
    body = {
        "channel": message.get("channel")
        if message.get("channel") in CHANNELS
        else default_channel,
        "notes": str(message["text"])[:5000],
    }
    if message.get("sent_at"):
        body["received_at"] = message["sent_at"]
    if message.get("sender"):
        body["contact_handle"] = str(message["sender"])[:120]
    if message.get("sender_name"):
        body["names"] = [str(message["sender_name"])[:100]]
    return body


def post(url: str, token: str, body: dict, *, timeout: float = 30) -> tuple[int, dict, dict]:
    """POST one request; (status, JSON answer, headers). Errors come back as values, not raised."""
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(  # noqa: S310 (the URL is the operator's own server)
        f"{url.rstrip('/')}/api/v1/requests",
        data=data,
        method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
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


def load_state(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def save_state(path: Path, state: dict) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(state, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)


def run(
    source: Path,
    url: str,
    token: str,
    *,
    channel: str = "telegram",
    state_path=None,
    out=sys.stdout,
) -> dict:
    """Post every message of `source` not posted before; returns counts of what happened."""
    state_path = Path(state_path or f"{source}.posted.json")
    posted = load_state(state_path)
    counts = {"posted": 0, "skipped": 0, "failed": 0}
    with source.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                message = json.loads(line)
                key, _text = str(message["id"]), message["text"]
            except (ValueError, KeyError, TypeError):
                print(f"line {number}: not a message with an id and text; left out", file=out)
                counts["failed"] += 1
                continue
            if key in posted:
                counts["skipped"] += 1
                continue
            status, answer, headers = post(url, token, to_request(message, channel))
            waited = 0
            while status == 429 and waited < MAX_WAIT_SECONDS:
                pause = min(int(headers.get("Retry-After", "5")), MAX_WAIT_SECONDS - waited)
                time.sleep(max(pause, 1))
                waited += max(pause, 1)
                status, answer, headers = post(url, token, to_request(message, channel))
            if status == 201:
                posted[key] = answer["id"]
                save_state(state_path, posted)
                counts["posted"] += 1
            else:
                problems = "; ".join(
                    f"{f['field']}: {f['message']}" for f in answer.get("fields") or []
                )
                print(
                    f"line {number} ({key}): {status} {answer.get('error', '')} "
                    f"{answer.get('message', '')} {problems}".rstrip(),
                    file=out,
                )
                counts["failed"] += 1
    print(
        f"{counts['posted']} posted, {counts['skipped']} already posted, {counts['failed']} failed",
        file=out,
    )
    return counts


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("source", type=Path, help="JSON-lines file of messages")
    parser.add_argument("--url", required=True, help="Passage's address, e.g. https://…")
    parser.add_argument("--channel", default="telegram", choices=sorted(CHANNELS))
    parser.add_argument("--state", help="Where to remember posted messages")
    args = parser.parse_args(argv)
    token = os.environ.get("PASSAGE_API_TOKEN", "")
    if not token:
        parser.error("set PASSAGE_API_TOKEN to a token with the requests:create scope")
    counts = run(args.source, args.url, token, channel=args.channel, state_path=args.state)
    return 1 if counts["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
