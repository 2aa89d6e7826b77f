"""What the API accepts and returns. Every field has limits; text is cleaned as in the web forms
(control characters refused, Zawgyi converted to Unicode) by passage.core.validation.

Chat text is messier than typed text, so the API is kinder in two places: invisible format
characters (bidi marks and isolates, which Telegram puts around names) are dropped rather than
refused, and a name that fails the name checks is set aside, sealed, for the intake officer
instead of refusing the whole message.
"""

import unicodedata
from datetime import UTC, datetime, timedelta
from typing import Annotated, Literal
from uuid import UUID

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import (
    AwareDatetime,
    BeforeValidator,
    ConfigDict,
    PrivateAttr,
    StrictBool,
    StrictInt,
    field_validator,
    model_validator,
)

from passage.cases.lifecycle import Stage
from passage.cases.vocab import Branch, Channel, Language, Rank, Region
from passage.core.validation import clean_name, clean_text
from passage.intake.forms import MAX_NAME_LENGTH, MAX_NAMES

ChannelCode = Literal[tuple(Channel.values)]  # type: ignore[valid-type]
LanguageCode = Literal[tuple(Language.values)]  # type: ignore[valid-type]
RankCode = Literal[tuple(Rank.values)]  # type: ignore[valid-type]
BranchCode = Literal[tuple(Branch.values)]  # type: ignore[valid-type]
RegionCode = Literal[tuple(Region.values)]  # type: ignore[valid-type]
StageCode = Literal[tuple(Stage.values)]  # type: ignore[valid-type]
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
FUTURE_SLACK = timedelta(minutes=5)
# What passage.core.validation refuses, as a JSON-schema pattern (after format characters are
# dropped): C0 and C1 control characters; notes may hold tabs and line breaks.
NO_CONTROLS = "^[^\\u0000-\\u001f\\u007f-\\u009f]*$"
NO_CONTROLS_MULTILINE = "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f]*$"
LINE_LIMITS = "No control characters; invisible format characters are dropped."
NOTE_LIMITS = "Tabs and line breaks allowed, no other control character."


def text_field(max_length: int, *, multiline: bool = False):
    """A free-text field with its limits in the schema. The pattern is for clients only: the
    validators below give the clearer message ("Remove the invisible control character …")."""
    pattern = NO_CONTROLS_MULTILINE if multiline else NO_CONTROLS
    return Field(
        "",
        max_length=max_length,
        description=NOTE_LIMITS if multiline else LINE_LIMITS,
        json_schema_extra={"pattern": pattern},
    )


def _drop_format_characters(value: str) -> str:
    # Bidi marks and isolates, soft hyphens and private-use glyphs change nothing a reader needs
    # and would otherwise be refused; dropping them also removes any display trick they carry.
    return "".join(ch for ch in value if unicodedata.category(ch) not in ("Cf", "Co"))


def _clean(fn, value: str, **kwargs) -> str:
    try:
        return fn(_drop_format_characters(value), **kwargs)
    except DjangoValidationError as exc:
        # pydantic reports a ValueError as a field error, with this message.
        raise ValueError(exc.messages[0]) from None


def _text_time_only(value):
    # pydantic would read a bare number as Unix seconds; the schema says an RFC 3339 string.
    if not isinstance(value, str):
        raise ValueError(_("Give the time as text, e.g. 2025-01-31T14:05:00+06:30."))
    return value


TextTime = Annotated[AwareDatetime, BeforeValidator(_text_time_only)]


def whole_number(value):
    # JSON Schema counts 3.0 as an integer; a string or a bool still is not one.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# An integer as JSON Schema means it (not in a union: pydantic then loses its limits).
JsonInt = Annotated[StrictInt, BeforeValidator(whole_number)]


class RequestIn(Schema):
    """A first request from someone, with what is known of them (the web's intake form)."""

    # No coercion (0 is not false) and no unknown fields: a client's mistake is an error.
    model_config = ConfigDict(extra="forbid")

    channel: ChannelCode
    received_at: TextTime | None = Field(
        None,
        description="When the call or message came in (RFC 3339 with its offset); now if left "
        "out. Not before 2000-01-01 and at most 5 minutes in the future.",
    )
    case_id: UUID | None = Field(
        None,
        description="A follow-up: add this request to a case this token opened, or one its "
        "owner may log requests on.",
    )
    sender_key: str | None = Field(
        None,
        min_length=1,
        max_length=200,
        pattern="^[\\u0021-\\u007e]+$",
        description="The bridge's own stable id for the sender (e.g. telegram:123456). A later "
        "request with the same key, from a token of the same owner, joins the same open case. "
        "Stored only as a keyed hash.",
    )
    message_id: str | None = Field(
        None,
        min_length=1,
        max_length=200,
        pattern="^[\\u0021-\\u007e]+$",
        description="The bridge's own id for this message (e.g. telegram:12345:678). A message "
        "id this token's owner sent before is not logged again, however long ago: the answer "
        "is 200 with the first request's status. Stored only as a keyed hash.",
    )
    language: LanguageCode = "my"
    urgency: StrictInt = Field(
        2, ge=1, le=4, description="1 low, 2 normal, 3 high, 4 in danger now"
    )
    names: list[Annotated[str, Field(max_length=MAX_NAME_LENGTH)]] = Field(
        default_factory=list,
        max_length=MAX_NAMES,
        description="Names and aliases, each in Burmese script or Latin letters (Zawgyi is "
        "converted). A name that fails these checks does not refuse the request: it is set "
        "aside, sealed and unverified, for an intake officer (see names_set_aside).",
    )
    rank: RankCode = "unknown"
    branch: BranchCode = "unknown"
    unit: str = text_field(120)
    region: RegionCode = "unknown"
    township: str = text_field(80)
    age: StrictInt | None = Field(None, ge=14, le=90)
    contact_handle: str = text_field(120)
    family_at_risk: StrictBool = False
    notes: str = text_field(5000, multiline=True)
    _unverified_names: list[str] = PrivateAttr(default_factory=list)

    @field_validator("urgency", "age", mode="before")
    @classmethod
    def _whole_number(cls, value):
        return whole_number(value)

    @field_validator("received_at")
    @classmethod
    def _not_in_future(cls, value):
        if value is None:
            return value
        if value > timezone.now() + FUTURE_SLACK:
            raise ValueError(_("The time received cannot be in the future."))
        if value < EARLIEST:
            raise ValueError(_("The time received must be after the year 2000."))
        return value

    @model_validator(mode="after")
    def _set_aside_bad_names(self):
        cleaned, aside = [], []
        for value in self.names:
            try:
                name = _clean(clean_name, value)
            except ValueError:
                aside.append(value)
                continue
            if name and name not in cleaned:
                cleaned.append(name)
        self.names, self._unverified_names = cleaned, aside
        return self

    @field_validator("unit", "township", "contact_handle")
    @classmethod
    def _line(cls, value):
        return _clean(clean_text, value)

    @field_validator("notes")
    @classmethod
    def _notes(cls, value):
        return _clean(clean_text, value, multiline=True)

    def as_intake_data(self) -> dict:
        data = self.dict(exclude={"case_id", "sender_key", "message_id"})
        data["received_at"] = data["received_at"] or timezone.now()
        data["unverified_names"] = list(self._unverified_names)
        return data


RequestStatusCode = Literal["received", "in_progress", "closed"]


class RequestStatusOut(Schema):
    """Deliberately coarse: a bridge learns whether someone is on it, never where the case is."""

    id: UUID
    case_id: UUID = Field(description="Send it as case_id to add a follow-up to this case.")
    status: RequestStatusCode
    received_at: datetime
    names_set_aside: int = Field(
        0,
        ge=0,
        le=MAX_NAMES,
        description="Names that failed the name checks and were kept aside for an intake "
        "officer to verify.",
    )


class CaseOut(Schema):
    """A case summary: what the web's triage queue shows. No sealed field."""

    id: UUID
    pseudonym: str = Field(max_length=60)
    stage: StageCode
    urgency: int = Field(ge=1, le=4)
    is_open: bool
    cell: str | None = Field(None, max_length=80)
    branch: BranchCode
    region: RegionCode
    family_at_risk: bool
    latest_channel: ChannelCode | Literal[""]
    opened_at: datetime
    stage_changed_at: datetime


class RequestNoteOut(Schema):
    received_at: datetime
    notes: str = Field(max_length=5000)


class IdentityOut(Schema):
    names: list[Annotated[str, Field(max_length=500)]] = Field(max_length=100)
    unit: str = Field(max_length=500)
    township: str = Field(max_length=500)
    contact_handle: str = Field(max_length=500)
    age: int | None = Field(None, ge=0, le=150)
    requests: list[RequestNoteOut] = Field(max_length=1000)


class CaseDetailOut(CaseOut):
    identity: IdentityOut | None = Field(
        None,
        description="Only with the cases:identity scope and an owner assigned to the case; "
        "every read is audited.",
    )


class CaseListOut(Schema):
    items: list[CaseOut] = Field(max_length=100)
    count: int = Field(ge=0)
    next_offset: int | None = Field(None, ge=0)


class MoveIn(Schema):
    model_config = ConfigDict(extra="forbid")

    to_stage: StageCode
    note: str = text_field(2000, multiline=True)

    @field_validator("note")
    @classmethod
    def _note(cls, value):
        return _clean(clean_text, value, multiline=True)
