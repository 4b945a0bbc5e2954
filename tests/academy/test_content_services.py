import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from academy import services
from academy.models import Material, MaterialProgress, Module
from academy.selectors import course_for_enrolment, progress_for_enrolment
from cohorts.models import Enrolment
from core.errors import ApplicationError
from tests.factories.academy import MaterialFactory, ModuleFactory, ProgrammeFactory
from tests.factories.cohorts import CohortFactory, EnrolmentFactory

pytestmark = pytest.mark.django_db


def titles(queryset):
    return list(queryset.order_by("position").values_list("title", flat=True))


def test_modules_are_added_at_the_end_of_their_own_list():
    programme = ProgrammeFactory()
    cohort = CohortFactory(programme=programme)
    first = services.module_create(programme=programme, title="One")
    second = services.module_create(programme=programme, title="Two")
    addition = services.module_create(programme=programme, cohort=cohort, title="Extra")
    assert (first.position, second.position, addition.position) == (1, 2, 1)
    assert not first.is_published


def test_a_module_cannot_be_added_for_another_programmes_cohort():
    with pytest.raises(ApplicationError):
        services.module_create(programme=ProgrammeFactory(), cohort=CohortFactory(), title="X")


@pytest.mark.parametrize(
    ("rule", "field"),
    [
        ("days_after_start", "release_after_days"),
        ("on_date", "release_on"),
        ("later", "release_rule"),
    ],
)
def test_a_release_rule_needs_its_value(rule, field):
    with pytest.raises(ValidationError) as refused:
        services.module_create(programme=ProgrammeFactory(), title="X", release_rule=rule)
    assert field in refused.value.message_dict
    assert not Module.objects.exists()


def test_changing_the_release_rule_clears_the_other_values():
    module = services.module_create(
        programme=ProgrammeFactory(),
        title="X",
        release_rule="days_after_start",
        release_after_days=5,
    )
    services.module_update(
        module=module, title="X", summary="", release_rule="on_date", release_on=dt.date(2027, 1, 4)
    )
    module.refresh_from_db()
    assert (module.release_after_days, module.release_on) == (None, dt.date(2027, 1, 4))


def test_the_database_refuses_an_incomplete_release_rule():
    module = ModuleFactory()
    module.release_rule = "on_date"
    with pytest.raises(IntegrityError), transaction.atomic():
        module.save(update_fields=["release_rule"])


def test_moving_modules_renumbers_only_their_own_list():
    programme = ProgrammeFactory()
    cohort = CohortFactory(programme=programme)
    a, b, c = (services.module_create(programme=programme, title=t) for t in "ABC")
    extra = services.module_create(programme=programme, cohort=cohort, title="Extra")
    assert services.module_move(module=c, direction="up") == (2, 3)
    assert services.module_move(module=a, direction="down") == (2, 3)
    assert titles(Module.objects.filter(cohort=None)) == ["C", "A", "B"]
    extra.refresh_from_db()
    assert extra.position == 1


@pytest.mark.parametrize(("index", "direction"), [(0, "up"), (2, "down"), (1, "sideways")])
def test_a_move_off_the_end_is_refused(index, direction):
    module = ModuleFactory()
    materials = [MaterialFactory(module=module) for _ in range(3)]
    with pytest.raises(ApplicationError):
        services.material_move(material=materials[index], direction=direction)


def test_moving_materials_keeps_positions_unique_and_dense():
    module = ModuleFactory()
    a, b, c = (
        services.material_create(module=module, kind="page", title=t, body="Text") for t in "ABC"
    )
    services.material_move(material=a, direction="down")
    services.material_move(material=a, direction="down")
    assert titles(module.materials) == ["B", "C", "A"]
    assert sorted(module.materials.values_list("position", flat=True)) == [1, 2, 3]


@pytest.mark.parametrize(
    ("kind", "fields", "missing"),
    [
        ("page", {}, "body"),
        ("link", {}, "url"),
        ("link", {"url": "javascript:alert(1)"}, "url"),
        ("video", {"url": "data:text/html,<script>", "transcript": "Words"}, "url"),
        ("video", {"url": "https://video.example.org/1"}, "transcript"),
        ("file", {}, "file"),
        ("podcast", {}, "kind"),
    ],
)
def test_each_kind_needs_its_own_fields(kind, fields, missing):
    with pytest.raises(ValidationError) as refused:
        services.material_create(module=ModuleFactory(), kind=kind, title="T", **fields)
    assert missing in refused.value.message_dict
    assert not Material.objects.exists()


def test_publish_and_unpublish():
    module = ModuleFactory(is_published=False)
    material = MaterialFactory(module=module, is_published=False)
    services.module_publish(module=module)
    services.material_publish(material=material)
    module.refresh_from_db()
    material.refresh_from_db()
    assert module.is_published
    assert material.is_published
    services.module_unpublish(module=module)
    services.material_unpublish(material=material)
    module.refresh_from_db()
    material.refresh_from_db()
    assert not module.is_published
    assert not material.is_published


@pytest.fixture
def course():
    cohort = CohortFactory(status="running", starts_on=timezone.localdate() - dt.timedelta(days=3))
    module = ModuleFactory(programme=cohort.programme)
    return EnrolmentFactory(cohort=cohort), MaterialFactory(module=module)


def test_marking_done_and_undone(course):
    enrolment, material = course
    first = services.material_mark_done(enrolment=enrolment, material=material)
    again = services.material_mark_done(enrolment=enrolment, material=material)
    assert first.pk == again.pk
    assert first.completed_at == again.completed_at
    assert progress_for_enrolment(enrolment) == {material.pk: first.completed_at}
    services.material_mark_undone(enrolment=enrolment, material=material)
    services.material_mark_undone(enrolment=enrolment, material=material)
    assert progress_for_enrolment(enrolment) == {}


def test_a_mark_is_unique_per_enrolment_and_material(course):
    enrolment, material = course
    MaterialProgress.objects.create(enrolment=enrolment, material=material)
    with pytest.raises(IntegrityError), transaction.atomic():
        MaterialProgress.objects.create(enrolment=enrolment, material=material)


@pytest.mark.parametrize(
    "change",
    ["locked", "hidden_module", "hidden_material", "other_programme", "other_cohort", "withdrawn"],
)
def test_marks_only_on_open_materials_of_an_active_place(course, change):
    enrolment, material = course
    if change == "locked":
        Module.objects.filter(pk=material.module_id).update(
            release_rule="days_after_start", release_after_days=10
        )
    elif change == "hidden_module":
        Module.objects.filter(pk=material.module_id).update(is_published=False)
    elif change == "hidden_material":
        Material.objects.filter(pk=material.pk).update(is_published=False)
    elif change == "other_programme":
        material = MaterialFactory()
    elif change == "other_cohort":
        other = CohortFactory(programme=enrolment.cohort.programme)
        material = MaterialFactory(module=ModuleFactory(programme=other.programme, cohort=other))
    elif change == "withdrawn":
        Enrolment.objects.filter(pk=enrolment.pk).update(status="withdrawn")
        enrolment.refresh_from_db()
    material.refresh_from_db()
    with pytest.raises(ApplicationError):
        services.material_mark_done(enrolment=enrolment, material=material)
    assert not MaterialProgress.objects.exists()


def test_course_state_of_modules(course):
    enrolment, material = course
    programme = enrolment.cohort.programme
    optional = MaterialFactory(module=material.module, is_required=False)
    later = ModuleFactory(
        programme=programme, release_rule="days_after_start", release_after_days=30
    )
    MaterialFactory(module=later)
    empty = ModuleFactory(programme=programme)
    ModuleFactory(programme=programme, is_published=False)
    state = {entry.module: entry for entry in course_for_enrolment(enrolment).modules}
    assert [e.state for e in state.values()] == ["open", "locked", "open"]
    assert state[later].opens_on == enrolment.cohort.starts_on + dt.timedelta(days=30)
    assert state[empty].materials == []

    services.material_mark_done(enrolment=enrolment, material=optional)
    assert course_for_enrolment(enrolment).modules[0].state == "open"
    services.material_mark_done(enrolment=enrolment, material=material)
    assert course_for_enrolment(enrolment).modules[0].state == "done"
