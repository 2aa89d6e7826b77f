"""Calls refused for want of a usable token: counted per network and window, audited once each.

Recording every refusal in the audit chain let anyone with the API's address write to it as
fast as they liked (200 records in 2.7 s), serialised behind its head row. Now each network's
first refusal of a window is audited, with how many it sent in its previous window; the rest
only raise a counter.
"""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from passage.api.models import RefusalWindow
from passage.core import audit


def window_seconds() -> int:
    return int(getattr(settings, "PASSAGE_API_REFUSAL_WINDOW_SECONDS", 600))


def record_refusal(request, detail: dict) -> None:
    now = timezone.now()
    epoch = int(now.timestamp())
    start = now.fromtimestamp(epoch - epoch % window_seconds(), tz=now.tzinfo)
    source = audit.source_of(request)
    if RefusalWindow.objects.filter(source=source, window_start=start).update(calls=F("calls") + 1):
        return
    try:
        with transaction.atomic():
            RefusalWindow.objects.create(source=source, window_start=start, calls=1)
            earlier = RefusalWindow.objects.filter(source=source, window_start__lt=start)
            counted = [
                {"from": str(w.window_start), "refused": w.calls}
                for w in earlier.order_by("window_start")
            ]
            earlier.delete()
            audit.record(
                None,
                "api.refused",
                request=request,
                detail={**detail, "window": str(start), "earlier_windows": counted},
            )
    except IntegrityError:
        # Another process opened this window a moment ago and audited it.
        RefusalWindow.objects.filter(source=source, window_start=start).update(calls=F("calls") + 1)
