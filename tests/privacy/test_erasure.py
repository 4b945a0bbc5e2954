import pytest
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.urls import reverse

from audit.models import AuditEntry
from certificates.models import Certificate
from cohorts.models import Application, Enrolment
from core.errors import ApplicationError
from privacy import register, services
from tests.factories.accounts import PASSWORD, AdminFactory, SponsorFactory, UserFactory
from tests.factories.cohorts import make_application, make_nomination

from .checks import assert_nothing_personal_left

User = get_user_model()


def test_erasure_leaves_nothing_personal_in_any_registered_table(
    person, django_capture_on_commit_callbacks
):
    pdf_name = person.certificate.pdf.name
    assert default_storage.exists(pdf_name)
    missing = {
        entry.model
        for entry in register.personal_entries()
        if not entry.rows_of(person.user, person.email).exists()
    }
    # Rows everywhere but where facilitators are named (another test), so the check
    # below means something.
    assert missing == {"cohorts.Cohort", "scheduling.Session"}

    with django_capture_on_commit_callbacks(execute=True):
        services.account_erase(user=person.user, password=PASSWORD)

    assert_nothing_personal_left(
        person.user, person.email, [person.full_name, person.email, person.answer]
    )
    assert not default_storage.exists(pdf_name)


def test_erasure_keeps_the_certificate_verifying_without_a_name(client, person):
    services.account_erase(user=person.user, password=PASSWORD)

    certificate = Certificate.objects.get(pk=person.certificate.pk)
    assert certificate.status == Certificate.Status.ISSUED
    assert certificate.holder_name == ""
    response = client.get(certificate.get_verification_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "This certificate is valid" in html
    assert certificate.programme_name in html
    assert "Not held: the holder deleted their account" in html
    data = client.get(
        reverse("certificates:verify-detail-json", kwargs={"code": certificate.display_code})
    ).json()
    assert data["status"] == "valid"
    assert data["holder_name"] is None
    credential = client.get(
        reverse("certificates:credential", kwargs={"code": certificate.code})
    ).json()
    assert credential["credentialSubject"]["identifier"] == []


def test_erasure_withdraws_open_applications_and_places_and_frees_them(person):
    running = person.running_cohort
    running.refresh_from_db()
    taken = running.places_taken
    assert taken == 1

    services.account_erase(user=person.user, password=PASSWORD)

    running.refresh_from_db()
    assert running.places_taken == taken - 1
    assert not Application.objects.filter(applicant=person.user).exists()
    # Only the completed place behind the certificate stays, with no organisation.
    remaining = Enrolment.objects.filter(user=person.user)
    assert list(remaining.values_list("status", "organisation")) == [
        (Enrolment.Status.COMPLETED, None)
    ]


def test_the_erased_account_cannot_sign_in_and_the_audit_entry_holds_no_personal_data(
    client, person
):
    services.account_erase(user=person.user, password=PASSWORD)

    user = User.objects.get(pk=person.user.pk)
    assert not user.is_active
    assert not user.has_usable_password()
    assert user.email == f"erased-{user.pk}@erased.invalid"
    assert user.full_name == "Deleted account"
    client.post(reverse("accounts:login"), {"username": person.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    entry = AuditEntry.objects.get(action="account.erased")
    assert entry.target_id == str(user.pk)
    recorded = str([entry.before, entry.after, entry.reason])
    assert person.full_name not in recorded
    assert person.email not in recorded
    assert entry.after["rows"]["cohorts.Application"] == 1


def test_a_wrong_password_erases_nothing(person):
    with pytest.raises(ApplicationError):
        services.account_erase(user=person.user, password="not-the-password")
    person.user.refresh_from_db()
    assert person.user.full_name == person.full_name
    assert Application.objects.filter(applicant=person.user).exists()


@pytest.mark.django_db
def test_the_last_programme_admin_is_refused_and_another_admin_may_go():
    admin = AdminFactory()
    with pytest.raises(ApplicationError, match="only programme admin"):
        services.account_erase(user=admin, password=PASSWORD)
    admin.refresh_from_db()
    assert admin.is_active

    AdminFactory()
    services.account_erase(user=admin, password=PASSWORD)
    admin.refresh_from_db()
    assert not admin.is_active
    assert admin.role == User.Role.PARTICIPANT


@pytest.mark.django_db
def test_a_facilitator_is_taken_off_their_cohorts(person):
    facilitator = UserFactory(role=User.Role.FACILITATOR)
    person.running_cohort.facilitators.add(facilitator)
    session = person.running_cohort.sessions.get()
    session.facilitators.add(facilitator)
    services.account_erase(user=facilitator, password=PASSWORD)
    assert not person.running_cohort.facilitators.filter(pk=facilitator.pk).exists()
    assert not session.facilitators.filter(pk=facilitator.pk).exists()
    assert_nothing_personal_left(facilitator, "", [])


@pytest.mark.django_db
def test_erasure_is_atomic(person, monkeypatch):
    """A failure part-way leaves everything as it was."""

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "audit_record", broken)
    with pytest.raises(RuntimeError):
        services.account_erase(user=person.user, password=PASSWORD)
    person.user.refresh_from_db()
    assert person.user.email == person.email
    assert Application.objects.filter(applicant=person.user).count() == 1
    assert Enrolment.objects.filter(user=person.user, status=Enrolment.Status.ACTIVE).exists()


# --- The page ------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_delete_page_needs_sign_in(client):
    response = client.get(reverse("privacy:account-delete"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    response = client.post(reverse("privacy:account-delete"), {"password": PASSWORD})
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_deleting_from_the_page_asks_for_the_password_and_signs_out(client, person):
    client.force_login(person.user)
    url = reverse("privacy:account-delete")
    response = client.get(url)
    assert response.status_code == 200
    assert "Delete my account" in response.content.decode()

    response = client.post(url, {"password": "wrong-password-1", "confirm": "on"})
    assert response.status_code == 200
    assert "The password is not right." in response.content.decode()
    response = client.post(url, {"password": PASSWORD})
    assert response.status_code == 200  # the confirmation box is required
    person.user.refresh_from_db()
    assert person.user.is_active

    response = client.post(url, {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302
    assert response.url == reverse("privacy:account-deleted")
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("core:dashboard")).status_code == 302
    person.user.refresh_from_db()
    assert not person.user.is_active


@pytest.mark.django_db
def test_password_attempts_on_the_delete_page_are_limited(client):
    user = UserFactory()
    client.force_login(user)
    url = reverse("privacy:account-delete")
    statuses = [
        client.post(url, {"password": "wrong-password-1", "confirm": "on"}).status_code
        for _ in range(6)
    ]
    assert statuses == [200] * 5 + [429]


@pytest.mark.django_db
def test_the_last_admin_sees_why_on_the_page(client):
    admin = AdminFactory()
    client.force_login(admin)
    response = client.post(
        reverse("privacy:account-delete"), {"password": PASSWORD, "confirm": "on"}
    )
    assert response.status_code == 200
    assert "You are the only programme admin" in response.content.decode()


@pytest.mark.django_db
def test_an_application_of_someone_else_is_untouched(person):
    other = make_application()
    services.account_erase(user=person.user, password=PASSWORD)
    other.refresh_from_db()
    assert other.job_title == "Head of digital"


@pytest.mark.django_db
def test_a_sponsor_can_go_and_their_organisations_nominations_stay_without_them():
    sponsor = SponsorFactory()
    nomination = make_nomination(sponsor=sponsor, email="colleague@example.org")
    services.account_erase(user=sponsor, password=PASSWORD)
    sponsor.refresh_from_db()
    assert sponsor.organisation is None
    assert sponsor.role == User.Role.PARTICIPANT
    nomination.refresh_from_db()
    assert nomination.nominee_email == "colleague@example.org"
    assert nomination.organisation is not None
