from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from passage.aftercare import actions, attachments
from passage.aftercare.forms import (
    AttachmentForm,
    ConsentForm,
    LiveSessionForm,
    NeedForm,
    ParticipantForm,
    StatementForm,
)
from passage.aftercare.models import (
    OPEN_STATUSES,
    Attachment,
    Consent,
    LiveSession,
    Need,
    Statement,
)
from passage.core.access import (
    Action,
    aftercare_cases,
    get_aftercare_item_or_404,
    get_case_or_404,
    require,
)
from passage.core.views import done, submit


def _case_page(request, case, *, need_form=None, statement_form=None, status=200):
    return render(
        request,
        "aftercare/case.html",
        {
            "case": case,
            "needs": case.needs.all(),
            "statements": Statement.objects.shown().filter(case=case),
            "need_form": need_form or NeedForm(),
            "statement_form": statement_form or StatementForm(),
            "can_edit": True,
        },
        status=status,
    )


def case_aftercare(request, case_id):
    case = get_case_or_404(request.user, case_id, Action.VIEW_AFTERCARE)
    return _case_page(request, case)


def _on_case(form_class, action, form_name, message):
    """A view posting one of the case page's forms: the action on valid input, else the page
    with the form's errors."""

    @require_POST
    def view(request, case_id):
        case = get_case_or_404(request.user, case_id, Action.EDIT_AFTERCARE)
        return submit(
            request,
            form_class(request.POST),
            action,
            case,
            done=lambda result: done(request, str(message), "aftercare:case", case_id=case.pk),
            failed=lambda form: _case_page(request, case, status=400, **{form_name: form}),
        )

    return view


add_need = _on_case(NeedForm, actions.add_need, "need_form", gettext_lazy("Need recorded."))
add_statement = _on_case(
    StatementForm,
    actions.record_statement,
    "statement_form",
    gettext_lazy("Statement recorded."),
)


def edit_need(request, need_id):
    need = get_aftercare_item_or_404(request.user, Need.objects, need_id)
    if request.method == "POST":
        need = get_aftercare_item_or_404(request.user, Need.objects, need_id, Action.EDIT_AFTERCARE)
    form = NeedForm.for_need(need, request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.update_need(request.user, need, form.cleaned_data, request=request)
        messages.success(request, _("Need updated."))
        return redirect("aftercare:case", case_id=need.case_id)
    return render(
        request,
        "aftercare/need.html",
        {"need": need, "form": form},
        status=400 if form.errors else 200,
    )


def open_needs(request):
    """A caseworker's list of open needs, on the cases they are assigned to."""
    require(request.user, Action.VIEW_AFTERCARE)
    needs = (
        Need.objects.filter(status__in=OPEN_STATUSES, case__in=aftercare_cases(request.user))
        .select_related("case__person")
        .order_by("kind", "created_at")
    )
    return render(request, "aftercare/open_needs.html", {"needs": needs})


def statement(request, statement_id):
    item = get_aftercare_item_or_404(request.user, Statement.objects.shown(), statement_id)
    return _statement_page(request, item)


def _statement_page(request, item, attachment_form=None):
    content = actions.read_statement(request.user, item, request=request)
    return render(
        request,
        "aftercare/statement.html",
        {
            "item": item,
            "content": content,
            "consent_form": ConsentForm(initial={"consent": item.consent}),
            "attachment_form": attachment_form or AttachmentForm(),
            "attachments": item.attachments.all(),
        },
        status=400 if attachment_form is not None else 200,
    )


@require_POST
def statement_consent(request, statement_id):
    item = get_aftercare_item_or_404(
        request.user, Statement.objects.shown(), statement_id, Action.EDIT_AFTERCARE
    )
    form = ConsentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a consent level."))
        return redirect("aftercare:statement", statement_id=item.pk)
    actions.change_consent(request.user, item, form.cleaned_data["consent"], request=request)
    messages.success(request, _("Consent changed."))
    return redirect("aftercare:statement", statement_id=item.pk)


@require_POST
def statement_withdraw(request, statement_id):
    item = get_aftercare_item_or_404(
        request.user, Statement.objects.shown(), statement_id, Action.EDIT_AFTERCARE
    )
    actions.withdraw_consent(request.user, item, request=request)
    messages.success(request, _("Consent withdrawn. The statement will not be shown again."))
    return redirect("aftercare:case", case_id=item.case_id)


def _eligible_cases(user):
    live = Statement.objects.shown().filter(consent=Consent.LIVE).values("case_id")
    return aftercare_cases(user).filter(pk__in=live).select_related("person")


def live_sessions(request):
    require(request.user, Action.SCHEDULE_LIVE)
    form = LiveSessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        session = actions.schedule_live(request.user, **form.cleaned_data, request=request)
        messages.success(request, _("Session scheduled."))
        return redirect("aftercare:live_session", session_id=session.pk)
    return render(
        request,
        "aftercare/live_sessions.html",
        {"sessions": LiveSession.objects.upcoming(), "form": form},
        status=400 if form.errors else 200,
    )


def live_session(request, session_id):
    require(request.user, Action.SCHEDULE_LIVE)
    session = get_object_or_404(LiveSession, pk=session_id)
    form = ParticipantForm(request.POST or None, cases=_eligible_cases(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_live_participant(
                request.user, session, form.cleaned_data["case"], request=request
            )
        except actions.LiveError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Added to the session."))
            return redirect("aftercare:live_session", session_id=session.pk)
    # Each person shows only to those who may see their after-care, and only while consenting.
    participants = session.participants.consenting().filter(case__in=aftercare_cases(request.user))
    return render(
        request,
        "aftercare/live_session.html",
        {
            "session": session,
            "participants": participants.select_related("case__person"),
            "form": form,
        },
        status=400 if form.errors else 200,
    )


# Exempt, then protected inside: the upload handlers must be set before anything reads the
# body, and the CSRF middleware would read it first (Django's documented pattern).
@csrf_exempt
@require_POST
def add_attachment(request, statement_id):
    request.upload_handlers = [attachments.MemoryOnlyUpload(request)]
    return _add_attachment(request, statement_id)


@csrf_protect
def _add_attachment(request, statement_id):
    item = get_aftercare_item_or_404(
        request.user, Statement.objects.shown(), statement_id, Action.EDIT_AFTERCARE
    )
    form = AttachmentForm(request.POST, request.FILES)
    if getattr(request, "upload_too_large", False):
        form.is_valid()
        form.errors.pop("file", None)
        form.add_error("file", attachments.too_large_message())
        return _statement_page(request, item, attachment_form=form)
    if not form.is_valid():
        return _statement_page(request, item, attachment_form=form)
    actions.attach(
        request.user, item, content_type=form.content_type, data=form.clean_bytes, request=request
    )
    messages.success(request, _("Attached."))
    return redirect("aftercare:statement", statement_id=item.pk)


def attachment(request, attachment_id):
    shown = Attachment.objects.filter(statement__in=Statement.objects.shown())
    item = get_aftercare_item_or_404(request.user, shown.select_related("statement"), attachment_id)
    data = actions.read_attachment(request.user, item, request=request)
    response = HttpResponse(data, content_type=item.content_type)
    response["Content-Disposition"] = f'attachment; filename="{item.pk}"'
    response["Cache-Control"] = "no-store"
    return response
