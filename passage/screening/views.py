from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from passage.core import audit
from passage.core.access import Action, can, get_case_or_404, get_hit_or_404, require
from passage.core.validation import clean_text

from . import actions, alerts, imports
from .forms import ImportForm, RecordForm, ReviewForm
from .models import RECORD_MODELS, AbuseRecord, ImportBatch, Kind, WatchlistEntry


def lists(request):
    require(request.user, Action.VIEW_LISTS)
    audit.record(request.user, "screening.read_lists", request=request)
    return render(
        request,
        "screening/lists.html",
        {
            "watchlist": list(WatchlistEntry.objects.all()),
            "abuses": list(AbuseRecord.objects.all()),
            "can_import": can(request.user, Action.MANAGE_LISTS),
        },
    )


def alerts_page(request):
    require(request.user, Action.MANAGE_LISTS)
    return render(
        request,
        "screening/alerts.html",
        {"matches": alerts.list_matches(), "name_flags": alerts.follow_up_name_flags()},
    )


def import_upload(request):
    require(request.user, Action.MANAGE_LISTS)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            parsed = imports.parse_file(form.cleaned_data["kind"], upload.name, upload.read())
        except imports.UnreadableFile as e:
            form.add_error("file", str(e))
        else:
            actions.drop_expired_imports()
            batch = ImportBatch.objects.create(
                kind=form.cleaned_data["kind"],
                filename=clean_text(upload.name[:200]),
                rows=parsed.rows,
                errors=parsed.errors,
                uploaded_by=request.user,
            )
            return redirect("screening:import_preview", batch_id=batch.pk)
    return render(request, "screening/import_upload.html", {"form": form})


def import_preview(request, batch_id):
    batch = actions.get_import_batch_or_404(request.user, batch_id)
    if request.method == "POST":
        try:
            n = actions.commit_import(request.user, batch, request=request)
        except actions.ScreeningError as e:
            messages.error(request, str(e))
        else:
            messages.success(request, _("Imported %(n)d records.") % {"n": n})
            return redirect("screening:lists")
    if batch.rows:  # a preview shows every name in the file: a read of list records
        audit.record(request.user, "screening.read_import", batch, request=request)
    return render(
        request,
        "screening/import_preview.html",
        {
            "batch": batch,
            "errors": batch.errors,
            "rows": [[_show(v) for v in row.values()] for row in batch.rows],
        },
    )


def _show(value) -> str:
    if isinstance(value, list):
        return "; ".join(v["name"] if isinstance(v, dict) else str(v) for v in value)
    return "" if value is None else str(value)


@require_POST
def run(request, case_id):
    case = get_case_or_404(request.user, case_id, Action.SCREEN)
    hits = actions.screen_case(request.user, case, request=request)
    messages.success(request, _("Screened: %(n)d matches.") % {"n": len(hits)})
    return redirect("cases:detail", case_id=case.pk)


@require_POST
def review(request, hit_id):
    hit = get_hit_or_404(request.user, hit_id)
    case = hit.case
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose confirmed or false positive, and say why."))
    else:
        try:
            actions.review_hit(
                request.user,
                hit,
                form.cleaned_data["status"],
                clean_text(form.cleaned_data["note"], multiline=True),
                request=request,
            )
        except actions.ScreeningError as e:
            messages.error(request, str(e))
        else:
            messages.success(request, _("Review saved."))
    return redirect("cases:detail", case_id=case.pk)


def _list_record(user, kind: str, record_id):
    """The model and record (None for a new one) a coordinator is adding, changing or removing."""
    require(user, Action.MANAGE_LISTS)
    model = RECORD_MODELS.get(kind)
    if model is None:
        raise Http404
    record = None
    if record_id is not None:
        record = model.objects.filter(pk=record_id).first()
        if record is None:
            raise Http404
    return record


def record_edit(request, kind, record_id=None):
    record = _list_record(request.user, kind, record_id)
    form = RecordForm(kind, record, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        saved = actions.save_record(request.user, kind, record, form.row, request=request)
        messages.success(
            request,
            _("Saved %(ref)s; earlier requests were screened against it again.")
            % {"ref": saved.reference},
        )
        return redirect("screening:lists")
    if record is not None and request.method == "GET":
        audit.record(request.user, "screening.read_record", record, request=request)
    return render(
        request,
        "screening/record_form.html",
        {"form": form, "kind": kind, "record": record, "kind_label": Kind(kind).label},
    )


@require_POST
def record_remove(request, kind, record_id):
    record = _list_record(request.user, kind, record_id)
    withdrawn = actions.remove_record(request.user, record, request=request)
    messages.success(
        request,
        _("Removed %(ref)s; %(n)d open matches it had raised were withdrawn.")
        % {"ref": record.reference, "n": withdrawn},
    )
    return redirect("screening:lists")
