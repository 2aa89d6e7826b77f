"""Uploads are held in memory only: never a clear copy in a temporary file.

Import spreadsheets and testimony attachments carry names and voices. Django's default handlers
write an upload past FILE_UPLOAD_MAX_MEMORY_SIZE to a temporary file in clear, where a seized disk
would keep it. This handler (settings.FILE_UPLOAD_HANDLERS, for every request) keeps at most
settings.UPLOAD_MAX_BYTES of files per request in memory, the largest any form accepts.
"""

from io import BytesIO

from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import MemoryFileUploadHandler
from django.utils.translation import gettext as _


def too_large_message() -> str:
    mb = settings.UPLOAD_MAX_BYTES // (1024 * 1024)
    return _("The file is too large: at most %(mb)d MB.") % {"mb": mb}


class TooLargeUpload(InMemoryUploadedFile):
    """Stands for a file past the limit: its true size, no content. The forms' size checks then
    name the limit, and nothing of it is kept."""

    too_large = True


class MemoryOnlyUpload(MemoryFileUploadHandler):
    """Every file in memory while a request's files stay within settings.UPLOAD_MAX_BYTES; past
    that the rest is read and dropped, the file becomes a TooLargeUpload and
    `request.upload_too_large` is set."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.activated = True  # whatever the length: the default handlers would use a file
        self.received = 0

    def new_file(self, *args, **kwargs):
        self.too_large = False
        super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.UPLOAD_MAX_BYTES:
            if not self.too_large:
                self.too_large, self.request.upload_too_large = True, True
                self.file = BytesIO()  # what was kept goes now
            return None  # dropped, and no later handler sees it
        return super().receive_data_chunk(raw_data, start)

    def file_complete(self, file_size):
        if not self.too_large:
            return super().file_complete(file_size)
        return TooLargeUpload(
            file=self.file,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )
