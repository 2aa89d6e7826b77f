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
    EditUserForm,
    NewUserForm,
    SetupForm,
    SetupWithPassphraseForm,
    SignInForm,
    TokenForm,
)
from passage.accounts.models import Cell, User
from passage.core.access import Action, can, require
from passage.core.models import Organisation
from passage.core.sealing import actions as sealing
from passage.core.sealing import keyring
from passage.core.sealing import state as sealing_state

ENROLLING = "passage_enrolling_user"


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
        if user is not None and not actions.has_confirmed_totp(user):
            request.session.cycle_key()
            request.session[ENROLLING] = user.pk
            return redirect("accounts:enroll")
        if user is not None and actions.sign_in_with_totp(request, user, data["token"]):
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
    if request.method == "POST" and form.is_valid():
        user, password = actions.create_user(request.user, **form.cleaned_data, request=request)
        # Shown once, on this response only; never stored in clear.
        return render(
            request, "accounts/user_created.html", {"new_user": user, "password": password}
        )
    return render(request, "accounts/user_form.html", {"form": form})


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
    if request.method == "POST" and form.is_valid():
        actions.update_user(request.user, person, **form.cleaned_data, request=request)
        messages.success(request, _("Saved."))
        return redirect("accounts:users")
    return render(request, "accounts/user_form.html", {"form": form, "person": person})


@require_POST
def user_reset_totp(request, user_id: int):
    require(request.user, Action.MANAGE_USERS)
    person = get_object_or_404(User, pk=user_id)
    actions.reset_totp(request.user, person, request=request)
    messages.success(
        request,
        _("Two-factor reset: %(user)s sets up a new authenticator at the next sign-in.")
        % {"user": person.username},
    )
    return redirect("accounts:users")


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
        actions.save_cell(request.user, cell, **form.cleaned_data, request=request)
        messages.success(request, _("Saved."))
        return redirect("accounts:cells")
    return render(request, "accounts/cell_form.html", {"form": form, "cell": cell})
