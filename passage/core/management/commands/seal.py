from django.core.management.base import BaseCommand

from passage.core.sealing import actions


class Command(BaseCommand):
    help = "Seal Passage now: every process drops its keys and every session ends."

    def handle(self, *args, **options):
        actions.seal_now(None, reason="shell")
        self.stdout.write("Passage is sealed. Unseal it at /sealing/unseal/.")
