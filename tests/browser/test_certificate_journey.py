"""Certificates end to end: the real task worker makes the PDF; a browser uses it."""

import time

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from academy.models import CompletionRule, Material, Module
from cohorts.models import Enrolment
from tests.factories.academy import ProgrammeFactory
from tests.factories.accounts import PASSWORD, FacilitatorFactory, UserFactory
from tests.factories.cohorts import EnrolmentFactory
from tests.factories.scheduling import RunningCohortFactory
from tests.scanning import qr_codes_in_pdf

from .conftest import assert_accessible, sign_in


@pytest.fixture
def shared_media(monkeypatch, settings, tmp_path):
    """The worker (started after this) and the live server keep PDFs in one folder."""
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    settings.MEDIA_ROOT = tmp_path / "data" / "media"


@pytest.fixture
def cohort():
    """A cohort under way whose course is one required reading (and no sessions)."""
    programme = ProgrammeFactory(name="Leadership Academy", certificate_design="leadership-academy")
    CompletionRule.objects.create(
        programme=programme, requires_materials=True, minimum_attendance_percent=80
    )
    module = Module.objects.create(
        programme=programme, title="Leading change", position=1, is_published=True
    )
    Material.objects.create(
        module=module, kind="page", title="The last reading", body="Read this.", position=1,
        is_required=True, estimated_minutes=20,
    )  # fmt: skip
    cohort = RunningCohortFactory(
        programme=programme, title="Leadership Academy: Spring", capacity=10
    )
    facilitator = FacilitatorFactory(email="priya@example.org", full_name="Priya Shah")
    cohort.facilitators.add(facilitator)
    return cohort


def wait_for_link(page, name, timeout=30):
    """Reload the page until the link appears (the worker is making the certificate)."""
    deadline = time.monotonic() + timeout
    link = page.get_by_role("link", name=name)
    while not link.count():
        assert time.monotonic() < deadline, f"No link {name!r} after {timeout} seconds"
        time.sleep(0.5)
        page.reload()
    return link


def test_a_participant_completes_downloads_the_certificate_and_its_qr_code_verifies_it(
    shared_media, cohort, task_worker, page, live_server, tmp_path
):
    participant = UserFactory(email="ceri@example.org", full_name="Ceri Williams")
    EnrolmentFactory(cohort=cohort, user=participant)

    # Marking the course's last required reading done completes the place.
    sign_in(page, "ceri@example.org", PASSWORD)
    page.get_by_role("link", name="The last reading").click()
    page.get_by_role("button", name="Mark as done: The last reading").click()
    expect(page.locator("#progress")).to_contain_text("You marked this done")
    page.goto("/dashboard/")
    expect(page.get_by_text("Completed", exact=True).first).to_be_visible()
    started = time.monotonic()
    link = wait_for_link(page, "Download your certificate for Leadership Academy (PDF)")
    assert time.monotonic() - started < 30
    assert_accessible(page)
    with page.expect_download() as download:
        link.click()
    pdf_path = tmp_path / download.value.suggested_filename
    download.value.save_as(pdf_path)
    assert pdf_path.read_bytes().startswith(b"%PDF")
    assert pdf_path.name.startswith("certificate-")

    (url,) = qr_codes_in_pdf(pdf_path, tmp_path)
    assert url.startswith(f"{settings.SITE_URL}/verify/")
    page.goto(url.replace(settings.SITE_URL, live_server.url))
    expect(page.get_by_role("heading", level=1)).to_have_text("This certificate is valid")
    expect(page.get_by_text("Ceri Williams", exact=True)).to_be_visible()
    assert_accessible(page)
    task_worker.wait_for(
        lambda: "certificate-" in task_worker.sent_mail(), 30, "the e-mail with the PDF"
    )

    # The cohort's facilitator revokes it through the portal's pages.
    page.context.clear_cookies()
    sign_in(page, "priya@example.org", PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Certificates").click()
    page.get_by_role("link", name="Leadership Academy: Spring").click()
    assert_accessible(page)
    page.get_by_role("link", name="Details of the certificate of Ceri Williams").click()
    assert_accessible(page)
    page.get_by_role("link", name="Revoke this certificate").click()
    page.get_by_label("Reason").select_option(label="Issued in error")
    page.get_by_label("Explanation for the record").fill("Completed the wrong cohort")
    assert_accessible(page)
    page.get_by_role("button", name="Revoke the certificate").click()
    expect(page.get_by_text("The certificate is revoked")).to_be_visible()

    page.goto(url.replace(settings.SITE_URL, live_server.url))
    expect(page.get_by_role("heading", level=1)).to_have_text("This certificate has been revoked")
    expect(page.get_by_text("Issued in error")).to_be_visible()
    assert_accessible(page)


def test_a_facilitator_issues_to_the_whole_cohort_and_watches_the_progress(
    shared_media, cohort, task_worker, page, live_server
):
    for name in ("Owen Jones", "Mairi Campbell", "Lucy Chen"):
        enrolment = EnrolmentFactory(cohort=cohort, user=UserFactory(full_name=name))
        Enrolment.objects.filter(pk=enrolment.pk).update(
            status=Enrolment.Status.COMPLETED, completed_on=timezone.localdate()
        )
    sign_in(page, "priya@example.org", PASSWORD)
    page.goto(f"/cohorts/{cohort.pk}/certificates/")
    assert_accessible(page)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Issue certificates to everyone who has completed").click()
    expect(page.get_by_text("You can leave this page and come back")).to_be_visible()
    progress = page.get_by_role("status").filter(has_text="Run started")
    # htmx polls every two seconds while the worker makes the three certificates.
    expect(progress).to_contain_text("3 of 3 certificates made", timeout=60_000)
    expect(progress).to_contain_text("Finished.")
    assert_accessible(page)
    page.get_by_role("link", name="Show the updated list").click()
    expect(
        page.get_by_text("Everyone who has completed this cohort has a certificate")
    ).to_be_visible()
