from django.core.management.base import BaseCommand, CommandError

from passage.core import audit, checkpoints
from passage.core.sealing import rotation
from passage.core.sealing.cli import add_unseal_arguments, unsealed_here


class Command(BaseCommand):
    help = (
        "Rotate the master key: re-wrap every data key, re-seal field-key values, rebuild the "
        "blind index and re-hash the audit chain under a new master, in one transaction. "
        "Reads go on meanwhile. (A passphrase change is `passage keyring change-passphrase`.)"
    )

    def add_arguments(self, parser):
        add_unseal_arguments(parser)

    def handle(self, *args, **options):
        unsealed_here(options)
        try:
            done = rotation.rotate()
        except rotation.RotationError as exc:
            raise CommandError(str(exc)) from None
        verdict = audit.verify()
        # Checkpoints signed before now hold hashes under the old master (verify then checks the
        # chain's length against them only): sign one of the re-hashed chain at once.
        checkpoints.make()
        self.stdout.write(
            f"Master key {done.old_master} replaced by {done.new_master}: {done.data_keys} data "
            f"keys re-wrapped, {done.field_values} field values re-sealed, {done.audit_records} "
            f"audit records re-hashed (chain {'intact' if verdict.ok else 'BROKEN'}). "
            f"{done.index}"
        )
        if done.old_master_kept:
            self.stdout.write(
                "The old master stays in the keyring: the public form's key could not be "
                "re-wrapped by this version."
            )
        self.stdout.write(
            "Backups made before now still open with their own keyring and the passphrase."
        )
