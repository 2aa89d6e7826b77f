"""The admin's page for API tokens: list, create (the secret is shown once), revoke."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from passage.api import tokens
from passage.api.forms import NewTokenForm
from passage.api.models import ApiToken
from passage.core.access import Action, require


def token_list(request):
    require(request.user, Action.MANAGE_USERS)
    return render(
        request,
        "api/tokens.html",
        {"tokens": ApiToken.objects.select_related("owner", "created_by")},
    )


@never_cache
def token_new(request):
    require(request.user, Action.MANAGE_USERS)
    form = NewTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token, secret = tokens.create_token(request.user, **form.cleaned_data, request=request)
        # Shown on this response only; only its hash is stored.
        return render(request, "api/token_created.html", {"token": token, "secret": secret})
    return render(request, "api/token_form.html", {"form": form})


@require_POST
def token_revoke(request, token_id: int):
    require(request.user, Action.MANAGE_USERS)
    token = get_object_or_404(ApiToken, pk=token_id)
    tokens.revoke_token(request.user, token, request=request)
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("api_tokens:list")
