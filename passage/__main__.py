"""The `passage` command: Django's management commands with Passage's settings."""

import os
import sys


def main() -> None:
    # Everything Passage writes (the SQLite database and its WAL, exports, attachments, keys) is
    # the service user's alone, whatever umask the shell or `make run` had.
    os.umask(0o077)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "passage.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["passage", *sys.argv[1:]])


if __name__ == "__main__":
    main()
