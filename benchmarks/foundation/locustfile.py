"""Signed-in users open the triage queue's first page and case pages (run by run.py).

Each simulated user signs in for real: the sign-in form with the password and a TOTP code
computed from the user's device key with django_otp.oath.TOTP. Users and the cases each may open
come from the manifest generate.py writes (BENCH_MANIFEST). Every page time after the warm-up
(BENCH_WARMUP seconds) is written to BENCH_TIMINGS as JSON; the run stops after BENCH_MAX_REQUESTS
measured pages or locust's --run-time, whichever comes first.
"""

import itertools
import json
import os
import random
import re
import time

import gevent
from django_otp.oath import TOTP
from locust import FastHttpUser, between, constant, events, task

MANIFEST = json.loads(open(os.environ["BENCH_MANIFEST"], encoding="utf-8").read())
WARMUP = float(os.environ.get("BENCH_WARMUP", "5"))
MAX_REQUESTS = int(os.environ.get("BENCH_MAX_REQUESTS", "20000"))
THINK = [float(x) for x in os.environ.get("BENCH_THINK", "0,0").split(",")]
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _bench_users() -> list[dict]:
    """Two coordinators, then cell members: one per cell, taking the roles in turn."""
    users = MANIFEST["users"]
    coordinators = [u for u in users if u["role"] == "coordinator"]
    by_cell: dict[str, list[dict]] = {}
    for u in users:
        if u["role"] != "coordinator" and u["cells"]:
            by_cell.setdefault(u["cells"][0], []).append(u)
    members = [group[i % len(group)] for i, group in enumerate(by_cell.values())]
    return coordinators + members


ACCOUNTS = itertools.cycle(_bench_users())
timings: list[tuple[str, float, int]] = []
started = time.monotonic()
runner = None


@events.request.add_listener
def _measure(request_type, name, response_time, response_length, exception, **kwargs):
    if name not in ("queue", "case") or time.monotonic() - started < WARMUP:
        return
    status = 0 if exception else 200
    timings.append((name, response_time, status))
    if len(timings) == MAX_REQUESTS:
        gevent.spawn(runner.quit)


@events.test_start.add_listener
def _reset_clock(environment, **kwargs):
    global started, runner
    started, runner = time.monotonic(), environment.runner


@events.quitting.add_listener
def _write(environment, **kwargs):
    with open(os.environ["BENCH_TIMINGS"], "w", encoding="utf-8") as f:
        json.dump(
            {"warmup_s": WARMUP, "measured_s": time.monotonic() - started - WARMUP, "t": timings},
            f,
        )


class SignedInUser(FastHttpUser):
    wait_time = constant(0) if THINK == [0, 0] else between(*THINK)

    def on_start(self):
        account = next(ACCOUNTS)
        self.case_ids = account["case_ids"]
        page = self.client.get("/accounts/sign-in/", name="sign-in form")
        token = CSRF.search(page.text).group(1)
        code = TOTP(bytes.fromhex(account["totp_key"])).token()
        with self.client.post(
            "/accounts/sign-in/",
            data={
                "csrfmiddlewaretoken": token,
                "username": account["username"],
                "password": MANIFEST["password"],
                "token": f"{code:06d}",
            },
            name="sign-in",
            catch_response=True,
        ) as response:
            if "Triage queue" not in response.text:
                response.failure(f"sign-in failed for {account['username']}")
                raise RuntimeError(f"sign-in failed for {account['username']}")

    @task
    def queue(self):
        with self.client.get("/cases/", name="queue", catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")

    @task
    def case(self):
        case_id = random.choice(self.case_ids)  # noqa: S311 - picking a page, not a secret
        with self.client.get(f"/cases/{case_id}/", name="case", catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
