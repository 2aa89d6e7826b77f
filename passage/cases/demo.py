"""Synthetic demonstration data: made-up people and cases, created through the real actions.

Every request goes through `log_new_request` / `log_follow_up_request` and every stage change
through `move_case`, so timelines, sealed fields and the audit chain are what real use produces.
Afterwards only non-sensitive timestamps (never the audit chain's) are moved into the past, so the
queue looks lived-in. Names come from names.tsv (real given names, none tied to a real case).
"""

import csv
import random
import secrets
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from passage.accounts import actions as account_actions
from passage.accounts.models import AccountRequest, Cell, User
from passage.accounts.roles import Role
from passage.cases import demo_places as places
from passage.cases.actions import assign_case, move_case
from passage.cases.lifecycle import Stage, roles_allowed
from passage.cases.models import Case, Person, TimelineEntry
from passage.core import audit
from passage.core.models import Organisation
from passage.core.validation import clean_name, clean_text
from passage.intake.actions import log_follow_up_request, log_new_request
from passage.intake.models import Request

MAX_CASES = 5000
PROGRESS_EVERY = 50
CELL_PREFIX = "Demo "
USER_PREFIX = "demo-"
NAMES_TSV = Path(__file__).resolve().parent.parent / "names" / "data" / "names.tsv"


class DemoError(Exception):
    """The demo data cannot be loaded here; the message says why."""


# --- who works here ---------------------------------------------------------------------------

CELLS = {
    "north": f"{CELL_PREFIX}North",
    "south": f"{CELL_PREFIX}South",
    "border": f"{CELL_PREFIX}Border",
}
# (username, role, display name, cells). The coordinator is left out when a real one is given.
TEAM = [
    ("demo-coordinator", Role.COORDINATOR, "Demo coordinator", ()),
    ("demo-intake", Role.INTAKE, "Demo intake officer (North)", ("north",)),
    ("demo-vetter", Role.VETTER, "Demo vetter (North)", ("north",)),
    ("demo-planner", Role.PLANNER, "Demo planner (North, Border)", ("north", "border")),
    ("demo-caseworker", Role.CASEWORKER, "Demo caseworker (North)", ("north",)),
    ("demo-intake-2", Role.INTAKE, "Demo intake officer (South)", ("south",)),
    ("demo-vetter-2", Role.VETTER, "Demo vetter (South, Border)", ("south", "border")),
    ("demo-planner-2", Role.PLANNER, "Demo planner (South)", ("south",)),
    ("demo-caseworker-2", Role.CASEWORKER, "Demo caseworker (South, Border)", ("south", "border")),
    ("demo-analyst", Role.ANALYST, "Demo analyst", ()),
]
ADMIN = ("demo-admin", Role.ADMIN, "Demo admin")

# --- what cases look like ---------------------------------------------------------------------

S = Stage
# How to reach each stage from "received"; the first few cases take each stage once.
PATHS: dict[str, list[list[str]]] = {
    S.RECEIVED: [[]],
    S.VETTING: [[S.VETTING]],
    S.CLEARED: [[S.VETTING, S.CLEARED]],
    S.PLANNING: [[S.VETTING, S.CLEARED, S.PLANNING]],
    S.IN_TRANSIT: [[S.VETTING, S.CLEARED, S.PLANNING, S.IN_TRANSIT]],
    S.ARRIVED: [[S.VETTING, S.CLEARED, S.PLANNING, S.IN_TRANSIT, S.ARRIVED]],
    S.AFTERCARE: [[S.VETTING, S.CLEARED, S.PLANNING, S.IN_TRANSIT, S.ARRIVED, S.AFTERCARE]],
    S.CLOSED: [
        [S.VETTING, S.CLEARED, S.PLANNING, S.IN_TRANSIT, S.ARRIVED, S.AFTERCARE, S.CLOSED],
        [S.VETTING, S.CLEARED, S.PLANNING, S.IN_TRANSIT, S.ARRIVED, S.CLOSED],
        [S.VETTING, S.REJECTED, S.CLOSED],
    ],
    S.REJECTED: [[S.VETTING, S.REJECTED], [S.REJECTED]],
    S.SUSPENDED: [[S.VETTING, S.SUSPENDED], [S.VETTING, S.CLEARED, S.SUSPENDED], [S.SUSPENDED]],
    S.REFERRED: [[S.VETTING, S.REFERRED]],
    S.LOST_CONTACT: [[S.VETTING, S.CLEARED, S.PLANNING, S.IN_TRANSIT, S.LOST_CONTACT]],
}
STAGE_WEIGHTS = {
    S.RECEIVED: 16,
    S.VETTING: 20,
    S.CLEARED: 7,
    S.PLANNING: 8,
    S.IN_TRANSIT: 5,
    S.ARRIVED: 4,
    S.AFTERCARE: 12,
    S.CLOSED: 12,
    S.REJECTED: 7,
    S.SUSPENDED: 3,
    S.REFERRED: 2,
    S.LOST_CONTACT: 4,
}
# When a case at this stage was opened: between so many days ago.
OPENED_DAYS_AGO = {
    S.RECEIVED: (0, 10),
    S.VETTING: (2, 40),
    S.CLEARED: (10, 60),
    S.PLANNING: (15, 75),
    S.IN_TRANSIT: (20, 90),
    S.ARRIVED: (25, 120),
    S.AFTERCARE: (30, 170),
    S.CLOSED: (45, 180),
    S.REJECTED: (5, 150),
    S.SUSPENDED: (10, 150),
    S.REFERRED: (15, 160),
    S.LOST_CONTACT: (25, 120),
}
CHANNEL_WEIGHTS = {
    "phone": 20,
    "signal": 25,
    "telegram": 20,
    "facebook": 15,
    "in_person": 5,
    "web_form": 10,
    "partner": 5,
}
URGENCY_WEIGHTS = {1: 15, 2: 50, 3: 25, 4: 10}
BRANCH_WEIGHTS = {"army": 70, "police": 18, "navy": 5, "air_force": 5, "unknown": 2}
RANK_WEIGHTS = {
    "army": {
        "private": 30,
        "lance_corporal": 15,
        "corporal": 15,
        "sergeant": 12,
        "warrant_officer": 5,
        "second_lieutenant": 4,
        "lieutenant": 5,
        "captain": 6,
        "major": 4,
        "lieutenant_colonel": 1,
        "unknown": 3,
    },
    "navy": {
        "seaman": 45,
        "petty_officer": 25,
        "warrant_officer": 10,
        "lieutenant": 10,
        "captain": 5,
        "unknown": 5,
    },
    "air_force": {
        "airman": 45,
        "corporal": 15,
        "sergeant": 15,
        "warrant_officer": 8,
        "lieutenant": 8,
        "captain": 5,
        "unknown": 4,
    },
    "police": {
        "police_constable": 35,
        "police_lance_corporal": 12,
        "police_corporal": 15,
        "police_sergeant": 12,
        "police_warrant_officer": 6,
        "police_sub_inspector": 8,
        "police_inspector": 5,
        "police_major": 3,
        "unknown": 4,
    },
    "unknown": {"unknown": 1},
}
BORDER_REGIONS = {"kayin", "kayah", "mon", "tanintharyi", "shan", "kachin", "chin"}

NOTES_EN = [
    "Called from a borrowed phone. Wants to leave with spouse and two children.",
    "The unit is being sent towards {township} next week; refuses to go to the front line.",
    "Was ordered to burn houses in a village and refused. Fears arrest.",
    "Family lives in {township}; worried they will be punished after the defection.",
    "Asked how long the checks take. Calm, and the story was consistent.",
    "Can only talk at night, when the officers are asleep.",
    "Met a partner organisation's volunteer twice; they vouch for the first contact.",
    "Wants to bring the service record and national ID card.",
    "Injured in the leg last month; will need medical care after crossing.",
    "Says three others in the same platoon also want to leave.",
    "Messages only through a friend's account; asked us never to call.",
    "Speaks Shan at home; a volunteer translated part of the call.",
]
NOTES_MY = [
    "မိသားစုနှင့်အတူ ထွက်ခွာလိုသည်။",
    "တပ်ရင်းကို နောက်တစ်ပတ်တွင် {township} ဘက်သို့ စေလွှတ်မည်ဖြစ်၍ ရှေ့တန်းမသွားလိုပါ။",
    "အရပ်သားများကို ပစ်ခတ်ရန် အမိန့်ကို ငြင်းဆန်ခဲ့သည်။ ဖမ်းဆီးခံရမည်ကို စိုးရိမ်နေသည်။",
    "{township} ရှိ မိသားစုဝင်များ အရေးယူခံရမည်ကို စိုးရိမ်နေသည်။",
    "ညဘက်တွင်သာ ဆက်သွယ်နိုင်သည်။",
    "ခြေထောက်တွင် ဒဏ်ရာရှိ၍ ဆေးကုသမှု လိုအပ်သည်။",
    "တပ်စုထဲမှ အခြားသုံးဦးလည်း ထွက်လိုကြသည်ဟု ပြောသည်။",
    "ဖုန်းမခေါ်ရန် တောင်းဆိုသည်။ မိတ်ဆွေ၏ အကောင့်မှတစ်ဆင့်သာ ဆက်သွယ်သည်။",
    "စစ်မှုထမ်းမှတ်တမ်းနှင့် မှတ်ပုံတင်ကတ်ကို ယူလာမည်။",
]
FOLLOW_UP_EN = [
    "Called again: the transfer order came through, needs to move sooner.",
    "Checking in. Still safe; no change.",
    "Sent a new number; the old phone was taken.",
    "Asked whether the family can travel separately.",
]
FOLLOW_UP_MY = [
    "ထပ်မံဆက်သွယ်လာသည်။ ပြောင်းရွှေ့ရန် အမိန့်ကျလာ၍ စောစောထွက်ရန် လိုသည်။",
    "အခြေအနေ ပြောင်းလဲမှုမရှိပါ။ လုံခြုံသေးသည်။",
    "ဖုန်းအသစ်နံပါတ် ပို့လာသည်။",
]
MOVE_NOTES = {
    S.VETTING: ("Background checks started.", "နောက်ခံအချက်အလက်များ စစ်ဆေးနေသည်။"),
    S.CLEARED: ("Two references confirmed the story.", "သက်သေနှစ်ဦးက အတည်ပြုသည်။"),
    S.PLANNING: ("Exit route under discussion.", "ထွက်ခွာမည့်လမ်းကြောင်း ဆွေးနွေးနေသည်။"),
    S.IN_TRANSIT: ("Left the unit at night.", "ညဘက်တွင် တပ်မှ ထွက်ခွာခဲ့သည်။"),
    S.ARRIVED: ("Arrived safely at the safe house.", "လုံခြုံသောနေရာသို့ ဘေးကင်းစွာ ရောက်ရှိသည်။"),
    S.AFTERCARE: ("Needs shelter and a medical check.", "နေရာထိုင်ခင်းနှင့် ဆေးစစ်ရန် လိုအပ်သည်။"),
    S.CLOSED: ("No further support needed.", "ထပ်မံအကူအညီ မလိုတော့ပါ။"),
    S.REJECTED: ("The story did not hold up under checks.", "စစ်ဆေးချက်များနှင့် မကိုက်ညီပါ။"),
    S.SUSPENDED: ("Asked to pause; will contact us again.", "ခေတ္တရပ်ဆိုင်းရန် တောင်းဆိုသည်။"),
    S.REFERRED: ("Possible part in abuses; referred for accountability.", ""),
    S.LOST_CONTACT: ("No check-in for 72 hours.", "၇၂ နာရီကြာ ဆက်သွယ်မှုမရှိပါ။"),
}
# Informal Latin spellings seen on later calls (as in names/data/variants.tsv).
SPELLING_VARIANTS = {
    "Kyaw": "Kyawe",
    "Win": "Winn",
    "Hlaing": "Hline",
    "Htoo": "Htu",
    "Soe": "Soh",
    "Phyo": "Phyoe",
    "Naing": "Nine",
    "Htike": "Htaik",
    "Tun": "Htun",
    "Maung": "Mg",
}
HONORIFICS = {"M": ("Ko", "Maung", "U"), "F": ("Ma", "Daw")}
BURMESE_DIGITS = str.maketrans("0123456789", "၀၁၂၃၄၅၆၇၈၉")


@dataclass(frozen=True)
class NameRow:
    unicode: str
    zawgyi: str
    latin: str
    gender: str


@lru_cache(maxsize=1)
def name_rows() -> dict[str, list[NameRow]]:
    """The names list by gender ("M", "F")."""
    by_gender: dict[str, list[NameRow]] = {"M": [], "F": []}
    with NAMES_TSV.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            if row["gender"] in by_gender and row["burmese_unicode"] and row["latin"]:
                by_gender[row["gender"]].append(
                    NameRow(
                        row["burmese_unicode"], row["burmese_zawgyi"], row["latin"], row["gender"]
                    )
                )
    return by_gender


def _weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _slug(latin: str) -> str:
    return "".join(ch for ch in latin.lower() if ch.isalnum())


@dataclass
class CasePlan:
    """What one case's events should look like in time; applied after the actions ran."""

    case_id: object
    person_id: object
    opened_at: datetime
    request_times: list[datetime] = field(default_factory=list)
    assigned_at: datetime | None = None
    stage_times: dict[str, datetime] = field(default_factory=dict)

    @property
    def stage_changed_at(self) -> datetime:
        return max(self.stage_times.values(), default=self.opened_at)


class _Loader:
    def __init__(self, rng: random.Random, coordinator: User, team: dict, cells: dict):
        self.rng = rng
        self.coordinator = coordinator
        self.team = team
        self.cells = cells
        self.now = timezone.now()
        self.intake_officers = [u for u in team.values() if u.role == Role.INTAKE]
        # cell key -> role -> members, to pick who makes each move.
        self.members: dict[str, dict[str, list[User]]] = {key: {} for key in cells}
        for username, role, _display, cell_keys in TEAM:
            for key in cell_keys:
                if username in team:
                    self.members[key].setdefault(role, []).append(team[username])
        self.plans: list[CasePlan] = []
        self.requests = 0
        self.zawgyi_converted = 0

    # --- the person -----------------------------------------------------------------------

    def names(self, gender: str) -> tuple[list[str], NameRow]:
        rng = self.rng
        while True:
            row = rng.choice(name_rows()[gender])
            try:
                burmese, latin = clean_name(row.unicode), clean_name(row.latin)
            except ValidationError:
                continue
            if burmese == row.unicode:
                break
        shape = rng.random()
        if shape < 0.5 or shape >= 0.7:
            if rng.random() < 0.25 and row.zawgyi != row.unicode:
                # Typed on a Zawgyi keyboard: stored as Unicode, as the intake form does.
                typed = clean_name(row.zawgyi)
                if typed == row.unicode:
                    self.zawgyi_converted += 1
                    burmese = typed
        if shape < 0.5:
            names = [burmese, latin]
        elif shape < 0.7:
            names = [latin]
        elif shape < 0.85:
            names = [burmese]
        else:
            honorific = rng.choice(HONORIFICS[gender])
            names = [burmese, latin, clean_name(f"{honorific} {latin}")]
        if rng.random() < 0.08:
            other = rng.choice(name_rows()[gender])
            try:
                names.append(clean_name(other.latin))
            except ValidationError:
                pass
        return names, row

    def posting(self, branch: str) -> tuple[str, str, str, bool]:
        """(unit, region, township, written in Burmese) for someone in `branch`."""
        rng = self.rng
        if branch == "navy":
            unit, region, township = rng.choice(places.NAVY_UNITS)
            return unit, region, township, False
        if branch == "air_force":
            unit, region, township = rng.choice(places.AIR_FORCE_UNITS)
            return unit, region, township, False
        region = _weighted(rng, places.REGION_WEIGHTS)
        latin_town, burmese_town = rng.choice(places.TOWNSHIPS[region])
        in_burmese = bool(burmese_town) and rng.random() < 0.3
        township = burmese_town if in_burmese else latin_town
        if branch == "police":
            pattern = _weighted(rng, dict(places.POLICE_UNITS))
            unit = pattern.format(township=latin_town, n=rng.randint(1, 40))
        elif branch == "army":
            latin_pattern, burmese_pattern, low, high = rng.choice(places.ARMY_UNITS)
            n = rng.choice(places.LIGHT_INFANTRY_DIVISIONS) if high == 0 else rng.randint(low, high)
            if in_burmese and burmese_pattern:
                unit = burmese_pattern.format(n=str(n).translate(BURMESE_DIGITS))
            else:
                unit = latin_pattern.format(n=n)
        else:
            unit = ""
        return unit, region, township, in_burmese

    def contact_handle(self, channel: str, latin: str) -> str:
        rng = self.rng
        slug = _slug(latin)[:12] or "someone"
        if channel == "telegram":
            return f"@demo_{slug}_{rng.randint(100, 9999)}"
        if channel == "signal":
            return f"signal: demo.{slug}.{rng.randint(10, 99)}"
        if channel == "facebook":
            return f"facebook.com/demo.{slug}.{rng.randint(1000, 9999)}"
        if channel == "web_form" and rng.random() < 0.4:
            return ""
        # +95 9 000 … is not a number any Myanmar operator hands out.
        return f"+95 9 000 {rng.randint(100, 999)} {rng.randint(100, 999)}"

    def note(self, burmese: bool, township: str, templates_en, templates_my) -> str:
        template = self.rng.choice(templates_my if burmese else templates_en)
        return clean_text(template.format(township=township), multiline=True)

    # --- the case -------------------------------------------------------------------------

    def times(self, stage: str, steps: int, follow_ups: int):
        rng = self.rng
        low, high = OPENED_DAYS_AGO[stage]
        opened = self.now - timedelta(days=rng.uniform(low, high), minutes=rng.randint(30, 600))
        span = (self.now - timedelta(minutes=10) - opened).total_seconds()
        moves = sorted(rng.uniform(0.1, 1.0) * span for _ in range(steps))
        # Follow-up calls come before the last move (nobody calls in after the case closed).
        last = moves[-1] if moves else span
        extra = sorted(rng.uniform(0.02, 1.0) * last for _ in range(follow_ups))
        assigned = opened + timedelta(minutes=rng.randint(10, 600))
        to_time = [opened + timedelta(seconds=s) for s in moves]
        # Strictly after each other and after the assignment, however close the draws came.
        for i, at in enumerate(to_time):
            floor = (to_time[i - 1] if i else assigned) + timedelta(minutes=1)
            to_time[i] = max(at, floor)
        return opened, assigned, to_time, [opened + timedelta(seconds=s) for s in extra]

    def cell_for(self, region: str, logger: User) -> str:
        rng = self.rng
        if region in BORDER_REGIONS and rng.random() < 0.6:
            return "border"
        for key, roles in self.members.items():
            if logger in roles.get(Role.INTAKE, []) and rng.random() < 0.8:
                return key
        return rng.choice(list(self.cells))

    def mover(self, cell_key: str | None, from_stage: str, to_stage: str) -> User:
        """Someone in the case's cell whose role may make this move, else the coordinator."""
        allowed = roles_allowed(from_stage, to_stage)
        if cell_key is not None:
            for role in (Role.INTAKE, Role.PLANNER, Role.CASEWORKER, Role.VETTER):
                people = self.members[cell_key].get(role)
                if role in allowed and people:
                    return self.rng.choice(people)
        return self.coordinator

    def review_hits(self, vetter, case: Case) -> None:
        """No case is cleared over an open screening match, so the vetter reviews each one first.
        A match on another cell's case is restricted: the demo assigns the vetter there too, as a
        coordinator would bring in someone allowed to see both sides."""
        from django.db.models import Q

        from passage.screening import actions as screening
        from passage.screening.models import Hit

        for hit in Hit.objects.filter(Q(case=case) | Q(other_case=case), status=Hit.Status.OPEN):
            for side in (hit.case, hit.other_case):
                if side is not None:
                    side.assignees.add(vetter)
            hit = Hit.objects.select_related("case", "other_case").get(pk=hit.pk)
            screening.review_hit(
                vetter,
                hit,
                Hit.Status.FALSE_POSITIVE,
                "Demo: a different person, checked by phone.",
            )

    def work_through(self, cell_key: str | None, case: Case, to_stage: str) -> bool:
        """Moves that need more than a role go through the real vetting and planning actions:
        a vetter recommends and the coordinator approves; the coordinator opens the plan and
        gives the go. True when the case was moved here."""
        from passage.planning import actions as planning
        from passage.vetting import actions as vetting

        members = self.members.get(cell_key, {}) if cell_key else {}
        if to_stage == S.CLEARED:
            vetter = (members.get(Role.VETTER) or [self.team["demo-vetter"]])[0]
            case.assignees.add(vetter)
            self.review_hits(vetter, case)
            decision = vetting.recommend(vetter, case, kind="clear")
            vetting.approve(self.coordinator, decision)
            return True
        if to_stage == S.PLANNING:
            planner = (members.get(Role.PLANNER) or [self.team["demo-planner"]])[0]
            planning.create_plan(self.coordinator, case, planners=[planner])
            return True
        if to_stage == S.IN_TRANSIT:
            plan = case.plan
            planning.decide_go(self.coordinator, plan, go=True, reason="")
            planning.start_transit(self.coordinator, plan)
            return True
        return False

    def add_case(self, stage: str) -> None:
        rng = self.rng
        path = rng.choice(PATHS[stage])
        branch = _weighted(rng, BRANCH_WEIGHTS)
        gender = "F" if rng.random() < (0.2 if branch == "police" else 0.03) else "M"
        names, row = self.names(gender)
        unit, region, township, in_burmese = self.posting(branch)
        channel = _weighted(rng, CHANNEL_WEIGHTS)
        language = "my" if in_burmese or rng.random() < 0.75 else rng.choice(["en", "other"])
        burmese_notes = language == "my"
        follow_ups = rng.choices([0, 1, 2], weights=[75, 20, 5])[0]
        opened, assigned_at, move_times, follow_up_times = self.times(stage, len(path), follow_ups)
        logger = (
            self.coordinator
            if channel in ("web_form", "partner")
            else rng.choice(self.intake_officers)
        )
        data = {
            "channel": channel,
            "received_at": opened,
            "language": language,
            "urgency": _weighted(rng, URGENCY_WEIGHTS),
            "names": names,
            "rank": _weighted(rng, RANK_WEIGHTS[branch]),
            "branch": branch,
            "unit": clean_text(unit),
            "region": region if branch != "unknown" or rng.random() < 0.5 else "unknown",
            "township": clean_text(township),
            "age": int(rng.triangular(18, 55, 24)) if rng.random() < 0.9 else None,
            "contact_handle": clean_text(self.contact_handle(channel, row.latin)),
            "family_at_risk": rng.random() < 0.4,
            "notes": self.note(burmese_notes, township, NOTES_EN, NOTES_MY),
        }
        case = log_new_request(logger, data)
        plan = CasePlan(case.pk, case.person_id, opened, request_times=[opened])
        self.requests += 1

        cell_key = None
        if path or rng.random() < 0.6:
            cell_key = self.cell_for(region, logger)
            users = [logger] if logger.role == Role.INTAKE else []
            if rng.random() < 0.2:
                # Named on the case: the coordinator sees its identity details too.
                users.append(self.coordinator)
            assign_case(self.coordinator, case, cell=self.cells[cell_key], users=users)
            plan.assigned_at = assigned_at

        for at in follow_up_times:
            new_names = []
            latin_words = row.latin.split()
            if rng.random() < 0.5 and any(w in SPELLING_VARIANTS for w in latin_words):
                new_names = [" ".join(SPELLING_VARIANTS.get(w, w) for w in latin_words)]
            # The intake officer who logged it stays assigned, so they log the follow-ups too.
            log_follow_up_request(
                logger,
                case,
                {
                    "channel": channel if rng.random() < 0.7 else _weighted(rng, CHANNEL_WEIGHTS),
                    "received_at": at,
                    "language": language,
                    "urgency": _weighted(rng, URGENCY_WEIGHTS),
                    "names": [clean_name(n) for n in new_names],
                    "contact_handle": "",
                    "notes": self.note(burmese_notes, township, FOLLOW_UP_EN, FOLLOW_UP_MY),
                },
            )
            plan.request_times.append(at)
            self.requests += 1

        for to_stage, at in zip(path, move_times, strict=True):
            english, burmese = MOVE_NOTES.get(to_stage, ("", ""))
            note = burmese if burmese_notes and burmese else english
            plan.stage_times[to_stage] = at
            if self.work_through(cell_key, case, to_stage):
                continue
            move_case(
                self.mover(cell_key, case.stage, to_stage),
                case,
                to_stage,
                note=note if rng.random() < 0.6 else "",
            )
        self.plans.append(plan)

    # --- into the past --------------------------------------------------------------------

    def backdate(self) -> None:
        """Move the demo's own timestamps into the past; the audit chain keeps its real times."""
        plans = {plan.case_id: plan for plan in self.plans}
        Person.objects.bulk_update(
            [Person(id=p.person_id, created_at=p.opened_at) for p in self.plans],
            ["created_at"],
            batch_size=500,
        )
        Case.objects.bulk_update(
            [
                Case(id=p.case_id, opened_at=p.opened_at, stage_changed_at=p.stage_changed_at)
                for p in self.plans
            ],
            ["opened_at", "stage_changed_at"],
            batch_size=500,
        )
        ids = list(plans)
        entries = []
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            Request.objects.filter(case_id__in=chunk).update(
                logged_at=F("received_at") + timedelta(minutes=6)
            )
            requests_seen: dict[object, int] = {}
            rows = (
                TimelineEntry.objects.filter(case_id__in=chunk)
                .order_by("at", "id")
                .values_list("id", "case_id", "kind", "to_stage")
            )
            for entry_id, case_id, kind, to_stage in rows:
                plan = plans[case_id]
                if kind == TimelineEntry.Kind.REQUEST:
                    # Requests were logged in the order of their planned times.
                    n = requests_seen[case_id] = requests_seen.get(case_id, -1) + 1
                    at = plan.request_times[min(n, len(plan.request_times) - 1)]
                elif kind == TimelineEntry.Kind.ASSIGNMENT:
                    at = plan.assigned_at or plan.opened_at
                else:
                    at = plan.stage_times.get(to_stage, plan.opened_at)
                entries.append(TimelineEntry(id=entry_id, at=at))
        TimelineEntry.objects.bulk_update(entries, ["at"], batch_size=500)


def demo_loaded() -> bool:
    return (
        Cell.objects.filter(name__startswith=CELL_PREFIX).exists()
        or User.objects.filter(username__startswith=USER_PREFIX).exists()
    )


def _one_time_password() -> str:
    return "-".join(secrets.token_urlsafe(6) for _ in range(3))


def _create_team(actor: User | None) -> tuple[dict[str, User], list[dict]]:
    """Demo accounts for every role, audited, with one-time passwords shown once at set-up
    (synthetic accounts; real ones set their own password from an enrolment code)."""
    team: dict[str, User] = {}
    accounts = []
    for username, role, display, _cells in [(*ADMIN, ()), *TEAM]:
        if actor is not None and role == Role.COORDINATOR:
            continue
        password = _one_time_password()
        team[username] = account_actions.create_demo_account(
            actor or team.get(ADMIN[0]),
            username=username,
            display_name=display,
            role=role,
            password=password,
        )
        accounts.append({"username": username, "role": role, "password": password})
    return team, accounts


def load_demo_data(actor=None, *, cases: int = 300, stdout=None, seed: int | None = None) -> dict:
    """Load synthetic people, requests and cases (with demo accounts and cells) into a new install.

    `actor` is the coordinator who asked for it at set-up (they get some cases); without one a
    demo coordinator is created. Refuses if demo data, or any case at all, is already here.
    """
    if not 1 <= cases <= MAX_CASES:
        raise DemoError(f"The number of demo cases must be between 1 and {MAX_CASES}.")
    if actor is not None and actor.role != Role.COORDINATOR:
        raise DemoError("Only a coordinator can load the demo data.")
    started = time.monotonic()
    rng = random.Random(seed)  # noqa: S311 - made-up demo data, not a secret
    with transaction.atomic():
        if demo_loaded():
            raise DemoError(
                "Demo data is already loaded here (there are “Demo …” cells or demo-… accounts). "
                "Start from an empty database to load it again."
            )
        if Case.objects.exists():
            raise DemoError(
                "This installation already holds real cases. Demo data only goes into a new, "
                "empty installation."
            )
        organisation = Organisation.current() or Organisation.objects.create(
            name="Passage demo (synthetic data)"
        )
        team, accounts = _create_team(actor)
        admin = team[ADMIN[0]]
        cells = {}
        for key, name in CELLS.items():
            members = [team[u] for u, _r, _d, keys in TEAM if key in keys and u in team]
            cells[key] = account_actions.save_cell(admin, Cell(), name=name, members=members)
        coordinator = actor or team["demo-coordinator"]
        # New members wait for a coordinator, as in real use: the demo's coordinator approves.
        for waiting in AccountRequest.objects.filter(cell__in=cells.values()):
            account_actions.approve_request(coordinator, waiting)
        loader = _Loader(rng, coordinator, team, cells)
        stages = list(STAGE_WEIGHTS)
        for i in range(cases):
            stage = stages[i] if i < len(stages) else _weighted(rng, STAGE_WEIGHTS)
            loader.add_case(stage)
            if stdout is not None and ((i + 1) % PROGRESS_EVERY == 0 or i + 1 == cases):
                stdout.write(f"  {i + 1}/{cases} cases")
        loader.backdate()
        audit.record(
            coordinator,
            "demo.load",
            organisation,
            detail={"cases": cases, "requests": loader.requests, "synthetic": True},
        )
    return {
        "organisation": organisation.name,
        "cases": cases,
        "requests": loader.requests,
        "cells": list(CELLS.values()),
        "accounts": accounts,
        "zawgyi_converted": loader.zawgyi_converted,
        "seconds": round(time.monotonic() - started, 1),
    }
