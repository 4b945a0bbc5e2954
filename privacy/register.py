"""The register of personal data: every model, what it holds about people, why, how long.

One `Entry` per model. The privacy notice is rendered from it, "Download my data" exports
each entry's rows about the person, "Delete my account" erases them as the entry says,
and a test fails when a model is missing or a registered field no longer exists.

Adding a model is one block in REGISTER:

    Entry(
        "progress.Reflection",
        fields=("text",),              # the fields that hold personal data
        people=("enrolment__user",),   # how to find a person's rows (lookups to the user)
        purpose=_("..."),
        lawful_basis=PUBLIC_TASK,
        retention=_("..."),
        erasure=DELETE,                # or ANONYMISE, UNLINK or a function
    ),

A model without personal data has `fields=()` and says so in `purpose`.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# What "Delete my account" does to the person's rows of an entry.
DELETE = "delete"  # the rows go
ANONYMISE = "anonymise"  # the rows stay; each registered field is emptied
UNLINK = "unlink"  # many-to-many: the person is taken off the row (a cohort's facilitators)
NOTHING = "nothing"  # no personal data

PUBLIC_TASK = _(
    "Public task: developing leaders in public services, the purpose the programmes exist for."
)
CONTRACT = _("Contract: the account and the place you asked us for.")
LEGITIMATE_INTERESTS = _(
    "Legitimate interests: keeping the portal and your account safe from misuse."
)
CONSENT = _("Explicit consent: you choose whether to answer, and can leave every question.")
NOT_PERSONAL = _("Not needed: no personal data.")
FACILITATOR_RETENTION = _(
    "While the cohort is kept; a facilitator who deletes their account is taken off it."
)

# The apps whose models the register must cover beyond the project's own: the back
# office log, sign-in sessions, the task queue, two-factor devices and sign-in records.
# (auth's groups and permissions and contenttypes are configuration, not about people.)
THIRD_PARTY_APPS = ("admin", "sessions", "django_q", "otp_totp", "axes")
SIGN_IN_RECORD_LABELS = {
    "username": _("e-mail address"),
    "ip_address": _("network address"),
    "user_agent": _("browser"),
    "get_data": _("address requested"),
    "post_data": _("form sent, without the password"),
}


@dataclass(frozen=True)
class Entry:
    model: str
    purpose: str
    lawful_basis: str
    retention: str
    fields: Sequence[str] = ()
    # Lookups from the model to the user the row is about ("applicant", "enrolment__user"),
    # or functions of the user giving a Q for rows found another way.
    people: Sequence[str | Callable] = ()
    # E-mail fields that name the person, who may have no account (a nominee, a failed
    # sign-in).
    emails: Sequence[str] = ()
    erasure: str | Callable = NOTHING
    # Replacement values when anonymising, for fields that cannot simply be emptied.
    replacements: dict = field(default_factory=dict)
    # Secrets never put in an export (hashes, keys, tokens).
    not_exported: Sequence[str] = ()
    # For other libraries' models, whose names and fields are in English only: what the
    # privacy notice calls them.
    title: str = ""
    field_labels: dict = field(default_factory=dict)

    def get_model(self) -> type[models.Model]:
        return apps.get_model(self.model)

    @property
    def holds_personal_data(self) -> bool:
        return bool(self.fields)

    @property
    def slug(self) -> str:
        return self.model.lower().replace(".", "-")

    def verbose_name(self) -> str:
        return self.title or self.get_model()._meta.verbose_name_plural

    def field_names(self) -> list[str]:
        """The registered fields as people read them ("full name", "job title")."""
        meta = self.get_model()._meta
        return [
            str(self.field_labels.get(name) or meta.get_field(name).verbose_name)
            for name in self.fields
        ]

    def person_filter(self, user=None, email: str = "") -> Q | None:
        """A Q for the rows about this person, or None when the entry has no way to find any."""
        conditions = []
        if user is not None:
            for lookup in self.people:
                conditions.append(lookup(user) if callable(lookup) else Q(**{lookup: user}))
        if email:
            conditions.extend(Q(**{f"{name}__iexact": email}) for name in self.emails)
        if not conditions:
            return None
        combined = conditions[0]
        for condition in conditions[1:]:
            combined |= condition
        return combined

    def rows_of(self, user=None, email: str = "") -> models.QuerySet:
        condition = self.person_filter(user, email)
        manager = self.get_model()._default_manager
        if condition is None:
            return manager.none()
        return manager.filter(condition).distinct()

    def erased_value(self, name: str, row: models.Model):
        """What an anonymised row holds in field `name`."""
        if name in self.replacements:
            return self.replacements[name](row)
        model_field = self.get_model()._meta.get_field(name)
        if isinstance(model_field, models.JSONField):
            return model_field.default() if callable(model_field.default) else {}
        if model_field.null:
            return None
        return ""


# What an erased account is called wherever the portal lists people (a completed
# cohort's participants, who made a decision): not a name, and not a blank cell.
ERASED_NAME = "Deleted account"


def _erased_email(user) -> str:
    # Unique like the address it replaces, and in a domain that can never receive mail.
    return f"erased-{user.pk}@erased.invalid"


def _the_account(user) -> Q:
    return Q(pk=user.pk)


def _about_account(user) -> Q:
    return Q(content_type__app_label="accounts", content_type__model="user") & Q(
        object_id=str(user.pk)
    )


REGISTER: list[Entry] = [
    # --- accounts ----------------------------------------------------------------------
    Entry(
        "accounts.User",
        fields=(
            "email",
            "full_name",
            "job_title",
            "organisation",
            "preferred_language",
            "email_confirmed_at",
            "last_login",
        ),
        people=(_the_account,),
        purpose=_(
            "Your account: to sign you in, write to you, put your name on your certificate "
            "and show your organisation to its sponsor."
        ),
        lawful_basis=CONTRACT,
        retention=_(
            "Until you delete your account. Afterwards an empty account with no name or "
            "address stays, so that records of the programme still add up."
        ),
        erasure=ANONYMISE,
        replacements={
            "email": _erased_email,
            "full_name": lambda user: ERASED_NAME,
            "preferred_language": lambda user: settings.LANGUAGE_CODE,
        },
        not_exported=("password",),
    ),
    Entry(
        "accounts.RoleInvitation",
        fields=("email", "full_name"),
        people=("accepted_by",),
        emails=("email",),
        purpose=_("An invitation from a programme admin to become a facilitator or sponsor."),
        lawful_basis=PUBLIC_TASK,
        retention=_("Until you delete your account."),
        erasure=DELETE,
        not_exported=("token_hash",),
    ),
    Entry(
        "accounts.Organisation",
        purpose=_("Employers taking part. Organisations, not people."),
        lawful_basis=NOT_PERSONAL,
        retention=_("While the organisation takes part."),
    ),
    # --- api ---------------------------------------------------------------------------
    Entry(
        "api.ApiToken",
        fields=("name", "last_used_at"),
        people=("user",),
        purpose=_(
            "The API tokens you made, so that another system can use the portal as you, "
            "and when each was last used."
        ),
        lawful_basis=CONTRACT,
        retention=_("Until you revoke the token or delete your account."),
        erasure=DELETE,
        not_exported=("token_hash",),
    ),
    # --- academy -----------------------------------------------------------------------
    Entry(
        "academy.Programme",
        purpose=_("The programmes and their public pages."),
        lawful_basis=NOT_PERSONAL,
        retention=_("While the programme runs."),
    ),
    Entry(
        "academy.Module",
        purpose=_("Course content."),
        lawful_basis=NOT_PERSONAL,
        retention=_("While the programme runs."),
    ),
    Entry(
        "academy.Material",
        purpose=_("Course materials published by facilitators."),
        lawful_basis=NOT_PERSONAL,
        retention=_("While the programme runs."),
    ),
    Entry(
        "academy.MaterialProgress",
        fields=("completed_at",),
        people=("enrolment__user",),
        purpose=_("The course materials you marked as done, to show your progress."),
        lawful_basis=PUBLIC_TASK,
        retention=_("Until you delete your account."),
        erasure=DELETE,
    ),
    Entry(
        "academy.CompletionRule",
        purpose=_("What completing a programme takes."),
        lawful_basis=NOT_PERSONAL,
        retention=_("While the programme runs."),
    ),
    Entry(
        "academy.Reflection",
        fields=("text", "feedback"),
        people=("enrolment__user",),
        purpose=_(
            "Your final reflection and the facilitator's feedback, where completing the "
            "programme asks for one."
        ),
        lawful_basis=PUBLIC_TASK,
        retention=_("Until you delete your account."),
        erasure=DELETE,
    ),
]


def _erase_enrolments(queryset, user) -> None:
    # A certificate keeps its enrolment (the code must go on verifying); the rest go.
    queryset.filter(certificate__isnull=True).delete()
    queryset.update(organisation=None)


def _erase_nominations(queryset, user) -> None:
    # An open invitation for an erased person must not stay usable, and two emptied
    # open invitations in one cohort would clash.
    queryset.filter(status="pending").update(status="cancelled")
    queryset.update(
        nominee_name="", nominee_email="", reason="", recommender_name="", recommender_email=""
    )


REGISTER += [
    # --- cohorts -----------------------------------------------------------------------
    Entry(
        "cohorts.Cohort",
        fields=("facilitators",),
        people=("facilitators",),
        purpose=_("Cohorts and who facilitates each, shown to the cohort's people."),
        lawful_basis=PUBLIC_TASK,
        retention=_(
            "While the cohort is kept; a facilitator who deletes their account is removed."
        ),
        erasure=UNLINK,
    ),
    Entry(
        "cohorts.Enrolment",
        fields=("organisation",),
        people=("user",),
        purpose=_("Your place on a cohort, and when you completed it."),
        lawful_basis=PUBLIC_TASK,
        retention=_(
            "Until you delete your account. A place that led to a certificate stays, with no "
            "name, so that the certificate can still be verified."
        ),
        erasure=_erase_enrolments,
    ),
    Entry(
        "cohorts.CohortReservation",
        purpose=_("Places bought by organisations."),
        lawful_basis=NOT_PERSONAL,
        retention=_("While the cohort is kept."),
    ),
    Entry(
        "cohorts.QuestionSet",
        purpose=_("The questions a programme asks."),
        lawful_basis=NOT_PERSONAL,
        retention=_("While the programme runs."),
    ),
    Entry(
        "cohorts.Question",
        purpose=_("The questions a programme asks."),
        lawful_basis=NOT_PERSONAL,
        retention=_("While the programme runs."),
    ),
    # Before applications: deleting those unlinks their nominations.
    Entry(
        "cohorts.Nomination",
        fields=("nominee_name", "nominee_email", "reason", "recommender_name", "recommender_email"),
        people=("used_by", "application__applicant"),
        emails=("nominee_email", "recommender_email"),
        purpose=_(
            "A nomination by your sponsor or a recommendation: to invite you to apply and let "
            "them follow it."
        ),
        lawful_basis=PUBLIC_TASK,
        retention=_(
            "Until you delete your account. An invitation that was never taken up is emptied "
            "after the number of months set by the programme team."
        ),
        erasure=_erase_nominations,
        not_exported=("token_nonce", "token_hash"),
    ),
    Entry(
        "cohorts.Application",
        fields=("job_title", "organisation"),
        people=("applicant",),
        purpose=_("Your applications for a place and where each stands."),
        lawful_basis=PUBLIC_TASK,
        retention=_(
            "Until you delete your account. Unsuccessful and withdrawn applications keep only "
            "their outcome after the number of months set by the programme team."
        ),
        erasure=DELETE,
    ),
    Entry(
        "cohorts.ApplicationAnswer",
        fields=("value",),
        people=("application__applicant",),
        purpose=_("Your answers to the application questions, to decide on your place."),
        lawful_basis=PUBLIC_TASK,
        retention=_(
            "Until you delete your account, or until an unsuccessful or withdrawn application "
            "is cut down to its outcome."
        ),
        erasure=DELETE,
    ),
    Entry(
        "cohorts.ApplicationEvent",
        fields=("reason",),
        people=("application__applicant",),
        purpose=_("Each decision on your application, with its reason, as we must explain it."),
        lawful_basis=PUBLIC_TASK,
        retention=_("As your application."),
        erasure=DELETE,
    ),
    Entry(
        "cohorts.EqualityResponse",
        purpose=_(
            "Equality monitoring answers, if you chose to give them. Stored with no link to "
            "you, and reported only in groups of five or more, so they are not about you."
        ),
        lawful_basis=CONSENT,
        retention=_("Deleted after the number of days set by the programme team."),
    ),
    Entry(
        "cohorts.EqualityReceipt",
        fields=("cohort",),
        people=("user",),
        purpose=_("That you answered the equality questions for a cohort (not what you answered)."),
        lawful_basis=CONSENT,
        retention=_("Until you delete your account."),
        erasure=DELETE,
    ),
    # --- certificates ------------------------------------------------------------------
    Entry(
        "certificates.CertificateBatch",
        purpose=_("Facilitators' runs issuing a whole cohort's certificates."),
        lawful_basis=NOT_PERSONAL,
        retention=_("While the cohort is kept."),
    ),
    Entry(
        "certificates.Certificate",
        fields=("holder_name", "pdf"),
        people=("enrolment__user",),
        purpose=_(
            "Your certificate and its verification code, so that anyone you show it to can "
            "check it."
        ),
        lawful_basis=PUBLIC_TASK,
        retention=_(
            "For as long as the portal runs. If you delete your account, your name and the PDF "
            "go; the code, programme, cohort and dates stay, so the certificate you hold still "
            "verifies."
        ),
        erasure=ANONYMISE,
    ),
    Entry(
        "certificates.CertificateEvent",
        fields=("note", "details"),
        people=("certificate__enrolment__user",),
        purpose=_("The history of your certificate: issued, re-issued, revoked and why."),
        lawful_basis=PUBLIC_TASK,
        retention=_("As the certificate; notes and details go when you delete your account."),
        erasure=ANONYMISE,
    ),
    # --- audit -------------------------------------------------------------------------
    Entry(
        "audit.AuditEntry",
        purpose=_(
            "The record of decisions and changes. It holds record numbers and states, never "
            "names or addresses, and who acted is an account that is emptied if deleted."
        ),
        lawful_basis=LEGITIMATE_INTERESTS,
        retention=_("Kept: it is append-only."),
    ),
    # --- scheduling --------------------------------------------------------------------
    Entry(
        "scheduling.Session",
        fields=("facilitators",),
        people=("facilitators",),
        purpose=_("The timetable, and who leads each session."),
        lawful_basis=PUBLIC_TASK,
        retention=_(
            "While the cohort is kept; a facilitator who deletes their account is removed."
        ),
        erasure=UNLINK,
    ),
    Entry(
        "scheduling.SessionChange",
        purpose=_("Changes to sessions, and the notices sent about them."),
        lawful_basis=NOT_PERSONAL,
        retention=_("While the cohort is kept."),
    ),
    Entry(
        "scheduling.Attendance",
        fields=("status", "recorded_at"),
        people=("user",),
        purpose=_("Whether you attended each session, for your completion."),
        lawful_basis=PUBLIC_TASK,
        retention=_("Until you delete your account."),
        erasure=DELETE,
    ),
    Entry(
        "scheduling.CalendarFeed",
        fields=("token",),
        people=("user",),
        purpose=_("The private address of your calendar subscription."),
        lawful_basis=CONTRACT,
        retention=_("Until you make a new address or delete your account."),
        erasure=DELETE,
        not_exported=("token",),
    ),
    Entry(
        "scheduling.SessionReminder",
        fields=("starts_at", "sent_at"),
        people=("user",),
        purpose=_("Reminders e-mailed to you before sessions, so none is sent twice."),
        lawful_basis=PUBLIC_TASK,
        retention=_("Until you delete your account."),
        erasure=DELETE,
    ),
    # --- announcements -----------------------------------------------------------------
    Entry(
        "announcements.Announcement",
        purpose=_("Messages from facilitators to a cohort."),
        lawful_basis=NOT_PERSONAL,
        retention=_("While the cohort is kept."),
    ),
    Entry(
        "announcements.AnnouncementRecipient",
        fields=("emailed_at", "dismissed_at"),
        people=("user",),
        purpose=_("Which announcements were sent to you, and which you put away."),
        lawful_basis=PUBLIC_TASK,
        retention=_("Until you delete your account."),
        erasure=DELETE,
    ),
    # --- privacy -----------------------------------------------------------------------
    Entry(
        "privacy.DataExport",
        fields=("file",),
        people=("user",),
        purpose=_("The copies of your data you asked to download."),
        lawful_basis=CONTRACT,
        retention=_("Deleted when the download link expires."),
        erasure=DELETE,
        # The file is an earlier copy of this very data.
        not_exported=("file",),
    ),
    # --- other parts of the portal -----------------------------------------------------
    Entry(
        "admin.LogEntry",
        fields=("object_repr", "change_message"),
        people=(_about_account,),
        purpose=_("The back office's own log of changes made there."),
        lawful_basis=LEGITIMATE_INTERESTS,
        retention=_("Entries about your account go when you delete it."),
        erasure=DELETE,
    ),
    Entry(
        "sessions.Session",
        purpose=_(
            "Signed-in sessions: a random key and your account number. Signing out ends them; "
            "deleting your account signs you out everywhere."
        ),
        lawful_basis=CONTRACT,
        retention=_("Removed once expired, every day."),
    ),
    Entry(
        "django_q.Task",
        purpose=_("Background work (e-mails, PDFs). Arguments are record numbers, never names."),
        lawful_basis=NOT_PERSONAL,
        retention=_("Deleted after the number of days set by the programme team."),
    ),
    Entry(
        "django_q.Schedule",
        purpose=_("Background work that runs on a timetable."),
        lawful_basis=NOT_PERSONAL,
        retention=_("Configuration."),
    ),
    Entry(
        "django_q.OrmQ",
        purpose=_("The queue of background work. Arguments are record numbers, never names."),
        lawful_basis=NOT_PERSONAL,
        retention=_("Until the work is done."),
    ),
    Entry(
        "otp_totp.TOTPDevice",
        fields=("name", "key", "last_used_at"),
        title=_("two-factor authenticators"),
        field_labels={"name": _("name"), "key": _("secret key"), "last_used_at": _("last used")},
        people=("user",),
        purpose=_("Your authenticator app for two-factor sign-in, if you set one up."),
        lawful_basis=LEGITIMATE_INTERESTS,
        retention=_("Until you remove it or delete your account."),
        erasure=DELETE,
        not_exported=("key",),
    ),
    Entry(
        "axes.AccessAttempt",
        fields=("username", "ip_address", "user_agent", "get_data", "post_data"),
        title=_("failed sign-in attempts"),
        field_labels=SIGN_IN_RECORD_LABELS,
        emails=("username",),
        purpose=_("Failed sign-ins, to pause sign-in after too many wrong passwords."),
        lawful_basis=LEGITIMATE_INTERESTS,
        retention=_("Until the next successful sign-in or the end of the pause."),
        erasure=DELETE,
    ),
    Entry(
        "axes.AccessAttemptExpiration",
        purpose=_("When a pause on signing in ends; part of the failed sign-in record."),
        lawful_basis=LEGITIMATE_INTERESTS,
        retention=_("As the failed sign-in."),
    ),
    Entry(
        "axes.AccessLog",
        fields=("username", "ip_address", "user_agent"),
        title=_("sign-ins"),
        field_labels=SIGN_IN_RECORD_LABELS,
        emails=("username",),
        purpose=_("Sign-ins to your account, with the network address and browser used."),
        lawful_basis=LEGITIMATE_INTERESTS,
        retention=_("Deleted after the number of days set by the programme team."),
        erasure=DELETE,
    ),
    Entry(
        "axes.AccessFailureLog",
        fields=("username", "ip_address", "user_agent"),
        title=_("failed sign-ins"),
        field_labels=SIGN_IN_RECORD_LABELS,
        emails=("username",),
        purpose=_("Failed sign-ins, with the network address and browser used."),
        lawful_basis=LEGITIMATE_INTERESTS,
        retention=_("Deleted after the number of days set by the programme team."),
        erasure=DELETE,
    ),
]


def entries() -> list[Entry]:
    return REGISTER


def personal_entries() -> list[Entry]:
    return [entry for entry in REGISTER if entry.holds_personal_data]
