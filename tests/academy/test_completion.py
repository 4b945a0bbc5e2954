"""The completion rule: its edge cases, idempotency and the hand-over to certificates."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from academy import services
from academy.completion import (
    COMPLETED,
    REOPENED,
    UNCHANGED,
    enrolment_evaluate_completion,
    progress_for_enrolments,
    rule_in_words,
)
from academy.models import CompletionRule, Material, Module, Reflection
from audit.models import AuditEntry
from certificates import services as certificate_services
from certificates.models import Certificate
from cohorts.models import Enrolment
from core.errors import ApplicationError
from scheduling import services as scheduling_services
from scheduling.models import Attendance, Session
from tests.factories.accounts import AdminFactory, FacilitatorFactory
from tests.factories.certificates import fake_renderer
from tests.factories.cohorts import EnrolmentFactory
from tests.factories.scheduling import RunningCohortFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def queued(monkeypatch):
    """Tasks are recorded, not run: the certificate's render is not what is tested here."""
    queued = []
    monkeypatch.setattr("core.tasks.async_task", lambda *args, **kwargs: queued.append(args))
    return queued


@pytest.fixture
def cohort():
    return RunningCohortFactory()


@pytest.fixture
def facilitator(cohort):
    facilitator = FacilitatorFactory()
    cohort.facilitators.add(facilitator)
    return facilitator


def module(cohort, *, opens_after_days=0, own=False):
    return Module.objects.create(
        programme=cohort.programme,
        cohort=cohort if own else None,
        title="A module",
        position=Module.objects.count() + 1,
        release_rule="days_after_start",
        release_after_days=opens_after_days,
        is_published=True,
    )


def material(module, *, required=True, minutes=10, published=True):
    return Material.objects.create(
        module=module, kind="page", title="Read", body="x", position=module.materials.count() + 1,
        is_required=required, estimated_minutes=minutes, is_published=published,
    )  # fmt: skip


def session(cohort, days_ago, *, hours=2, status="scheduled"):
    start = timezone.now() - dt.timedelta(days=days_ago)
    return Session.objects.create(
        cohort=cohort, title=f"Session {days_ago}", kind="workshop", starts_at=start,
        ends_at=start + dt.timedelta(hours=hours), joining_link="https://meet.example.org/x",
        status=status,
    )  # fmt: skip


def rule(cohort, **fields):
    values = {"requires_materials": True, "minimum_attendance_percent": 80,
              "requires_reflection": False, **fields}  # fmt: skip
    return CompletionRule.objects.update_or_create(programme=cohort.programme, defaults=values)[0]


def refreshed(enrolment):
    enrolment.refresh_from_db()
    return enrolment


def test_marking_the_last_required_material_completes_with_todays_date(cohort):
    rule(cohort, minimum_attendance_percent=0)
    first, second = material(module(cohort)), material(module(cohort))
    enrolment = EnrolmentFactory(cohort=cohort)

    services.material_mark_done(enrolment=enrolment, material=first)
    assert refreshed(enrolment).status == Enrolment.Status.ACTIVE

    services.material_mark_done(enrolment=enrolment, material=second)
    enrolment = refreshed(enrolment)
    assert enrolment.status == Enrolment.Status.COMPLETED
    assert enrolment.completed_on == timezone.localdate()
    assert AuditEntry.objects.filter(action="enrolment.completed").count() == 1


def test_optional_and_unpublished_materials_never_count(cohort):
    rule(cohort, minimum_attendance_percent=0)
    shared = module(cohort)
    required = material(shared)
    material(shared, required=False)
    material(shared, published=False)
    enrolment = EnrolmentFactory(cohort=cohort)

    services.material_mark_done(enrolment=enrolment, material=required)

    assert refreshed(enrolment).status == Enrolment.Status.COMPLETED


def test_a_required_material_still_locked_holds_completion_back(cohort):
    rule(cohort, minimum_attendance_percent=0)
    opened = material(module(cohort))
    material(module(cohort, opens_after_days=365))
    enrolment = EnrolmentFactory(cohort=cohort)

    services.material_mark_done(enrolment=enrolment, material=opened)

    progress = progress_for_enrolments([refreshed(enrolment)])[0]
    assert enrolment.status == Enrolment.Status.ACTIVE
    assert progress.missing == ["1 required material to do"]


def test_another_cohorts_own_materials_are_not_in_the_rule(cohort):
    rule(cohort, minimum_attendance_percent=0)
    mine = material(module(cohort, own=True))
    other = RunningCohortFactory(programme=cohort.programme)
    material(module(other, own=True))
    enrolment = EnrolmentFactory(cohort=cohort)

    services.material_mark_done(enrolment=enrolment, material=mine)

    assert refreshed(enrolment).status == Enrolment.Status.COMPLETED


def test_a_cohort_without_sessions_asks_for_no_attendance(cohort):
    rule(cohort, minimum_attendance_percent=80)
    only = material(module(cohort))
    enrolment = EnrolmentFactory(cohort=cohort)

    services.material_mark_done(enrolment=enrolment, material=only)

    progress = progress_for_enrolments([refreshed(enrolment)])[0]
    assert (progress.sessions_total, progress.sessions_needed) == (0, 0)
    assert enrolment.status == Enrolment.Status.COMPLETED


def test_attendance_is_rounded_up_and_cancelled_sessions_do_not_count(cohort, facilitator):
    rule(cohort, requires_materials=False, minimum_attendance_percent=80)
    held = [session(cohort, days) for days in (40, 30, 20, 10, 5)]
    session(cohort, 3, status="cancelled")
    enrolment = EnrolmentFactory(cohort=cohort)
    user = enrolment.user

    for one in held[:3]:
        scheduling_services.attendance_record(
            session=one, actor=facilitator, marks={user.pk: "present"}
        )
    progress = progress_for_enrolments([enrolment])[0]
    # 80 % of 5 is 4: three is not enough.
    assert (progress.sessions_attended, progress.sessions_needed) == (3, 4)
    assert progress.missing == ["1 more session to attend"]
    assert refreshed(enrolment).status == Enrolment.Status.ACTIVE

    scheduling_services.attendance_record(
        session=held[3], actor=facilitator, marks={user.pk: "late"}
    )
    assert refreshed(enrolment).status == Enrolment.Status.COMPLETED


def test_future_sessions_count_towards_the_total(cohort):
    rule(cohort, requires_materials=False, minimum_attendance_percent=50)
    session(cohort, 10)
    Session.objects.create(
        cohort=cohort, title="Later", kind="workshop",
        starts_at=timezone.now() + dt.timedelta(days=5),
        ends_at=timezone.now() + dt.timedelta(days=5, hours=1),
        joining_link="https://meet.example.org/x",
    )  # fmt: skip
    enrolment = EnrolmentFactory(cohort=cohort)
    progress = progress_for_enrolments([enrolment])[0]
    assert (progress.sessions_total, progress.sessions_needed, progress.met) == (2, 1, False)


def test_attendance_corrected_before_the_certificate_is_issued_reopens_and_withdraws_it(
    cohort, facilitator, django_capture_on_commit_callbacks, queued
):
    rule(cohort, requires_materials=False, minimum_attendance_percent=100)
    only = session(cohort, 5)
    enrolment = EnrolmentFactory(cohort=cohort)

    with django_capture_on_commit_callbacks(execute=True):
        scheduling_services.attendance_record(
            session=only, actor=facilitator, marks={enrolment.user_id: "present"}
        )
    certificate = Certificate.objects.get(enrolment=enrolment)
    assert certificate.status == Certificate.Status.PENDING
    assert ("certificates.tasks.certificate_render", certificate.pk) in queued

    with django_capture_on_commit_callbacks(execute=True):
        scheduling_services.attendance_record(
            session=only, actor=facilitator, marks={enrolment.user_id: "absent"}
        )

    enrolment = refreshed(enrolment)
    assert (enrolment.status, enrolment.completed_on) == (Enrolment.Status.ACTIVE, None)
    assert not Certificate.objects.filter(enrolment=enrolment).exists()
    assert AuditEntry.objects.filter(action="enrolment.reopened").count() == 1
    assert AuditEntry.objects.filter(action="certificate.withdrawn_unissued").count() == 1
    # The render task queued for the withdrawn certificate finds nothing to do.
    outcome = certificate_services.certificate_render(
        certificate_id=certificate.pk, renderer=fake_renderer
    )
    assert outcome == "gone"


def test_attendance_corrected_after_the_certificate_is_issued_leaves_the_completion(
    cohort, facilitator, django_capture_on_commit_callbacks
):
    rule(cohort, requires_materials=False, minimum_attendance_percent=100)
    only = session(cohort, 5)
    enrolment = EnrolmentFactory(cohort=cohort)
    with django_capture_on_commit_callbacks(execute=True):
        scheduling_services.attendance_record(
            session=only, actor=facilitator, marks={enrolment.user_id: "present"}
        )
    certificate = Certificate.objects.get(enrolment=enrolment)
    certificate_services.certificate_render(
        certificate_id=certificate.pk, renderer=fake_renderer, notify_holder=False
    )

    scheduling_services.attendance_record(
        session=only, actor=facilitator, marks={enrolment.user_id: "absent"}
    )

    assert refreshed(enrolment).status == Enrolment.Status.COMPLETED
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.ISSUED


def test_changes_to_the_timetable_complete_and_reopen_places(
    cohort, facilitator, django_capture_on_commit_callbacks
):
    rule(cohort, requires_materials=False, minimum_attendance_percent=100)
    held = session(cohort, 5)
    coming = session(cohort, -5)
    enrolment = EnrolmentFactory(cohort=cohort)
    scheduling_services.attendance_record(
        session=held, actor=facilitator, marks={enrolment.user_id: "present"}
    )
    assert refreshed(enrolment).status == Enrolment.Status.ACTIVE  # one of two sessions

    with django_capture_on_commit_callbacks(execute=True):
        scheduling_services.session_cancel(session=coming, actor=facilitator, reason="Snow")
    assert refreshed(enrolment).status == Enrolment.Status.COMPLETED
    assert Certificate.objects.get(enrolment=enrolment).status == Certificate.Status.PENDING

    start = timezone.now() + dt.timedelta(days=10)
    with django_capture_on_commit_callbacks(execute=True):
        scheduling_services.session_schedule(
            cohort=cohort, actor=facilitator, title="Catch-up", kind="workshop",
            starts_at=start, ends_at=start + dt.timedelta(hours=2), facilitators=[facilitator],
            joining_link="https://meet.example.org/catch-up", confirm_clashes=True,
        )  # fmt: skip
    assert refreshed(enrolment).status == Enrolment.Status.ACTIVE
    assert not Certificate.objects.filter(enrolment=enrolment).exists()


def test_evaluating_again_changes_nothing_and_requests_one_certificate(
    cohort, django_capture_on_commit_callbacks
):
    rule(cohort, minimum_attendance_percent=0)
    only = material(module(cohort))
    enrolment = EnrolmentFactory(cohort=cohort)
    with django_capture_on_commit_callbacks(execute=True):
        services.material_mark_done(enrolment=enrolment, material=only)
        completed_on = refreshed(enrolment).completed_on
        assert enrolment_evaluate_completion(enrolment=enrolment) == UNCHANGED
        assert enrolment_evaluate_completion(enrolment=enrolment) == UNCHANGED

    assert refreshed(enrolment).completed_on == completed_on
    assert Certificate.objects.filter(enrolment=enrolment).count() == 1
    assert AuditEntry.objects.filter(action="enrolment.completed").count() == 1


def test_withdrawn_places_are_never_completed(cohort):
    rule(cohort, requires_materials=False, minimum_attendance_percent=0)
    enrolment = EnrolmentFactory(cohort=cohort)
    Enrolment.objects.filter(pk=enrolment.pk).update(
        status=Enrolment.Status.WITHDRAWN, withdrawn_at=timezone.now()
    )
    assert enrolment_evaluate_completion(enrolment=enrolment) == UNCHANGED


def test_a_reflection_must_be_accepted_when_the_rule_asks_for_one(cohort, facilitator):
    rule(cohort, requires_materials=False, minimum_attendance_percent=0, requires_reflection=True)
    enrolment = EnrolmentFactory(cohort=cohort)
    assert progress_for_enrolments([enrolment])[0].missing == ["your final reflection to write"]

    reflection = services.reflection_submit(enrolment=enrolment, text="What I learnt.")
    assert refreshed(enrolment).status == Enrolment.Status.ACTIVE
    services.reflection_return(reflection=reflection, actor=facilitator, feedback="Say more.")
    assert progress_for_enrolments([enrolment])[0].missing == [
        "your final reflection to change and send again"
    ]

    reflection = services.reflection_submit(enrolment=enrolment, text="What I learnt, and why.")
    assert progress_for_enrolments([enrolment])[0].missing == [
        "your final reflection to be accepted by a facilitator"
    ]
    services.reflection_accept(reflection=reflection, actor=facilitator)

    assert refreshed(enrolment).status == Enrolment.Status.COMPLETED
    with pytest.raises(ApplicationError):
        services.reflection_submit(enrolment=enrolment, text="Changed.")


def test_a_reflection_is_returned_only_with_feedback_and_decided_once(cohort, facilitator):
    enrolment = EnrolmentFactory(cohort=cohort)
    reflection = services.reflection_submit(enrolment=enrolment, text="Thoughts.")
    with pytest.raises(ValidationError):
        services.reflection_return(reflection=reflection, actor=facilitator, feedback=" ")
    services.reflection_accept(reflection=reflection, actor=facilitator)
    with pytest.raises(ApplicationError):
        services.reflection_accept(reflection=reflection, actor=facilitator)
    assert Reflection.objects.get().status == Reflection.Status.ACCEPTED


def test_a_rule_asking_for_nothing_is_refused_and_would_complete_nobody(cohort):
    admin = AdminFactory()
    with pytest.raises(ValidationError, match="at least one thing"):
        services.completion_rule_save(
            programme=cohort.programme, actor=admin, requires_materials=False,
            minimum_attendance_percent=0, requires_reflection=False, reflection_prompt="",
        )  # fmt: skip
    # Even so (a rule asking for materials a course does not have yet): nobody completes.
    rule(cohort, requires_materials=True, minimum_attendance_percent=80)
    progress = progress_for_enrolments([EnrolmentFactory(cohort=cohort)])[0]
    assert (progress.steps, progress.met, progress.percent) == (0, False, 0)
    assert progress.missing


def test_changing_the_rule_completes_those_who_now_meet_it(
    cohort, django_capture_on_commit_callbacks
):
    rule(cohort, requires_materials=False, minimum_attendance_percent=100)
    attended = session(cohort, 5)
    session(cohort, 6)
    enrolment = EnrolmentFactory(cohort=cohort)
    Attendance.objects.create(session=attended, user=enrolment.user, status="present")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.completion_rule_save(
            programme=cohort.programme,
            actor=AdminFactory(),
            requires_materials=False,
            minimum_attendance_percent=50,
            requires_reflection=False,
            reflection_prompt="",
        )
    assert callbacks
    # The task is queued after commit; the worker runs the same service.
    assert services.programme_completion_evaluate(programme_id=cohort.programme_id) == {
        COMPLETED: 1, REOPENED: 0, UNCHANGED: 0,
    }  # fmt: skip
    assert refreshed(enrolment).status == Enrolment.Status.COMPLETED


def test_the_rule_refuses_a_percentage_above_100(cohort):
    with pytest.raises(ValidationError):
        services.completion_rule_save(
            programme=cohort.programme, actor=None, requires_materials=True,
            minimum_attendance_percent=120, requires_reflection=False, reflection_prompt="",
        )  # fmt: skip


def test_the_rule_in_plain_words(cohort):
    assert rule_in_words(CompletionRule.default_for(cohort.programme)) == (
        "To complete: do every required material and attend at least 80% of the sessions."
    )
    assert rule_in_words(rule(cohort, requires_materials=False, minimum_attendance_percent=0)) == (
        "Everyone who takes part completes."
    )


def test_hours_of_the_learning_record(cohort, facilitator):
    shared = module(cohort)
    long, short = material(shared, minutes=45), material(shared, minutes=None)
    two_hours = session(cohort, 10, hours=2)
    session(cohort, 5, hours=3)
    enrolment = EnrolmentFactory(cohort=cohort)
    services.material_mark_done(enrolment=enrolment, material=long)
    services.material_mark_done(enrolment=enrolment, material=short)
    scheduling_services.attendance_record(
        session=two_hours, actor=facilitator, marks={enrolment.user_id: "present"}
    )
    progress = progress_for_enrolments([enrolment])[0]
    assert (progress.session_minutes, progress.material_minutes) == (120, 45)
