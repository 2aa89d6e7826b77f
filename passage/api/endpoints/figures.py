"""Aggregate figures for tokens with the figures scope: the dashboard's tables and the
publishable summary, built by the same code as the pages (passage.reports.figures), so every
number has been through the same small-number suppression: a suppressed figure has no value,
only its mark ("<5", "x", "–"). Audited as the pages are, besides the API's own call record."""

from datetime import date, datetime
from typing import Annotated

from django.utils import timezone
from ninja import Field, Query, Router, Schema

from passage.api.auth import TokenAuth
from passage.api.errors import ApiError, responses
from passage.api.schemas import BranchCode, RegionCode, StageCode
from passage.api.scopes import Scope
from passage.reports import actions, figures
from passage.reports.forms import FiguresFilterForm
from passage.reports.queries import FUNNEL, Filters
from passage.reports.suppression import Figure

router = Router(auth=TokenAuth(Scope.FIGURES_READ))
# Three years of weeks is 157 rows; the longest period the filters allow.
MAX_ROWS = 200
Label = Annotated[str, Field(max_length=100)]


class FiguresQuery(Schema):
    start: date | None = Field(None, description="First day (default: a year before `end`).")
    end: date | None = Field(None, description="Last day, included (default: today).")
    branch: BranchCode | None = None
    region: RegionCode | None = None


class FigureOut(Schema):
    value: int | None = Field(ge=0, description="None when the figure is suppressed.")
    shown: str = Field(max_length=20, description="As printed: a number, “<5”, “x” or “–”.")


class TableOut(Schema):
    key: str = Field(max_length=40)
    title: str = Field(max_length=200)
    row_header: str = Field(max_length=100)
    rows: list[Label] = Field(max_length=MAX_ROWS)
    columns: list[Label] = Field(max_length=20)
    cells: list[Annotated[list[FigureOut], Field(max_length=20)]] = Field(max_length=MAX_ROWS)
    row_totals: list[FigureOut] | None = Field(None, max_length=MAX_ROWS)
    col_totals: list[FigureOut] | None = Field(None, max_length=20)
    total: FigureOut | None = None


class FunnelStepOut(Schema):
    stage: StageCode
    label: str = Field(max_length=100)
    furthest: str = Field(max_length=40, description="Cases whose furthest step is this one.")
    reached: str = Field(max_length=60, description="Cases that reached this step.")
    conversion: str = Field(max_length=10, description="From the step before, when exact.")
    median_days: str = Field(max_length=20)


class DashboardOut(Schema):
    as_of: datetime
    start: date
    end: date
    branch: BranchCode | None
    region: RegionCode | None
    threshold: int = Field(ge=2, description="Figures from 1 to threshold - 1 are suppressed.")
    funnel: list[FunnelStepOut] = Field(max_length=10)
    tables: list[TableOut] = Field(max_length=10)


class SummaryOut(Schema):
    as_of: datetime
    threshold: int = Field(ge=2)
    total: FigureOut | None = Field(description="Defections so far, all years and branches.")
    table: TableOut


def _figure(f: Figure | None, t: int) -> dict | None:
    return None if f is None else {"value": f.value, "shown": figures.shown(f, t)}


def _table(table: figures.Table) -> dict:
    p, t = table.protected, table.protected.threshold
    return {
        "key": table.key,
        "title": table.title,
        "row_header": table.row_header,
        "rows": table.rows,
        "columns": table.columns,
        "cells": [[_figure(f, t) for f in row] for row in p.cells],
        "row_totals": None if p.row_totals is None else [_figure(f, t) for f in p.row_totals],
        "col_totals": None if p.col_totals is None else [_figure(f, t) for f in p.col_totals],
        "total": _figure(p.total, t),
    }


@router.get(
    "/dashboard",
    **responses({200: DashboardOut}, "scope_missing", "forbidden", "invalid"),
    summary="The analyst's dashboard figures, suppressed",
)
def read_dashboard_figures(request, query: Query[FiguresQuery]):
    """Requests per week, the funnel, defections per month by branch, rank group and region,
    rejections and referrals: as on the dashboard page, for the same filters."""
    form = FiguresFilterForm({k: v or "" for k, v in query.dict().items()})
    if not form.is_valid():
        problems = [
            {"field": f"query.{name}" if name != "__all__" else "query", "message": message}
            for name, messages in form.errors.items()
            for message in messages
        ]
        raise ApiError("invalid", fields=problems[:100])
    described = form.described()
    actions.view_dashboard(request.auth, described, request=request)
    f = form.filters()
    steps, _chart = figures.funnel(f)
    tables = figures.dashboard_tables(f)
    return {
        "as_of": timezone.now(),
        "start": described["start"],
        "end": described["end"],
        "branch": f.branch or None,
        "region": f.region or None,
        "threshold": figures.threshold(),
        "funnel": [
            {
                "stage": stage,
                "label": step.stage,
                "furthest": step.furthest,
                "reached": step.reached,
                "conversion": step.conversion,
                "median_days": step.median_days,
            }
            for stage, step in zip(FUNNEL, steps, strict=True)
        ],
        "tables": [_table(t) for t in tables],
    }


@router.get(
    "/summary",
    **responses({200: SummaryOut}, "scope_missing", "forbidden"),
    summary="The publishable summary: defections so far, by year and branch, suppressed",
)
def read_summary_figures(request):
    """What the summary page, its PDF and PNG show, with the date of the figures."""
    actions.view_summary(request.auth, request=request)
    table = figures.summary_table(Filters())
    return {
        "as_of": timezone.now(),
        "threshold": table.protected.threshold,
        "total": _figure(table.protected.total, table.protected.threshold),
        "table": _table(table),
    }
