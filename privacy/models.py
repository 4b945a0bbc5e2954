import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def export_file_name(instance, filename: str) -> str:
    """A random name per export: the file is private and its address must not be guessable."""
    return f"exports/{secrets.token_urlsafe(24)}.zip"


class DataExport(models.Model):
    """A person's "download my data" request and the ZIP the worker made for it.

    The file is kept in private storage and handed out only to its owner, through the
    portal, until `expires_at`; the retention job deletes it afterwards.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Being made")
        READY = "ready", _("Ready to download")
        FAILED = "failed", _("Could not be made")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="data_exports",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    ready_at = models.DateTimeField(_("ready"), null=True, blank=True)
    expires_at = models.DateTimeField(_("available until"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to=export_file_name, blank=True)
    file_size = models.PositiveBigIntegerField(_("size"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("data export")
        verbose_name_plural = _("data exports")
        constraints = [
            # Two clicks on "download my data" make one export, not two.
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status="pending"),
                name="data_export_one_pending_per_person",
            ),
            models.CheckConstraint(
                condition=~Q(status="ready") | Q(ready_at__isnull=False, expires_at__isnull=False),
                name="data_export_ready_has_dates",
            ),
        ]

    def __str__(self):
        return f"Export {self.pk} of {self.user_id}"

    @property
    def is_downloadable(self) -> bool:
        return (
            self.status == self.Status.READY
            and bool(self.file)
            and self.expires_at is not None
            and self.expires_at > timezone.now()
        )
