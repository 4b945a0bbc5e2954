import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from academy.models import Programme
from accounts.models import Organisation


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
    # Places set aside for organisations (CohortReservation) and not yet filled by their
    # nominees: nobody else may take them. Kept by the services with places_taken.
    places_reserved = models.PositiveIntegerField(
        _("reserved places not yet filled"), default=0, editable=False
    )
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
    # Set on a draft that is ready: the scheduled task opens it when its application
    # window starts. Unfinished drafts leave it off, so they are never published by
    # accident; opening clears it.
    opens_automatically = models.BooleanField(
        _("open applications automatically when the window starts"), default=False
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
                condition=Q(capacity__isnull=True, places_reserved=0)
                | Q(capacity__gte=F("places_taken") + F("places_reserved")),
                name="cohort_reserved_places_within_capacity",
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
        indexes = [
            models.Index(fields=["status", "starts_on"]),
            models.Index(fields=["status", "applications_open_at"]),
            models.Index(fields=["status", "applications_close_at"]),
        ]

    def __str__(self):
        return f"{self.programme.name}: {self.title}"

    def get_absolute_url(self):
        return reverse("cohorts:cohort-detail", kwargs={"pk": self.pk})

    @property
    def places_left(self) -> int:
        """Places anyone may still be offered (reserved places are not counted)."""
        if self.capacity is None:
            return 0
        return max(self.capacity - self.places_taken - self.places_reserved, 0)

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
    # The organisation the place counts against for the cohort's per-organisation cap.
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="enrolments",
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


class CohortReservation(models.Model):
    """Places on a cohort bought by an organisation, filled first by its nominees."""

    cohort = models.ForeignKey(
        Cohort, verbose_name=_("cohort"), on_delete=models.CASCADE, related_name="reservations"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="cohort_reservations",
    )
    places = models.PositiveIntegerField(_("reserved places"))
    purchase_order = models.CharField(_("purchase order reference"), max_length=100)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["organisation__name"]
        verbose_name = _("reserved places")
        verbose_name_plural = _("reserved places")
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "organisation"], name="reservation_once_per_organisation"
            ),
            models.CheckConstraint(condition=Q(places__gte=1), name="reservation_has_places"),
        ]

    def __str__(self):
        return f"{self.organisation}: {self.places} ({self.purchase_order})"


class QuestionSet(models.Model):
    """The questions a programme asks on its application form."""

    programme = models.OneToOneField(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="question_set",
    )
    introduction = models.TextField(
        _("introduction"), blank=True, help_text=_("Shown above the questions.")
    )
    asks_equality_monitoring = models.BooleanField(
        _("ask the optional equality monitoring questions"),
        default=False,
        help_text=_("For positive-action programmes. Answers are kept apart from applications."),
    )

    class Meta:
        verbose_name = _("question set")
        verbose_name_plural = _("question sets")

    def __str__(self):
        return str(self.programme)


class Question(models.Model):
    class Kind(models.TextChoices):
        TEXT = "text", _("Short text")
        LONG_TEXT = "long_text", _("Long text")
        CHOICE = "choice", _("Choice of options")
        YES_NO = "yes_no", _("Yes or no")

    question_set = models.ForeignKey(
        QuestionSet,
        verbose_name=_("question set"),
        on_delete=models.CASCADE,
        related_name="questions",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.CharField(_("question"), max_length=300)
    help_text = models.CharField(_("hint"), max_length=300, blank=True)
    kind = models.CharField(_("kind of answer"), max_length=20, choices=Kind.choices)
    choices = models.TextField(
        _("options"), blank=True, help_text=_("For a choice: one option per line.")
    )
    required = models.BooleanField(_("an answer is required"), default=True)
    # Questions with answers are retired rather than deleted, so old answers keep their
    # question.
    is_active = models.BooleanField(_("asked on new applications"), default=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="choice") | ~Q(choices=""), name="question_choice_has_options"
            ),
        ]

    def __str__(self):
        return self.text

    @property
    def options(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]


class Application(models.Model):
    """A person's request for a place on a cohort, and where it stands.

    `state` changes only through cohorts.services, along cohorts.workflow.TRANSITIONS;
    every change is kept as an ApplicationEvent.
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        AWAITING_SPONSOR = "awaiting_sponsor", _("Waiting for sponsor approval")
        IN_REVIEW = "in_review", _("In review")
        ACCEPTED = "accepted", _("Place offered")
        ENROLLED = "enrolled", _("Enrolled")
        WAITLISTED = "waitlisted", _("On the waitlist")
        REJECTED = "rejected", _("Not successful")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        OFFER_EXPIRED = "offer_expired", _("Offer expired")

    class Source(models.TextChoices):
        SELF = "self", _("Applied")
        NOMINATED = "nominated", _("Nominated by their sponsor")
        RECOMMENDED = "recommended", _("Recommended")

    cohort = models.ForeignKey(
        Cohort, verbose_name=_("cohort"), on_delete=models.PROTECT, related_name="applications"
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant"),
        on_delete=models.CASCADE,
        related_name="applications",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="applications",
    )
    job_title = models.CharField(_("role"), max_length=150, blank=True)
    source = models.CharField(
        _("how they came"), max_length=20, choices=Source.choices, default=Source.SELF
    )
    state = models.CharField(_("status"), max_length=20, choices=State.choices, default=State.DRAFT)
    # Set while the application holds one of its organisation's reserved places.
    holds_reserved_place = models.BooleanField(default=False, editable=False)
    # Order on the waitlist: handed out under the cohort's row lock, never reused.
    waitlist_position = models.PositiveIntegerField(null=True, blank=True, editable=False)
    offer_expires_at = models.DateTimeField(_("offer open until"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "applicant"], name="application_once_per_cohort"
            ),
            models.UniqueConstraint(
                fields=["cohort", "waitlist_position"],
                condition=Q(waitlist_position__isnull=False),
                name="application_waitlist_position_unique",
            ),
            models.CheckConstraint(
                condition=Q(state="waitlisted", waitlist_position__isnull=False)
                | (~Q(state="waitlisted") & Q(waitlist_position__isnull=True)),
                name="application_waitlisted_has_position",
            ),
            models.CheckConstraint(
                condition=Q(state="accepted", offer_expires_at__isnull=False)
                | (~Q(state="accepted") & Q(offer_expires_at__isnull=True)),
                name="application_offer_has_deadline",
            ),
            models.CheckConstraint(
                condition=Q(holds_reserved_place=False) | Q(state__in=["accepted", "enrolled"]),
                name="application_reserved_place_only_when_held",
            ),
        ]
        indexes = [
            models.Index(fields=["cohort", "state"]),
            models.Index(fields=["state", "offer_expires_at"]),
            models.Index(fields=["organisation", "state"]),
            # The API's list, newest first: read in order and stopped after a page,
            # rather than every application sorted (programme admins see them all).
            models.Index(fields=["-created_at", "-id"], name="application_newest_idx"),
        ]

    def __str__(self):
        return f"{self.applicant} for {self.cohort}"

    def get_absolute_url(self):
        return reverse("cohorts:application-detail", kwargs={"pk": self.pk})


class ApplicationAnswer(models.Model):
    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="answers",
    )
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.PROTECT, related_name="answers"
    )
    value = models.TextField(_("answer"))

    class Meta:
        ordering = ["question__position", "question__pk"]
        verbose_name = _("application answer")
        verbose_name_plural = _("application answers")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "question"], name="answer_once_per_question"
            ),
        ]

    def __str__(self):
        return f"{self.question}: {self.value[:40]}"


class ApplicationEvent(models.Model):
    """One transition of an application: who made it, when, from what, to what and why."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    # None when the portal itself made the change (an offer expiring, a waitlist offer).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    from_state = models.CharField(_("from"), max_length=20, choices=Application.State.choices)
    to_state = models.CharField(_("to"), max_length=20, choices=Application.State.choices)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)
    # Set by the e-mail task when it claims the event, so a retried task sends nothing twice.
    notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("application event")
        verbose_name_plural = _("application events")
        indexes = [models.Index(fields=["application", "created_at"])]

    def __str__(self):
        return f"{self.application}: {self.from_state} → {self.to_state}"


class Nomination(models.Model):
    """An invitation to apply: from an organisation's sponsor, or a recommendation."""

    class Source(models.TextChoices):
        SPONSOR = "sponsor", _("Nominated by a sponsor")
        RECOMMENDATION = "recommendation", _("Recommended")

    class Status(models.TextChoices):
        PENDING = "pending", _("Invitation sent")
        USED = "used", _("Invitation accepted")
        EXPIRED = "expired", _("Invitation expired")
        CANCELLED = "cancelled", _("Cancelled")

    cohort = models.ForeignKey(
        Cohort, verbose_name=_("cohort"), on_delete=models.PROTECT, related_name="nominations"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="nominations",
    )
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.SPONSOR)
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("nominated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="nominations_made",
    )
    recommender_name = models.CharField(_("recommended by"), max_length=150, blank=True)
    recommender_email = models.EmailField(_("recommender's email"), blank=True)
    nominee_name = models.CharField(_("name"), max_length=150)
    nominee_email = models.EmailField(_("work email"))
    reason = models.TextField(_("reason"))
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    # The invitation link carries a token derived from this nonce with the secret key;
    # only its SHA-256 is stored, so the table alone cannot be used to accept invitations.
    token_nonce = models.CharField(max_length=64, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField(_("invitation open until"))
    created_at = models.DateTimeField(_("nominated"), default=timezone.now, editable=False)
    # Claimed by the e-mail task before it sends, so a retried task sends once.
    invitation_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    application = models.OneToOneField(
        Application,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="nomination",
    )

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "nominee_email"],
                condition=Q(status="pending"),
                name="nomination_one_open_invitation_per_person",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "created_at"])]

    def __str__(self):
        return f"{self.nominee_name} for {self.cohort}"

    @property
    def is_expired(self) -> bool:
        return self.status == self.Status.EXPIRED or (
            self.status == self.Status.PENDING and self.expires_at <= timezone.now()
        )

    def get_status_display_now(self) -> str:
        if self.is_expired:
            return self.Status.EXPIRED.label
        return self.get_status_display()


class EqualityResponse(models.Model):
    """Anonymous equality monitoring answers for one cohort.

    No link to a person or an application: a random key (so rows cannot be matched to
    receipts by order) and only the month they were given (so not by time either).
    """

    class Gender(models.TextChoices):
        WOMAN = "woman", _("Woman")
        MAN = "man", _("Man")
        NON_BINARY = "non_binary", _("Non-binary")
        OTHER = "other", _("I describe myself another way")
        UNSAID = "unsaid", _("Prefer not to say")

    class AgeBand(models.TextChoices):
        UNDER_30 = "under_30", _("Under 30")
        FROM_30 = "30_39", _("30 to 39")
        FROM_40 = "40_49", _("40 to 49")
        FROM_50 = "50_59", _("50 to 59")
        FROM_60 = "60_plus", _("60 or over")
        UNSAID = "unsaid", _("Prefer not to say")

    class EthnicGroup(models.TextChoices):
        ASIAN = "asian", _("Asian or Asian British")
        BLACK = "black", _("Black, Black British, Caribbean or African")
        MIXED = "mixed", _("Mixed or multiple ethnic groups")
        WHITE = "white", _("White")
        OTHER = "other", _("Another ethnic group")
        UNSAID = "unsaid", _("Prefer not to say")

    class YesNo(models.TextChoices):
        YES = "yes", _("Yes")
        NO = "no", _("No")
        UNSAID = "unsaid", _("Prefer not to say")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("month answered"))
    gender = models.CharField(
        _("gender"), max_length=20, choices=Gender.choices, default=Gender.UNSAID
    )
    age_band = models.CharField(
        _("age"), max_length=20, choices=AgeBand.choices, default=AgeBand.UNSAID
    )
    ethnic_group = models.CharField(
        _("ethnic group"), max_length=20, choices=EthnicGroup.choices, default=EthnicGroup.UNSAID
    )
    disability = models.CharField(
        _("disability"), max_length=20, choices=YesNo.choices, default=YesNo.UNSAID
    )
    caring = models.CharField(
        _("caring responsibilities"), max_length=20, choices=YesNo.choices, default=YesNo.UNSAID
    )

    class Meta:
        verbose_name = _("equality monitoring response")
        verbose_name_plural = _("equality monitoring responses")
        indexes = [models.Index(fields=["cohort", "month"])]

    def __str__(self):
        return f"{self.cohort_id} {self.month:%Y-%m}"


class EqualityReceipt(models.Model):
    """That a person has answered the questionnaire for a cohort, and nothing about what."""

    cohort = models.ForeignKey(
        Cohort, verbose_name=_("cohort"), on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    class Meta:
        verbose_name = _("equality questionnaire answered")
        verbose_name_plural = _("equality questionnaires answered")
        constraints = [
            models.UniqueConstraint(fields=["cohort", "user"], name="equality_answered_once"),
        ]

    def __str__(self):
        return f"{self.user_id} answered for {self.cohort_id}"
