import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from academy.models import Programme
from cohorts.models import Cohort, Enrolment

User = get_user_model()

DEMO_ACCOUNTS = {
    "admin@example.org": "Back office",
    "facilitator@example.org": "Cohorts you facilitate",
    "sponsor@example.org": "People from Afonwen County Council",
    "participant@example.org": "Leadership Academy",
    "participant2@example.org": "Empowering Women in a Digital World",
}


@pytest.fixture
def demo(db):
    call_command("seed_demo", verbosity=0)


def test_seed_demo_is_idempotent(demo):
    counts = (User.objects.count(), Cohort.objects.count(), Enrolment.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (User.objects.count(), Cohort.objects.count(), Enrolment.objects.count()) == counts


def test_demo_has_both_programmes_each_with_an_open_and_a_running_cohort(demo):
    for name in ("Leadership Academy", "Empowering Women in a Digital World"):
        programme = Programme.objects.get(name=name)
        statuses = set(programme.cohorts.values_list("status", flat=True))
        assert {Cohort.Status.OPEN, Cohort.Status.RUNNING} <= statuses


def test_demo_people_are_where_the_readme_says(demo):
    facilitator = User.objects.get(email="facilitator@example.org")
    assert {c.programme.slug for c in facilitator.facilitated_cohorts.all()} == {
        "leadership-academy",
        "empowering-women-in-a-digital-world",
    }
    participant = User.objects.get(email="participant@example.org")
    current = participant.enrolments.get(status=Enrolment.Status.ACTIVE)
    assert current.cohort.status == Cohort.Status.RUNNING
    participant2 = User.objects.get(email="participant2@example.org")
    assert participant2.organisation != participant.organisation
    assert participant2.enrolments.get().cohort != current.cohort
    sponsor = User.objects.get(email="sponsor@example.org")
    assert sponsor.organisation == participant.organisation


@pytest.mark.parametrize(("email", "expected"), DEMO_ACCOUNTS.items())
def test_every_demo_account_signs_in_through_the_form_and_sees_its_own_page(
    client, demo, email, expected
):
    response = client.post(
        reverse("accounts:login"), {"username": email, "password": "academy-demo"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("core:dashboard")
    assert expected in response.content.decode()


def test_the_demo_participant_holds_an_issued_certificate_from_last_years_cohort(demo):
    from certificates.models import Certificate

    certificate = Certificate.objects.get(enrolment__user__email="participant@example.org")
    assert certificate.status == Certificate.Status.ISSUED
    assert certificate.pdf.name
    assert certificate.enrolment.cohort.status == Cohort.Status.COMPLETED
    assert certificate.enrolment.cohort.ends_on.year == timezone.localdate().year - 1
    assert certificate.programme_name == "Leadership Academy"


def test_only_the_admin_sees_the_back_office_link(client, demo):
    for email in DEMO_ACCOUNTS:
        client.force_login(User.objects.get(email=email))
        html = client.get(reverse("core:dashboard")).content.decode()
        assert ("Back office" in html) == (email == "admin@example.org")


def test_a_sponsor_sees_only_their_own_organisations_people(client, demo):
    client.force_login(User.objects.get(email="sponsor@example.org"))
    html = client.get(reverse("core:dashboard")).content.decode()
    assert "Sam Taylor" in html  # same organisation
    assert "Fatima Begum" not in html  # another organisation
