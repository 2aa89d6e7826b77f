from argparse import ArgumentTypeError

from django.core.management.base import BaseCommand, CommandError

from passage.accounts.roles import Role
from passage.cases.demo import MAX_CASES, DemoError, load_demo_data
from passage.core.sealing import keyring
from passage.core.sealing.cli import add_unseal_arguments, unsealed_here


def case_count(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise ArgumentTypeError(f"{value!r} is not a whole number") from None
    if not 1 <= n <= MAX_CASES:
        raise ArgumentTypeError(f"choose between 1 and {MAX_CASES} cases")
    return n


class Command(BaseCommand):
    help = (
        "Load SYNTHETIC demonstration data (made-up people and cases, demo accounts) into a new, "
        "empty installation. Never use it on real data."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--cases",
            type=case_count,
            default=300,
            help=f"How many synthetic cases to create (1 to {MAX_CASES}; default 300).",
        )
        add_unseal_arguments(parser)

    def handle(self, *args, cases: int, **options):
        if not keyring.exists():
            raise CommandError(
                "Passage has no keyring yet, so nothing can be encrypted. Set it up first: "
                "`make run`, open http://127.0.0.1:8000/ and tick “Load demonstration data” on "
                "the set-up page; or create the keyring with `passage keyring init` and run "
                "`passage demo` again."
            )
        unsealed_here(options)
        self.stdout.write(f"Loading SYNTHETIC demonstration data: {cases} made-up cases…")
        try:
            result = load_demo_data(cases=cases, stdout=self.stdout)
        except DemoError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Loaded {result['cases']} cases and {result['requests']} requests in "
            f"{', '.join(result['cells'])} in {result['seconds']} s "
            f"(organisation: {result['organisation']})."
        )
        self.stdout.write(
            "\nDemo accounts. The passwords are shown only now; each account sets up its "
            "authenticator app (TOTP) at first sign-in:"
        )
        width = max(len(a["username"]) for a in result["accounts"])
        for account in result["accounts"]:
            role = Role(account["role"]).label
            self.stdout.write(
                f"  {account['username']:<{width}}  {role:<16}  {account['password']}"
            )
