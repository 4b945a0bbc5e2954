"""Who may download, issue, revoke and reinstate: the forbidden paths answer 404."""

import pytest
from django.urls import reverse

from certificates import permissions, services
from certificates.models import Certificate
from tests.factories.accounts import (
    AdminFactory,
    FacilitatorFactory,
    OrganisationFactory,
    SponsorFactory,
    UserFactory,
)
from tests.factories.certificates import (
    FAKE_PDF,
    CompletedEnrolmentFactory,
    IssuedCertificateFactory,
)
from tests.factories.cohorts import CohortFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """A certificate of someone at Afonwen, facilitated by one person, and outsiders."""
    afonwen = OrganisationFactory(name="Afonwen County Council")
    cohort = CohortFactory(capacity=10)
    facilitator = FacilitatorFactory()
    cohort.facilitators.add(facilitator)
    holder = UserFactory(organisation=afonwen, full_name="Ceri Williams")
    certificate = IssuedCertificateFactory(
        enrolment=CompletedEnrolmentFactory(cohort=cohort, user=holder)
    )
    return {
        "certificate": certificate,
        "cohort": cohort,
        "holder": holder,
        "facilitator": facilitator,
        "admin": AdminFactory(),
        "sponsor": SponsorFactory(organisation=afonwen),
        "other_sponsor": SponsorFactory(),
        "other_facilitator": FacilitatorFactory(),
        "other_participant": UserFactory(organisation=afonwen),
    }


DOWNLOAD = {
    "holder": True,
    "sponsor": True,
    "facilitator": True,
    "admin": True,
    "other_sponsor": False,
    "other_facilitator": False,
    "other_participant": False,
}


@pytest.mark.parametrize(("who", "allowed"), DOWNLOAD.items())
def test_the_pdf_downloads_only_for_those_allowed_as_an_attachment(client, world, who, allowed):
    certificate = world["certificate"]
    client.force_login(world[who])
    response = client.get(
        reverse("certificates:certificate-download", kwargs={"pk": certificate.pk})
    )
    assert permissions.can_download_certificate(world[who], certificate) is allowed
    if not allowed:
        assert response.status_code == 404
        return
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="certificate-{certificate.display_code}.pdf"'
    )
    assert b"".join(response.streaming_content) == FAKE_PDF


def test_downloading_needs_signing_in(client, world):
    url = reverse("certificates:certificate-download", kwargs={"pk": world["certificate"].pk})
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_a_revoked_certificate_is_not_downloaded_even_by_its_holder(client, world):
    certificate = world["certificate"]
    services.certificate_revoke(
        certificate=certificate, actor=None, reason="misconduct", note="Plagiarism"
    )
    client.force_login(world["holder"])
    url = reverse("certificates:certificate-download", kwargs={"pk": certificate.pk})
    assert client.get(url).status_code == 404


MANAGE = {"facilitator": True, "admin": True, "other_facilitator": False, "holder": False,
          "sponsor": False}  # fmt: skip


@pytest.mark.parametrize(("who", "allowed"), MANAGE.items())
def test_only_the_cohorts_facilitators_and_admins_see_and_act_on_its_certificates(
    client, world, who, allowed
):
    certificate, cohort = world["certificate"], world["cohort"]
    client.force_login(world[who])
    expected = 200 if allowed else 404
    pages = [
        reverse("certificates:cohort-certificates", kwargs={"cohort_pk": cohort.pk}),
        reverse("certificates:certificate-detail", kwargs={"pk": certificate.pk}),
        reverse("certificates:certificate-revoke", kwargs={"pk": certificate.pk}),
    ]
    for url in pages:
        assert client.get(url).status_code == expected, url

    waiting = CompletedEnrolmentFactory(cohort=cohort)
    response = client.post(
        reverse("certificates:enrolment-issue", kwargs={"enrolment_pk": waiting.pk})
    )
    assert response.status_code == (302 if allowed else 404)
    assert Certificate.objects.filter(enrolment=waiting).exists() is allowed

    response = client.post(
        reverse("certificates:certificate-revoke", kwargs={"pk": certificate.pk}),
        {"reason": "misconduct", "note": "Plagiarism"},
    )
    assert response.status_code == (302 if allowed else 404)
    certificate.refresh_from_db()
    assert (certificate.status == Certificate.Status.REVOKED) is allowed


def test_a_facilitator_cannot_start_a_run_for_another_cohort(client, world):
    CompletedEnrolmentFactory(cohort=world["cohort"])
    client.force_login(world["other_facilitator"])
    url = reverse("certificates:batch-create", kwargs={"cohort_pk": world["cohort"].pk})
    assert client.post(url).status_code == 404
    assert not world["cohort"].certificate_batches.exists()


def test_only_an_admin_reinstates(client, world):
    certificate = world["certificate"]
    services.certificate_revoke(certificate=certificate, actor=None, reason="other", note="Check")
    url = reverse("certificates:certificate-reinstate", kwargs={"pk": certificate.pk})
    client.force_login(world["facilitator"])
    assert client.get(url).status_code == 404
    assert client.post(url, {"note": "Fine"}).status_code == 404
    client.force_login(world["admin"])
    response = client.post(url, {"note": "Complaint unfounded"})
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.ISSUED


def test_the_certificates_pages_are_not_for_participants_or_sponsors(client, world):
    client.force_login(world["holder"])
    assert client.get(reverse("certificates:cohort-list")).status_code == 404
    assert client.get(reverse("certificates:organisation-list")).status_code == 404
    client.force_login(world["sponsor"])
    assert client.get(reverse("certificates:cohort-list")).status_code == 404


def test_a_sponsor_sees_the_certificates_of_their_own_organisation_only(client, world):
    IssuedCertificateFactory(enrolment__user__full_name="Someone Elsewhere")
    client.force_login(world["sponsor"])
    html = client.get(reverse("certificates:organisation-list")).content.decode()
    assert world["certificate"].holder_name in html
    assert "Someone Elsewhere" not in html
    client.force_login(world["other_sponsor"])
    html = client.get(reverse("certificates:organisation-list")).content.decode()
    assert world["certificate"].holder_name not in html
    assert "Nobody from your organisation holds a certificate yet" in html
