import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from academy.models import MaterialProgress
from accounts.models import Organisation
from certificates.models import Certificate
from cohorts.models import Application, Cohort, Enrolment
from core.generate import BENCH_EMAILS, sizes
from scheduling.models import Attendance, Session

User = get_user_model()
SCALE = 0.005


class Undo(Exception):
    pass


def fingerprint():
    return (
        list(User.objects.order_by("pk").values_list("email", "full_name", "organisation__name")),
        list(Cohort.objects.order_by("pk").values_list("title", "status", "capacity", "starts_on")),
        list(
            Enrolment.objects.order_by("pk").values_list("cohort__title", "user__email", "status")
        ),
        list(Application.objects.order_by("pk").values_list("applicant__email", "state")),
        list(Session.objects.order_by("pk").values_list("uid", "starts_at")),
        list(MaterialProgress.objects.order_by("pk").values_list("enrolment", "material")),
        list(Attendance.objects.order_by("session", "user").values_list("user", "status")),
        list(Certificate.objects.order_by("pk").values_list("code", "holder_name")),
    )


def generate(seed: int = 1):
    call_command("generate_data", seed=seed, scale=SCALE, verbosity=0, stdout=io.StringIO())


@pytest.fixture
def generated(db):
    generate()


def test_counts_are_the_scaled_targets(generated):
    target = sizes(SCALE)
    assert Organisation.objects.count() == target["organisations"]
    assert User.objects.count() == target["users"]
    assert Cohort.objects.count() == target["cohorts"]
    assert Session.objects.count() == target["sessions"]
    assert MaterialProgress.objects.count() + Attendance.objects.count() == target["progress"]
    assert Certificate.objects.count() == target["certificates"]
    # Every enrolment has its application, and places taken match the enrolments.
    assert Application.objects.filter(state="enrolled").count() == Enrolment.objects.count()
    big = Cohort.objects.order_by("pk").first()
    assert big.enrolments.count() == big.places_taken <= big.capacity


def test_the_same_seed_gives_the_same_rows_and_another_seed_does_not(db):
    runs = []
    for seed in (1, 1, 2):
        try:
            with transaction.atomic():
                generate(seed)
                runs.append(fingerprint())
                raise Undo
        except Undo:
            pass
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]


def test_a_second_run_on_the_same_database_is_refused(generated):
    with pytest.raises(Exception, match="already holds generated data"):
        generate()


@pytest.mark.parametrize(
    ("who", "page"),
    [
        (None, lambda: reverse("academy:home")),
        (None, lambda: Cohort.objects.filter(status="open").first().get_absolute_url()),
        (None, lambda: Certificate.objects.first().get_verification_url()),
        ("participant", lambda: reverse("core:dashboard")),
        ("facilitator", lambda: reverse("core:dashboard")),
        ("sponsor", lambda: reverse("core:dashboard")),
        ("facilitator", lambda: reverse("cohorts-manage:cohort-home", args=[big_cohort()])),
        ("facilitator", lambda: reverse("cohorts:application-queue", args=[big_cohort()])),
        ("admin", lambda: reverse("cohorts-manage:cohort-list")),
    ],
)
def test_pages_render_on_generated_data(client, generated, who, page):
    if who:
        client.force_login(User.objects.get(email=BENCH_EMAILS[who]))
    response = client.get(page())
    assert response.status_code == 200


def big_cohort() -> int:
    return Cohort.objects.order_by("pk").values_list("pk", flat=True).first()
