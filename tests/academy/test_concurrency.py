"""Races that only PostgreSQL's row locks can show: lists keep one item per position."""

import threading

import pytest
from django.db import connection, connections

from academy import services
from academy.models import MaterialProgress, Module
from core.errors import ApplicationError
from tests.factories.academy import MaterialFactory, ModuleFactory, ProgrammeFactory
from tests.factories.cohorts import CohortFactory, EnrolmentFactory

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite serialises every write transaction, so these races cannot happen there",
    ),
    pytest.mark.django_db(transaction=True),
]


def run_together(count: int, work) -> list[BaseException]:
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def worker(index):
        try:
            barrier.wait()
            work(index)
        except BaseException as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_modules_added_at_the_same_time_get_their_own_positions():
    programme = ProgrammeFactory()
    errors = run_together(
        6, lambda i: services.module_create(programme=programme, title=f"Module {i}")
    )
    assert errors == []
    positions = sorted(
        Module.objects.filter(programme=programme).values_list("position", flat=True)
    )
    assert positions == [1, 2, 3, 4, 5, 6]


def test_materials_moved_at_the_same_time_stay_in_a_dense_order():
    module = ModuleFactory()
    materials = [MaterialFactory(module=module, position=i + 1) for i in range(6)]
    errors = run_together(
        6, lambda i: services.material_move(material=materials[i], direction="up" if i else "down")
    )
    # Each move sees the list as the previous one left it, so one may find its item already
    # at the end and be refused; none may fail on the database's constraints or deadlock.
    assert all(isinstance(error, ApplicationError) for error in errors), errors
    assert sorted(module.materials.values_list("position", flat=True)) == [1, 2, 3, 4, 5, 6]


def test_marking_done_twice_at_once_keeps_one_mark():
    cohort = CohortFactory(status="running")
    cohort.starts_on = cohort.starts_on.replace(year=cohort.starts_on.year - 1)
    cohort.save(update_fields=["starts_on"])
    enrolment = EnrolmentFactory(cohort=cohort)
    material = MaterialFactory(module=ModuleFactory(programme=cohort.programme))
    errors = run_together(
        4, lambda i: services.material_mark_done(enrolment=enrolment, material=material)
    )
    assert errors == []
    assert MaterialProgress.objects.filter(enrolment=enrolment).count() == 1
