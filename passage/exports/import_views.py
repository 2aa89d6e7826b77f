"""Pages for importing a spreadsheet: upload, then map columns and preview, then commit."""

from datetime import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from passage.core import uploads
from passage.core.access import Action, can
from passage.exports import importing
from passage.exports.import_forms import MappingForm, UploadForm
from passage.exports.spreadsheet import MAX_BYTES, SheetError, other_sheets, read_sheet

PREVIEW_ROWS = 10
MAX_PROBLEMS_SHOWN = 200


def _shown(value) -> str:
    if isinstance(value, list):
        return "; ".join(value)
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, bool):
        return _("yes") if value else ""
    return "" if value is None else str(value)


def upload(request):
    if not can(request.user, Action.IMPORT_CASES):
        raise PermissionDenied
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        sheet = form.cleaned_data["sheet"]
        try:
            if getattr(sheet, "too_large", False):  # past settings.UPLOAD_MAX_BYTES: not kept
                raise SheetError(uploads.too_large_message())
            if sheet.size > MAX_BYTES:
                raise SheetError(_("The file is larger than 5 MB. Split it and upload the parts."))
            data = sheet.read()
            header, rows = read_sheet(sheet.name, data)
        except SheetError as exc:
            form.add_error("sheet", str(exc))
        else:
            skipped = other_sheets(sheet.name, data)
            if skipped:
                messages.info(
                    request,
                    _(
                        "Only the first sheet is read. Left out: %(sheets)s (in a survey export, "
                        "repeat groups such as family members)."
                    )
                    % {"sheets": ", ".join(skipped[:20])},
                )
            batch = importing.start_import(
                request.user,
                header,
                rows,
                default_channel=form.cleaned_data["default_channel"],
                cell=form.cleaned_data["cell"],
                request=request,
            )
            return redirect("exports:import_review", batch_id=batch.pk)
    return render(request, "exports/import_upload.html", {"form": form})


def review(request, batch_id):
    batch = importing.get_batch_or_404(request.user, batch_id)
    header = batch.content["header"]
    form = MappingForm(
        request.POST or None,
        initial=batch.mapping,
        header=header,
        unknown=importing.unknown_values(batch),
        values=batch.content.get("values"),
    )
    if request.method == "POST" and form.is_valid():
        batch.mapping = form.mapping()
        batch.save(update_fields=["mapping"])
        importing.set_value_map(batch, form.value_map())
        if "commit" in request.POST:
            try:
                count = importing.commit_import(request.user, batch, request=request)
            except importing.ImportRefused:
                messages.error(request, _("Nothing was imported: correct the rows listed below."))
            else:
                messages.success(request, _("%(n)d cases imported.") % {"n": count})
                return redirect("cases:queue")
        if "commit" not in request.POST:
            # The columns may have changed: ask about the values of the new ones.
            return redirect("exports:import_review", batch_id=batch.pk)
    check = importing.check_rows(batch)
    preview = [
        [_shown(row.get(k)) for k in importing.FORM_TARGETS] for row in check.cleaned[:PREVIEW_ROWS]
    ]
    return render(
        request,
        "exports/import_review.html",
        {
            "batch": batch,
            "form": form,
            "check": check,
            "problems": check.problems[:MAX_PROBLEMS_SHOWN],
            "preview": preview,
            "targets": [(k, importing.TARGETS[k][0]) for k in importing.FORM_TARGETS],
        },
    )
