"""Logging filters. A refused request (403) is an expected answer, not a fault: log one line
saying so, without the traceback Django attaches (it would bury real errors, and a traceback's
locals can carry what a log must not)."""

import logging


class RefusalsWithoutTraceback(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
