"""Each permission function, branch by branch."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from academy import permissions
from cohorts.models import Enrolment
from tests.factories.academy import MaterialFactory, ModuleFactory, ProgrammeFactory
from tests.factories.accounts import AdminFactory, FacilitatorFactory, SponsorFactory, UserFactory
from tests.factories.cohorts import CohortFactory, EnrolmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """One programme with two cohorts, each with its own facilitator and participant."""
    programme = ProgrammeFactory()
    started = timezone.localdate() - dt.timedelta(days=10)
    cohort = CohortFactory(programme=programme, status="running", starts_on=started)
    other_cohort = CohortFactory(programme=programme, status="running", starts_on=started)
    facilitator, other_facilitator = FacilitatorFactory(), FacilitatorFactory()
    cohort.facilitators.add(facilitator)
    other_cohort.facilitators.add(other_facilitator)
    shared = ModuleFactory(programme=programme)
    addition = ModuleFactory(programme=programme, cohort=cohort)
    return {
        "programme": programme,
        "cohort": cohort,
        "other_cohort": other_cohort,
        "facilitator": facilitator,
        "other_facilitator": other_facilitator,
        "shared": shared,
        "addition": addition,
        "shared_material": MaterialFactory(module=shared),
        "addition_material": MaterialFactory(module=addition),
        "enrolment": EnrolmentFactory(cohort=cohort),
        "other_enrolment": EnrolmentFactory(cohort=other_cohort),
    }


def test_content_pages_are_for_admins_and_facilitators_only():
    assert permissions.can_list_content(AdminFactory())
    assert permissions.can_list_content(FacilitatorFactory())
    assert not permissions.can_list_content(UserFactory())
    assert not permissions.can_list_content(SponsorFactory())
    assert not permissions.can_list_content(AnonymousUser())
    assert not permissions.can_list_content(FacilitatorFactory(is_active=False))


def test_programme_content(world):
    programme = world["programme"]
    assert permissions.can_edit_programme_content(AdminFactory(), programme)
    # Any facilitator of a cohort of the programme edits its shared content...
    assert permissions.can_edit_programme_content(world["facilitator"], programme)
    assert permissions.can_edit_programme_content(world["other_facilitator"], programme)
    # ...but not a facilitator of another programme's cohorts, nor anyone else.
    elsewhere = FacilitatorFactory()
    CohortFactory().facilitators.add(elsewhere)
    assert not permissions.can_edit_programme_content(elsewhere, programme)
    assert not permissions.can_edit_programme_content(world["enrolment"].user, programme)
    assert not permissions.can_edit_programme_content(SponsorFactory(), programme)
    assert not permissions.can_edit_programme_content(AnonymousUser(), programme)
    world["facilitator"].is_active = False
    assert not permissions.can_edit_programme_content(world["facilitator"], programme)


def test_cohort_content(world):
    cohort = world["cohort"]
    assert permissions.can_edit_cohort_content(AdminFactory(), cohort)
    assert permissions.can_edit_cohort_content(world["facilitator"], cohort)
    assert not permissions.can_edit_cohort_content(world["other_facilitator"], cohort)
    assert not permissions.can_edit_cohort_content(world["enrolment"].user, cohort)
    assert not permissions.can_edit_cohort_content(AnonymousUser(), cohort)
    # A participant given the facilitator role later but not assigned: still no.
    assert not permissions.can_edit_cohort_content(FacilitatorFactory(), cohort)


def test_modules_and_materials_follow_their_scope(world):
    other = world["other_facilitator"]
    assert permissions.can_edit_module(other, world["shared"])
    assert not permissions.can_edit_module(other, world["addition"])
    assert permissions.can_edit_module(world["facilitator"], world["addition"])
    assert permissions.can_edit_material(other, world["shared_material"])
    assert not permissions.can_edit_material(other, world["addition_material"])
    assert permissions.can_edit_material(AdminFactory(), world["addition_material"])


def test_preview_is_for_the_cohorts_facilitators_and_admins(world):
    assert permissions.can_preview_cohort_course(world["facilitator"], world["cohort"])
    assert permissions.can_preview_cohort_course(AdminFactory(), world["cohort"])
    assert not permissions.can_preview_cohort_course(world["other_facilitator"], world["cohort"])
    assert not permissions.can_preview_cohort_course(world["enrolment"].user, world["cohort"])


def test_course_and_marks_belong_to_the_enrolled_person(world):
    enrolment = world["enrolment"]
    assert permissions.can_view_course(enrolment.user, enrolment)
    assert permissions.can_mark_progress(enrolment.user, enrolment)
    assert not permissions.can_view_course(world["other_enrolment"].user, enrolment)
    assert not permissions.can_view_course(world["facilitator"], enrolment)
    assert not permissions.can_view_course(AnonymousUser(), enrolment)

    enrolment.status, enrolment.completed_on = Enrolment.Status.COMPLETED, timezone.localdate()
    assert permissions.can_view_course(enrolment.user, enrolment)
    assert not permissions.can_mark_progress(enrolment.user, enrolment)

    enrolment.status, enrolment.completed_on = Enrolment.Status.WITHDRAWN, None
    assert not permissions.can_view_course(enrolment.user, enrolment)
    assert not permissions.can_mark_progress(enrolment.user, enrolment)


def test_viewing_a_material(world):
    participant = world["enrolment"].user
    other_participant = world["other_enrolment"].user
    shared, addition = world["shared_material"], world["addition_material"]
    assert permissions.can_view_material(participant, shared)
    assert permissions.can_view_material(participant, addition)
    assert permissions.can_view_material(other_participant, shared)
    # Another cohort's additions are not theirs.
    assert not permissions.can_view_material(other_participant, addition)
    assert not permissions.can_view_material(world["other_facilitator"], addition)
    assert permissions.can_view_material(world["facilitator"], addition)
    assert not permissions.can_view_material(SponsorFactory(), shared)
    assert not permissions.can_view_material(AnonymousUser(), shared)
    assert not permissions.can_view_material(EnrolmentFactory().user, shared)


def test_participants_do_not_see_hidden_or_locked_materials_but_editors_do(world):
    participant, facilitator = world["enrolment"].user, world["facilitator"]
    material = world["shared_material"]
    material.is_published = False
    assert not permissions.can_view_material(participant, material)
    assert permissions.can_view_material(facilitator, material)
    material.is_published = True
    material.module.is_published = False
    assert not permissions.can_view_material(participant, material)
    material.module.is_published = True
    material.module.release_rule = "days_after_start"
    material.module.release_after_days = 30
    assert not permissions.can_view_material(participant, material)
    assert permissions.can_view_material(facilitator, material)


def test_withdrawn_participants_lose_access(world):
    enrolment = world["enrolment"]
    Enrolment.objects.filter(pk=enrolment.pk).update(status=Enrolment.Status.WITHDRAWN)
    assert not permissions.can_view_material(enrolment.user, world["shared_material"])


def test_a_file_is_downloadable_only_from_a_file_material(world):
    participant = world["enrolment"].user
    assert not permissions.can_download_material_file(participant, world["shared_material"])


@pytest.mark.parametrize(
    ("rule", "days", "on", "expected_offset"),
    [("cohort_start", None, None, 0), ("days_after_start", 14, None, 14)],
)
def test_release_is_relative_to_the_cohort_start(rule, days, on, expected_offset):
    start = dt.date(2027, 3, 1)
    module = ModuleFactory.build(release_rule=rule, release_after_days=days, release_on=on)
    assert module.opens_on(start) == start + dt.timedelta(days=expected_offset)
    assert module.opens_on(None) is None


def test_release_on_a_date_ignores_the_cohort_start():
    module = ModuleFactory.build(release_rule="on_date", release_on=dt.date(2027, 5, 4))
    assert module.opens_on(dt.date(2027, 3, 1)) == dt.date(2027, 5, 4)
    assert module.opens_on(None) == dt.date(2027, 5, 4)
