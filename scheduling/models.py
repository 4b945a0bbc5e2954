import re
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cohorts.models import Cohort


def venue_key(venue: str) -> str:
    """The venue address reduced to lower-case words, for spotting the same place twice.

    "Room 2, Civic Centre" and "room 2  civic centre" are the same room; "Room 3, Civic
    Centre" is not.
    """
    return " ".join(re.sub(r"[^\w]+", " ", venue.casefold()).split())


class Session(models.Model):
    """One timetabled meeting of a cohort: a workshop, masterclass, coaching or webinar.

    Times are stored aware (UTC in the database) and entered and shown in Europe/London.
    `uid` never changes, and `sequence` goes up with every change people should see, so
    calendar apps update the event they already have instead of adding another.
    """

    class Kind(models.TextChoices):
        WORKSHOP = "workshop", _("Workshop")
        MASTERCLASS = "masterclass", _("Masterclass")
        COACHING = "coaching", _("Coaching")
        WEBINAR = "webinar", _("Webinar")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")

    uid = models.UUIDField(
        _("calendar identifier"), default=uuid.uuid4, unique=True, editable=False
    )
    cohort = models.ForeignKey(
        Cohort, verbose_name=_("cohort"), on_delete=models.PROTECT, related_name="sessions"
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("type of session"), max_length=20, choices=Kind.choices)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    venue = models.TextField(_("venue address"), blank=True)
    # venue_key(venue), kept by the services: the clash check compares it across cohorts.
    venue_key = models.CharField(max_length=300, blank=True, editable=False, db_index=True)
    access_notes = models.TextField(_("access notes"), blank=True)
    joining_link = models.URLField(_("online joining link"), max_length=500, blank=True)
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("facilitators"),
        related_name="facilitated_sessions",
    )
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SCHEDULED
    )
    cancellation_reason = models.TextField(_("reason for cancelling"), blank=True)
    sequence = models.PositiveIntegerField(_("revision"), default=0, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(venue="") | ~Q(joining_link=""), name="session_has_a_place"
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1),
                name="session_capacity_positive",
            ),
            models.CheckConstraint(
                condition=Q(status="cancelled") | Q(cancellation_reason=""),
                name="session_reason_only_when_cancelled",
            ),
        ]
        indexes = [
            models.Index(fields=["cohort", "starts_at"]),
            models.Index(fields=["status", "starts_at"]),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("scheduling:session-detail", kwargs={"pk": self.pk})

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def has_ended(self) -> bool:
        return self.ends_at <= timezone.now()

    @property
    def is_online(self) -> bool:
        return bool(self.joining_link)

    @property
    def is_in_person(self) -> bool:
        return bool(self.venue)

    @property
    def local_date(self):
        return timezone.localtime(self.starts_at).date()


class SessionChange(models.Model):
    """What happened to a session, by whom and why: the record behind each notice."""

    class Kind(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        MOVED = "moved", _("Moved")
        CHANGED = "changed", _("Details changed")
        CANCELLED = "cancelled", _("Cancelled")

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="changes"
    )
    kind = models.CharField(_("change"), max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    message = models.TextField(_("message"), blank=True)
    changed_fields = models.JSONField(_("changed fields"), default=list, blank=True)
    # The times before and after, so a notice sent later still says what this change did.
    previous_starts_at = models.DateTimeField(null=True, blank=True)
    previous_ends_at = models.DateTimeField(null=True, blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    sequence = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("session change")
        verbose_name_plural = _("session changes")

    def __str__(self):
        return f"{self.session}: {self.get_kind_display()}"


class Attendance(models.Model):
    """One participant's mark in one session's register."""

    class Status(models.TextChoices):
        PRESENT = "present", _("Present")
        LATE = "late", _("Late")
        APOLOGIES = "apologies", _("Apologies")
        ABSENT = "absent", _("Absent")

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="attendance"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="attendance_records",
    )
    status = models.CharField(_("attendance"), max_length=20, choices=Status.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        ordering = ["session", "user"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="attendance_once_per_session")
        ]

    def __str__(self):
        return f"{self.user} at {self.session}: {self.get_status_display()}"


class CalendarFeed(models.Model):
    """A person's private calendar subscription address.

    The token is the only secret in the address. It is stored as it is so the person can
    see and copy their address again later (a calendar on a second device needs it);
    making a new one replaces it, which stops the old address working.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="calendar_feed",
    )
    token = models.CharField(_("private address"), max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self):
        return f"Calendar of {self.user}"

    def get_absolute_url(self):
        return reverse("scheduling:calendar-feed", kwargs={"token": self.token})


class SessionReminder(models.Model):
    """A reminder claimed for one person for one session at one start time.

    The unique constraint is the claim: whichever run of the reminder task inserts the row
    first sends the e-mail, so two runs (or two workers) never remind anyone twice. A moved
    session has a new start time and so gets its own reminder.
    """

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="reminders"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    starts_at = models.DateTimeField(_("for the start time"))
    claimed_at = models.DateTimeField(_("claimed"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-claimed_at"]
        verbose_name = _("session reminder")
        verbose_name_plural = _("session reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "user", "starts_at"], name="reminder_once_per_start_time"
            )
        ]
        indexes = [models.Index(fields=["sent_at", "claimed_at"])]

    def __str__(self):
        return f"Reminder to {self.user} for {self.session}"
