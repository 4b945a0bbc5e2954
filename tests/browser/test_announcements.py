"""A facilitator writes to the participants at risk; one of them reads it on the
dashboard and puts it away."""

from django.utils import timezone
from playwright.sync_api import expect

from academy.risk import enrolments_at_risk
from announcements.models import Announcement
from cohorts.models import Cohort

from .conftest import assert_accessible, sign_in


def test_facilitator_writes_to_those_at_risk_who_read_it_on_their_dashboard(
    page, new_page, demo_data
):
    cohort = Cohort.objects.get(
        title=f"Leadership Academy {timezone.localdate().year}: Autumn cohort"
    )
    at_risk = [enrolment.user for enrolment in enrolments_at_risk(cohort)]
    assert at_risk, "the demo cohort has participants at risk"

    sign_in(page, "facilitator@example.org")
    page.get_by_role("region", name="Cohorts you facilitate").get_by_role(
        "link", name=cohort.title, exact=True
    ).click()
    page.get_by_role("link", name=f"{len(at_risk)} at risk").click()
    expect(page.get_by_role("heading", level=1, name="Participants at risk")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Send an announcement to those at risk").click()
    expect(page.get_by_role("heading", level=1, name="Send an announcement")).to_be_visible()
    expect(page.get_by_role("radio", name="Participants at risk")).to_be_checked()
    assert_accessible(page)
    page.get_by_label("Subject").fill("Catch-up session on Friday")
    page.get_by_label("Message").fill("Join us on Friday at 12:30 to catch up on what you missed.")
    page.get_by_role("button", name="Send the announcement").click()

    expect(page.get_by_role("heading", level=1, name="Catch-up session on Friday")).to_be_visible()
    expect(page.get_by_text(f"Your announcement is sent to {len(at_risk)}")).to_be_visible()
    recipients = page.get_by_role("region", name="Recipients")
    for person in at_risk:
        expect(recipients).to_contain_text(person.full_name)
    assert_accessible(page)
    announcement = Announcement.objects.get(subject="Catch-up session on Friday")
    assert {r.user for r in announcement.recipients.all()} == set(at_risk)

    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Cohorts").click()
    page.get_by_role("link", name="Announcements sent").click()
    expect(page.get_by_role("row").filter(has_text="Catch-up session on Friday")).to_contain_text(
        "Participants at risk"
    )
    assert_accessible(page)

    reader = new_page()
    sign_in(reader, at_risk[0].email)
    announcements = reader.get_by_role("region", name="Announcements")
    expect(announcements).to_contain_text("Join us on Friday at 12:30")
    assert_accessible(reader)
    announcements.get_by_role("button", name="Dismiss “Catch-up session on Friday”").click()
    expect(reader.get_by_role("status")).to_contain_text("is off your dashboard")
    expect(reader.get_by_role("heading", level=2, name="Announcements")).to_be_focused()
    expect(announcements).not_to_contain_text("Join us on Friday at 12:30")
    assert_accessible(reader)
    assert announcement.recipients.get(user=at_risk[0]).dismissed_at is not None
