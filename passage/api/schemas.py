"""What the API accepts and returns. Every field has limits; text is cleaned as in the web forms
(control characters refused, Zawgyi converted to Unicode) by passage.core.validation."""

from datetime import UTC, datetime, timedelta
from typing import Annotated, Literal
from uuid import UUID

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import AwareDatetime, ConfigDict, StrictBool, StrictInt, field_validator

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


def _clean(fn, value: str, **kwargs) -> str:
    try:
        return fn(value, **kwargs)
    except DjangoValidationError as exc:
        # pydantic reports a ValueError as a field error, with this message.
        raise ValueError(exc.messages[0]) from None


class RequestIn(Schema):
    """A first request from someone, with what is known of them (the web's intake form)."""

    # No coercion (0 is not false) and no unknown fields: a client's mistake is an error.
    model_config = ConfigDict(extra="forbid")

    channel: ChannelCode
    received_at: AwareDatetime | None = Field(
        None, description="When the call or message came in; now if left out."
    )
    language: LanguageCode = "my"
    urgency: StrictInt = Field(
        2, ge=1, le=4, description="1 low, 2 normal, 3 high, 4 in danger now"
    )
    names: list[Annotated[str, Field(max_length=MAX_NAME_LENGTH)]] = Field(
        default_factory=list,
        max_length=MAX_NAMES,
        description="Names and aliases, each in Burmese script or Latin letters (Zawgyi is "
        "converted).",
    )
    rank: RankCode = "unknown"
    branch: BranchCode = "unknown"
    unit: str = Field("", max_length=120)
    region: RegionCode = "unknown"
    township: str = Field("", max_length=80)
    age: StrictInt | None = Field(None, ge=14, le=90)
    contact_handle: str = Field("", max_length=120)
    family_at_risk: StrictBool = False
    notes: str = Field("", max_length=5000)

    @field_validator("received_at")
    @classmethod
    def _not_in_future(cls, value):
        if value is None:
            return value
        if value > timezone.now() + timedelta(minutes=5):
            raise ValueError(_("The time received cannot be in the future."))
        if value < EARLIEST:
            raise ValueError(_("The time received must be after the year 2000."))
        return value

    @field_validator("names")
    @classmethod
    def _names(cls, values):
        cleaned = []
        for value in values:
            name = _clean(clean_name, value)
            if name:
                cleaned.append(name)
        return cleaned

    @field_validator("unit", "township", "contact_handle")
    @classmethod
    def _line(cls, value):
        return _clean(clean_text, value)

    @field_validator("notes")
    @classmethod
    def _notes(cls, value):
        return _clean(clean_text, value, multiline=True)

    def as_intake_data(self) -> dict:
        data = self.dict()
        data["received_at"] = data["received_at"] or timezone.now()
        return data


RequestStatusCode = Literal["received", "in_progress", "closed"]


class RequestStatusOut(Schema):
    """Deliberately coarse: a bridge learns whether someone is on it, never where the case is."""

    id: UUID
    status: RequestStatusCode
    received_at: datetime


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
    note: str = Field("", max_length=2000)

    @field_validator("note")
    @classmethod
    def _note(cls, value):
        return _clean(clean_text, value, multiline=True)
