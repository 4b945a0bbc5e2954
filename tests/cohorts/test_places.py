"""Places: offers and enrolments never pass capacity, the waitlist is served in order,
per-organisation caps and reserved places are respected."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from cohorts import services
from cohorts.models import Application, CohortReservation, Enrolment
from core.errors import ApplicationError
from tests.factories.accounts import OrganisationFactory, SponsorFactory, UserFactory
from tests.factories.cohorts import CohortFactory, make_application, make_nomination

from .helpers import assert_places_add_up, waitlist

State = Application.State
pytestmark = pytest.mark.django_db


def _in_review(cohort, count, **kwargs):
    return [make_application(cohort=cohort, state=State.IN_REVIEW, **kwargs) for _ in range(count)]


def test_accepting_holds_a_place_with_a_deadline(facilitator, settings):
    settings.APPLICATION_OFFER_DAYS = 3
    cohort = CohortFactory(capacity=2)
    (application,) = _in_review(cohort, 1)
    services.application_accept(application=application, actor=facilitator)
    application.refresh_from_db()
    assert application.state == State.ACCEPTED
    expected = timezone.now() + dt.timedelta(days=3)
    assert abs(application.offer_expires_at - expected) < dt.timedelta(minutes=1)
    assert_places_add_up(cohort)
    assert cohort.places_taken == 1


def test_confirming_moves_the_place_to_an_enrolment_without_taking_another(facilitator):
    cohort = CohortFactory(capacity=2)
    (application,) = _in_review(cohort, 1)
    services.application_accept(application=application, actor=facilitator)
    enrolment = services.application_confirm_place(
        application=application, actor=application.applicant
    )
    assert enrolment.status == Enrolment.Status.ACTIVE
    assert enrolment.organisation == application.organisation
    assert_places_add_up(cohort)
    assert cohort.places_taken == 1


def test_an_expired_offer_cannot_be_confirmed(facilitator):
    cohort = CohortFactory(capacity=2)
    application = make_application(cohort=cohort, state=State.ACCEPTED)
    Application.objects.filter(pk=application.pk).update(
        offer_expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    with pytest.raises(ApplicationError, match="expired"):
        services.application_confirm_place(application=application, actor=application.applicant)
    assert not Enrolment.objects.exists()


def test_accepting_when_full_waitlists_in_the_order_decisions_are_made(facilitator):
    cohort = CohortFactory(capacity=2)
    applications = _in_review(cohort, 5)
    for application in applications:
        services.application_accept(application=application, actor=facilitator)
    states = [Application.objects.get(pk=a.pk).state for a in applications]
    assert states == [State.ACCEPTED] * 2 + [State.WAITLISTED] * 3
    assert waitlist(cohort) == [a.applicant.email for a in applications[2:]]
    positions = [Application.objects.get(pk=a.pk).waitlist_position for a in applications[2:]]
    assert positions == [1, 2, 3]
    assert_places_add_up(cohort)


def test_a_waitlisted_person_is_not_offered_a_place_that_is_not_free(facilitator):
    cohort = CohortFactory(capacity=1)
    _in_review(cohort, 1)[0]
    services.application_accept(
        application=Application.objects.get(cohort=cohort), actor=facilitator
    )
    waiting = make_application(cohort=cohort, state=State.WAITLISTED)
    with pytest.raises(ApplicationError, match="No place is free"):
        services.application_accept(application=waiting, actor=facilitator)
    waiting.refresh_from_db()
    assert waiting.state == State.WAITLISTED


def test_withdrawing_an_enrolled_participant_offers_the_place_to_the_first_in_line(
    facilitator, mailoutbox, django_capture_on_commit_callbacks
):
    cohort = CohortFactory(capacity=1)
    enrolled = make_application(cohort=cohort, state=State.ENROLLED)
    first = make_application(cohort=cohort, state=State.WAITLISTED)
    second = make_application(cohort=cohort, state=State.WAITLISTED)
    with django_capture_on_commit_callbacks(execute=True):
        services.application_withdraw(application=enrolled, actor=enrolled.applicant)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.state == State.ACCEPTED
    assert first.offer_expires_at is not None
    assert second.state == State.WAITLISTED
    assert Enrolment.objects.get(user=enrolled.applicant).status == Enrolment.Status.WITHDRAWN
    last = first.events.order_by("pk").last()
    assert (last.from_state, last.to_state, last.actor) == (State.WAITLISTED, State.ACCEPTED, None)
    assert [m.to for m in mailoutbox] == [[enrolled.applicant.email], [first.applicant.email]]
    assert "offered a place" in mailoutbox[1].subject
    assert_places_add_up(cohort)


@pytest.mark.parametrize("how", ["decline", "reject", "expire"])
def test_a_freed_offer_passes_to_the_waitlist(facilitator, how):
    cohort = CohortFactory(capacity=1)
    offer = make_application(cohort=cohort, state=State.ACCEPTED)
    waiting = make_application(cohort=cohort, state=State.WAITLISTED)
    if how == "decline":
        services.application_withdraw(application=offer, actor=offer.applicant)
    elif how == "reject":
        services.application_reject(application=offer, actor=facilitator, reason="Not eligible.")
    else:
        Application.objects.filter(pk=offer.pk).update(
            offer_expires_at=timezone.now() - dt.timedelta(seconds=1)
        )
        assert services.application_expire_overdue_offers() == 1
    waiting.refresh_from_db()
    assert waiting.state == State.ACCEPTED
    assert_places_add_up(cohort)


def test_an_offer_not_yet_due_is_left_alone():
    cohort = CohortFactory(capacity=1)
    offer = make_application(cohort=cohort, state=State.ACCEPTED)
    assert services.application_expire_overdue_offers() == 0
    offer.refresh_from_db()
    assert offer.state == State.ACCEPTED


def test_a_finished_cohorts_waitlist_is_not_offered_places():
    cohort = CohortFactory(capacity=1)
    enrolled = make_application(cohort=cohort, state=State.ENROLLED)
    waiting = make_application(cohort=cohort, state=State.WAITLISTED)
    cohort.status = cohort.Status.COMPLETED
    cohort.save(update_fields=["status"])
    services.application_withdraw(application=enrolled, actor=enrolled.applicant)
    waiting.refresh_from_db()
    assert waiting.state == State.WAITLISTED


def test_the_per_organisation_cap_holds_for_decisions_and_for_the_waitlist(facilitator):
    busy = OrganisationFactory()
    cohort = CohortFactory(capacity=3, per_organisation_cap=1)
    first = make_application(cohort=cohort, state=State.IN_REVIEW, organisation=busy)
    second = make_application(cohort=cohort, state=State.IN_REVIEW, organisation=busy)
    services.application_accept(application=first, actor=facilitator)
    services.application_accept(application=second, actor=facilitator)
    second.refresh_from_db()
    assert second.state == State.WAITLISTED  # places are free, but not for `busy`

    others = [
        make_application(cohort=cohort, state=State.IN_REVIEW, organisation=OrganisationFactory())
        for _ in range(3)
    ]
    for application in others:
        services.application_accept(application=application, actor=facilitator)
    later = others[2]
    assert waitlist(cohort) == [second.applicant.email, later.applicant.email]

    # A place frees: the waitlist skips `busy` (still at its cap) for the next person.
    services.application_withdraw(application=others[1], actor=others[1].applicant)
    second.refresh_from_db()
    later.refresh_from_db()
    assert second.state == State.WAITLISTED
    assert later.state == State.ACCEPTED

    # When `busy` is under its cap again, its person is next.
    services.application_withdraw(application=first, actor=first.applicant)
    second.refresh_from_db()
    assert second.state == State.ACCEPTED
    assert_places_add_up(cohort)


def test_direct_enrolments_count_against_the_cap():
    organisation = OrganisationFactory()
    cohort = CohortFactory(capacity=3, per_organisation_cap=1)
    services.enrolment_create(cohort=cohort, user=UserFactory(organisation=organisation))
    application = make_application(cohort=cohort, state=State.IN_REVIEW, organisation=organisation)
    services.application_accept(application=application, actor=UserFactory(role="admin"))
    application.refresh_from_db()
    assert application.state == State.WAITLISTED


def test_reserved_places_are_kept_for_the_organisations_nominees(facilitator):
    sponsor = SponsorFactory()
    cohort = CohortFactory(capacity=3)
    CohortReservation.objects.create(
        cohort=cohort, organisation=sponsor.organisation, places=2, purchase_order="PO-1"
    )
    services.cohort_offer_free_places(cohort=cohort)
    cohort.refresh_from_db()
    assert (cohort.places_reserved, cohort.places_left) == (2, 1)

    outsiders = _in_review(cohort, 2)
    for application in outsiders:
        services.application_accept(application=application, actor=facilitator)
    assert [Application.objects.get(pk=a.pk).state for a in outsiders] == [
        State.ACCEPTED,
        State.WAITLISTED,  # only reserved places are left
    ]
    # A self-application from the organisation does not fill its reserved places…
    colleague = make_application(
        cohort=cohort, state=State.IN_REVIEW, organisation=sponsor.organisation
    )
    services.application_accept(application=colleague, actor=facilitator)
    colleague.refresh_from_db()
    assert colleague.state == State.WAITLISTED
    # …its nominees do.
    nominee = UserFactory()
    nomination = make_nomination(cohort=cohort, sponsor=sponsor, email=nominee.email)
    application = services.nomination_accept(nomination=nomination, user=nominee)
    services.application_save(
        applicant=nominee,
        cohort=cohort,
        application=application,
        organisation=None,
        job_title="Lead",
        answers={},
        submit=True,
    )
    services.application_accept(application=application, actor=facilitator)
    application.refresh_from_db()
    assert application.state == State.ACCEPTED
    assert application.holds_reserved_place
    assert application.organisation == sponsor.organisation  # fixed by the nomination
    cohort.refresh_from_db()
    assert (cohort.places_taken, cohort.places_reserved, cohort.places_left) == (2, 1, 0)
    assert_places_add_up(cohort)

    # A reserved place given back goes to the organisation's next nominee, not the queue.
    services.application_withdraw(application=application, actor=nominee)
    cohort.refresh_from_db()
    assert (cohort.places_taken, cohort.places_reserved) == (1, 2)
    assert Application.objects.get(pk=outsiders[1].pk).state == State.WAITLISTED
    assert_places_add_up(cohort)


def test_direct_enrolment_takes_a_place_and_refuses_when_full():
    cohort = CohortFactory(capacity=1)
    services.enrolment_create(cohort=cohort, user=UserFactory())
    with pytest.raises(ApplicationError, match="no places left"):
        services.enrolment_create(cohort=cohort, user=UserFactory())
    assert_places_add_up(cohort)


def test_direct_enrolment_of_someone_holding_an_offer_confirms_it():
    cohort = CohortFactory(capacity=2)
    offer = make_application(cohort=cohort, state=State.ACCEPTED)
    services.enrolment_create(cohort=cohort, user=offer.applicant)
    offer.refresh_from_db()
    assert offer.state == State.ENROLLED
    assert_places_add_up(cohort)
    assert cohort.places_taken == 1


def test_direct_enrolment_waits_for_an_open_application():
    cohort = CohortFactory(capacity=2)
    pending = make_application(cohort=cohort, state=State.IN_REVIEW)
    with pytest.raises(ApplicationError, match="review queue"):
        services.enrolment_create(cohort=cohort, user=pending.applicant)


def test_withdrawing_a_direct_enrolment_frees_its_place_for_the_waitlist():
    cohort = CohortFactory(capacity=1)
    enrolment = services.enrolment_create(cohort=cohort, user=UserFactory())
    waiting = make_application(cohort=cohort, state=State.WAITLISTED)
    services.enrolment_withdraw(enrolment=enrolment, actor=None)
    waiting.refresh_from_db()
    assert waiting.state == State.ACCEPTED
    assert_places_add_up(cohort)


def test_withdrawing_an_enrolment_from_an_application_goes_through_the_application():
    cohort = CohortFactory(capacity=1)
    enrolled = make_application(cohort=cohort, state=State.ENROLLED)
    enrolment = Enrolment.objects.get(user=enrolled.applicant)
    services.enrolment_withdraw(enrolment=enrolment, actor=enrolled.applicant, reason="Moving.")
    enrolled.refresh_from_db()
    assert enrolled.state == State.WITHDRAWN
    assert enrolled.events.last().reason == "Moving."
    assert_places_add_up(cohort)


def test_the_database_refuses_reserved_and_taken_places_beyond_capacity():
    cohort = CohortFactory(capacity=2)
    cohort.places_taken, cohort.places_reserved = 1, 2
    with pytest.raises(IntegrityError), transaction.atomic():
        cohort.save(update_fields=["places_taken", "places_reserved"])


def test_the_database_keeps_one_application_per_person_per_cohort():
    application = make_application(state=State.DRAFT)
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.create(cohort=application.cohort, applicant=application.applicant)


def test_waitlist_positions_are_unique_per_cohort():
    first = make_application(state=State.WAITLISTED)
    second = make_application(cohort=first.cohort, state=State.WAITLISTED)
    second.waitlist_position = first.waitlist_position
    with pytest.raises(IntegrityError), transaction.atomic():
        second.save(update_fields=["waitlist_position"])


def test_a_bigger_cohort_offers_its_new_places_to_the_waitlist(admin_client):
    cohort = CohortFactory(capacity=1)
    make_application(cohort=cohort, state=State.ENROLLED)
    waiting = make_application(cohort=cohort, state=State.WAITLISTED)
    cohort.capacity = 2
    cohort.save(update_fields=["capacity"])
    assert services.cohort_offer_free_places(cohort=cohort) == 1
    waiting.refresh_from_db()
    assert waiting.state == State.ACCEPTED


def test_a_participant_who_completed_cannot_be_withdrawn():
    cohort = CohortFactory(capacity=1)
    enrolled = make_application(cohort=cohort, state=State.ENROLLED)
    Enrolment.objects.filter(user=enrolled.applicant).update(
        status=Enrolment.Status.COMPLETED, completed_on=timezone.localdate()
    )
    with pytest.raises(ApplicationError, match="completed"):
        services.application_withdraw(application=enrolled, actor=enrolled.applicant)
    enrolled.refresh_from_db()
    assert enrolled.state == State.ENROLLED
    assert_places_add_up(cohort)
