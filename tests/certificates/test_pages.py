import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from certificates import services
from certificates.models import Certificate, CertificateBatch
from tests.factories.accounts import (
    AdminFactory,
    FacilitatorFactory,
    OrganisationFactory,
    SponsorFactory,
)
from tests.factories.certificates import CompletedEnrolmentFactory, IssuedCertificateFactory
from tests.factories.cohorts import CohortFactory

pytestmark = pytest.mark.django_db


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_the_cohort_list_takes_the_same_queries_for_one_cohort_or_many(
    client, django_assert_num_queries
):
    facilitator = FacilitatorFactory()
    client.force_login(facilitator)
    url = reverse("certificates:cohort-list")

    def add_cohort():
        cohort = CohortFactory(capacity=5)
        cohort.facilitators.add(facilitator)
        IssuedCertificateFactory(enrolment=CompletedEnrolmentFactory(cohort=cohort))

    add_cohort()
    expected = queries_for(client, url)
    for _ in range(4):
        add_cohort()
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.content.decode().count("<tr>") == 1 + 5


def test_an_admin_sees_every_cohort_and_a_facilitator_only_their_own(client):
    mine, _theirs = CohortFactory(title="Mine"), CohortFactory(title="Theirs")
    facilitator = FacilitatorFactory()
    mine.facilitators.add(facilitator)
    client.force_login(facilitator)
    html = client.get(reverse("certificates:cohort-list")).content.decode()
    assert "Mine" in html
    assert "Theirs" not in html
    client.force_login(AdminFactory())
    html = client.get(reverse("certificates:cohort-list")).content.decode()
    assert "Mine" in html
    assert "Theirs" in html


def test_the_cohort_page_takes_the_same_queries_for_one_person_or_many(
    client, django_assert_num_queries
):
    cohort = CohortFactory(capacity=20)
    admin = AdminFactory()
    client.force_login(admin)
    url = reverse("certificates:cohort-certificates", kwargs={"cohort_pk": cohort.pk})
    IssuedCertificateFactory(enrolment=CompletedEnrolmentFactory(cohort=cohort))
    CompletedEnrolmentFactory(cohort=cohort)
    expected = queries_for(client, url)
    for _ in range(4):
        IssuedCertificateFactory(enrolment=CompletedEnrolmentFactory(cohort=cohort))
        CompletedEnrolmentFactory(cohort=cohort)
    with django_assert_num_queries(expected):
        html = client.get(url).content.decode()
    assert html.count("Issue certificate<span") == 5
    assert html.count(">Issued</span>") == 5


def test_the_organisation_page_takes_the_same_queries_for_one_certificate_or_many(
    client, django_assert_num_queries
):
    organisation = OrganisationFactory()
    client.force_login(SponsorFactory(organisation=organisation))
    url = reverse("certificates:organisation-list")
    IssuedCertificateFactory(enrolment__user__organisation=organisation)
    expected = queries_for(client, url)
    for _ in range(4):
        IssuedCertificateFactory(enrolment__user__organisation=organisation)
    with django_assert_num_queries(expected):
        html = client.get(url).content.decode()
    assert html.count("Download the certificate of") == 5


def test_the_dashboard_lists_the_holders_certificates_in_the_same_queries(
    client, django_assert_num_queries
):
    first = IssuedCertificateFactory()
    holder = first.enrolment.user
    client.force_login(holder)
    url = reverse("core:dashboard")
    expected = queries_for(client, url)
    for _ in range(3):
        IssuedCertificateFactory(enrolment__user=holder)
    with django_assert_num_queries(expected):
        html = client.get(url).content.decode()
    assert html.count("Download your certificate for") == 4
    assert first.display_code in html


def test_a_facilitator_issues_one_certificate_from_the_cohort_page(
    client, django_capture_on_commit_callbacks
):
    cohort = CohortFactory(capacity=5)
    facilitator = FacilitatorFactory()
    cohort.facilitators.add(facilitator)
    enrolment = CompletedEnrolmentFactory(cohort=cohort, user__full_name="Owen Jones")
    client.force_login(facilitator)
    url = reverse("certificates:enrolment-issue", kwargs={"enrolment_pk": enrolment.pk})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, follow=True)
        client.post(url)  # a second click
    assert "The certificate of Owen Jones is being made" in response.content.decode()
    certificate = Certificate.objects.get(enrolment=enrolment)
    assert certificate.status == Certificate.Status.ISSUED  # tasks ran inline
    assert len(mail.outbox) == 1


def test_a_whole_cohort_run_from_the_page_and_its_progress_fragment(
    client, django_capture_on_commit_callbacks
):
    cohort = CohortFactory(capacity=5)
    facilitator = FacilitatorFactory()
    cohort.facilitators.add(facilitator)
    for _ in range(2):
        CompletedEnrolmentFactory(cohort=cohort)
    client.force_login(facilitator)
    page_url = reverse("certificates:cohort-certificates", kwargs={"cohort_pk": cohort.pk})
    assert (
        "Issue certificates to everyone who has completed" in client.get(page_url).content.decode()
    )

    # Started, but not yet prepared by the worker: the page polls every 2 seconds.
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            reverse("certificates:batch-create", kwargs={"cohort_pk": cohort.pk}), follow=True
        )
    html = response.content.decode()
    assert "You can leave this page" in html
    assert 'data-hx-trigger="every 2s"' in html
    assert "Refresh the progress" in html  # without JavaScript
    batch = CertificateBatch.objects.get()

    services.certificate_batch_prepare(batch_id=batch.pk)
    poll = client.get(page_url, HTTP_HX_REQUEST="true")
    assert poll.status_code == 200
    assert "0 of 2 certificates made" in poll.content.decode()
    assert "<h1>" not in poll.content.decode()  # only the fragment

    for certificate in Certificate.objects.filter(batch=batch):
        services.certificate_render(
            certificate_id=certificate.pk,
            renderer=lambda html, design: b"%PDF",
            notify_holder=False,
        )
    poll = client.get(page_url, HTTP_HX_REQUEST="true")
    assert poll.status_code == 286  # htmx stops polling
    assert "2 of 2 certificates made" in poll.content.decode()
    assert "Finished." in poll.content.decode()
    html = client.get(page_url).content.decode()
    assert 'data-hx-trigger="every 2s"' not in html
    assert "Everyone who has completed this cohort has a certificate" in html


def test_revoking_from_the_page_needs_a_reason_and_an_explanation(client):
    certificate = IssuedCertificateFactory()
    admin = AdminFactory()
    client.force_login(admin)
    url = reverse("certificates:certificate-revoke", kwargs={"pk": certificate.pk})
    response = client.post(url, {"reason": "", "note": ""})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    response = client.post(url, {"reason": "issued-in-error", "note": "Wrong person"}, follow=True)
    html = response.content.decode()
    assert "The certificate is revoked" in html
    assert "Wrong person" in html  # in the history


def test_the_detail_page_offers_a_reissue_when_the_name_changed(
    client, django_capture_on_commit_callbacks
):
    certificate = IssuedCertificateFactory(enrolment__user__full_name="Sian Jonse")
    holder = certificate.enrolment.user
    holder.full_name = "Siân Jones"
    holder.save(update_fields=["full_name"])
    client.force_login(AdminFactory())
    url = reverse("certificates:certificate-detail", kwargs={"pk": certificate.pk})
    html = client.get(url).content.decode()
    assert "Their account now says Siân Jones" in html
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            reverse("certificates:certificate-reissue", kwargs={"pk": certificate.pk}),
            {"note": "Name corrected"},
            follow=True,
        )
    html = response.content.decode()
    assert "The code stays the same" in html
    assert "holder_name: Sian Jonse → Siân Jones" in html


def test_the_back_office_shows_certificates_with_their_history(client):
    certificate = IssuedCertificateFactory()
    client.force_login(AdminFactory())
    changelist = client.get(reverse("admin:certificates_certificate_changelist"))
    assert certificate.display_code in changelist.content.decode()
    change = client.get(
        reverse("admin:certificates_certificate_change", args=[certificate.pk])
    ).content.decode()
    assert "Requested" in change
    assert "Issued" in change
    batches = client.get(reverse("admin:certificates_certificatebatch_changelist"))
    assert batches.status_code == 200
