import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from passage.cases.vocab import Channel, Language, Urgency
from passage.core.choices import ChoiceLabelsMixin
from passage.core.fields import EncryptedJSONField, EncryptedTextField


class Request(ChoiceLabelsMixin, models.Model):
    """One call or message asking for help; it opens a case or joins the person's open one."""

    # Sealed fields use the case's data key, so purging the case shreds them too.
    data_key_owner = "case"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey("cases.Person", on_delete=models.PROTECT, related_name="requests")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="requests")
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    language = models.CharField(
        _("language"), max_length=10, choices=Language.choices, default=Language.BURMESE
    )
    urgency = models.PositiveSmallIntegerField(
        _("urgency"), choices=Urgency.choices, default=Urgency.NORMAL
    )
    notes = EncryptedTextField(_("notes"), blank=True, default="")
    # Names that came in through an integration but failed the name checks (an emoji in a
    # display name, two scripts in one): kept as sent, sealed, unverified, for the intake
    # officer to read and retype; never screened or matched. Null when there are none.
    unverified_names = EncryptedJSONField(_("unverified names"), null=True, blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    logged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["case", "-received_at"], name="request_case_idx")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} request {self.pk}"
