from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Organisation(models.Model):
    """An employer in the public sector whose staff take part and whose sponsors nominate."""

    class Sector(models.TextChoices):
        LOCAL = "local", _("Local government")
        HEALTH = "health", _("Health and care")
        CENTRAL = "central", _("Central government")
        DEVOLVED = "devolved", _("Devolved government")
        OTHER = "other", _("Other public service")

    class Nation(models.TextChoices):
        ENGLAND = "england", _("England")
        SCOTLAND = "scotland", _("Scotland")
        WALES = "wales", _("Wales")
        NORTHERN_IRELAND = "northern-ireland", _("Northern Ireland")

    name = models.CharField(_("name"), max_length=200, unique=True)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    nation = models.CharField(_("nation"), max_length=20, choices=Nation.choices)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **fields):
        fields.update(
            is_staff=True,
            is_superuser=True,
            role=User.Role.ADMIN,
            email_confirmed_at=timezone.now(),
        )
        return self.create_user(email, password, **fields)

    def get_by_natural_key(self, username):
        return self.get(email=username.strip().lower())


class User(AbstractBaseUser, PermissionsMixin):
    """Someone with an account. E-mail is the login; the role decides what they manage.

    Anyone can apply to a programme and be enrolled, whatever their role: the role adds
    management duties (a sponsor for their organisation, a facilitator for the cohorts
    assigned to them, a programme admin for everything).
    """

    class Role(models.TextChoices):
        PARTICIPANT = "participant", _("Participant")
        SPONSOR = "sponsor", _("Sponsor")
        FACILITATOR = "facilitator", _("Facilitator")
        ADMIN = "admin", _("Programme admin")

    # Stored in lower case (see UserManager and the forms), so unique means unique.
    email = models.EmailField(_("email"), max_length=254, unique=True)
    full_name = models.CharField(
        _("full name"),
        max_length=150,
        help_text=_("As it should appear on a certificate."),
    )
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
    )
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    role = models.CharField(
        _("role"), max_length=20, choices=Role.choices, default=Role.PARTICIPANT
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("back-office access"),
        default=False,
        help_text=_("Can sign in to the Django admin."),
    )
    email_confirmed_at = models.DateTimeField(_("email confirmed"), null=True, blank=True)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # A sponsor is always the contact of one organisation.
            models.CheckConstraint(
                condition=~models.Q(role="sponsor") | models.Q(organisation__isnull=False),
                name="sponsor_has_organisation",
            ),
        ]

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def is_programme_admin(self) -> bool:
        return self.is_active and self.role == self.Role.ADMIN

    @property
    def is_facilitator(self) -> bool:
        return self.is_active and self.role == self.Role.FACILITATOR

    @property
    def is_sponsor(self) -> bool:
        return self.is_active and self.role == self.Role.SPONSOR

    @property
    def email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None


class RoleInvitation(models.Model):
    """An invitation from a programme admin to take a role (facilitator, sponsor, admin).

    The link in the e-mail carries a random token made when the e-mail is sent; only its
    SHA-256 is stored. The role is given when the invited person accepts, signed in with
    the invited address.
    """

    email = models.EmailField(_("email"))
    full_name = models.CharField(_("full name"), max_length=150)
    role = models.CharField(_("role"), max_length=20, choices=User.Role.choices)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True, editable=False)
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("role invitation")
        verbose_name_plural = _("role invitations")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="sponsor") | models.Q(organisation__isnull=False),
                name="sponsor_invitation_has_organisation",
            ),
        ]

    def __str__(self):
        return f"{self.email} as {self.get_role_display()}"

    @property
    def is_usable(self) -> bool:
        return (
            self.accepted_at is None
            and self.withdrawn_at is None
            and self.expires_at > timezone.now()
        )
