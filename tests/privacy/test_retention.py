import datetime as dt

import pytest
from axes.models import AccessLog
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django_q.models import Schedule, Task

from cohorts.models import Application, ApplicationAnswer, ApplicationEvent, Nomination
from core.schedules import PERIODIC_TASKS
from privacy import services, tasks
from privacy.models import DataExport
from tests.factories.accounts import UserFactory
from tests.factories.cohorts import QuestionFactory, make_application, make_nomination

pytestmark = pytest.mark.django_db


def _closed_application(state, *, months_ago: int) -> Application:
    application = make_application(state=state)
    question = QuestionFactory(question_set__programme=application.cohort.programme)
    ApplicationAnswer.objects.create(application=application, question=question, value="My answer")
    past = timezone.now() - dt.timedelta(days=months_ago * 31)
    ApplicationEvent.objects.filter(application=application).update(created_at=past)
    Application.objects.filter(pk=application.pk).update(created_at=past)
    return application


def _is_stripped(application: Application) -> bool:
    application.refresh_from_db()
    return (
        application.job_title == ""
        and application.organisation_id is None
        and not application.answers.exists()
        and not application.events.exclude(reason="").exists()
    )


@pytest.mark.parametrize(
    "state",
    [Application.State.REJECTED, Application.State.WITHDRAWN, Application.State.OFFER_EXPIRED],
)
def test_old_closed_applications_keep_only_their_outcome(settings, state):
    settings.PRIVACY_CLOSED_APPLICATION_MONTHS = 12
    old = _closed_application(state, months_ago=13)
    recent = _closed_application(state, months_ago=11)

    counts = services.privacy_retention_run()

    assert counts["applications"] == 1
    assert _is_stripped(old)
    old.refresh_from_db()
    assert old.state == state
    assert old.applicant.is_active
    assert not _is_stripped(recent)


def test_open_applications_are_never_touched(settings):
    settings.PRIVACY_CLOSED_APPLICATION_MONTHS = 1
    application = make_application(state=Application.State.IN_REVIEW)
    Application.objects.filter(pk=application.pk).update(
        created_at=timezone.now() - dt.timedelta(days=400)
    )
    services.privacy_retention_run()
    application.refresh_from_db()
    assert application.job_title == "Head of digital"


def test_the_months_come_from_the_setting(settings):
    old = _closed_application(Application.State.REJECTED, months_ago=4)
    settings.PRIVACY_CLOSED_APPLICATION_MONTHS = 6
    services.privacy_retention_run()
    assert not _is_stripped(old)
    settings.PRIVACY_CLOSED_APPLICATION_MONTHS = 3
    services.privacy_retention_run()
    assert _is_stripped(old)


def test_invitations_never_taken_up_are_emptied():
    nomination = make_nomination(email="never.came@example.org")
    Nomination.objects.filter(pk=nomination.pk).update(
        created_at=timezone.now() - dt.timedelta(days=400),
        expires_at=timezone.now() - dt.timedelta(days=380),
    )
    fresh = make_nomination(email="still.open@example.org")

    assert services.privacy_retention_run()["nominations"] == 1

    nomination.refresh_from_db()
    assert (nomination.nominee_name, nomination.nominee_email, nomination.reason) == ("", "", "")
    assert nomination.status == Nomination.Status.EXPIRED
    fresh.refresh_from_db()
    assert fresh.nominee_email == "still.open@example.org"


def test_expired_exports_old_sign_in_records_and_sessions_go(
    settings, django_capture_on_commit_callbacks
):
    settings.PRIVACY_SIGN_IN_LOG_DAYS = 90
    user = UserFactory()
    now = timezone.now()
    expired = DataExport(
        user=user,
        status=DataExport.Status.READY,
        ready_at=now - dt.timedelta(days=8),
        expires_at=now - dt.timedelta(days=1),
    )
    expired.file.save("x.zip", ContentFile(b"zip"), save=False)
    expired.save()
    current = DataExport.objects.create(
        user=user,
        status=DataExport.Status.FAILED,
        requested_at=now - dt.timedelta(hours=1),
    )
    for days in (91, 89):
        log = AccessLog.objects.create(username=user.email)
        # attempt_time is set on creation, so backdate it afterwards.
        AccessLog.objects.filter(pk=log.pk).update(attempt_time=now - dt.timedelta(days=days))
    Session.objects.create(session_key="a" * 32, session_data="", expire_date=now)
    Session.objects.create(
        session_key="b" * 32, session_data="", expire_date=now + dt.timedelta(hours=1)
    )

    with django_capture_on_commit_callbacks(execute=True):
        counts = services.privacy_retention_run(now=now + dt.timedelta(seconds=1))

    assert counts["exports"] == 1
    assert counts["sign_in_records"] == 1
    assert counts["sessions"] == 1
    assert list(DataExport.objects.all()) == [current]
    assert not default_storage.exists(expired.file.name)
    assert AccessLog.objects.count() == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == ["b" * 32]


def test_running_twice_changes_nothing_the_second_time(settings):
    settings.PRIVACY_CLOSED_APPLICATION_MONTHS = 12
    _closed_application(Application.State.REJECTED, months_ago=13)
    first = services.privacy_retention_run()
    assert first["applications"] == 1
    second = tasks.privacy_retention_run()
    assert set(second.values()) == {0}


def test_the_job_is_scheduled_daily():
    names = {func: kind for _, func, kind, _ in PERIODIC_TASKS}
    assert names["privacy.tasks.privacy_retention_run"] == "D"
    assert Schedule.objects.filter(func="privacy.tasks.privacy_retention_run").exists()


def test_records_of_old_background_tasks_go(settings):
    settings.TASK_RECORD_DAYS = 30
    now = timezone.now()
    for name, days, success in [("old-ok", 31, True), ("old-failed", 31, False),
                                ("recent-ok", 29, True), ("recent-failed", 1, False)]:  # fmt: skip
        Task.objects.create(
            id=name,
            name=name,
            func="certificates.tasks.certificate_render",
            started=now - dt.timedelta(days=days),
            stopped=now - dt.timedelta(days=days),
            success=success,
        )

    assert services.privacy_retention_run(now=now)["task_records"] == 2

    assert sorted(Task.objects.values_list("name", flat=True)) == ["recent-failed", "recent-ok"]


def test_recording_a_finished_task_reads_no_other_task_record():
    # django-q2's save_limit would lock and read every kept record after each task.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django_q.monitor import save_task

    from core.tasks import task_broker

    now = timezone.now()
    Task.objects.bulk_create(
        Task(id=f"kept-{n}", name=f"kept-{n}", func="f", started=now, stopped=now, success=True)
        for n in range(20)
    )
    finished = {"id": "new", "name": "new", "func": "f", "args": (), "kwargs": {},
                "started": now, "stopped": now, "result": None, "success": True}  # fmt: skip

    with CaptureQueriesContext(connection) as queries:
        save_task(finished, task_broker())

    reads = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    assert reads
    assert all('"django_q_task"."id" = ' in sql for sql in reads), reads
    assert Task.objects.count() == 21
