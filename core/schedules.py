"""Every periodic task of the portal, as rows of django-q2's Schedule table.

The rows are written after every `migrate` and after every `flush` (Django sends
post_migrate for both), so a database always has them whatever emptied it. A row that
exists keeps its next run; its function and interval follow this list.
"""

import datetime as dt

from django.db import DEFAULT_DB_ALIAS
from django.utils import timezone

# (name, function, schedule type, minutes between runs for type "I")
PERIODIC_TASKS = [
    (
        "Certificates: retry PDFs that failed or were lost",
        "certificates.tasks.certificate_render_sweep",
        "I",
        1,
    ),
    ("Session reminders", "scheduling.tasks.send_due_reminders", "I", 15),
    ("cohorts: expire place offers", "cohorts.tasks.expire_overdue_offers", "I", 15),
    (
        "cohorts: open, close and start cohorts on their dates",
        "cohorts.tasks.advance_cohorts_on_dates",
        "I",
        5,
    ),
    (
        "cohorts: delete old equality monitoring answers",
        "cohorts.tasks.purge_equality_responses",
        "D",
        None,
    ),
    (
        "privacy: retention of old applications, exports and sign-in records",
        "privacy.tasks.privacy_retention_run",
        "D",
        None,
    ),
]


def schedules_ensure(*, apps=None, using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    """Write the periodic tasks to the Schedule table (a post_migrate receiver)."""
    if apps is None:
        from django.apps import apps
    try:
        Schedule = apps.get_model("django_q", "Schedule")
    except LookupError:
        return  # django_q's tables are not there yet (a partial migrate)
    for name, func, schedule_type, minutes in PERIODIC_TASKS:
        Schedule.objects.using(using).update_or_create(
            name=name,
            defaults={
                "func": func,
                "schedule_type": schedule_type,
                "minutes": minutes,
                "repeats": -1,
            },
            create_defaults={
                "func": func,
                "schedule_type": schedule_type,
                "minutes": minutes,
                "repeats": -1,
                "next_run": timezone.now() + dt.timedelta(minutes=minutes or 24 * 60),
            },
        )
