"""Background work for cohorts: e-mails about applications and nominations, and the
scheduled jobs (expiring offers, deleting old equality monitoring answers, opening,
closing and starting cohorts on their dates).

Each task takes IDs, reloads the rows and is safe to run twice: e-mails are claimed by
setting a timestamp with a conditional UPDATE before they are sent.
"""

import logging

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from core.emails import send_templated_email

from . import services
from .models import Application, ApplicationEvent, Nomination

logger = logging.getLogger(__name__)
User = get_user_model()


def application_events_notify(event_ids: list[int]) -> int:
    """E-mail the applicant about these transitions of one application (one message).

    When the application now waits for its sponsor, the organisation's sponsors are
    asked to endorse it as well. Returns the number of events newly covered.
    """
    now = timezone.now()
    claimed = [
        pk
        for pk in event_ids
        if ApplicationEvent.objects.filter(pk=pk, notified_at__isnull=True).update(notified_at=now)
    ]
    if not claimed:
        return 0
    events = list(
        ApplicationEvent.objects.filter(pk__in=claimed)
        .select_related(
            "application__applicant",
            "application__organisation",
            "application__cohort__programme",
        )
        .order_by("created_at", "pk")
    )
    try:
        _send_application_update(events)
    except Exception:
        # Give the events back so the retry sends them.
        ApplicationEvent.objects.filter(pk__in=claimed).update(notified_at=None)
        raise
    return len(claimed)


def _send_application_update(events: list[ApplicationEvent]) -> None:
    application = events[0].application
    applicant = application.applicant
    latest = events[-1]
    context = {
        "application": application,
        "cohort": application.cohort,
        "person": applicant,
        "events": events,
        "state": latest.to_state,
        "latest": latest,
        "path": reverse("cohorts:application-detail", kwargs={"pk": application.pk}),
        "list_path": reverse("cohorts:application-list-mine"),
        "waitlist_place": _waitlist_place(application),
    }
    send_templated_email(
        to=applicant.email,
        template="application_update",
        context=context,
        language=applicant.preferred_language,
    )
    if latest.to_state == Application.State.AWAITING_SPONSOR and application.organisation_id:
        sponsors = User.objects.filter(
            organisation_id=application.organisation_id, role=User.Role.SPONSOR, is_active=True
        )
        for sponsor in sponsors:
            send_templated_email(
                to=sponsor.email,
                template="application_endorsement_request",
                context={
                    **context,
                    "person": sponsor,
                    "path": reverse("cohorts:application-endorse", kwargs={"pk": application.pk}),
                },
                language=sponsor.preferred_language,
            )


def _waitlist_place(application: Application) -> int | None:
    if application.state != Application.State.WAITLISTED:
        return None
    return Application.objects.filter(
        cohort_id=application.cohort_id,
        state=Application.State.WAITLISTED,
        waitlist_position__lte=application.waitlist_position,
    ).count()


def nomination_send_invitation(nomination_id: int, language: str | None = None) -> bool:
    """E-mail the invitation link to the nominee, once per link.

    In the nominee's own language if they have an account, otherwise in `language` (the
    one the person who nominated or recommended them was using).
    """
    claimed = Nomination.objects.filter(
        pk=nomination_id,
        status=Nomination.Status.PENDING,
        invitation_sent_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).update(invitation_sent_at=timezone.now())
    if not claimed:
        return False
    nomination = Nomination.objects.select_related(
        "cohort__programme", "organisation", "nominated_by"
    ).get(pk=nomination_id)
    token = services.nomination_token(nomination)
    try:
        send_templated_email(
            to=nomination.nominee_email,
            template="nomination_invitation",
            context={
                "nomination": nomination,
                "cohort": nomination.cohort,
                "path": reverse("cohorts:invitation-detail", kwargs={"token": token}),
            },
            language=_language_of(nomination.nominee_email, otherwise=language),
        )
    except Exception:
        Nomination.objects.filter(pk=nomination_id).update(invitation_sent_at=None)
        raise
    return True


def _language_of(email: str, *, otherwise: str | None) -> str | None:
    existing = User.objects.filter(email__iexact=email).only("preferred_language").first()
    return existing.preferred_language if existing else otherwise


def expire_overdue_offers() -> int:
    """Scheduled: expire offers past their deadline and pass the places on."""
    expired = services.application_expire_overdue_offers()
    if expired:
        logger.info("Expired %s place offers", expired)
    return expired


def purge_equality_responses() -> int:
    """Scheduled: delete equality monitoring answers past their retention period."""
    return services.equality_responses_purge()


def advance_cohorts_on_dates() -> int:
    """Scheduled: open, close and start cohorts whose dates have come."""
    moved = services.cohort_advance_on_dates()
    if moved:
        logger.info("Moved cohorts on their dates: %s", moved)
    return len(moved)
