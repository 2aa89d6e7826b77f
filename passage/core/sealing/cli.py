"""What commands share: each runs in its own process, so it unseals itself when it needs keys."""

from pathlib import Path

from django.core.management.base import CommandError

from passage.core.management.commands.keyring import _secret
from passage.core.sealing import actions, keyring, state


def add_unseal_arguments(parser) -> None:
    parser.add_argument("--passphrase-file", help="unseal with the passphrase in this file")
    parser.add_argument("--shares-file", help="unseal with the shares in this file, one a line")


def unsealed_here(options) -> None:
    """Commands run in their own process: unseal it with the passphrase or shares if needed."""
    if state.is_unsealed():
        return
    try:
        if options.get("shares_file"):
            lines = Path(options["shares_file"]).read_text().splitlines()
            actions.unseal(shares=[s for s in lines if s.strip()])
        else:
            actions.unseal(passphrase=_secret(options, "passphrase", "Passphrase: "))
    except actions.TooSoon as exc:
        raise CommandError(f"Too many wrong tries: wait {exc.wait} s.") from None
    except keyring.KeyringError:
        raise CommandError("The passphrase (or shares) is wrong.") from None
