"""The periodic tasks are rows of django-q2's Schedule table, written after every migrate
and every flush."""

import datetime as dt
import importlib

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_q.models import Schedule

from core.schedules import PERIODIC_TASKS, schedules_ensure

EXPECTED = {
    "certificates.tasks.certificate_render_sweep": ("I", 1),
    "scheduling.tasks.send_due_reminders": ("I", 15),
    "cohorts.tasks.expire_overdue_offers": ("I", 15),
    "cohorts.tasks.advance_cohorts_on_dates": ("I", 5),
    "cohorts.tasks.purge_equality_responses": ("D", None),
    "privacy.tasks.privacy_retention_run": ("D", None),
}


def _rows():
    return {s.func: (s.schedule_type, s.minutes, s.repeats) for s in Schedule.objects.all()}


@pytest.mark.django_db
def test_a_migrated_database_has_every_periodic_task():
    assert _rows() == {func: (*every, -1) for func, every in EXPECTED.items()}


@pytest.mark.parametrize("func", sorted(EXPECTED))
def test_every_scheduled_function_exists(func):
    module_name, name = func.rsplit(".", 1)
    assert callable(getattr(importlib.import_module(module_name), name))


@pytest.mark.django_db(transaction=True)
def test_a_flushed_database_gets_them_back():
    # What a transactional test does between tests, and what `manage.py flush` does.
    call_command("flush", interactive=False, verbosity=0)
    assert set(_rows()) == set(EXPECTED)


@pytest.mark.django_db
def test_writing_them_again_keeps_the_next_run_and_repairs_a_changed_interval():
    planned = timezone.now() + dt.timedelta(minutes=3)
    Schedule.objects.filter(func="cohorts.tasks.advance_cohorts_on_dates").update(
        next_run=planned, minutes=60
    )
    Schedule.objects.filter(func="scheduling.tasks.send_due_reminders").delete()

    schedules_ensure()

    assert Schedule.objects.count() == len(PERIODIC_TASKS)
    advance = Schedule.objects.get(func="cohorts.tasks.advance_cohorts_on_dates")
    assert (advance.minutes, advance.next_run) == (5, planned)
    reminders = Schedule.objects.get(func="scheduling.tasks.send_due_reminders")
    # A new row first runs one interval from now, not at once.
    assert timezone.now() + dt.timedelta(minutes=14) < reminders.next_run
