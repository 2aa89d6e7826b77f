"""What the public form removes when a case's identity is purged (core/sealing/actions.py)."""

from django.dispatch import receiver

from passage.core.sealing.actions import identity_purged

from .models import Source


@receiver(identity_purged)
def forget_purged_sources(sender, *, case, **kwargs) -> None:
    """The requester's messages are sealed to the organisation's key, not the case's, so
    destroying the case's key leaves them readable in the inbox and in every later backup: the
    sources behind the case go, with their messages and replies."""
    Source.objects.filter(case=case).delete()
