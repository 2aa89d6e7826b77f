from django.conf import settings
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from passage.core.access import Action, require
from passage.exports import actions, jobs
from passage.exports.forms import ExportForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX}


def _attachment(response, file_format: str, when):
    stamp = timezone.localtime(when).strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="passage-queue-{stamp}.{file_format}"'
    response["Cache-Control"] = "no-store"
    return response


def _form_page(request, form, status=200):
    limits = {"rows": settings.EXPORT_BACKGROUND_ROWS, "minutes": settings.EXPORT_LINK_MINUTES}
    return render(
        request, "exports/queue_export.html", {"form": form, "limits": limits}, status=status
    )


def export_queue(request):
    """The triage queue as CSV or XLSX: the filters as on the queue page, then chosen columns.
    Above settings.EXPORT_BACKGROUND_ROWS rows the export becomes a job with its own page."""
    require(request.user, Action.EXPORT_LIST)
    if request.method != "POST":
        form = ExportForm(initial=request.GET.dict(), user=request.user)
        return _form_page(request, form)
    form = ExportForm(request.POST, user=request.user)
    if not form.is_valid():
        return _form_page(request, form, status=400)
    data = form.cleaned_data
    reason, file_format, filters = data.get("reason", ""), data["file_format"], form.filters()
    export = actions.Export(request.user, filters, data["columns"], reason=reason, request=request)
    if actions.is_large(export):
        job = actions.start_export_job(
            request.user, export, filters, file_format, reason=reason, request=request
        )
        return redirect("exports:job", job_id=job.pk)
    actions.audit_export(request.user, export, request=request)
    # Both formats stream as they are written: nothing of the export touches the disk.
    response = StreamingHttpResponse(
        actions.CHUNKS[file_format](export), content_type=CONTENT_TYPES[file_format]
    )
    return _attachment(response, file_format, timezone.now())


def job(request, job_id):
    """A background export: its progress while it runs, then its download link until expiry."""
    export_job = jobs.get_job_or_404(request.user, job_id)
    jobs.settle(export_job)
    context = {"job": export_job, "waiting": jobs.waiting_reason(export_job)}
    return render(request, "exports/job.html", context)


def download(request, job_id):
    export_job = jobs.get_job_or_404(request.user, job_id)
    try:
        chunks = actions.download_export(request.user, export_job, request=request)
    except jobs.ExportGone:
        if export_job.status != export_job.Status.EXPIRED:
            return redirect("exports:job", job_id=export_job.pk)  # not ready, or failed
        return render(request, "exports/job.html", {"job": export_job, "gone": True}, status=410)
    response = StreamingHttpResponse(chunks, content_type=CONTENT_TYPES[export_job.file_format])
    return _attachment(response, export_job.file_format, export_job.finished_at)
