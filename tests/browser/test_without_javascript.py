"""Every core form works with JavaScript turned off: htmx only enhances the pages."""

import datetime as dt
import re

from django.utils import timezone
from playwright.sync_api import expect

from academy.models import MaterialProgress
from certificates.models import Certificate
from cohorts.models import Application, Cohort, Nomination
from scheduling.models import Attendance, Session

from .conftest import sign_in


def no_script(new_page):
    page = new_page(java_script_enabled=False)
    page.goto("/")
    # Nothing of htmx or the portal's own script has run.
    assert page.evaluate("typeof window.htmx") == "undefined"
    return page


def main_nav(page, name: str):
    page.get_by_role("navigation", name="Main").get_by_role("link", name=name, exact=True).click()


def test_a_visitor_and_a_participant_without_javascript(new_page, demo_data):
    year = timezone.localdate().year
    page = no_script(new_page)

    # Switch language, as a visitor.
    page.get_by_role("button", name="Cymraeg").click()
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en-gb")

    # Verify a certificate.
    certificate = Certificate.objects.filter(revoked_at__isnull=True).first()
    page.get_by_role("contentinfo").get_by_role("link", name="Verify a certificate").click()
    page.get_by_label("Verification code").fill(certificate.code)
    page.get_by_role("button", name="Check the certificate").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("This certificate is valid")

    # Sign in, and a mistake is reported.
    sign_in(page, "participant@example.org", "not-the-password")
    expect(page.get_by_role("alert")).to_contain_text("The email address or password is not right")
    sign_in(page, "participant@example.org")
    expect(page.get_by_role("heading", level=1, name="Hello, Sam")).to_be_visible()

    # Mark a material as done: the form posts and the course page comes back.
    main_nav(page, "Your courses")
    page.get_by_role("link", name=f"Leadership Academy {year}: Autumn cohort").click()
    material = "A business case people actually read"
    page.get_by_role("button", name=f"Mark as done: {material}").click()
    expect(page.get_by_role("status")).to_contain_text(f"“{material}” marked as done")
    expect(page.get_by_role("button", name=f"Mark as not done: {material}")).to_be_visible()
    assert MaterialProgress.objects.filter(
        enrolment__user__email="participant@example.org", material__title=material
    ).exists()

    # Apply, through the form and the equality monitoring page.
    cohort = Cohort.objects.get(title__startswith="Empowering Women", status=Cohort.Status.OPEN)
    page.goto(cohort.get_absolute_url())
    page.get_by_role("link", name="Join the waitlist").click()
    page.get_by_label("Your role").fill("Service Designer")
    page.get_by_label("Why do you want to join this programme now?").fill("A new team.")
    page.get_by_label("What is a personal or professional goal you want to work towards?").fill(
        "To lead a service redesign."
    )
    page.get_by_role("radio", name="Online").check()
    page.get_by_role("button", name="Submit application").click()
    expect(page.get_by_role("heading", name="Equality monitoring (optional)")).to_be_visible()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", name="Your application")).to_be_visible()
    assert Application.objects.get(
        applicant__email="participant@example.org", cohort=cohort
    ).state == (Application.State.SUBMITTED)


def test_a_sponsor_and_a_facilitator_without_javascript(new_page, demo_data):
    year = timezone.localdate().year
    sponsor = no_script(new_page)
    sign_in(sponsor, "sponsor@example.org")
    main_nav(sponsor, "Nominations")
    sponsor.get_by_role("link", name=f"Nominate for Leadership Academy {year + 1}: Spring").click()
    sponsor.get_by_label("Their full name").fill("Tomos Pugh")
    sponsor.get_by_label("Their work email").fill("tomos.pugh@example.org")
    sponsor.get_by_label("Why are you nominating them?").fill("Tomos runs our contact centre.")
    sponsor.get_by_role("button", name="Send the invitation").click()
    expect(sponsor.get_by_text("We have sent Tomos Pugh an invitation to apply.")).to_be_visible()
    assert Nomination.objects.filter(nominee_email="tomos.pugh@example.org").exists()

    page = no_script(new_page)
    sign_in(page, "facilitator@example.org")
    running = Cohort.objects.get(title=f"Leadership Academy {year}: Autumn cohort")

    # Schedule a session, early on a day with nothing else.
    day = running.starts_on + dt.timedelta(days=1)
    while Session.objects.filter(starts_at__date=day).exists():
        day += dt.timedelta(days=1)
    page.goto(f"/cohorts/{running.pk}/sessions/")
    page.get_by_role("link", name="Schedule a session").click()
    page.get_by_label("Title").fill("Breakfast briefing")
    page.get_by_label("Type of session").select_option("coaching")
    page.get_by_label("Date").fill(day.isoformat())
    page.get_by_label("Start time").fill("07:30")
    page.get_by_label("End time").fill("08:15")
    page.get_by_label("Online joining link").fill("https://meet.example.org/breakfast")
    page.get_by_role("button", name="Schedule session").click()
    expect(page.get_by_role("heading", level=1, name="Breakfast briefing")).to_be_visible()
    assert Session.objects.filter(title="Breakfast briefing", cohort=running).exists()

    # Take attendance: change one mark and save the register.
    session = Session.objects.get(cohort=running, title="Welcome and programme launch")
    page.goto(f"/sessions/{session.pk}/register/")
    sam = page.get_by_role("group", name="Attendance of Sam Taylor")
    sam.get_by_role("radio", name="Apologies").check()
    page.get_by_role("button", name="Save register").click()
    expect(page.get_by_role("status")).to_contain_text(re.compile(r"saved", re.IGNORECASE))
    expect(
        page.get_by_role("group", name="Attendance of Sam Taylor").get_by_role(
            "radio", name="Apologies"
        )
    ).to_be_checked()
    assert (
        Attendance.objects.get(session=session, user__email="participant@example.org").status
        == "apologies"
    )

    # Issue a certificate.
    main_nav(page, "Certificates")
    page.get_by_role("link", name=f"Leadership Academy {year - 1}: Spring cohort").click()
    page.get_by_role("button", name="Issue certificate for Daniel Hughes").click()
    expect(page.get_by_role("status")).to_contain_text("Daniel Hughes")
    assert Certificate.objects.filter(enrolment__user__email="daniel.hughes@example.org").exists()
