"""Writes about personal data: exports, erasure and the retention job."""

import datetime as dt
import io
import json
import logging
import posixpath
import zipfile

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, models, transaction
from django.db.models import Max, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from certificates.models import Certificate
from cohorts import services as cohort_services
from cohorts.models import Application, ApplicationAnswer, ApplicationEvent, Enrolment, Nomination
from core.emails import send_templated_email
from core.errors import ApplicationError
from core.tasks import enqueue_on_commit

from . import register, selectors
from .models import DataExport

logger = logging.getLogger(__name__)
User = get_user_model()

CLOSED_STATES = [
    Application.State.REJECTED,
    Application.State.WITHDRAWN,
    Application.State.OFFER_EXPIRED,
]


# --- Download my data ------------------------------------------------------------------


@transaction.atomic
def data_export_request(*, user) -> DataExport:
    """Ask for a ZIP of everything the register holds about `user`, made by the worker.

    Raises ApplicationError while an earlier request is still being made.
    """
    if DataExport.objects.filter(user=user, status=DataExport.Status.PENDING).exists():
        raise ApplicationError(_("Your data is already being prepared. We will e-mail you."))
    try:
        with transaction.atomic():
            export = DataExport.objects.create(user=user)
    except IntegrityError:  # a second click won the race
        raise ApplicationError(
            _("Your data is already being prepared. We will e-mail you.")
        ) from None
    enqueue_on_commit("privacy.tasks.data_export_build", export.pk)
    return export


def data_export_build(*, export_id: int) -> bool:
    """Make the ZIP of a pending export, store it privately and e-mail its owner.

    Safe to run twice: an export that is no longer pending is left alone (False).
    """
    with transaction.atomic():
        export = (
            DataExport.objects.select_for_update().select_related("user").filter(pk=export_id)
        ).first()
        if export is None or export.status != DataExport.Status.PENDING:
            return False
        content = _export_zip(export.user)
        now = timezone.now()
        export.file.save("export.zip", ContentFile(content), save=False)
        export.file_size = len(content)
        export.status = DataExport.Status.READY
        export.ready_at = now
        export.expires_at = now + dt.timedelta(days=settings.PRIVACY_EXPORT_DAYS)
        export.save(update_fields=["file", "file_size", "status", "ready_at", "expires_at"])
        user = export.user
        transaction.on_commit(lambda: _email_export_ready(user, export))
    logger.info("Data export %s ready (%s bytes)", export.pk, export.file_size)
    return True


def data_export_fail(*, export_id: int) -> None:
    """Mark a pending export as failed, so its owner can ask again."""
    DataExport.objects.filter(pk=export_id, status=DataExport.Status.PENDING).update(
        status=DataExport.Status.FAILED
    )


def _email_export_ready(user, export: DataExport) -> None:
    send_templated_email(
        to=user.email,
        template="data_export_ready",
        context={"user": user, "export": export},
        language=user.preferred_language,
    )


def _export_zip(user) -> bytes:
    """The ZIP: one JSON file per register entry with rows, the person's files, an index."""
    data = selectors.personal_data_of(user)
    buffer = io.BytesIO()
    index = []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in data:
            entry = item["entry"]
            name = f"{entry.slug}.json"
            archive.writestr(name, json.dumps(item["rows"], indent=2, ensure_ascii=False))
            files = []
            for path in item["files"]:
                if not default_storage.exists(path):
                    continue
                target = f"files/{entry.slug}/{posixpath.basename(path)}"
                with default_storage.open(path, "rb") as source:
                    archive.writestr(target, source.read())
                files.append(target)
            index.append(
                {
                    "file": name,
                    "what": str(entry.verbose_name()),
                    "fields": entry.field_names(),
                    "purpose": str(entry.purpose),
                    "lawful_basis": str(entry.lawful_basis),
                    "retention": str(entry.retention),
                    "rows": len(item["rows"]),
                    "attached_files": files,
                }
            )
        archive.writestr(
            "index.json",
            json.dumps(
                {
                    "made_at": timezone.now().isoformat(),
                    "account": user.email,
                    "contents": index,
                },
                indent=2,
                ensure_ascii=False,
            ),
        )
    return buffer.getvalue()


def _delete_files(queryset, file_fields: list[str]) -> None:
    names = [name for row in queryset.values_list(*file_fields) for name in row if name]
    for name in names:
        transaction.on_commit(lambda name=name: default_storage.delete(name))


# --- Delete my account -------------------------------------------------------------------


def _refuse_unsafe_erasure(user) -> None:
    if (
        user.role == User.Role.ADMIN
        and not User.objects.filter(role=User.Role.ADMIN, is_active=True)
        .exclude(pk=user.pk)
        .exists()
    ):
        raise ApplicationError(
            _(
                "You are the only programme admin. Make someone else a programme admin before "
                "you delete your account."
            )
        )


def _leave_cohorts(user) -> None:
    """Withdraw from every open application and place, so places pass to the waitlist."""
    completed = Enrolment.objects.filter(user=user, status=Enrolment.Status.COMPLETED)
    open_applications = (
        Application.objects.filter(applicant=user)
        .exclude(state__in=CLOSED_STATES)
        .exclude(state=Application.State.ENROLLED, cohort__in=completed.values("cohort"))
    )
    for application in open_applications:
        cohort_services.application_withdraw(application=application, actor=user)
    for enrolment in Enrolment.objects.filter(user=user, status=Enrolment.Status.ACTIVE):
        cohort_services.enrolment_withdraw(enrolment=enrolment, actor=user)


def _erase_entry(entry: register.Entry, user, email: str) -> int:
    queryset = entry.rows_of(user, email)
    model = entry.get_model()
    file_fields = [
        name for name in entry.fields if isinstance(model._meta.get_field(name), models.FileField)
    ]
    # Work on primary keys: distinct() querysets cannot be updated or deleted directly.
    rows = model._default_manager.filter(pk__in=list(queryset.values_list("pk", flat=True)))
    count = len(rows)
    if not count:
        return 0
    if file_fields:
        _delete_files(rows, file_fields)
    if callable(entry.erasure):
        entry.erasure(rows, user)
    elif entry.erasure == register.DELETE:
        rows.delete()
    elif entry.erasure == register.UNLINK:
        for name in entry.people:
            for row in rows:
                getattr(row, name).remove(user)
    elif entry.erasure == register.ANONYMISE:
        for row in rows:
            for name in entry.fields:
                setattr(row, name, entry.erased_value(name, row))
            row.save(update_fields=list(entry.fields))
    return count


@transaction.atomic
def account_erase(*, user, password: str) -> dict[str, int]:
    """Erase `user`'s personal data from every register entry, keeping what verifies certificates.

    Open applications and places are withdrawn first (places pass to the waitlist), then
    every entry is erased as the register says, and the account is left empty and
    disabled (it can no longer sign in anywhere). The audit entry holds only the account
    number and how many rows of each kind went. Returns those counts.

    Raises ApplicationError for a wrong password or the last programme admin.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active or not user.check_password(password):
        raise ApplicationError(_("The password is not right."))
    _refuse_unsafe_erasure(user)
    email = user.email
    _leave_cohorts(user)
    # A certificate that was never issued has no code in the world to keep verifying.
    unissued = Certificate.objects.filter(enrolment__user=user).exclude(
        status__in=[Certificate.Status.ISSUED, Certificate.Status.REVOKED]
    )
    _delete_files(unissued, ["pdf"])
    unissued.delete()

    counts = {}
    account_entry = None
    for entry in register.personal_entries():
        if entry.model == "accounts.User":
            account_entry = entry
            continue
        counts[entry.model] = _erase_entry(entry, user, email)
    for name in account_entry.fields:
        setattr(user, name, account_entry.erased_value(name, user))
    user.role = User.Role.PARTICIPANT
    user.is_active = user.is_staff = user.is_superuser = False
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    counts["accounts.User"] = 1
    # The actor is the emptied account itself: the entry says the person chose this.
    audit_record(
        actor=user,
        action="account.erased",
        target=user,
        after={"rows": {label: count for label, count in counts.items() if count}},
    )
    return counts


# --- Retention ---------------------------------------------------------------------------


def privacy_retention_run(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Apply the retention periods. Idempotent: a second run finds nothing left to do.

    - unsuccessful, withdrawn and expired applications older than
      PRIVACY_CLOSED_APPLICATION_MONTHS keep only their cohort, outcome and dates: answers,
      role, organisation, reasons and the nomination's words go;
    - nominations never taken up, older than that, are emptied the same way;
    - exports past their download date are deleted with their files;
    - sign-in records older than PRIVACY_SIGN_IN_LOG_DAYS and expired sessions go;
    - records of background tasks that finished more than TASK_RECORD_DAYS ago go.
    """
    from axes.models import AccessFailureLog, AccessLog
    from django_q.models import Task

    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=round(settings.PRIVACY_CLOSED_APPLICATION_MONTHS * 30.44))
    counts = {}
    with transaction.atomic():
        stale = (
            Application.objects.filter(state__in=CLOSED_STATES)
            .annotate(last_change=Coalesce(Max("events__created_at"), "created_at"))
            .filter(last_change__lt=cutoff)
        )
        to_strip = stale.filter(
            ~Q(job_title="")
            | Q(organisation__isnull=False)
            | Q(answers__isnull=False)
            | Q(events__reason__gt="")
            | Q(nomination__isnull=False, nomination__reason__gt="")
        ).values("pk")
        ids = list(Application.objects.filter(pk__in=to_strip).values_list("pk", flat=True))
        ApplicationAnswer.objects.filter(application_id__in=ids).delete()
        ApplicationEvent.objects.filter(application_id__in=ids).update(reason="")
        Application.objects.filter(pk__in=ids).update(job_title="", organisation=None)
        Nomination.objects.filter(application_id__in=ids).update(
            nominee_name="",
            nominee_email="",
            reason="",
            recommender_name="",
            recommender_email="",
        )
        counts["applications"] = len(ids)

        unused = Nomination.objects.filter(created_at__lt=cutoff, application__isnull=True).filter(
            Q(status__in=[Nomination.Status.EXPIRED, Nomination.Status.CANCELLED])
            | Q(status=Nomination.Status.PENDING, expires_at__lt=now)
        )
        unused = unused.exclude(nominee_email="", nominee_name="", reason="")
        unused_ids = list(unused.values_list("pk", flat=True))
        Nomination.objects.filter(pk__in=unused_ids, status=Nomination.Status.PENDING).update(
            status=Nomination.Status.EXPIRED
        )
        Nomination.objects.filter(pk__in=unused_ids).update(
            nominee_name="",
            nominee_email="",
            reason="",
            recommender_name="",
            recommender_email="",
        )
        counts["nominations"] = len(unused_ids)

        expired = DataExport.objects.filter(
            Q(expires_at__lt=now)
            | Q(status=DataExport.Status.FAILED, requested_at__lt=now - dt.timedelta(days=1))
        )
        _delete_files(expired, ["file"])
        counts["exports"] = expired.delete()[0]

        log_cutoff = now - dt.timedelta(days=settings.PRIVACY_SIGN_IN_LOG_DAYS)
        counts["sign_in_records"] = (
            AccessLog.objects.filter(attempt_time__lt=log_cutoff).delete()[0]
            + AccessFailureLog.objects.filter(attempt_time__lt=log_cutoff).delete()[0]
        )
        counts["sessions"] = Session.objects.filter(expire_date__lt=now).delete()[0]
        task_cutoff = now - dt.timedelta(days=settings.TASK_RECORD_DAYS)
        counts["task_records"] = Task.objects.filter(stopped__lt=task_cutoff).delete()[0]
    return counts
