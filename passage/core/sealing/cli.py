"""What commands share: each runs in its own process, so it unseals itself when it needs keys.

Every command that needs keys calls `add_unseal_arguments` on its parser (or subparser) and
`unsealed_here(options)` before its work: `--passphrase-file F`, `--shares-file F` (one share a
line) or a prompt, never a secret on the command line. Wrong tries from the shell are counted
apart from the unseal page's (actions.SHELL), so a stranger guessing on the page cannot lock
the officers' shell out.
"""

import getpass
from pathlib import Path

from django.core.management.base import CommandError

from passage.core.sealing import actions, keyring, state


def read_secret(options, name: str, prompt: str, *, confirm: bool = False) -> str:
    """The secret from the file `--<name>-file` names, or typed at a prompt (never an argument)."""
    path = options.get(f"{name}_file")
    if path:
        return Path(path).read_text().strip()
    value = getpass.getpass(prompt)
    if confirm and getpass.getpass("Again: ") != value:
        raise CommandError("The two entries differ.")
    return value


def unseal_secret(options, prompt: str = "Passphrase: ") -> dict:
    """{"shares": [...]} from --shares-file, else {"passphrase": ...} from the file or a prompt."""
    if options.get("shares_file"):
        lines = Path(options["shares_file"]).read_text().splitlines()
        return {"shares": [s for s in lines if s.strip()]}
    return {"passphrase": read_secret(options, "passphrase", prompt)}


def add_unseal_arguments(parser) -> None:
    parser.add_argument("--passphrase-file", help="unseal with the passphrase in this file")
    parser.add_argument("--shares-file", help="unseal with the shares in this file, one a line")


def unsealed_here(options) -> None:
    """Commands run in their own process: unseal it with the passphrase or shares if needed."""
    if state.is_unsealed():
        return
    if not keyring.exists():
        raise CommandError(
            f"No keyring at {keyring.path()}: set Passage up first (`passage keyring init`)."
        )
    try:
        actions.unseal(**unseal_secret(options), counter=actions.SHELL)
    except actions.TooSoon as exc:
        raise CommandError(f"Too many wrong tries: wait {exc.wait} s.") from None
    except keyring.KeyringError:
        raise CommandError("The passphrase (or shares) is wrong.") from None
