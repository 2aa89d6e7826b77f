import segno
from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_login_failed
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from passage.accounts import actions
from passage.accounts.forms import (
    CellForm,
    ChangePasswordForm,
    CodeForm,
    CurrentPasswordForm,
    EditUserForm,
    NewPasswordForm,
    NewUserForm,
    SetupForm,
    SetupWithPassphraseForm,
    SignInForm,
    TokenForm,
)
from passage.accounts.models import AccountRequest, Cell, EnrolmentCode, User
from passage.core.access import Action, can, require
from passage.core.models import Organisation
from passage.core.sealing import actions as sealing
from passage.core.sealing import keyring
from passage.core.sealing import state as sealing_state
from passage.core.views import submit

ENROLLING = "passage_enrolling_user"
REDEEMING = "passage_redeeming_code"  # the id of a checked enrolment code, never the code


def setup(request):
    """First run only: name the organisation and create the first coordinator."""
    if Organisation.current() is not None:
        raise Http404
    # A new installation also chooses its unseal passphrase here (unless `passage keyring init`
    # already made the keyring).
    form_class = SetupForm if keyring.exists() else SetupWithPassphraseForm
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = actions.complete_setup(
                organisation_name=data["organisation_name"],
                username=data["username"],
                password=data["password"],
                passphrase=data.get("passphrase", ""),
                request=request,
            )
        except actions.SetupAlreadyDone:
            raise Http404 from None
        request.session[ENROLLING] = user.pk
        if data["load_demo"]:
            from passage.cases.demo import load_demo_data

            demo = load_demo_data(actor=user)
            # The demo accounts' one-time passwords are shown on this response only.
            return render(request, "accounts/setup_demo_loaded.html", {"demo": demo})
        return redirect("accounts:enroll")
    return render(request, "accounts/setup.html", {"form": form})


def sign_in(request):
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # Sealed, yet this page answers after the duress password (sealing/middleware.py).
        sealed_quietly = not sealing_state.is_unsealed()
        if sealed_quietly or sealing.is_duress_password(data["password"]):
            # Looks like a wrong password to whoever is watching; Passage is sealed behind it.
            if not sealed_quietly:
                sealing.seal_now(None, reason="duress", request=request)
            form.add_error(None, _("The username, password or code is wrong."))
            return render(request, "accounts/sign_in.html", {"form": form})
        user = authenticate(request, username=data["username"], password=data["password"])
        if user is not None and actions.may_enrol_with_password(user):
            request.session.cycle_key()
            request.session[ENROLLING] = user.pk
            return redirect("accounts:enroll")
        if user is not None and not actions.has_confirmed_totp(user):
            form.add_error(None, _("Your authenticator was reset: use your one-time code."))
            return render(request, "accounts/sign_in.html", {"form": form})
        if user is not None and actions.sign_in_with_totp(request, user, data["token"]):
            _tell_of_resets(request, user)
            return redirect(_safe_next(request))
        if user is not None:
            # A right password with a wrong code counts as a failed attempt towards lock-out.
            user_login_failed.send(
                sender=__name__, credentials={"username": data["username"]}, request=request
            )
        actions.record_failed_sign_in(data["username"], request=request)
        if getattr(request, "axes_locked_out", False):
            return render(request, "accounts/locked_out.html", status=429)
        form.add_error(None, _("The username, password or code is wrong."))
    return render(request, "accounts/sign_in.html", {"form": form})


def _tell_of_resets(request, user) -> None:
    for notice in actions.reset_notices(user, request=request):
        messages.warning(request, notice)


def redeem(request):
    """First sign-in, or after an approved reset: the one-time code, then one's own password
    (or, after a second-factor reset, one's current password), then the authenticator."""
    enrolment = actions.checked_code(request.session.get(REDEEMING))
    if enrolment is None:
        form = CodeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            found = actions.valid_code(data["username"], data["code"])
            if found is not None:
                request.session.cycle_key()
                request.session[REDEEMING] = found.pk
                return redirect("accounts:redeem")
            actions.record_failed_code(data["username"], request=request)
            form.add_error(None, _("That code is wrong, used or expired."))
        return render(request, "accounts/redeem.html", {"form": form})
    sets_password = enrolment.purpose == EnrolmentCode.Purpose.SET_PASSWORD
    form = (NewPasswordForm if sets_password else CurrentPasswordForm)(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if sets_password:
                user = actions.set_password_with_code(
                    enrolment, form.cleaned_data["password"], request=request
                )
            else:
                user = actions.use_totp_code(
                    enrolment, form.cleaned_data["password"], request=request
                )
        except actions.AccountError as exc:
            form.add_error(None, str(exc))
        else:
            request.session.pop(REDEEMING, None)
            if actions.has_confirmed_totp(user):
                messages.success(request, _("Your password is set. Sign in with it."))
                return redirect("accounts:login")
            request.session[ENROLLING] = user.pk
            return redirect("accounts:enroll")
    return render(
        request,
        "accounts/redeem.html",
        {"form": form, "enrolment": enrolment, "sets_password": sets_password},
    )


def password_change(request):
    """Anyone signed in changes their own password; their other sessions end."""
    form = ChangePasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.change_password(
                request, form.cleaned_data["current_password"], form.cleaned_data["password"]
            )
        except actions.AccountError as exc:
            form.add_error("current_password", str(exc))
        else:
            messages.success(request, _("Password changed. You were signed out everywhere else."))
            return redirect("home")
    return render(request, "accounts/password_change.html", {"form": form})


def _safe_next(request) -> str:
    target = request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return "/"


def enroll(request):
    """Set up the authenticator app: scan the QR code, then type one code to confirm it."""
    user = User.objects.filter(pk=request.session.get(ENROLLING), is_active=True).first()
    if user is None or actions.has_confirmed_totp(user):
        return redirect("accounts:login")
    device = actions.pending_totp_device(user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if actions.confirm_totp_and_sign_in(request, user, form.cleaned_data["token"]):
            request.session.pop(ENROLLING, None)
            messages.success(request, _("Your authenticator is set up. Welcome to Passage."))
            _tell_of_resets(request, user)
            return redirect("/")
        form.add_error("token", _("That code is not right. Check the time on your phone."))
    qr = segno.make(device.config_url, error="m")
    return render(
        request,
        "accounts/enroll.html",
        {
            "form": form,
            "qr_svg": qr.svg_inline(scale=5, border=2, omitsize=True),
            "secret": device.config_url.split("secret=")[1].split("&")[0],
            "enrolling_user": user,
        },
    )


@require_POST
def sign_out(request):
    actions.sign_out(request)
    return redirect("accounts:login")


def home(request):
    """Where each role starts."""
    user = request.user
    if can(user, Action.MANAGE_USERS):
        return redirect("accounts:users")
    if user.role == "analyst":
        return redirect("reports:dashboard")
    return redirect("cases:queue")


def users(request):
    require(request.user, Action.MANAGE_USERS)
    people = User.objects.order_by("username").prefetch_related("cells")
    return render(request, "accounts/users.html", {"people": people})


def user_new(request):
    require(request.user, Action.MANAGE_USERS)
    form = NewUserForm(request.POST or None)

    def created(result):
        user, code, waiting = result
        # The code is shown once, on this response only; only its hash is stored.
        return render(
            request,
            "accounts/user_created.html",
            {"new_user": user, "code": code, "waiting": waiting},
        )

    if request.method == "POST":
        return submit(
            request,
            form,
            actions.create_user,
            done=created,
            failed=lambda form: _user_form(request, form),
        )
    return _user_form(request, form)


def _user_form(request, form, person=None):
    return render(request, "accounts/user_form.html", {"form": form, "person": person})


def user_edit(request, user_id: int):
    require(request.user, Action.MANAGE_USERS)
    person = get_object_or_404(User, pk=user_id)
    form = EditUserForm(
        request.POST or None,
        initial={
            "display_name": person.display_name,
            "role": person.role,
            "is_active": person.is_active,
        },
    )

    def saved(waiting):
        if waiting is not None:
            messages.info(request, _("Saved. The new role waits for a coordinator's approval."))
        else:
            messages.success(request, _("Saved."))
        return redirect("accounts:users")

    if request.method == "POST":
        return submit(
            request,
            form,
            actions.update_user,
            person,
            done=saved,
            failed=lambda form: _user_form(request, form, person),
        )
    return _user_form(request, form, person)


@require_POST
def user_reset_totp(request, user_id: int):
    return _request_reset(request, user_id, AccountRequest.Kind.RESET_TOTP)


@require_POST
def user_reset_password(request, user_id: int):
    return _request_reset(request, user_id, AccountRequest.Kind.RESET_PASSWORD)


def _request_reset(request, user_id: int, kind: str):
    require(request.user, Action.MANAGE_USERS)
    person = get_object_or_404(User, pk=user_id)
    try:
        actions.request_reset(request.user, person, kind, request=request)
    except actions.AccountError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Asked. A coordinator must approve it; then %(user)s gets a new one-time code.")
            % {"user": person.username},
        )
    return redirect("accounts:users")


def account_requests(request):
    """Account changes waiting for a coordinator, and the last ones decided."""
    require(request.user, Action.VIEW_ACCOUNT_REQUESTS)
    waiting = AccountRequest.objects.select_related("user", "requested_by", "decided_by", "cell")
    return render(
        request,
        "accounts/requests.html",
        {
            "waiting": waiting.filter(status=AccountRequest.Status.PENDING),
            "decided": waiting.exclude(status=AccountRequest.Status.PENDING)[:50],
            "may_approve": can(request.user, Action.APPROVE_ACCOUNT_REQUEST),
        },
    )


@require_POST
def request_approve(request, request_id: int):
    require(request.user, Action.APPROVE_ACCOUNT_REQUEST)
    waiting = get_object_or_404(AccountRequest.objects.select_related("user"), pk=request_id)
    try:
        code = actions.approve_request(request.user, waiting, request=request)
    except actions.AccountError as exc:
        messages.error(request, str(exc))
        return redirect("accounts:requests")
    if code:
        # Shown once, to the approver, who hands it to the person; only its hash is stored.
        return render(
            request, "accounts/user_created.html", {"new_user": waiting.user, "code": code}
        )
    messages.success(request, _("Approved."))
    return redirect("accounts:requests")


@require_POST
def request_decline(request, request_id: int):
    require(request.user, Action.APPROVE_ACCOUNT_REQUEST)
    waiting = get_object_or_404(AccountRequest, pk=request_id)
    try:
        actions.decline_request(request.user, waiting, request=request)
    except actions.AccountError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Declined."))
    return redirect("accounts:requests")


def cells(request):
    require(request.user, Action.MANAGE_USERS)
    return render(
        request,
        "accounts/cells.html",
        {
            "cells": Cell.objects.prefetch_related("members"),
        },
    )


def cell_edit(request, cell_id: int | None = None):
    require(request.user, Action.MANAGE_USERS)
    cell = get_object_or_404(Cell, pk=cell_id) if cell_id else Cell()
    initial = {"name": cell.name, "members": list(cell.members.all()) if cell.pk else []}
    form = CellForm(request.POST or None, initial=initial, cell=cell)
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_cell(request.user, cell, **form.cleaned_data, request=request)
        except actions.AccountError as exc:
            form.add_error(None, str(exc))
        else:
            waiting = cell.accountrequest_set.filter(status=AccountRequest.Status.PENDING)
            if waiting.exists():
                messages.info(request, _("Saved. New members wait for a coordinator's approval."))
            else:
                messages.success(request, _("Saved."))
            return redirect("accounts:cells")
    return render(request, "accounts/cell_form.html", {"form": form, "cell": cell})
