"""`python -m passage.core.dbcheck URL`: exit 0 if that PostgreSQL server answers, 1 if not."""

import sys

import psycopg


def reachable(url: str) -> bool:
    # Connect to the server's maintenance database: the test run creates its own database.
    base = url.rsplit("/", 1)[0] + "/postgres"
    try:
        with psycopg.connect(base, connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


if __name__ == "__main__":
    sys.exit(0 if reachable(sys.argv[1]) else 1)
