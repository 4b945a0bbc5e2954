"""Running a cohort again: settings, timetable (moved in UK wall-clock time across clock
changes), the cohort's own modules and files, and facilitators."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from academy import services as academy_services
from academy.models import Material, Module
from audit.models import AuditEntry
from cohorts import services
from cohorts.models import Cohort
from core.errors import ApplicationError
from scheduling import services as scheduling_services
from scheduling.models import Session
from tests.factories.academy import PDF_BYTES, upload
from tests.factories.accounts import AdminFactory, FacilitatorFactory
from tests.factories.cohorts import CohortFactory, EnrolmentFactory
from tests.factories.scheduling import SessionFactory, london

pytestmark = pytest.mark.django_db

UTC = dt.UTC


@pytest.fixture
def source():
    """Last year's cohort: it started on Monday 2 March 2026 (GMT; BST began 29 March)."""
    priya = FacilitatorFactory(full_name="Priya Shah")
    cohort = CohortFactory(
        status=Cohort.Status.COMPLETED,
        intake_year=2026,
        starts_on=dt.date(2026, 3, 2),
        ends_on=dt.date(2026, 7, 10),
        capacity=16,
        per_organisation_cap=3,
        sponsor_approval_required=True,
        delivery_mode=Cohort.DeliveryMode.IN_PERSON,
        venue="Leeds",
        applications_open_at=london(2025, 11, 3, 9),
        applications_close_at=london(2026, 1, 30, 17),
    )
    cohort.facilitators.add(priya)
    cohort.priya = priya
    return cohort


def _session(cohort, title, starts_at, hours=2, **kwargs):
    return SessionFactory(
        cohort=cohort,
        title=title,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=hours),
        facilitators=kwargs.pop("facilitators", [cohort.priya]),
        **kwargs,
    )


def test_sessions_move_by_whole_weeks_keeping_weekday_and_uk_time_across_clock_changes(source):
    winter = _session(source, "Launch", london(2026, 3, 2, 10))  # GMT: 10:00 UTC
    summer = _session(source, "Masterclass", london(2026, 4, 6, 14))  # BST: 13:00 UTC
    assert winter.starts_at.astimezone(UTC).hour == 10
    assert summer.starts_at.astimezone(UTC).hour == 13

    # Wednesday 3 March 2027: the first Monday on or after it is 8 March, 53 weeks on.
    outcome = services.cohort_copy(
        source=source,
        actor=source.priya,
        title="Spring 2027",
        intake_year=2027,
        starts_on=dt.date(2027, 3, 3),
    )
    assert outcome.weeks == 53
    copies = {s.title: s for s in Session.objects.filter(cohort=outcome.cohort)}
    launch, masterclass = copies["Launch"], copies["Masterclass"]
    # 8 March 2027 is GMT, 12 April 2027 is BST: same weekday, same UK time.
    assert timezone.localtime(launch.starts_at) == london(2027, 3, 8, 10)
    assert timezone.localtime(launch.ends_at) == london(2027, 3, 8, 12)
    assert timezone.localtime(masterclass.starts_at) == london(2027, 4, 12, 14)
    assert masterclass.starts_at.astimezone(UTC).hour == 13
    assert launch.local_date.weekday() == masterclass.local_date.weekday() == 0
    assert {launch.uid, masterclass.uid}.isdisjoint({winter.uid, summer.uid})
    assert launch.sequence == 0
    assert list(launch.facilitators.all()) == [source.priya]


def test_a_session_moves_from_winter_into_summer_time_at_the_same_wall_clock_time(source):
    # Monday 23 March 2026 10:00 GMT; two weeks on is Monday 6 April 2026, in BST.
    cohort = CohortFactory(
        starts_on=dt.date(2026, 3, 23), ends_on=dt.date(2026, 4, 30), status=Cohort.Status.DRAFT
    )
    cohort.facilitators.add(source.priya)
    cohort.priya = source.priya
    _session(cohort, "Coaching", london(2026, 3, 23, 10))
    outcome = services.cohort_copy(
        source=cohort, actor=source.priya, title="Again", intake_year=2026,
        starts_on=dt.date(2026, 4, 6),
    )  # fmt: skip
    copy = Session.objects.get(cohort=outcome.cohort)
    assert timezone.localtime(copy.starts_at) == london(2026, 4, 6, 10)
    assert copy.starts_at.astimezone(UTC).hour == 9


def test_the_copy_is_a_draft_with_the_settings_and_a_window_moved_the_same_way(source):
    EnrolmentFactory(cohort=source)
    outcome = services.cohort_copy(
        source=source,
        actor=AdminFactory(),
        title="Spring 2027",
        intake_year=2027,
        starts_on=dt.date(2027, 3, 1),
    )
    copy = outcome.cohort
    assert outcome.weeks == 52
    assert (copy.status, copy.programme, copy.places_taken) == (
        Cohort.Status.DRAFT,
        source.programme,
        0,
    )
    assert (copy.starts_on, copy.ends_on) == (dt.date(2027, 3, 1), dt.date(2027, 7, 9))
    assert (copy.capacity, copy.per_organisation_cap, copy.venue) == (16, 3, "Leeds")
    assert copy.sponsor_approval_required
    assert copy.delivery_mode == Cohort.DeliveryMode.IN_PERSON
    assert timezone.localtime(copy.applications_open_at) == london(2026, 11, 2, 9)
    assert timezone.localtime(copy.applications_close_at) == london(2027, 1, 29, 17)
    assert not copy.opens_automatically
    assert not copy.enrolments.exists()
    entry = AuditEntry.objects.get(action="cohort.copied")
    assert entry.target_id == str(copy.pk)
    assert entry.after == {"copied_from": source.pk, "weeks": 52, "sessions": 0, "modules": 0}
    assert AuditEntry.objects.filter(action="cohort.created", target_id=str(copy.pk)).exists()


def test_cancelled_sessions_stay_behind(source):
    _session(source, "Kept", london(2026, 3, 9, 10))
    dropped = _session(source, "Dropped", london(2026, 3, 16, 10))
    Session.objects.filter(pk=dropped.pk).update(
        status=Session.Status.CANCELLED, cancellation_reason="Snow."
    )
    outcome = services.cohort_copy(
        source=source, actor=source.priya, title="Again", intake_year=2027,
        starts_on=dt.date(2027, 3, 1),
    )  # fmt: skip
    assert outcome.sessions == 1
    assert list(outcome.cohort.sessions.values_list("title", flat=True)) == ["Kept"]


def test_facilitators_who_can_no_longer_facilitate_are_left_out(source):
    leaver = FacilitatorFactory()
    source.facilitators.add(leaver)
    _session(source, "Led by the leaver", london(2026, 3, 9, 10), facilitators=[leaver])
    leaver.role = leaver.Role.PARTICIPANT
    leaver.save()
    outcome = services.cohort_copy(
        source=source, actor=source.priya, title="Again", intake_year=2027,
        starts_on=dt.date(2027, 3, 1),
    )  # fmt: skip
    assert list(outcome.cohort.facilitators.all()) == [source.priya]
    session = outcome.cohort.sessions.get()
    assert list(session.facilitators.all()) == [source.priya]


def test_a_facilitator_who_runs_it_again_facilitates_the_copy(source):
    admin_copy = services.cohort_copy(
        source=source, actor=AdminFactory(), title="By the admin", intake_year=2027,
        starts_on=dt.date(2027, 3, 1),
    )  # fmt: skip
    assert list(admin_copy.cohort.facilitators.all()) == [source.priya]
    co_facilitator = FacilitatorFactory()
    source.facilitators.add(co_facilitator)
    copy = services.cohort_copy(
        source=source, actor=co_facilitator, title="By Tom", intake_year=2027,
        starts_on=dt.date(2027, 3, 1),
    )  # fmt: skip
    assert set(copy.cohort.facilitators.all()) == {source.priya, co_facilitator}


def test_the_cohorts_own_modules_and_files_are_copied_under_new_names(
    source, django_capture_on_commit_callbacks
):
    shared = Module.objects.create(programme=source.programme, title="Shared", position=1)
    module = academy_services.module_create(
        programme=source.programme,
        cohort=source,
        title="Workshop slides",
        release_rule=Module.Release.ON_DATE,
        release_on=dt.date(2026, 3, 9),
        is_published=True,
    )
    later = academy_services.module_create(
        programme=source.programme,
        cohort=source,
        title="Follow-up",
        release_rule=Module.Release.DAYS_AFTER_START,
        release_after_days=30,
    )
    slides = academy_services.material_create(
        module=module, kind="file", title="Slides", upload=upload("slides.pdf", PDF_BYTES)
    )
    academy_services.material_create(
        module=module, kind="page", title="Notes", body="Read this.", is_required=False
    )
    outcome = services.cohort_copy(
        source=source, actor=source.priya, title="Again", intake_year=2027,
        starts_on=dt.date(2027, 3, 1),
    )  # fmt: skip
    assert outcome.modules == 2
    copies = list(Module.objects.filter(cohort=outcome.cohort).order_by("position"))
    assert [m.title for m in copies] == ["Workshop slides", "Follow-up"]
    assert copies[0].release_on == dt.date(2027, 3, 8)  # 52 weeks on, still a Monday
    assert copies[0].is_published
    assert not copies[1].is_published
    assert copies[1].release_after_days == later.release_after_days
    assert (
        not Module.objects.filter(programme=source.programme, cohort__isnull=True)
        .exclude(pk=shared.pk)
        .exists()
    )
    materials = list(copies[0].materials.order_by("position"))
    assert [(m.kind, m.title, m.is_required) for m in materials] == [
        ("file", "Slides", True),
        ("page", "Notes", False),
    ]
    copied_file = materials[0]
    assert copied_file.file.name != slides.file.name
    assert copied_file.file.name.endswith(".pdf")
    assert copied_file.file_name == slides.file_name
    with default_storage.open(copied_file.file.name) as handle:
        assert handle.read() == PDF_BYTES
    # Deleting the old material deletes its file and leaves the copy's in place.
    with django_capture_on_commit_callbacks(execute=True):
        academy_services.material_delete(material=slides)
    assert not default_storage.exists(slides.file.name)
    assert default_storage.exists(copied_file.file.name)
    assert Material.objects.filter(pk=copied_file.pk).exists()


def test_clashes_with_other_bookings_are_reported_not_refused(source):
    _session(source, "Launch", london(2026, 3, 2, 10))
    elsewhere = CohortFactory(starts_on=dt.date(2027, 1, 1), ends_on=dt.date(2027, 12, 1))
    SessionFactory(
        cohort=elsewhere,
        starts_at=london(2027, 3, 1, 11),
        ends_at=london(2027, 3, 1, 12),
        facilitators=[source.priya],
    )
    outcome = services.cohort_copy(
        source=source, actor=source.priya, title="Again", intake_year=2027,
        starts_on=dt.date(2027, 3, 1),
    )  # fmt: skip
    assert outcome.sessions == 1
    [(session, clashes)] = outcome.clashes
    assert session.title == "Launch"
    assert [clash.kind for clash in clashes] == ["facilitator"]


def test_the_new_start_must_come_after_the_old_one(source):
    with pytest.raises(ValidationError) as refused:
        services.cohort_copy(
            source=source, actor=source.priya, title="Again", intake_year=2026,
            starts_on=dt.date(2026, 3, 2),
        )  # fmt: skip
    assert "Choose a start after 2 March 2026" in refused.value.message_dict["starts_on"][0]
    assert Cohort.objects.count() == 1


def test_a_cohort_without_dates_cannot_be_run_again(source):
    undated = CohortFactory(starts_on=None, ends_on=None, status=Cohort.Status.DRAFT)
    with pytest.raises(ApplicationError, match="Set the dates"):
        services.cohort_copy(
            source=undated, actor=AdminFactory(), title="Again", intake_year=2027,
            starts_on=dt.date(2027, 3, 1),
        )  # fmt: skip


def test_a_failure_part_way_leaves_nothing_behind(source, monkeypatch):
    _session(source, "Launch", london(2026, 3, 2, 10))

    def broken(**kwargs):
        raise ApplicationError("The timetable is locked.")

    monkeypatch.setattr(scheduling_services, "session_schedule", broken)
    with pytest.raises(ApplicationError):
        services.cohort_copy(
            source=source, actor=source.priya, title="Again", intake_year=2027,
            starts_on=dt.date(2027, 3, 1),
        )  # fmt: skip
    assert Cohort.objects.count() == 1
    assert not AuditEntry.objects.exists()


def test_a_facilitator_runs_their_cohort_again_from_its_page(client, source):
    _session(source, "Launch", london(2026, 3, 2, 10))
    client.force_login(source.priya)
    url = reverse("cohorts-manage:cohort-copy", args=[source.pk])
    form = client.get(url).context["form"]
    # Suggested: a year on by whole weeks (same weekday), in the future.
    assert form.initial["starts_on"].weekday() == source.starts_on.weekday()
    assert form.initial["starts_on"] > timezone.localdate()
    response = client.post(
        url, {"title": "Spring 2027", "intake_year": 2027, "starts_on": "2027-03-01"}
    )
    copy = Cohort.objects.get(title="Spring 2027")
    assert response.status_code == 302
    assert response["Location"] == reverse("cohorts-manage:cohort-update", args=[copy.pk])
    assert copy.sessions.count() == 1
    assert list(copy.facilitators.all()) == [source.priya]


def test_a_facilitator_cannot_run_again_a_cohort_not_theirs(client, source):
    client.force_login(FacilitatorFactory())
    url = reverse("cohorts-manage:cohort-copy", args=[source.pk])
    assert client.get(url).status_code == 404
    response = client.post(url, {"title": "Mine", "intake_year": 2027, "starts_on": "2027-03-01"})
    assert response.status_code == 404
    assert Cohort.objects.count() == 1
