"""The public pages (no account, no cookie) and the intake officers' inbox.

The public pages are CSRF-exempt on purpose: each form carries a signed one-time token
(tokens.py) instead of the CSRF cookie, so a visitor's browser keeps nothing from us. Language
comes from `?lang=` or the form's own `lang` field, never a cookie.
"""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from passage.core import sealed_box
from passage.core.access import (
    Action,
    get_case_or_404,
    get_submission_or_404,
    public_submissions_for,
    require,
)
from passage.core.sealing.state import SealedError
from passage.public import actions, receipts, tokens
from passage.public.forms import MessageForm, PublicRequestForm, ReceiptForm, ReplyForm
from passage.public.models import Source, Submission

LANGS = {code for code, _name in settings.LANGUAGES}


def public_page(view):
    """No cookie, no cache, the language the visitor chose on the page."""

    @csrf_exempt
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        lang = request.POST.get("lang") or request.GET.get("lang")
        if lang in LANGS:
            translation.activate(lang)
            request.LANGUAGE_CODE = lang
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)
        response["Cache-Control"] = "no-store"
        return response

    return wrapper


def _render(request, template, context, status=200):
    context = {"lang": translation.get_language(), "languages": settings.LANGUAGES, **context}
    return render(request, template, context, status=status)


def _busy(request):
    """Too many receipts are being made or checked at once: say so, and when to come back."""
    response = _render(request, "public/busy.html", {}, status=503)
    response["Retry-After"] = "60"
    return response


def _token_error(form, exc):
    form.add_error(None, str(exc))


def _fresh_token(form):
    """A form shown again carries a new one-time token: the one it was posted with is spent."""
    form.data = form.data.copy()
    form.data["token"] = tokens.issue()


@public_page
def start(request):
    form = PublicRequestForm(request.POST or None, initial={"token": tokens.issue()})
    if request.method == "POST" and form.is_valid():
        try:
            receipt = actions.submit_first(
                form.cleaned_data, token=form.cleaned_data["token"], language=request.LANGUAGE_CODE
            )
        except tokens.TokenError as exc:
            _token_error(form, exc)
        except sealed_box.BoxError:
            return _render(request, "public/unavailable.html", {}, status=503)
        except receipts.Busy:
            return _busy(request)
        else:
            return _render(request, "public/receipt.html", {"receipt": receipt})
    if request.method == "POST":
        _fresh_token(form)
    # Said before anyone writes a long message in vain; a POST is refused by the action anyway.
    closed = request.method == "GET" and tokens.daily_limit_reached()
    return _render(
        request,
        "public/start.html",
        {"form": form, "closed": closed},
        status=400 if form.errors else 200,
    )


@public_page
def check(request):
    """Come back with the receipt: read replies, send more."""
    form = ReceiptForm(request.POST or None, initial={"token": tokens.issue()})
    if request.method == "POST" and form.is_valid():
        try:
            source = actions.open_receipt(
                form.cleaned_data["code_name"],
                form.cleaned_data["passphrase"],
                token=form.cleaned_data["token"],
            )
        except tokens.TokenError as exc:
            _token_error(form, exc)
        except receipts.Busy:
            return _busy(request)
        else:
            if source is not None:
                return _messages_page(request, source, receipt_checked=True)
            form.add_error(None, _("That code name and passphrase do not match. Check them."))
    if request.method == "POST":
        _fresh_token(form)
    return _render(request, "public/check.html", {"form": form}, status=400 if form.errors else 200)


def _messages_page(request, source, *, receipt_checked, form=None, sent=False, status=200):
    """Replies are shown only right after the receipt (with its passphrase) was checked: the
    access token in the send-more form lets one send more for 30 minutes, never read."""
    replies = None
    if receipt_checked:
        try:
            replies = actions.replies_for(source)
        except SealedError:
            pass
    form = form or MessageForm(initial={"token": tokens.issue()})
    return _render(
        request,
        "public/messages.html",
        {
            "replies": replies,
            "receipt_checked": receipt_checked,
            "form": form,
            "access": tokens.source_access(source.pk),
            "sent": sent,
        },
        status=status,
    )


@public_page
@require_POST
def send_more(request):
    source_id = tokens.source_from_access(request.POST.get("access", ""))
    source = Source.objects.filter(pk=source_id).first() if source_id else None
    if source is None:
        return redirect(f"{reverse('public:check')}?lang={request.LANGUAGE_CODE}")
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            actions.submit_more(
                source,
                form.cleaned_data["message"],
                token=form.cleaned_data["token"],
                language=request.LANGUAGE_CODE,
            )
        except tokens.TokenError as exc:
            _token_error(form, exc)
        else:
            return _messages_page(request, source, receipt_checked=False, sent=True)
    _fresh_token(form)
    return _messages_page(request, source, receipt_checked=False, form=form, status=400)


def not_found(request, exception=None):
    """The 404 page of a public-only process: the staff pages' one links to pages it has not."""
    return _render(request, "public/404.html", {}, status=404)


# --- staff -----------------------------------------------------------------------------------


def inbox(request):
    require(request.user, Action.VIEW_PUBLIC_INBOX)
    new = public_submissions_for(
        request.user, Submission.objects.filter(status=Submission.Status.NEW)
    ).select_related("source__case__person")
    return render(request, "public/inbox.html", {"submissions": new})


def submission(request, submission_id):
    item = get_submission_or_404(request.user, submission_id)
    content = actions.read_submission(request.user, item, request=request)
    return render(request, "public/submission.html", {"item": item, "content": content})


@require_POST
def submission_log(request, submission_id):
    item = get_submission_or_404(request.user, submission_id)
    if item.status != Submission.Status.NEW:
        messages.error(request, _("This submission was already handled."))
        return redirect("public_inbox:inbox")
    case = actions.log_submission(request.user, item, request=request)
    messages.success(
        request, _("Logged as a request on %(pseudonym)s.") % {"pseudonym": case.person.pseudonym}
    )
    return redirect("cases:detail", case_id=case.pk)


@require_POST
def submission_dismiss(request, submission_id):
    item = get_submission_or_404(request.user, submission_id)
    if item.status == Submission.Status.NEW:
        actions.dismiss_submission(request.user, item, request=request)
        messages.success(request, _("Submission dismissed."))
    return redirect("public_inbox:inbox")


def case_reply(request, case_id):
    case = get_case_or_404(request.user, case_id, Action.REPLY_PUBLIC)
    if not case.sources.exists():
        messages.error(request, _("This case did not come through the public form."))
        return redirect("cases:detail", case_id=case.pk)
    form = ReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.reply(request.user, case, form.cleaned_data["body"], request=request)
        messages.success(request, _("Reply saved. The requester reads it with their receipt."))
        return redirect("cases:detail", case_id=case.pk)
    return render(
        request,
        "public/reply.html",
        {"form": form, "case": case, "receipt_words": receipts.PASSPHRASE_WORDS},
        status=400 if form.errors else 200,
    )
