"""Each role's main pages, in English and Welsh: axe-core and the HTML checker, reflow
at 320 CSS px, text at 200 %, and screenshots for review (test-artifacts/screenshots/).

The journeys that change things (applying, nominating, reviewing, scheduling, the
register, certificates) are in the other files; these walk the pages each role uses
most, on the demo data, and finish with the one change each role makes most often.
"""

import re

from django.utils import timezone
from playwright.sync_api import expect

from certificates.models import Certificate

from .conftest import assert_accessible, assert_reflows, sign_in, wait_for_htmx


def check(page, name: str):
    assert_accessible(page)
    assert_reflows(page, name)


def main_nav(page, name: str):
    page.get_by_role("navigation", name="Main").get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_a_visitor_browses_verifies_a_certificate_and_reads_the_accessibility_statement(
    page, demo_data
):
    year = timezone.localdate().year + 1
    page.goto("/")
    check(page, "visitor-home")
    page.get_by_role("link", name="Leadership Academy", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Leadership Academy")).to_be_visible()
    check(page, "visitor-programme")
    page.get_by_role("link", name=f"Leadership Academy {year}: Spring cohort").first.click()
    check(page, "visitor-cohort")
    page.get_by_role("link", name="Recommend someone").click()
    check(page, "visitor-recommend")

    page.get_by_role("contentinfo").get_by_role("link", name="Verify a certificate").click()
    check(page, "visitor-verify")
    certificate = Certificate.objects.filter(revoked_at__isnull=True).first()
    page.get_by_label("Verification code").fill(certificate.code.lower())
    page.get_by_role("button", name="Check the certificate").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("This certificate is valid")
    check(page, "visitor-verified")

    page.get_by_role("contentinfo").get_by_role("link", name="Accessibility statement").click()
    check(page, "accessibility-statement")
    page.get_by_role("banner").get_by_role("link", name="Sign in").click()
    check(page, "sign-in")
    page.get_by_role("main").get_by_role("link", name="Create an account").click()
    check(page, "sign-up")


def test_a_participant_follows_the_course_checks_the_schedule_and_gets_the_certificate(
    page, demo_data
):
    sign_in(page, "participant@example.org")
    check(page, "participant-dashboard")

    main_nav(page, "Your courses")
    check(page, "participant-courses")
    page.get_by_role("link", name=re.compile(r"Leadership Academy \d+: Autumn cohort")).click()
    check(page, "participant-course")
    module = page.get_by_role("region", name="Making the case for digital investment")
    module.get_by_role("link", name="A business case people actually read").click()
    expect(
        page.get_by_role("heading", level=1, name="A business case people actually read")
    ).to_be_visible()
    check(page, "participant-material")
    page.get_by_role("button", name="Mark as done").click()
    wait_for_htmx(page)
    expect(page.get_by_role("status")).to_contain_text("marked as done")
    expect(page.get_by_role("button", name="Mark as not done")).to_be_focused()

    main_nav(page, "My schedule")
    check(page, "participant-schedule")
    upcoming = page.get_by_role("region", name="Upcoming sessions")
    upcoming.get_by_role("link", name="Budgets and business cases", exact=True).click()
    check(page, "participant-session")

    main_nav(page, "Dashboard")
    with page.expect_download() as download:
        page.get_by_role(
            "link", name="Download your certificate for Leadership Academy (PDF)"
        ).click()
    assert download.value.suggested_filename.startswith("certificate-")
    page.get_by_role("link", name="Its public verification page").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("This certificate is valid")
    check(page, "participant-verification")

    main_nav(page, "Your account")
    check(page, "participant-account")


def test_a_sponsor_follows_their_people_and_nominates_one(page, demo_data):
    year = timezone.localdate().year + 1
    sign_in(page, "sponsor@example.org")
    check(page, "sponsor-dashboard")
    main_nav(page, "Your organisation")
    check(page, "sponsor-applications")
    page.get_by_role("main").get_by_role(
        "link", name="Nominate someone or see your nominations"
    ).click()
    check(page, "sponsor-nominations")
    page.get_by_role("link", name=f"Nominate for Leadership Academy {year}: Spring cohort").click()
    check(page, "sponsor-nominate")
    page.get_by_label("Their full name").fill("Tomos Pugh")
    page.get_by_label("Their work email").fill("tomos.pugh@example.org")
    page.get_by_label("Why are you nominating them?").fill("Tomos runs our contact centre.")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_role("row").filter(has_text="Tomos Pugh")).to_contain_text("Invitation sent")
    main_nav(page, "Dashboard")
    page.get_by_role("link", name="Certificates held by people from Afonwen County Council").click()
    check(page, "sponsor-certificates")


def test_a_facilitator_reviews_runs_sessions_and_issues_and_revokes_a_certificate(page, demo_data):
    year = timezone.localdate().year
    running = f"Leadership Academy {year}: Autumn cohort"
    sign_in(page, "facilitator@example.org")
    check(page, "facilitator-dashboard")
    page.get_by_role("link", name=f"to decide for Leadership Academy {year + 1}: Spring").click()
    check(page, "facilitator-applications")
    page.get_by_role("link", name="Daniel Hughes").click()
    check(page, "facilitator-application")

    main_nav(page, "Dashboard")
    page.get_by_role("region", name="Cohorts you facilitate").get_by_role(
        "link", name=running, exact=True
    ).click()
    check(page, "facilitator-cohort-home")
    main_nav(page, "My schedule")
    page.get_by_role("link", name=running).first.click()
    expect(page.get_by_role("heading", level=1, name="Timetable")).to_be_visible()
    check(page, "facilitator-timetable")
    page.get_by_role("link", name="register for Welcome and programme launch").click()
    expect(page.get_by_role("heading", level=1, name="Register")).to_be_visible()
    check(page, "facilitator-register")
    page.go_back()
    page.get_by_role("link", name="Schedule a session").click()
    check(page, "facilitator-schedule-session")

    main_nav(page, "Certificates")
    check(page, "facilitator-certificates")
    page.get_by_role("link", name=f"Leadership Academy {year - 1}: Spring cohort").click()
    page.get_by_role("button", name="Issue certificate for Daniel Hughes").click()
    expect(page.get_by_role("status")).to_contain_text("Daniel Hughes")
    check(page, "facilitator-cohort-certificates")
    page.get_by_role("link", name="Details of the certificate of Daniel Hughes").click()
    check(page, "facilitator-certificate")
    page.get_by_role("link", name="Revoke this certificate").click()
    check(page, "facilitator-revoke")
    page.get_by_label("Reason").select_option(label="Issued in error")
    page.get_by_label("Explanation for the record").fill("Completed the wrong cohort")
    page.get_by_role("button", name="Revoke the certificate").click()
    expect(page.get_by_text("The certificate is revoked")).to_be_visible()
    check(page, "facilitator-revoked")
