import pytest
from django.test import Client

from passage.api import tokens
from passage.api.scopes import Scope

ALL_SCOPES = list(Scope.values)


def make_token(owner, scopes=ALL_SCOPES, **kwargs) -> str:
    """The secret of a new token acting as `owner`."""
    _token, secret = tokens.create_token(
        None, name=f"{owner.username} test", owner=owner, scopes=scopes, **kwargs
    )
    return secret


def bearer(secret: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


@pytest.fixture
def bridge(people):
    """A client for a hotline bridge: an intake officer's token that may only log requests."""
    return bearer(make_token(people["intake"], [Scope.REQUESTS_CREATE]))
