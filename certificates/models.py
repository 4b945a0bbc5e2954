import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cohorts.models import Cohort, Enrolment

from .codes import code_display


def certificate_file_name(instance, filename: str) -> str:
    """A random name per rendering, so a PDF's address cannot be guessed or reused."""
    return f"certificates/{secrets.token_urlsafe(24)}.pdf"


class CertificateBatch(models.Model):
    """One "issue certificates for the whole cohort" run and how far it has got.

    The counters are changed only by the services, under a row lock, as each
    certificate of the run is rendered or gives up; the page polls them.
    """

    cohort = models.ForeignKey(
        Cohort,
        verbose_name=_("cohort"),
        on_delete=models.CASCADE,
        related_name="certificate_batches",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("started"), default=timezone.now)
    prepared_at = models.DateTimeField(_("prepared"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    total = models.PositiveIntegerField(_("certificates to make"), default=0)
    issued_count = models.PositiveIntegerField(_("issued"), default=0)
    failed_count = models.PositiveIntegerField(_("failed"), default=0)
    already_count = models.PositiveIntegerField(_("already issued"), default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("certificate run")
        verbose_name_plural = _("certificate runs")
        constraints = [
            # Two clicks on "issue for the whole cohort" start one run, not two.
            models.UniqueConstraint(
                fields=["cohort"],
                condition=Q(finished_at__isnull=True),
                name="certificate_batch_one_running_per_cohort",
            ),
            models.CheckConstraint(
                condition=Q(issued_count__lte=F("total") - F("failed_count")),
                name="certificate_batch_counts_within_total",
            ),
        ]

    def __str__(self):
        return f"{self.cohort} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def done_count(self) -> int:
        return self.issued_count + self.failed_count

    @property
    def is_finished(self) -> bool:
        return self.finished_at is not None


class Certificate(models.Model):
    """The certificate of one completed enrolment: its code, what it says, its PDF.

    There is one row per enrolment (the database refuses a second); a re-issue after a
    name correction renders the same row again under the same code. What the
    certificate says is a snapshot taken when it was issued, so later changes to the
    person, programme or cohort do not change a certificate already given.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Being made")
        ISSUED = "issued", _("Issued")
        FAILED = "failed", _("Could not be made")
        REVOKED = "revoked", _("Revoked")

    class RevocationReason(models.TextChoices):
        ISSUED_IN_ERROR = "issued-in-error", _("Issued in error")
        REQUIREMENTS_NOT_MET = "requirements-not-met", _("Completion requirements not met")
        MISCONDUCT = "misconduct", _("Misconduct")
        HOLDER_REQUEST = "holder-request", _("At the holder's request")
        OTHER = "other", _("Other reason")

    enrolment = models.OneToOneField(
        Enrolment,
        verbose_name=_("enrolment"),
        on_delete=models.PROTECT,
        related_name="certificate",
    )
    code = models.CharField(_("verification code"), max_length=16, unique=True, editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    # What the certificate says, as it stood when it was (re-)issued.
    holder_name = models.CharField(_("holder's name"), max_length=150)
    programme_name = models.CharField(_("programme"), max_length=200)
    cohort_title = models.CharField(_("cohort"), max_length=200)
    completed_on = models.DateField(_("completed on"))
    design = models.SlugField(_("design"), max_length=50)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    bilingual = models.BooleanField(
        _("in Welsh and English"),
        default=False,
        help_text=_("A page in Welsh, then the same page in English."),
    )

    pdf = models.FileField(_("PDF"), upload_to=certificate_file_name, blank=True)
    # Each (re-)issue asks for a new revision; the render task makes the PDF of the
    # latest one and records it here, so a retried or duplicated task does nothing.
    revision = models.PositiveIntegerField(default=1, editable=False)
    rendered_revision = models.PositiveIntegerField(default=0, editable=False)
    emailed_revision = models.PositiveIntegerField(default=0, editable=False)
    render_attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    last_attempt_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Set while a worker renders; a worker that died mid-render leaves it to expire.
    render_claimed_until = models.DateTimeField(null=True, blank=True, editable=False)
    last_error = models.TextField(_("last error"), blank=True)
    batch = models.ForeignKey(
        CertificateBatch,
        verbose_name=_("run"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="certificates",
    )

    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    issued_at = models.DateTimeField(_("issued"), null=True, blank=True)
    rendered_at = models.DateTimeField(_("PDF made"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revocation_reason = models.CharField(
        _("reason for revoking"), max_length=30, choices=RevocationReason.choices, blank=True
    )

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="revoked", revoked_at__isnull=False) & ~Q(revocation_reason="")
                | ~Q(status="revoked") & Q(revoked_at__isnull=True, revocation_reason=""),
                name="certificate_revoked_has_date_and_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["issued", "revoked"]) | Q(issued_at__isnull=False),
                name="certificate_issued_has_date",
            ),
            models.CheckConstraint(
                condition=Q(rendered_revision__lte=F("revision")),
                name="certificate_rendered_revision_known",
            ),
        ]
        indexes = [
            # The sweep looks for certificates whose latest revision has no PDF yet.
            models.Index(
                fields=["requested_at"],
                condition=Q(rendered_revision__lt=F("revision")),
                name="certificate_needs_render_idx",
            ),
        ]

    def __str__(self):
        return f"{self.display_code} – {self.holder_name}"

    def get_absolute_url(self):
        return reverse("certificates:certificate-detail", kwargs={"pk": self.pk})

    @property
    def display_code(self) -> str:
        return code_display(self.code)

    @property
    def is_public(self) -> bool:
        """Issued once, so the code may be out in the world: the public page answers."""
        return self.status in (self.Status.ISSUED, self.Status.REVOKED)

    @property
    def needs_render(self) -> bool:
        return self.rendered_revision < self.revision and self.status != self.Status.REVOKED

    def get_verification_url(self):
        return reverse("certificates:verify-detail", kwargs={"code": self.display_code})

    def get_public_verification_url(self) -> str:
        return f"{settings.SITE_URL}{self.get_verification_url()}"


class CertificateEvent(models.Model):
    """The history of a certificate: who did what to it, when and why."""

    class Kind(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        ISSUED = "issued", _("Issued")
        RENDER_FAILED = "render-failed", _("PDF could not be made")
        GAVE_UP = "gave-up", _("Stopped trying")
        RETRIED = "retried", _("Tried again")
        REISSUE_REQUESTED = "reissue-requested", _("Re-issue requested")
        REISSUED = "reissued", _("Re-issued")
        REVOKED = "revoked", _("Revoked")
        REINSTATED = "reinstated", _("Reinstated")

    certificate = models.ForeignKey(
        Certificate,
        verbose_name=_("certificate"),
        on_delete=models.CASCADE,
        related_name="events",
    )
    kind = models.CharField(_("what happened"), max_length=30, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the portal did it by itself."),
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now)
    reason = models.CharField(
        _("reason"), max_length=30, choices=Certificate.RevocationReason.choices, blank=True
    )
    note = models.TextField(_("note"), blank=True)
    # Machine-readable details: the fields a re-issue changed, the render error.
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("certificate event")
        verbose_name_plural = _("certificate events")

    def __str__(self):
        return f"{self.get_kind_display()} ({self.created_at:%Y-%m-%d %H:%M})"
