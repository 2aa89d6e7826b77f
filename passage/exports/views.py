import tempfile

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from passage.accounts.roles import CASE_ROLES
from passage.exports import actions
from passage.exports.forms import ExportForm


def export_queue(request):
    """The triage queue as CSV or XLSX: the filters as on the queue page, then chosen columns."""
    if request.user.role not in CASE_ROLES:
        raise PermissionDenied
    if request.method != "POST":
        form = ExportForm(initial=request.GET.dict(), user=request.user)
        return render(request, "exports/queue_export.html", {"form": form})
    form = ExportForm(request.POST, user=request.user)
    if not form.is_valid():
        return render(request, "exports/queue_export.html", {"form": form}, status=400)
    data = form.cleaned_data
    export = actions.Export(
        request.user,
        form.filters(),
        data["columns"],
        reason=data.get("reason", ""),
        request=request,
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if data["file_format"] == "csv":
        response = StreamingHttpResponse(
            actions.csv_chunks(export), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="passage-queue-{stamp}.csv"'
    else:
        # Written to a temporary file (spilled to disk past 8 MB), then streamed from it.
        spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
        actions.xlsx_file(export, spool)
        spool.seek(0)
        response = FileResponse(
            spool,
            as_attachment=True,
            filename=f"passage-queue-{stamp}.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Cache-Control"] = "no-store"
    return response
