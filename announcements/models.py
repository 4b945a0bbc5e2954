from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cohorts.models import Cohort


class Announcement(models.Model):
    """A message from a cohort's facilitators to some of its people, sent once.

    Who it went to is fixed when it is sent (AnnouncementRecipient rows), so people who
    join later do not receive it and the record says exactly who was told.
    """

    class Audience(models.TextChoices):
        EVERYONE = "everyone", _("Everyone taking part")
        AT_RISK = "at_risk", _("Participants at risk")
        WAITLIST = "waitlist", _("People on the waitlist")

    cohort = models.ForeignKey(
        Cohort, verbose_name=_("cohort"), on_delete=models.PROTECT, related_name="announcements"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    audience = models.CharField(_("sent to"), max_length=20, choices=Audience.choices)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    sent_at = models.DateTimeField(_("sent"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        indexes = [models.Index(fields=["cohort", "sent_at"])]

    def __str__(self):
        return self.subject

    def get_absolute_url(self):
        return reverse("announcements:announcement-detail", kwargs={"pk": self.pk})


class AnnouncementRecipient(models.Model):
    """One person an announcement went to: when it was e-mailed and whether they put it away."""

    announcement = models.ForeignKey(
        Announcement,
        verbose_name=_("announcement"),
        on_delete=models.CASCADE,
        related_name="recipients",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="announcements_received",
    )
    # Set by the e-mail task as its claim, before sending: one e-mail per person.
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    dismissed_at = models.DateTimeField(_("dismissed"), null=True, blank=True)

    class Meta:
        ordering = ["announcement", "user__full_name", "pk"]
        verbose_name = _("announcement recipient")
        verbose_name_plural = _("announcement recipients")
        constraints = [
            models.UniqueConstraint(
                fields=["announcement", "user"], name="announcement_once_per_person"
            )
        ]
        indexes = [models.Index(fields=["user", "dismissed_at"])]

    def __str__(self):
        return f"{self.announcement} to {self.user}"
