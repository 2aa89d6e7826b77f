"""`passage api-token create|revoke|list`: API tokens for integrations, from the server's shell."""

from django.core.management.base import BaseCommand, CommandError

from passage.accounts.models import User
from passage.api import tokens
from passage.api.models import ApiToken
from passage.api.scopes import Scope
from passage.core.sealing.cli import add_unseal_arguments, unsealed_here

# Writing a token appends to the audit chain (keyed by the master key): these need keys.
NEEDS_KEYS = ("create", "revoke")


class Command(BaseCommand):
    help = "Create, revoke or list API tokens (a new token's secret is printed once)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        create = sub.add_parser("create", help="Create a token that acts as one user.")
        create.add_argument("--name", required=True, help="What uses it, e.g. 'signal-bridge'.")
        create.add_argument("--owner", required=True, help="Username the token acts as.")
        create.add_argument(
            "--scope",
            action="append",
            required=True,
            choices=Scope.values,
            dest="scopes",
            help="Repeat for each scope.",
        )
        create.add_argument("--days", type=int, default=tokens.DEFAULT_DAYS)
        create.add_argument("--rate-limit", type=int, default=60, help="Calls per minute.")
        revoke = sub.add_parser("revoke", help="Revoke a token by its id.")
        revoke.add_argument("token_id", type=int)
        sub.add_parser("list", help="List tokens (never their secrets).")
        for parser_ in (create, revoke):
            add_unseal_arguments(parser_)

    def handle(self, *args, subcommand, **options):
        if subcommand in NEEDS_KEYS:
            unsealed_here(options)
        getattr(self, f"_{subcommand}")(**options)

    def _create(self, *, name, owner, scopes, days, rate_limit, **_):
        user = User.objects.filter(username=owner, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {owner!r}.")
        try:
            token, secret = tokens.create_token(
                None, name=name, owner=user, scopes=scopes, days=days, rate_limit=rate_limit
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stderr.write(
            f"Token {token.pk} created for {user.username}, expires {token.expires_at:%Y-%m-%d}. "
            "Its secret follows; it is shown only now."
        )
        self.stdout.write(secret)

    def _revoke(self, *, token_id, **_):
        token = ApiToken.objects.filter(pk=token_id).first()
        if token is None:
            raise CommandError(f"No token {token_id}.")
        tokens.revoke_token(None, token)
        self.stdout.write(f"Token {token.pk} ({token.name}) revoked.")

    def _list(self, **_):
        for token in ApiToken.objects.select_related("owner"):
            state = "revoked" if token.revoked_at else ("active" if token.is_usable else "expired")
            self.stdout.write(
                f"{token.pk}\t{token.prefix}…\t{token.name}\t{token.owner.username}\t"
                f"{','.join(token.scopes)}\t{token.rate_limit}/min\t"
                f"{token.expires_at:%Y-%m-%d}\t{state}"
            )
