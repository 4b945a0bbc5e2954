"""A small portal with one of everything, for tests that try every route as everyone.

Participant A (of organisation X) is the person whose things every route points at: an
active place on cohort 1 with its course, sessions and an announcement, a certificate
from an earlier cohort, applications in the states their pages need, a nomination by
X's sponsor, a calendar feed. Participant B (organisation Y) is enrolled on cohort 2,
which facilitator 2 runs in the same programme. Facilitator 1 runs every cohort of A's.
A classmate (organisation X) is on cohort 1 too; a leaver was, and withdrew.

`build_world()` returns a dict: people and objects by name, and the raw values (tokens,
codes) that some addresses carry. Add to it what a new route needs.
"""

import datetime as dt

from django.contrib.auth.tokens import default_token_generator
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from academy.models import Material, Reflection
from accounts.models import RoleInvitation
from accounts.services import new_token
from accounts.tokens import email_confirmation_token
from announcements.services import announcement_send
from api.services import api_token_create
from cohorts.models import Application, ApplicationAnswer, Cohort
from cohorts.services import enrolment_withdraw, nomination_token
from privacy.services import data_export_build, data_export_request
from scheduling.services import calendar_feed_reset

from .academy import PDF_BYTES, MaterialFactory, ModuleFactory, ProgrammeFactory, upload
from .accounts import (
    AdminFactory,
    FacilitatorFactory,
    OrganisationFactory,
    SponsorFactory,
    UserFactory,
)
from .certificates import CompletedEnrolmentFactory, IssuedCertificateFactory
from .cohorts import (
    CohortFactory,
    EnrolmentFactory,
    QuestionFactory,
    QuestionSetFactory,
    make_application,
    make_nomination,
)
from .scheduling import RunningCohortFactory, SessionFactory

# Strings that appear only in participant A's own things: no page shown to someone who
# may not see them (participant B, the other sponsor, the other facilitator, a visitor)
# may contain any of them.
A_SECRETS = (
    "Angharad Quillfeather",
    "angharad.quillfeather@example.org",
    "Head of Quillwork",
    "Nerys Nomineeson",
    "I led the Zephyrine migration",
)
# Strings only cohort 1's own people may see: its joining link and its own reading.
COHORT_1_SECRETS = (
    "https://meet.example.org/cohort-one-quokka",
    "Reading only cohort one has about quokkas",
)


def build_world() -> dict:
    State = Application.State
    org_x = OrganisationFactory(name="Xanadu Borough Council")
    org_y = OrganisationFactory(name="Ynysfach Health Board")
    admin = AdminFactory(full_name="Ada Admin")
    facilitator_1 = FacilitatorFactory(full_name="Ffion Facilitator")
    facilitator_2 = FacilitatorFactory(full_name="Gwil Facilitator")
    participant_a = UserFactory(
        full_name=A_SECRETS[0], email=A_SECRETS[1], organisation=org_x, job_title=A_SECRETS[2]
    )
    participant_b = UserFactory(full_name="Bryn Other", organisation=org_y)
    sponsor_a = SponsorFactory(full_name="Sian Sponsor", organisation=org_x)
    sponsor_b = SponsorFactory(full_name="Tomos Sponsor", organisation=org_y)

    programme = ProgrammeFactory(allows_recommendations=True)
    question_set = QuestionSetFactory(programme=programme, asks_equality_monitoring=True)
    question = QuestionFactory(question_set=question_set, required=False)

    def cohort(factory=CohortFactory, facilitator=facilitator_1, **kwargs):
        made = factory(programme=programme, **kwargs)
        made.facilitators.add(facilitator)
        return made

    # Cohort 1, under way: A's place, course, session, announcement.
    cohort_1 = cohort(RunningCohortFactory)
    enrolment = EnrolmentFactory(cohort=cohort_1, user=participant_a)
    classmate = EnrolmentFactory(
        cohort=cohort_1, user=UserFactory(full_name="Catrin Classmate", organisation=org_x)
    ).user
    # Took part in cohort 1 until they left, and was told what they were told then.
    leaver = EnrolmentFactory(cohort=cohort_1, user=UserFactory(full_name="Llew Leaver"))
    module = ModuleFactory(programme=programme, cohort=cohort_1)
    material = MaterialFactory(module=module, body=COHORT_1_SECRETS[1])
    file_material = MaterialFactory(
        module=module,
        kind=Material.Kind.FILE,
        body="",
        file=upload("reading.pdf", PDF_BYTES),
    )
    unpublished_file = MaterialFactory(
        module=module,
        kind=Material.Kind.FILE,
        body="",
        file=upload("draft.pdf", PDF_BYTES),
        is_published=False,
    )
    later_module = ModuleFactory(
        programme=programme,
        cohort=cohort_1,
        release_rule="days_after_start",
        release_after_days=300,
    )
    unreleased_material = MaterialFactory(module=later_module)
    shared_module = ModuleFactory(programme=programme)
    shared_material = MaterialFactory(module=shared_module)
    session = SessionFactory(
        cohort=cohort_1, facilitators=[facilitator_1], joining_link=COHORT_1_SECRETS[0]
    )
    announcement = announcement_send(
        cohort=cohort_1,
        author=facilitator_1,
        audience="everyone",
        subject="Room change",
        body="We meet upstairs.",
    )
    enrolment_withdraw(enrolment=leaver, actor=None, reason="Moved on.")

    # Cohort 2, under way, run by facilitator 2: B's place.
    cohort_2 = cohort(RunningCohortFactory, facilitator=facilitator_2)
    EnrolmentFactory(cohort=cohort_2, user=participant_b)
    SessionFactory(cohort=cohort_2, facilitators=[facilitator_2])
    cohort_2_material = MaterialFactory(module=ModuleFactory(programme=programme, cohort=cohort_2))

    # An earlier cohort A completed, with A's certificate.
    completed = cohort(
        status=Cohort.Status.COMPLETED,
        starts_on=timezone.localdate() - dt.timedelta(days=300),
        ends_on=timezone.localdate() - dt.timedelta(days=30),
    )
    certificate = IssuedCertificateFactory(
        enrolment=CompletedEnrolmentFactory(cohort=completed, user=participant_a)
    )

    # Open cohorts with A's applications, one state each (one application per cohort).
    def application(state, **cohort_kwargs):
        return make_application(
            cohort=cohort(**cohort_kwargs),
            applicant=participant_a,
            state=state,
            reviewer=facilitator_1,
        )

    draft = application(State.DRAFT)
    in_review = application(State.IN_REVIEW)
    accepted = application(State.ACCEPTED)
    awaiting_sponsor = application(State.AWAITING_SPONSOR, sponsor_approval_required=True)
    for answered in (draft, in_review, accepted, awaiting_sponsor):
        ApplicationAnswer.objects.create(
            application=answered, question=question, value=A_SECRETS[4]
        )
    open_cohort = in_review.cohort
    fresh_cohort = cohort()  # nobody has applied yet
    draft_cohort = cohort(status=Cohort.Status.DRAFT)

    nomination = make_nomination(
        cohort=open_cohort,
        sponsor=sponsor_a,
        nominee_name=A_SECRETS[3],
        email="nerys.nomineeson@example.org",
    )
    role_token, role_token_hash = new_token()
    role_invitation = RoleInvitation.objects.create(
        email="new.facilitator@example.org",
        full_name="Newydd Facilitator",
        role="facilitator",
        token_hash=role_token_hash,
        sent_at=timezone.now(),
        invited_by=admin,
        expires_at=timezone.now() + dt.timedelta(days=14),
    )
    uid_a = urlsafe_base64_encode(force_bytes(participant_a.pk))
    reflection = Reflection.objects.create(enrolment=enrolment, text="What I learnt")
    api_token, _ = api_token_create(user=participant_a, name="A's spreadsheet")
    data_export = data_export_request(user=participant_a)
    data_export_build(export_id=data_export.pk)
    data_export.refresh_from_db()

    return {
        # People
        "admin": admin,
        "facilitator_1": facilitator_1,
        "facilitator_2": facilitator_2,
        "participant_a": participant_a,
        "participant_b": participant_b,
        "classmate": classmate,
        "leaver": leaver.user,
        "leaver_enrolment": leaver,
        "sponsor_a": sponsor_a,
        "sponsor_b": sponsor_b,
        "organisation_x": org_x,
        "organisation_y": org_y,
        # Programme and cohorts
        "programme": programme,
        "cohort_1": cohort_1,
        "cohort_2": cohort_2,
        "completed_cohort": completed,
        "open_cohort": open_cohort,
        "fresh_cohort": fresh_cohort,
        "draft_cohort": draft_cohort,
        # A's things
        "enrolment": enrolment,
        "completed_enrolment": certificate.enrolment,
        "module": module,
        "material": material,
        "file_material": file_material,
        "unpublished_file": unpublished_file,
        "unreleased_material": unreleased_material,
        "shared_module": shared_module,
        "shared_material": shared_material,
        "cohort_2_material": cohort_2_material,
        "session": session,
        "announcement": announcement,
        "certificate": certificate,
        "draft_application": draft,
        "application": in_review,
        "accepted_application": accepted,
        "awaiting_sponsor_application": awaiting_sponsor,
        "nomination": nomination,
        "role_invitation": role_invitation,
        "reflection": reflection,
        "api_token": api_token,
        "data_export": data_export,
        # Raw values carried in addresses
        "material_kind": Material.Kind.PAGE.value,
        "uid_a": uid_a,
        "confirm_token": email_confirmation_token.make_token(participant_a),
        "password_reset_token": default_token_generator.make_token(participant_a),
        "role_invitation_token": role_token,
        "nomination_token": nomination_token(nomination),
        "calendar_feed_token": calendar_feed_reset(user=participant_a).token,
        "certificate_code": certificate.code,
        "status_list_number": 0,
    }
