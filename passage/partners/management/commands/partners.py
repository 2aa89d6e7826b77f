from datetime import timedelta
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from passage.accounts.models import User
from passage.cases.models import Person
from passage.core.management.commands.keyring import _secret
from passage.core.sealing.cli import add_unseal_arguments, unsealed_here
from passage.partners import actions, identity, summary
from passage.partners.envelope import Refused
from passage.partners.models import Partner, Run


def _partner(ref: str) -> Partner:
    if len(ref) < 8:
        raise CommandError("Name the partner by at least the first 8 characters of its id.")
    found = list(Partner.objects.filter(fingerprint__startswith=ref.lower())[:2])
    if len(found) != 1:
        raise CommandError(f"No single partner has an id starting {ref!r}.")
    return found[0]


def _run(ref: str) -> Run:
    try:
        return Run.objects.get(pk=ref)
    except (Run.DoesNotExist, ValueError):
        raise CommandError(f"No run {ref!r} here.") from None


class Command(BaseCommand):
    help = "Partner organisations: overlap counts by message files, and sealed referrals."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        ident = sub.add_parser("identity", help="Print this installation's partner card.")
        add = sub.add_parser("add", help="Add a partner from its card; prints the safety number.")
        add.add_argument("--name", required=True)
        add.add_argument("--card", required=True)
        confirm = sub.add_parser("confirm", help="Confirm a partner's safety number.")
        confirm.add_argument("partner")
        confirm.add_argument("--number", required=True)
        lst = sub.add_parser("list", help="Partners and their last runs.")
        rules = sub.add_parser("rules", help="Set a partner's minimum set size and period.")
        rules.add_argument("partner")
        rules.add_argument("--min-set-size", type=int)
        rules.add_argument("--period-days", type=int)
        start = sub.add_parser("open", help="Propose an overlap count with a partner.")
        start.add_argument("partner")
        approve = sub.add_parser("approve", help="Approve a run (a second coordinator).")
        approve.add_argument("run")
        receive = sub.add_parser("receive", help="Import a message file from a partner.")
        receive.add_argument("file")
        result = sub.add_parser("result", help="The last count, as it may be published.")
        refer = sub.add_parser("refer", help="Hand a consenting person over, sealed.")
        refer.add_argument("person", help="the person's pseudonym")
        refer.add_argument("partner")
        refer.add_argument("--consent", required=True, help="how and when the person agreed")
        refer.add_argument("--fields", default="", help="more than the names: age,unit,…")
        for p in (approve, receive, refer):
            p.add_argument("--out", help="write the reply message file here")
            p.add_argument(
                "--valid-seconds",
                type=int,
                default=7 * 86400,
                help="how long the message file is accepted (default 7 days)",
            )
        for p in (ident, add, confirm, lst, rules, start, approve, receive, result, refer):
            add_unseal_arguments(p)
        for p in (add, confirm, rules, start, approve, receive, refer):
            p.add_argument("--by", required=True, help="the coordinator doing this")
            p.add_argument("--password-file", help="their password (asked for if not given)")

    def _actor(self, options) -> User:
        user = User.objects.filter(username=options["by"], is_active=True).first()
        password = _secret(options, "password", f"Password for {options['by']}: ")
        if user is None or not user.check_password(password):
            raise CommandError("Unknown coordinator or wrong password.")
        return user

    def handle(self, *args, subcommand, **options):
        unsealed_here(options)
        try:
            getattr(self, "do_" + subcommand)(options)
        except (actions.PartnerError, identity.IdentityError) as exc:
            raise CommandError(str(exc)) from None
        except Refused as exc:
            raise CommandError(f"Refused: {exc}") from None
        except PermissionDenied:
            raise CommandError("Only a coordinator may do this.") from None

    def do_identity(self, options):
        self.stdout.write(identity.own_card())
        self.stdout.write(f"id: {identity.own_fingerprint()}")

    def do_add(self, options):
        actor = self._actor(options)
        partner, number = actions.add_partner(actor, options["name"], options["card"])
        self.stdout.write(f"partner {partner.fingerprint}")
        self.stdout.write(f"safety number: {number}")
        self.stdout.write("Compare it with the partner (read aloud), then run `partners confirm`.")

    def do_confirm(self, options):
        actor = self._actor(options)
        actions.confirm_partner(actor, _partner(options["partner"]), options["number"])
        self.stdout.write("Confirmed.")

    def do_list(self, options):
        for p in Partner.objects.order_by("added_at"):
            state = "confirmed" if p.confirmed else "NOT confirmed"
            self.stdout.write(f"{p.fingerprint}  {p.name}  {state}  min {p.min_set_size}")

    def do_rules(self, options):
        actions.set_rules(
            self._actor(options),
            _partner(options["partner"]),
            min_set_size=options["min_set_size"],
            period_days=options["period_days"],
        )
        self.stdout.write("Saved.")

    def do_open(self, options):
        run = actions.open_run(self._actor(options), _partner(options["partner"]))
        self.stdout.write(f"run {run.pk}: a second coordinator must now approve it")

    def _write(self, options, blob: bytes | None):
        if blob is None:
            return
        if not options.get("out"):
            raise CommandError("Give --out FILE for the reply message.")
        Path(options["out"]).write_bytes(blob)
        self.stdout.write(f"message written to {options['out']}: carry it to the partner")

    def do_approve(self, options):
        valid = timedelta(seconds=options["valid_seconds"])
        actor = self._actor(options)
        self._write(options, actions.approve_run(actor, _run(options["run"]), valid=valid))

    def do_receive(self, options):
        actor = self._actor(options)
        try:
            blob = Path(options["file"]).read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {options['file']}: {exc.strerror}") from None
        valid = timedelta(seconds=options["valid_seconds"])
        run, reply = actions.receive(actor, blob, valid=valid)
        if run is None:
            self.stdout.write("The partner acknowledged the referral.")
        elif not isinstance(run, Run):
            self.stdout.write(f"referral imported as a new request: case of {run.person}")
        else:
            self.stdout.write(f"run {run.pk}: {run.state}")
        self._write(options, reply)
        if isinstance(run, Run) and run.state == Run.State.DONE:
            self.do_result(options)

    def do_refer(self, options):
        person = Person.objects.filter(pseudonym=options["person"]).first()
        if person is None:
            raise CommandError("No person with that pseudonym here.")
        fields = [f for f in options["fields"].split(",") if f]
        valid = timedelta(seconds=options["valid_seconds"])
        blob = actions.refer(
            self._actor(options),
            _partner(options["partner"]),
            person,
            fields,
            options["consent"],
            valid=valid,
        )
        self._write(options, blob)

    def do_result(self, options):
        shown = summary.published(actions.last_result())
        if shown is None:
            self.stdout.write("No count has finished yet.")
            return
        self.stdout.write(f"date: {shown.date}")
        self.stdout.write(f"people in common: {shown.overlap}")
        self.stdout.write(f"together, de-duplicated: {shown.combined}")
