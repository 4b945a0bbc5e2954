import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Programme(models.Model):
    """A leadership programme, run as one or more cohorts a year."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("web address"), max_length=80, unique=True)
    summary = models.CharField(
        _("summary"), max_length=300, help_text=_("One or two sentences for listings.")
    )
    description = models.TextField(
        _("description"), help_text=_("Shown on the public page. Markdown is allowed.")
    )
    is_published = models.BooleanField(_("shown to the public"), default=True)
    allows_recommendations = models.BooleanField(_("visitors can recommend someone"), default=False)
    sponsor_approval_required = models.BooleanField(
        _("new cohorts ask for sponsor approval"), default=False
    )
    default_capacity = models.PositiveIntegerField(_("default places per cohort"), default=20)
    certificate_design = models.SlugField(
        _("certificate design"),
        max_length=50,
        default="standard",
        help_text=_("The name of the certificate template and stylesheet to use."),
    )
    bilingual_certificates = models.BooleanField(
        _("certificates in Welsh and English"),
        default=False,
        help_text=_("Each certificate has a page in Welsh, then the same page in English."),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("academy:programme-detail", kwargs={"slug": self.slug})


def material_upload_path(instance, filename: str) -> str:
    """An unguessable storage name that keeps only the checked extension.

    The person's own file name is kept in `Material.file_name` for the download, never in
    the storage path, so nobody can find a file by guessing or from a shared name.
    """
    extension = getattr(instance, "_upload_extension", "") or ""
    return f"materials/{uuid.uuid4().hex}{extension}"


class Module(models.Model):
    """A unit of a programme's course: ordered materials released together.

    Modules without a cohort are the programme's shared content; a module with a cohort is
    an addition seen only by that cohort (for example the slides of its own workshop).
    """

    class Release(models.TextChoices):
        COHORT_START = "cohort_start", _("When the cohort starts")
        DAYS_AFTER_START = "days_after_start", _("A number of days after the cohort starts")
        ON_DATE = "on_date", _("On a date")

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="modules"
    )
    cohort = models.ForeignKey(
        "cohorts.Cohort",
        verbose_name=_("cohort"),
        on_delete=models.CASCADE,
        related_name="extra_modules",
        null=True,
        blank=True,
        help_text=_("Empty for the programme's shared content."),
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    position = models.PositiveIntegerField(_("position"), default=1)
    release_rule = models.CharField(
        _("opens"), max_length=20, choices=Release.choices, default=Release.COHORT_START
    )
    release_after_days = models.PositiveSmallIntegerField(
        _("days after the start"), null=True, blank=True
    )
    release_on = models.DateField(_("opens on"), null=True, blank=True)
    is_published = models.BooleanField(_("shown to participants"), default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("module")
        verbose_name_plural = _("modules")
        constraints = [
            # Shared modules and each cohort's additions are two separate numbered lists.
            models.UniqueConstraint(
                fields=["programme", "position"],
                condition=Q(cohort__isnull=True),
                name="module_shared_position_unique",
            ),
            models.UniqueConstraint(
                fields=["cohort", "position"],
                condition=Q(cohort__isnull=False),
                name="module_cohort_position_unique",
            ),
            models.CheckConstraint(
                condition=Q(
                    release_rule="cohort_start",
                    release_after_days__isnull=True,
                    release_on__isnull=True,
                )
                | Q(
                    release_rule="days_after_start",
                    release_after_days__isnull=False,
                    release_on__isnull=True,
                )
                | Q(
                    release_rule="on_date",
                    release_after_days__isnull=True,
                    release_on__isnull=False,
                ),
                name="module_release_rule_complete",
            ),
        ]

    def __str__(self):
        return self.title

    def opens_on(self, cohort_starts_on: dt.date | None) -> dt.date | None:
        """The day this module opens for a cohort starting on `cohort_starts_on`.

        None means the day is not known yet (a cohort without a start date).
        """
        if self.release_rule == self.Release.ON_DATE:
            return self.release_on
        if cohort_starts_on is None:
            return None
        if self.release_rule == self.Release.DAYS_AFTER_START:
            return cohort_starts_on + dt.timedelta(days=self.release_after_days or 0)
        return cohort_starts_on


class Material(models.Model):
    """One item of a module: a written page, a file, a link or a video with a transcript."""

    class Kind(models.TextChoices):
        PAGE = "page", _("Page")
        FILE = "file", _("File")
        LINK = "link", _("Link")
        VIDEO = "video", _("Video")

    module = models.ForeignKey(
        Module, verbose_name=_("module"), on_delete=models.CASCADE, related_name="materials"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True, help_text=_("Markdown is allowed."))
    file = models.FileField(_("file"), upload_to=material_upload_path, max_length=200, blank=True)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    file_size = models.PositiveBigIntegerField(_("file size"), null=True, blank=True)
    file_type = models.CharField(_("file type"), max_length=100, blank=True)
    url = models.URLField(_("web address"), max_length=500, blank=True)
    transcript = models.TextField(_("transcript"), blank=True)
    is_required = models.BooleanField(_("required"), default=True)
    estimated_minutes = models.PositiveSmallIntegerField(
        _("estimated minutes"), null=True, blank=True
    )
    completes_on_view = models.BooleanField(_("viewing it counts as done"), default=False)
    position = models.PositiveIntegerField(_("position"), default=1)
    is_published = models.BooleanField(_("shown to participants"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        constraints = [
            models.UniqueConstraint(fields=["module", "position"], name="material_position_unique"),
            models.CheckConstraint(
                condition=~Q(kind="file") | ~Q(file=""), name="material_file_has_file"
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["link", "video"]) | ~Q(url=""),
                name="material_link_has_url",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["page", "file", "link", "video"]),
                name="material_kind_known",
            ),
        ]

    def __str__(self):
        return self.title


class MaterialProgress(models.Model):
    """A participant's own mark that they have done a material, for one enrolment."""

    enrolment = models.ForeignKey(
        "cohorts.Enrolment",
        verbose_name=_("enrolment"),
        on_delete=models.CASCADE,
        related_name="material_progress",
    )
    material = models.ForeignKey(
        Material, verbose_name=_("material"), on_delete=models.CASCADE, related_name="progress"
    )
    completed_at = models.DateTimeField(_("done at"), default=timezone.now)

    class Meta:
        verbose_name = _("material progress")
        verbose_name_plural = _("material progress")
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "material"], name="material_progress_once"
            ),
        ]

    def __str__(self):
        return f"{self.enrolment} – {self.material}"


class CompletionRule(models.Model):
    """What a participant of a programme must do to complete it.

    A programme without a row uses `CompletionRule.default_for(programme)`: every
    required material done and at least 80 % of the sessions attended.
    """

    DEFAULT_ATTENDANCE_PERCENT = 80

    programme = models.OneToOneField(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="completion_rule",
    )
    requires_materials = models.BooleanField(_("every required material done"), default=True)
    minimum_attendance_percent = models.PositiveSmallIntegerField(
        _("sessions attended (at least, in per cent)"),
        default=DEFAULT_ATTENDANCE_PERCENT,
        help_text=_("Of the cohort's sessions that are not cancelled. 0 means no minimum."),
    )
    requires_reflection = models.BooleanField(
        _("a final reflection accepted by a facilitator"), default=False
    )
    reflection_prompt = models.TextField(
        _("what the reflection asks"),
        blank=True,
        help_text=_("Shown to participants above the box where they write their reflection."),
    )
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("completion rule")
        verbose_name_plural = _("completion rules")
        constraints = [
            models.CheckConstraint(
                condition=Q(minimum_attendance_percent__lte=100),
                name="completion_rule_percent_at_most_100",
            ),
        ]

    def __str__(self):
        return str(self.programme)

    @classmethod
    def default_for(cls, programme: Programme) -> "CompletionRule":
        """The rule of a programme whose admins have not set one (not saved)."""
        return cls(programme=programme)


class Reflection(models.Model):
    """A participant's final reflection on a cohort, accepted or returned by a facilitator."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Waiting for a facilitator")
        ACCEPTED = "accepted", _("Accepted")
        RETURNED = "returned", _("Returned for changes")

    enrolment = models.OneToOneField(
        "cohorts.Enrolment",
        verbose_name=_("enrolment"),
        on_delete=models.CASCADE,
        related_name="reflection",
    )
    text = models.TextField(_("your reflection"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    feedback = models.TextField(_("feedback"), blank=True)

    class Meta:
        verbose_name = _("reflection")
        verbose_name_plural = _("reflections")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="submitted") | Q(decided_at__isnull=False),
                name="reflection_decided_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="returned") | ~Q(feedback=""),
                name="reflection_returned_has_feedback",
            ),
        ]

    def __str__(self):
        return f"{self.enrolment}: {self.get_status_display()}"
