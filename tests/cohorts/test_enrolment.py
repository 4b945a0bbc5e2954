import pytest

from cohorts.services import enrolment_create
from core.errors import ApplicationError
from tests.factories.accounts import UserFactory
from tests.factories.cohorts import CohortFactory


@pytest.mark.django_db
def test_enrolling_takes_a_place():
    cohort = CohortFactory(capacity=2)
    enrolment_create(cohort=cohort, user=UserFactory())
    cohort.refresh_from_db()
    assert cohort.places_taken == 1
    assert cohort.places_left == 1


@pytest.mark.django_db
def test_a_full_cohort_refuses_another_enrolment():
    cohort = CohortFactory(capacity=1)
    enrolment_create(cohort=cohort, user=UserFactory())
    with pytest.raises(ApplicationError, match="no places left"):
        enrolment_create(cohort=cohort, user=UserFactory())
    cohort.refresh_from_db()
    assert cohort.places_taken == 1
    assert cohort.enrolments.count() == 1


@pytest.mark.django_db
def test_nobody_is_enrolled_twice():
    cohort = CohortFactory(capacity=5)
    user = UserFactory()
    enrolment_create(cohort=cohort, user=user)
    with pytest.raises(ApplicationError, match="already has a place"):
        enrolment_create(cohort=cohort, user=user)
    cohort.refresh_from_db()
    assert cohort.places_taken == 1


@pytest.mark.django_db
def test_the_database_refuses_more_places_taken_than_capacity():
    from django.db import IntegrityError, transaction

    cohort = CohortFactory(capacity=1)
    cohort.places_taken = 2
    with pytest.raises(IntegrityError), transaction.atomic():
        cohort.save(update_fields=["places_taken"])
