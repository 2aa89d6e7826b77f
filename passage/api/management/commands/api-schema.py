from django.core.management.base import BaseCommand

from passage.api.schema import openapi_document


class Command(BaseCommand):
    help = "Print the API's OpenAPI document (commit it as docs/openapi.json)."

    def handle(self, *args, **options):
        self.stdout.write(openapi_document(), ending="")
