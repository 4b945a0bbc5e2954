import pytest

from cohorts.models import Application
from tests.factories.accounts import AdminFactory, FacilitatorFactory, SponsorFactory, UserFactory
from tests.factories.cohorts import CohortFactory, make_application


@pytest.fixture
def sponsor(db):
    return SponsorFactory()


@pytest.fixture
def facilitator(db):
    return FacilitatorFactory()


@pytest.fixture
def admin_user(db):
    return AdminFactory()


@pytest.fixture
def cohort(db, facilitator):
    """An open cohort with 5 places whose applications need sponsor approval."""
    cohort = CohortFactory(capacity=5, sponsor_approval_required=True)
    cohort.facilitators.add(facilitator)
    return cohort


@pytest.fixture
def application_in(cohort, sponsor, facilitator):
    """Make an application in a given state, from the sponsor's organisation."""

    def make(state: str, **kwargs) -> Application:
        # Naming the sponsor's organisation sends a submission to the sponsor, so a
        # `submitted` application comes from someone who names none.
        organisation = None if state == Application.State.SUBMITTED else sponsor.organisation
        applicant = kwargs.pop("applicant", None) or UserFactory(organisation=organisation)
        return make_application(
            cohort=kwargs.pop("cohort", cohort),
            applicant=applicant,
            state=state,
            reviewer=facilitator,
            **kwargs,
        )

    return make


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """These tests make many accounts; Argon2 is deliberately slow and not under test here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
