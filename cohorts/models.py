from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from academy.models import Programme


class Cohort(models.Model):
    """One intake of a programme: its dates, places, application window and facilitators."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open for applications")
        CLOSED = "closed", _("Applications closed")
        RUNNING = "running", _("Under way")
        COMPLETED = "completed", _("Completed")
        ARCHIVED = "archived", _("Archived")

    class DeliveryMode(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        ONLINE = "online", _("Online")
        BLENDED = "blended", _("Blended")

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="cohorts"
    )
    title = models.CharField(_("title"), max_length=200)
    intake_year = models.PositiveSmallIntegerField(
        _("programme year"), help_text=_("The year of programmes this intake belongs to.")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True)
    # Accepted and enrolled people. Kept by the services under a row lock and checked by
    # the database, so the count never goes past capacity.
    places_taken = models.PositiveIntegerField(_("places taken"), default=0, editable=False)
    applications_open_at = models.DateTimeField(_("applications open"), null=True, blank=True)
    applications_close_at = models.DateTimeField(_("applications close"), null=True, blank=True)
    delivery_mode = models.CharField(
        _("delivery"), max_length=20, choices=DeliveryMode.choices, default=DeliveryMode.BLENDED
    )
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    per_organisation_cap = models.PositiveIntegerField(
        _("places per organisation"),
        null=True,
        blank=True,
        help_text=_("Leave empty for no limit."),
    )
    sponsor_approval_required = models.BooleanField(
        _("applications need sponsor approval"), default=False
    )
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("facilitators"),
        related_name="facilitated_cohorts",
        blank=True,
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["starts_on", "title"]
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__isnull=True, places_taken=0)
                | Q(places_taken__lte=F("capacity")),
                name="cohort_places_within_capacity",
            ),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="cohort_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(applications_open_at__isnull=True)
                | Q(applications_close_at__isnull=True)
                | Q(applications_close_at__gt=F("applications_open_at")),
                name="cohort_window_in_order",
            ),
        ]
        indexes = [models.Index(fields=["status", "starts_on"])]

    def __str__(self):
        return f"{self.programme.name}: {self.title}"

    def get_absolute_url(self):
        return reverse("cohorts:cohort-detail", kwargs={"pk": self.pk})

    @property
    def places_left(self) -> int:
        if self.capacity is None:
            return 0
        return max(self.capacity - self.places_taken, 0)

    @property
    def is_accepting_applications(self) -> bool:
        if self.status != self.Status.OPEN:
            return False
        now = timezone.now()
        if self.applications_open_at and now < self.applications_open_at:
            return False
        return not (self.applications_close_at and now >= self.applications_close_at)


class Enrolment(models.Model):
    """A person's place on a cohort, from enrolment to completion or withdrawal."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Enrolled")
        COMPLETED = "completed", _("Completed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    cohort = models.ForeignKey(
        Cohort, verbose_name=_("cohort"), on_delete=models.PROTECT, related_name="enrolments"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="enrolments",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    enrolled_at = models.DateTimeField(_("enrolled"), default=timezone.now)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        ordering = ["-enrolled_at"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(fields=["cohort", "user"], name="enrolment_once_per_cohort"),
            models.CheckConstraint(
                condition=Q(status="completed", completed_on__isnull=False)
                | (~Q(status="completed") & Q(completed_on__isnull=True)),
                name="enrolment_completed_has_date",
            ),
        ]

    def __str__(self):
        return f"{self.user} in {self.cohort}"
