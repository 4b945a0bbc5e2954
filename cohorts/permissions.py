"""Who may do what with cohorts, applications and nominations: one function per action.

Views check these before calling a service, and the `*_visible_to` functions scope
querysets before anything is fetched, so an object someone may not see is a 404.
"""

from django.db.models import Q, QuerySet

from . import workflow
from .models import Application, Cohort, Nomination
from .selectors import PUBLIC_STATUSES

State = Application.State


def _active(user) -> bool:
    return user.is_authenticated and user.is_active


def can_view_cohort(user, cohort: Cohort) -> bool:
    """Advertised cohorts are public; drafts and archives only for those who run them."""
    if cohort.status in PUBLIC_STATUSES:
        return True
    return can_manage_cohort(user, cohort)


def can_manage_cohort(user, cohort: Cohort) -> bool:
    if not _active(user):
        return False
    if user.is_programme_admin:
        return True
    return user.is_facilitator and _facilitates(user, cohort)


def _facilitates(user, cohort: Cohort) -> bool:
    # A page that loaded the cohort through cohorts_managed_by() as a facilitator already
    # knows (see cohort_managed_get); its several checks then ask the database once.
    if user.pk in getattr(cohort, "facilitated_by", ()):
        return True
    return cohort.facilitators.filter(pk=user.pk).exists()


def cohort_managed_get(user, pk) -> Cohort | None:
    """The cohort `pk` (with its programme) if `user` manages it, else None. A facilitator
    found it among their own cohorts, which the cohort remembers for the checks that
    follow on the same page."""
    cohort = cohorts_managed_by(user).select_related("programme").filter(pk=pk).first()
    if cohort is not None and not user.is_programme_admin:
        cohort.facilitated_by = {user.pk}
    return cohort


def cohorts_managed_by(user) -> QuerySet[Cohort]:
    if not _active(user):
        return Cohort.objects.none()
    if user.is_programme_admin:
        return Cohort.objects.all()
    if user.is_facilitator:
        return Cohort.objects.filter(facilitators=user)
    return Cohort.objects.none()


# --- Running cohorts -------------------------------------------------------------------
# Programme admins run every cohort. A facilitator runs the cohorts assigned to them:
# edits their settings, moves them along the lifecycle and runs them again, but does not
# create cohorts from nothing or choose who facilitates.


def can_list_managed_cohorts(user) -> bool:
    """The "Cohorts" pages exist for programme admins and facilitators only."""
    return _active(user) and (user.is_programme_admin or user.is_facilitator)


def can_create_cohort(user) -> bool:
    return _active(user) and user.is_programme_admin


def can_view_cohort_home(user, cohort: Cohort) -> bool:
    return can_manage_cohort(user, cohort)


def can_edit_cohort(user, cohort: Cohort) -> bool:
    return can_manage_cohort(user, cohort)


def can_assign_facilitators(user, cohort: Cohort | None = None) -> bool:
    """Choosing who facilitates a cohort (new or existing) is for programme admins."""
    return _active(user) and user.is_programme_admin


def can_change_cohort_status(user, cohort: Cohort) -> bool:
    return can_manage_cohort(user, cohort)


def can_run_cohort_again(user, cohort: Cohort) -> bool:
    """Copy a cohort into a new draft: programme admins, and the cohort's own facilitators
    (the copy has them as facilitators)."""
    return can_manage_cohort(user, cohort)


def can_view_cohort_participants(user, cohort: Cohort) -> bool:
    return can_manage_cohort(user, cohort)


# --- Applicants ------------------------------------------------------------------------


def can_apply(user, cohort: Cohort) -> bool:
    """Anyone signed in may apply to a cohort that is taking applications."""
    return _active(user) and cohort.is_accepting_applications


def can_view_own_application(user, application: Application) -> bool:
    return _active(user) and application.applicant_id == user.pk


def can_edit_application(user, application: Application) -> bool:
    return can_view_own_application(user, application) and application.state == State.DRAFT


def can_withdraw_application(user, application: Application) -> bool:
    return can_view_own_application(user, application) and workflow.can_move(
        application.state, State.WITHDRAWN, workflow.Actor.APPLICANT
    )


def can_confirm_place(user, application: Application) -> bool:
    return can_view_own_application(user, application) and application.state == State.ACCEPTED


def can_answer_equality_monitoring(user, application: Application) -> bool:
    question_set = getattr(application.cohort.programme, "question_set", None)
    return (
        can_view_own_application(user, application)
        and application.state != State.DRAFT
        and question_set is not None
        and question_set.asks_equality_monitoring
    )


# --- Reviewers -------------------------------------------------------------------------


def can_review_application(user, application: Application) -> bool:
    """Facilitators of the application's cohort and programme admins; never drafts."""
    return application.state != State.DRAFT and can_manage_cohort(user, application.cohort)


def applications_reviewable_by(user) -> QuerySet[Application]:
    """The queryset form of `can_review_application`."""
    return Application.objects.filter(cohort__in=cohorts_managed_by(user)).exclude(
        state=State.DRAFT
    )


def can_view_equality_report(user, cohort: Cohort) -> bool:
    """Only programme admins, and only in aggregate: reviewers never see these answers."""
    return _active(user) and user.is_programme_admin


# --- Sponsors --------------------------------------------------------------------------


def _sponsor_of(user, organisation_id) -> bool:
    return (
        _active(user)
        and user.is_sponsor
        and organisation_id is not None
        and user.organisation_id == organisation_id
    )


def can_view_organisation_applications(user) -> bool:
    return _active(user) and user.is_sponsor


def applications_visible_to_sponsor(user) -> QuerySet[Application]:
    """Applications naming the sponsor's organisation, once submitted."""
    if not can_view_organisation_applications(user):
        return Application.objects.none()
    return Application.objects.filter(organisation_id=user.organisation_id).exclude(
        state=State.DRAFT
    )


def can_endorse_application(user, application: Application) -> bool:
    return (
        _sponsor_of(user, application.organisation_id)
        and application.state == State.AWAITING_SPONSOR
    )


def can_nominate(user, cohort: Cohort) -> bool:
    return _active(user) and user.is_sponsor and cohort.is_accepting_applications


def nominations_visible_to_sponsor(user) -> QuerySet[Nomination]:
    """Nominations made for the sponsor's organisation by its sponsors.

    Recommendations by members of the public are not shown, even when they name the
    organisation: the person recommended has not chosen to involve their employer.
    """
    if not can_view_organisation_applications(user):
        return Nomination.objects.none()
    return Nomination.objects.filter(
        Q(organisation_id=user.organisation_id) & Q(source=Nomination.Source.SPONSOR)
    )


def can_manage_nomination(user, nomination: Nomination) -> bool:
    return nomination.source == Nomination.Source.SPONSOR and _sponsor_of(
        user, nomination.organisation_id
    )


def can_edit_question_sets(user) -> bool:
    """Application questions belong to the programme: programme admins edit them."""
    return _active(user) and user.is_programme_admin


# --- Everyone --------------------------------------------------------------------------


def can_recommend(user, cohort: Cohort) -> bool:
    """Recommending someone needs no account, on programmes that take recommendations."""
    return cohort.programme.allows_recommendations and cohort.is_accepting_applications


# --- Querysets for the API -------------------------------------------------------------


def cohorts_visible_to(user) -> QuerySet[Cohort]:
    """The queryset form of `can_view_cohort`."""
    return Cohort.objects.filter(
        Q(status__in=PUBLIC_STATUSES) | Q(pk__in=cohorts_managed_by(user).values("pk"))
    )


def applications_visible_to(user) -> QuerySet[Application]:
    """Every application `user` may read on some page: their own, those they review and,
    for sponsors, their organisation's."""
    if not _active(user):
        return Application.objects.none()
    submitted = ~Q(state=State.DRAFT)
    if user.is_programme_admin:  # every submitted application, and their own drafts
        return Application.objects.filter(Q(applicant=user) | submitted)
    # Plain column conditions, the facilitator's few cohorts read first: PostgreSQL
    # combines the three indexes (applicant, cohort, organisation). With IN subqueries
    # in the OR it read every application in the portal instead (139,000 rows, 20 ms,
    # in docs/performance.md).
    visible = Q(applicant=user)
    if cohort_ids := list(cohorts_managed_by(user).values_list("pk", flat=True)):
        visible |= Q(cohort_id__in=cohort_ids) & submitted
    if can_view_organisation_applications(user):
        visible |= Q(organisation_id=user.organisation_id) & submitted
    return Application.objects.filter(visible)
