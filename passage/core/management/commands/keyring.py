from django.core.management.base import BaseCommand, CommandError

from passage.core.sealing import actions, keyring
from passage.core.sealing.cli import read_secret as _secret
from passage.core.sealing.forms import check_passphrase_strength


class Command(BaseCommand):
    help = "The keyring: `init`, `change-passphrase`, `split` into k-of-n shares, `duress`."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        init = sub.add_parser("init", help="Create the keyring (instead of the set-up page).")
        change = sub.add_parser("change-passphrase", help="Re-wrap the keys under a new one.")
        split = sub.add_parser("split", help="Split unsealing among officers: k of n shares.")
        split.add_argument("--k", type=int, required=True)
        split.add_argument("--n", type=int, required=True)
        duress = sub.add_parser("duress", help="Set the password that seals when signed in with.")
        for p in (init, change, split, duress):
            p.add_argument("--passphrase-file", help="read the passphrase from this file")
        change.add_argument("--new-passphrase-file")
        duress.add_argument("--duress-file")

    def handle(self, *args, subcommand, **options):
        try:
            getattr(self, "do_" + subcommand.replace("-", "_"))(options)
        except (keyring.KeyringError, ValueError) as exc:
            raise CommandError(str(exc) or "The passphrase is wrong.") from None

    def _new(self, options, name):
        phrase = _secret(options, name, "New passphrase: ", confirm=True)
        try:
            check_passphrase_strength(phrase)
        except Exception as exc:  # ValidationError: same rule as the set-up page
            raise CommandError(" ".join(exc.messages)) from None
        return phrase

    def do_init(self, options):
        keyring.initialise(self._new(options, "passphrase"))
        self.stdout.write(f"Keyring created at {keyring.path()} (wrapped keys only).")

    def do_change_passphrase(self, options):
        old = _secret(options, "passphrase", "Current passphrase: ")
        keyring.change_passphrase(old, self._new(options, "new_passphrase"))
        self.stdout.write("Passphrase changed; the keys and the shares are unchanged.")

    def do_split(self, options):
        texts = keyring.split(
            _secret(options, "passphrase", "Passphrase: "), options["k"], options["n"]
        )
        self.stdout.write(f"Give one share to each of {options['n']} officers; any {options['k']}")
        self.stdout.write("unseal. They are shown once and stored nowhere:")
        for text in texts:
            self.stdout.write(text)

    def do_duress(self, options):
        phrase = _secret(options, "passphrase", "Passphrase: ")
        actions.set_duress_password(phrase, _secret(options, "duress", "Duress password: "))
        self.stdout.write("Duress password set; set PASSAGE_DURESS=1 to turn it on.")
