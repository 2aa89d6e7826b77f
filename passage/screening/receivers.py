"""What screening removes when a case's identity is purged (core/sealing/actions.py)."""

from django.db.models import Q
from django.dispatch import receiver

from passage.core.sealing.actions import identity_purged

from .models import BlindKey, Hit, Kind


@receiver(identity_purged)
def forget_purged_identity(sender, *, case, person_purged: bool, **kwargs) -> None:
    """Matches on either side name the person (a hit on another case is sealed under that case's
    key, which the purge leaves alive), and blind-index rows would let a guessed name be
    confirmed: both go."""
    touching = Q(case=case) | Q(other_case=case)
    if person_purged:
        touching |= Q(other_kind=Kind.PERSON, other_id=case.person_id)
        BlindKey.objects.filter(kind=Kind.PERSON, record_id=case.person_id).delete()
    Hit.objects.filter(touching).delete()
