"""Background work: session reminders (every 15 minutes) and notices of changes."""

from django.contrib.auth import get_user_model

from core.emails import send_templated_email

from . import services
from .models import SessionChange

User = get_user_model()


def send_due_reminders() -> int:
    """Run by the "Session reminders" schedule: claim due reminders and queue their e-mails."""
    return services.reminders_claim_due()


def send_session_reminder(reminder_id: int) -> None:
    reminder = services.reminder_take(reminder_id=reminder_id)
    if reminder is None:  # sent already, or the session was cancelled or moved
        return
    try:
        send_templated_email(
            to=reminder.user.email,
            template="session_reminder",
            context={
                "user": reminder.user,
                "session": reminder.session,
                "path": reminder.session.get_absolute_url(),
            },
            language=reminder.user.preferred_language,
        )
    except Exception:
        # Not sent: hand the claim back so the task's retry (or the next run) sends it.
        services.reminder_release(reminder_id=reminder_id)
        raise


def send_session_change_notice(change_id: int, user_id: int) -> None:
    change = (
        SessionChange.objects.select_related("session__cohort__programme", "actor")
        .filter(pk=change_id)
        .first()
    )
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if change is None or user is None:
        return
    send_templated_email(
        to=user.email,
        template="session_change",
        context={
            "user": user,
            "change": change,
            "session": change.session,
            "path": change.session.get_absolute_url(),
        },
        language=user.preferred_language,
    )
