from django.db import models
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
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("academy:programme-detail", kwargs={"slug": self.slug})
