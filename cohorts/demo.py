"""Demo cohorts for both programmes in every state of the lifecycle (draft, open, closed,
running, completed, archived), with question sets, applications in every state, a
waitlist, reserved places and nominations.

Everything is made through the services, so places, waitlist order and history are
what the portal itself would have produced.
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts.demo import DEMO_PASSWORD
from accounts.models import Organisation

from . import services
from .models import (
    Application,
    ApplicationEvent,
    Cohort,
    CohortReservation,
    Enrolment,
    EqualityReceipt,
    Nomination,
    Question,
    QuestionSet,
)
from .services import enrolment_create

User = get_user_model()


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def seed(*, programmes, people) -> dict[str, Cohort]:
    today = timezone.localdate()
    year = today.year
    la = programmes["leadership-academy"]
    ewdw = programmes["empowering-women-in-a-digital-world"]
    facilitator = people["facilitator@example.org"]
    coach = people["facilitator2@example.org"]

    specs = {
        "la-running": dict(
            programme=la,
            title=f"Leadership Academy {year}: Autumn cohort",
            intake_year=year,
            status=Cohort.Status.RUNNING,
            starts_on=today - dt.timedelta(days=42),
            ends_on=today + dt.timedelta(days=120),
            capacity=24,
            delivery_mode=Cohort.DeliveryMode.BLENDED,
            venue="Cardiff and online",
            sponsor_approval_required=True,
            per_organisation_cap=4,
            applications_open_at=_at(today - dt.timedelta(days=120), 9),
            applications_close_at=_at(today - dt.timedelta(days=60), 17),
            facilitators=[facilitator, coach],
        ),
        "la-open": dict(
            programme=la,
            title=f"Leadership Academy {year + 1}: Spring cohort",
            intake_year=year + 1,
            status=Cohort.Status.OPEN,
            starts_on=today + dt.timedelta(days=75),
            ends_on=today + dt.timedelta(days=250),
            capacity=24,
            delivery_mode=Cohort.DeliveryMode.BLENDED,
            venue="Manchester and online",
            sponsor_approval_required=True,
            per_organisation_cap=4,
            applications_open_at=_at(today - dt.timedelta(days=14), 9),
            applications_close_at=_at(today + dt.timedelta(days=40), 17),
            facilitators=[facilitator],
        ),
        "ewdw-running": dict(
            programme=ewdw,
            title=f"Empowering Women in a Digital World {year}: Cohort 2",
            intake_year=year,
            status=Cohort.Status.RUNNING,
            starts_on=today - dt.timedelta(days=28),
            ends_on=today + dt.timedelta(days=90),
            capacity=12,
            delivery_mode=Cohort.DeliveryMode.ONLINE,
            venue="",
            applications_open_at=_at(today - dt.timedelta(days=100), 9),
            applications_close_at=_at(today - dt.timedelta(days=40), 17),
            facilitators=[facilitator],
        ),
        "ewdw-open": dict(
            programme=ewdw,
            title=f"Empowering Women in a Digital World {year + 1}: Cohort 1",
            intake_year=year + 1,
            status=Cohort.Status.OPEN,
            starts_on=today + dt.timedelta(days=60),
            ends_on=today + dt.timedelta(days=180),
            # Few places, as the programme advertises: full, with a waitlist.
            capacity=6,
            delivery_mode=Cohort.DeliveryMode.IN_PERSON,
            venue="Edinburgh",
            applications_open_at=_at(today - dt.timedelta(days=7), 9),
            applications_close_at=_at(today + dt.timedelta(days=30), 17),
            facilitators=[facilitator, coach],
        ),
    }
    specs.update(_other_states(la, ewdw, today, facilitator, coach))
    cohorts = {}
    for key, spec in specs.items():
        spec = dict(spec)
        facilitators = spec.pop("facilitators")
        cohort, _ = Cohort.objects.update_or_create(
            programme=spec.pop("programme"), title=spec.pop("title"), defaults=spec
        )
        cohort.facilitators.set(facilitators)
        cohorts[key] = cohort

    places = {
        "la-running": [
            "participant@example.org",
            "rhiannon.price@example.org",
            "daniel.hughes@example.org",
            "grace.adeyemi@example.org",
            "mairi.campbell@example.org",
        ],
        "ewdw-running": [
            "participant2@example.org",
            "lucy.chen@example.org",
            "anna.kowalska@example.org",
        ],
        "ewdw-open": ["rhiannon.price@example.org"],
    }
    for key, emails in places.items():
        for email in emails:
            if not Enrolment.objects.filter(cohort=cohorts[key], user=people[email]).exists():
                enrolment_create(cohort=cohorts[key], user=people[email])

    _seed_question_sets(programmes)
    people = {**people, **_seed_applicants()}
    _seed_applications(cohorts, people)
    # The demo's history is made up: nobody needs e-mails about it. (A sponsor's "Send
    # again" mails a fresh invitation link, to the console in demo mode.)
    ApplicationEvent.objects.filter(notified_at__isnull=True).update(notified_at=timezone.now())
    Nomination.objects.filter(invitation_sent_at__isnull=True).update(
        invitation_sent_at=timezone.now()
    )
    return cohorts


def _other_states(la, ewdw, today, facilitator, coach) -> dict[str, dict]:
    """The cohorts that show the rest of the lifecycle, for both programmes.

    Last year's Leadership Academy cohort is the one its demo participants hold
    certificates from (certificates.demo) and the one a facilitator can run again.
    """
    year = today.year
    last_year = year - 1
    return {
        "la-draft": dict(
            programme=la,
            title=f"Leadership Academy {year + 1}: Autumn cohort",
            intake_year=year + 1,
            status=Cohort.Status.DRAFT,
            starts_on=today + dt.timedelta(days=280),
            ends_on=today + dt.timedelta(days=450),
            capacity=24,
            delivery_mode=Cohort.DeliveryMode.BLENDED,
            venue="Glasgow and online",
            sponsor_approval_required=True,
            per_organisation_cap=4,
            applications_open_at=_at(today + dt.timedelta(days=150), 9),
            applications_close_at=_at(today + dt.timedelta(days=220), 17),
            # Ready, so it opens by itself when its window starts.
            opens_automatically=True,
            facilitators=[facilitator, coach],
        ),
        "la-closed": dict(
            programme=la,
            title=f"Leadership Academy {year + 1}: Winter cohort",
            intake_year=year + 1,
            status=Cohort.Status.CLOSED,
            starts_on=today + dt.timedelta(days=21),
            ends_on=today + dt.timedelta(days=190),
            capacity=20,
            delivery_mode=Cohort.DeliveryMode.ONLINE,
            venue="",
            applications_open_at=_at(today - dt.timedelta(days=70), 9),
            applications_close_at=_at(today - dt.timedelta(days=3), 17),
            facilitators=[coach],
        ),
        "la-last-year": dict(
            programme=la,
            title=f"Leadership Academy {last_year}: Spring cohort",
            intake_year=last_year,
            status=Cohort.Status.COMPLETED,
            starts_on=dt.date(last_year, 2, 3),
            ends_on=dt.date(last_year, 7, 10),
            capacity=24,
            delivery_mode=Cohort.DeliveryMode.BLENDED,
            venue="Birmingham and online",
            facilitators=[facilitator],
        ),
        "la-archived": dict(
            programme=la,
            title=f"Leadership Academy {year - 2}: Spring cohort",
            intake_year=year - 2,
            status=Cohort.Status.ARCHIVED,
            starts_on=dt.date(year - 2, 2, 5),
            ends_on=dt.date(year - 2, 7, 12),
            capacity=24,
            delivery_mode=Cohort.DeliveryMode.IN_PERSON,
            venue="Birmingham",
            facilitators=[facilitator],
        ),
        "ewdw-draft": dict(
            programme=ewdw,
            title=f"Empowering Women in a Digital World {year + 1}: Cohort 2",
            intake_year=year + 1,
            status=Cohort.Status.DRAFT,
            # Still being planned: no dates or application window yet.
            capacity=8,
            delivery_mode=Cohort.DeliveryMode.ONLINE,
            venue="",
            facilitators=[facilitator],
        ),
        "ewdw-closed": dict(
            programme=ewdw,
            title=f"Empowering Women in a Digital World {year}: Cohort 3",
            intake_year=year,
            status=Cohort.Status.CLOSED,
            starts_on=today + dt.timedelta(days=10),
            ends_on=today + dt.timedelta(days=130),
            capacity=10,
            delivery_mode=Cohort.DeliveryMode.BLENDED,
            venue="Belfast and online",
            applications_open_at=_at(today - dt.timedelta(days=60), 9),
            applications_close_at=_at(today - dt.timedelta(days=5), 17),
            facilitators=[coach],
        ),
        "ewdw-completed": dict(
            programme=ewdw,
            title=f"Empowering Women in a Digital World {last_year}: Cohort 1",
            intake_year=last_year,
            status=Cohort.Status.COMPLETED,
            starts_on=dt.date(last_year, 3, 4),
            ends_on=dt.date(last_year, 6, 24),
            capacity=12,
            delivery_mode=Cohort.DeliveryMode.ONLINE,
            venue="",
            facilitators=[facilitator],
        ),
        "ewdw-archived": dict(
            programme=ewdw,
            title=f"Empowering Women in a Digital World {year - 2}: Cohort 1",
            intake_year=year - 2,
            status=Cohort.Status.ARCHIVED,
            starts_on=dt.date(year - 2, 3, 6),
            ends_on=dt.date(year - 2, 6, 26),
            capacity=12,
            delivery_mode=Cohort.DeliveryMode.ONLINE,
            venue="",
            facilitators=[facilitator],
        ),
    }


QUESTION_SETS = {
    "leadership-academy": {
        "introduction": (
            "Tell us about your role and what you want from the Academy. There are no "
            "right answers: we are looking for a mix of people and experience."
        ),
        "equality": False,
        "questions": [
            ("What does your team do, and how many people are in it?", "", "long_text", "", True),
            (
                "Describe a change you led that did not go to plan. What did you learn?",
                "A few paragraphs is plenty.",
                "long_text",
                "",
                True,
            ),
            (
                "Which area do you most want to develop?",
                "",
                "choice",
                "Leading change\nMaking the case for investment\nBuilding and leading teams\n"
                "Putting users at the centre of decisions",
                True,
            ),
            ("Has your line manager agreed you can attend every session?", "", "yes_no", "", True),
            (
                "Is there anything we should know to make the sessions accessible for you?",
                "For example, step-free access or captions.",
                "text",
                "",
                False,
            ),
        ],
    },
    "empowering-women-in-a-digital-world": {
        "introduction": (
            "This programme is for women working in and around digital public services. "
            "Tell us a little about yourself and what you hope to get from it."
        ),
        "equality": True,
        "questions": [
            ("Why do you want to join this programme now?", "", "long_text", "", True),
            (
                "What is a personal or professional goal you want to work towards?",
                "",
                "long_text",
                "",
                True,
            ),
            (
                "Which way of meeting suits you best?",
                "",
                "choice",
                "In person\nOnline\nEither",
                True,
            ),
            ("Would you like to be paired with a mentor?", "", "yes_no", "", False),
            ("Is there anything we should know about your access needs?", "", "text", "", False),
        ],
    },
}


def _seed_question_sets(programmes) -> None:
    for slug, spec in QUESTION_SETS.items():
        question_set, _ = QuestionSet.objects.update_or_create(
            programme=programmes[slug],
            defaults={
                "introduction": spec["introduction"],
                "asks_equality_monitoring": spec["equality"],
            },
        )
        for position, (text, hint, kind, choices, required) in enumerate(spec["questions"]):
            Question.objects.update_or_create(
                question_set=question_set,
                position=position,
                defaults={
                    "text": text,
                    "help_text": hint,
                    "kind": kind,
                    "choices": choices,
                    "required": required,
                },
            )


# email, full name, organisation, job title: applicants who appear only in the cohorts.
APPLICANTS = [
    ("nia.roberts@example.org", "Nia Roberts", "Welsh Digital Services Agency", "Delivery Manager"),
    ("chloe.baker@example.org", "Chloe Baker", "Highfield Borough Council",
     "Digital Transformation Lead"),
    ("hannah.scott@example.org", "Hannah Scott", "Lochside Health and Social Care Partnership",
     "Head of Service Improvement"),
    ("zara.ahmed@example.org", "Zara Ahmed", "Office for Public Records", "Senior Product Manager"),
    ("kate.murray@example.org", "Kate Murray", "Eastmere NHS Foundation Trust",
     "Informatics Manager"),
    ("olivia.green@example.org", "Olivia Green", "Highfield Borough Council", "Business Analyst"),
    ("sofia.rossi@example.org", "Sofia Rossi", "Eastmere NHS Foundation Trust",
     "Digital Nurse Lead"),
    ("emma.walsh@example.org", "Emma Walsh", "Welsh Digital Services Agency", "Content Designer"),
    ("jasmine.patel@example.org", "Jasmine Patel", "Office for Public Records", "Data Scientist"),
    ("beth.evans@example.org", "Beth Evans", "Afonwen County Council", "Customer Contact Lead"),
    ("ceri.lewis@example.org", "Ceri Lewis", "Afonwen County Council", "Digital Services Manager"),
]  # fmt: skip


def _seed_applicants() -> dict[str, User]:
    organisations = {organisation.name: organisation for organisation in Organisation.objects.all()}
    people = {}
    for email, full_name, organisation, job_title in APPLICANTS:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User(email=email, email_confirmed_at=timezone.now())
            user.set_password(DEMO_PASSWORD)
        user.full_name = full_name
        user.organisation = organisations[organisation]
        user.job_title = job_title
        user.save()
        people[email] = user
    return people


def _answers(cohort) -> dict[int, str]:
    answers = {}
    for question in Question.objects.filter(question_set__programme=cohort.programme_id):
        if question.kind == Question.Kind.CHOICE:
            answers[question.pk] = question.options[0]
        elif question.kind == Question.Kind.YES_NO:
            answers[question.pk] = "yes"
        elif question.required:
            answers[question.pk] = (
                "I lead a small team that looks after our online services. We want to make "
                "them simpler for residents and I want to lead that change well."
            )
    return answers


def _apply(cohort, person, steps: list[str], *, reviewer, sponsor=None) -> None:
    """Take one person's application through `steps`, unless they already applied."""
    if Application.objects.filter(cohort=cohort, applicant=person).exists():
        return
    application = services.application_save(
        applicant=person,
        cohort=cohort,
        organisation=person.organisation,
        job_title=person.job_title,
        answers=_answers(cohort),
        submit=steps[:1] != ["draft"],
    )
    for step in steps:
        if step in ("accept", "waitlist", "review"):
            services.application_decide(application=application, decision=step, actor=reviewer)
        elif step == "reject":
            services.application_reject(
                application=application,
                actor=reviewer,
                reason="We had many strong applications from people further into their "
                "leadership role. Please apply again next year.",
            )
        elif step == "confirm":
            services.application_confirm_place(application=application, actor=person)
        elif step == "expire":
            Application.objects.filter(pk=application.pk).update(
                offer_expires_at=timezone.now() - dt.timedelta(hours=1)
            )
            services.application_expire_offer(application=application)
        elif step == "withdraw":
            services.application_withdraw(
                application=application, actor=person, reason="My team is restructuring this year."
            )
        elif step == "endorse":
            services.application_endorse(
                application=application, sponsor=sponsor, reason="Strongly supported."
            )
        elif step == "decline":
            services.application_decline_endorsement(
                application=application,
                sponsor=sponsor,
                reason="We are sending two colleagues this year; please apply next year.",
            )
        application.refresh_from_db()


def _nominate(cohort, sponsor, name, email, reason, *, use_by=None, expired=False):
    if Nomination.objects.filter(cohort=cohort, nominee_email=email).exists():
        return None
    nomination = services.nomination_create(
        cohort=cohort,
        nominee_name=name,
        nominee_email=email,
        reason=reason,
        nominated_by=sponsor,
        organisation=sponsor.organisation,
    )
    if expired:
        Nomination.objects.filter(pk=nomination.pk).update(
            expires_at=timezone.now() - dt.timedelta(days=2),
            created_at=timezone.now() - dt.timedelta(days=16),
        )
    if use_by is not None:
        return services.nomination_accept(nomination=nomination, user=use_by)
    return None


def _seed_applications(cohorts, people) -> None:
    facilitator = people["facilitator@example.org"]
    la_open, ewdw_open = cohorts["la-open"], cohorts["ewdw-open"]
    afonwen = people["sponsor@example.org"].organisation
    CohortReservation.objects.get_or_create(
        cohort=la_open,
        organisation=afonwen,
        defaults={"places": 2, "purchase_order": "PO-AFW-2027-0142"},
    )
    services.cohort_offer_free_places(cohort=la_open)

    # Empowering Women, next year's cohort: six places, all taken, two people waiting.
    for email, steps in [
        ("anna.kowalska@example.org", ["accept", "confirm"]),
        ("kate.murray@example.org", ["accept", "expire"]),
        ("chloe.baker@example.org", ["accept", "confirm"]),
        ("hannah.scott@example.org", ["accept", "confirm"]),
        ("zara.ahmed@example.org", ["accept", "confirm"]),
        ("nia.roberts@example.org", ["accept"]),
        ("olivia.green@example.org", ["withdraw"]),
        ("sofia.rossi@example.org", ["accept"]),  # full by now: joins the waitlist
        ("emma.walsh@example.org", ["waitlist"]),
        ("mairi.campbell@example.org", ["review"]),
        ("jasmine.patel@example.org", []),
    ]:
        _apply(ewdw_open, people[email], steps, reviewer=facilitator)

    # Leadership Academy, next year's cohort: sponsor approval, a cap and reserved places.
    sponsor, sponsor2 = people["sponsor@example.org"], people["sponsor2@example.org"]
    for email, steps, approver in [
        ("lucy.chen@example.org", ["draft"], None),
        ("grace.adeyemi@example.org", [], None),
        ("daniel.hughes@example.org", ["review"], None),
        ("owen.jones@example.org", [], None),  # waits for sponsor@example.org
        ("beth.evans@example.org", ["decline"], sponsor),
        ("participant2@example.org", ["endorse"], sponsor2),
    ]:
        _apply(la_open, people[email], steps, reviewer=facilitator, sponsor=approver)

    application = _nominate(
        la_open,
        sponsor,
        "Ceri Lewis",
        "ceri.lewis@example.org",
        "Ceri runs our new digital services team and is ready for a wider role.",
        use_by=people["ceri.lewis@example.org"],
    )
    if application is not None:
        services.application_update_draft(
            application=application,
            organisation=afonwen,
            job_title=application.applicant.job_title,
            answers=_answers(la_open),
        )
        services.application_submit(application=application)
        services.application_accept(application=application, actor=facilitator)
    _nominate(
        la_open,
        sponsor,
        "Ffion Morgan",
        "ffion.morgan@example.org",
        "Ffion leads our digital inclusion work with libraries and community groups.",
    )
    _nominate(
        la_open,
        sponsor,
        "Dylan Thomas",
        "dylan.thomas@example.org",
        "Dylan has just become our head of data.",
        expired=True,
    )
    if not Nomination.objects.filter(cohort=ewdw_open, nominee_email="leila.hassan@example.org"):
        services.nomination_create(
            cohort=ewdw_open,
            nominee_name="Leila Hassan",
            nominee_email="leila.hassan@example.org",
            reason="Leila mentors junior developers and would get a lot from the programme.",
            nominated_by=None,
            organisation=None,
            source=Nomination.Source.RECOMMENDATION,
            recommender_name="Jo Parry",
            recommender_email="jo.parry@example.org",
        )
    _seed_equality_answers(ewdw_open)


EQUALITY_ANSWERS = [
    {"gender": "woman", "age_band": "30_39", "ethnic_group": "white", "disability": "no"},
    {"gender": "woman", "age_band": "40_49", "ethnic_group": "asian", "caring": "yes"},
    {"gender": "woman", "age_band": "40_49", "ethnic_group": "white", "disability": "yes"},
    {"gender": "woman", "age_band": "30_39", "ethnic_group": "black", "caring": "no"},
    {"gender": "non_binary", "age_band": "under_30", "ethnic_group": "mixed"},
    {"gender": "woman", "age_band": "50_59", "ethnic_group": "white", "caring": "yes"},
    {"gender": "woman", "age_band": "40_49", "ethnic_group": "unsaid", "disability": "no"},
]


def _seed_equality_answers(cohort) -> None:
    applicants = (
        Application.objects.filter(cohort=cohort)
        .exclude(state=Application.State.DRAFT)
        .order_by("pk")
        .values_list("applicant", flat=True)
    )
    for user_id, answers in zip(applicants, EQUALITY_ANSWERS, strict=False):
        if not EqualityReceipt.objects.filter(cohort=cohort, user_id=user_id).exists():
            services.equality_response_submit(
                cohort=cohort, user=User.objects.get(pk=user_id), answers=answers
            )
