import logging

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation

from passage.partners import actions as partner_actions
from passage.partners import summary as partner_summary
from passage.reports import actions, figures, pdf, png
from passage.reports.forms import FiguresFilterForm
from passage.reports.queries import Filters

logger = logging.getLogger(__name__)


def dashboard(request):
    """Aggregate figures for analysts and coordinators: never a name, a pseudonym or a case."""
    form = FiguresFilterForm(request.GET or None)
    actions.view_dashboard(request.user, form.described(), request=request)
    f = form.filters()
    steps, funnel_chart = figures.funnel(f)
    tables = figures.dashboard_tables(f)
    return render(
        request,
        "reports/dashboard.html",
        {
            "form": form,
            "steps": steps,
            "funnel_chart": funnel_chart,
            "tables": [(t, t.chart_data()) for t in tables],
            "threshold": figures.threshold(),
        },
    )


def _summary_context() -> dict:
    return {
        "table": figures.summary_table(Filters()),
        "as_of": timezone.now(),
        "threshold": figures.threshold(),
        "overlap": partner_summary.published(partner_actions.last_result()),
    }


def summary(request):
    """Figures a coordinator can hand to the press: defections so far, by year and branch."""
    actions.view_summary(request.user, request=request)
    context = _summary_context()
    context["chart"] = context["table"].chart_data()
    return render(request, "reports/summary.html", context)


def _export(request, fmt: str, render, content_type: str) -> HttpResponse:
    """The summary as a file in the page's language, dated, audited like the page."""
    actions.export_summary(request.user, fmt, request=request)
    as_of = timezone.now()
    language = translation.get_language() or "en"
    if language == "my" and not png.can_shape_burmese():
        # A server without FriBiDi (Debian's libfribidi0) gives Pillow no raqm: an English
        # file beats a Burmese one printed wrong, or none at all.
        logger.warning("Burmese figures exported in English: Pillow has no raqm here")
        language = "en"
    body = render(as_of=as_of, language=language)
    response = HttpResponse(body, content_type=content_type)
    day = timezone.localdate(as_of).isoformat()
    response["Content-Disposition"] = f'attachment; filename="passage-figures-{day}.{fmt}"'
    return response


def summary_pdf(request):
    return _export(request, "pdf", pdf.render_summary, "application/pdf")


def summary_png(request):
    return _export(request, "png", png.render_summary, "image/png")
