"""The issue's journeys: a visitor applies to Empowering Women in a Digital World; a
sponsor nominates a colleague who accepts the invitation and applies; a facilitator
accepts one applicant and waitlists another. Every page is checked with axe."""

import re

from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from cohorts.models import Application

from .conftest import assert_accessible, sign_in

PASSWORD = "river-lantern-mosaic-7"


def _link_to(email: str, live_server, pattern: str) -> str:
    message = [m for m in mail.outbox if m.to == [email]][-1]
    link = re.search(pattern, message.body).group(0)
    return link.replace("http://127.0.0.1:8000", live_server.url)


def _create_account(page, live_server, name: str, email: str):
    """From a sign-in page with a `next`: create the account, confirm it, sign in."""
    page.get_by_role("link", name="Create an account").last.click()
    expect(page.get_by_role("heading", name="Create an account", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    page.goto(_link_to(email, live_server, r"http://\S+/accounts/confirm/\S+"))
    page.get_by_role("button", name="Confirm my email address").click()
    expect(page.get_by_text("Your email address is confirmed")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_visitor_applies_to_empowering_women_and_sees_it_in_my_applications(
    page, live_server, demo_data
):
    year = timezone.localdate().year + 1
    page.goto("/")
    page.get_by_role("link", name="Empowering Women in a Digital World", exact=True).click()
    assert_accessible(page)
    page.get_by_role("link", name=f"Empowering Women in a Digital World {year}: Cohort 1").click()
    expect(page.get_by_text("Full — join the waitlist")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Join the waitlist").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert_accessible(page)

    _create_account(page, live_server, "Ceri Williams", "ceri.williams@example.org")

    # Straight back to the application form.
    expect(
        page.get_by_role("heading", name="Apply to Empowering Women in a Digital World")
    ).to_be_visible()
    expect(
        page.get_by_text("if your application is accepted, you join the waitlist")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Your role").fill("Service Designer")
    page.get_by_label("Why do you want to join this programme now?").fill(
        "I have just started leading a team."
    )
    page.get_by_role("button", name="Save as a draft").click()
    expect(page.get_by_text("Your draft is saved")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Submit application").click()
    # A required answer is missing: the error summary says so and has focus.
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("What is a personal or professional goal")
    assert_accessible(page)
    page.get_by_label("What is a personal or professional goal you want to work towards?").fill(
        "To lead a service redesign."
    )
    page.get_by_role("radio", name="Online").check()
    page.get_by_role("button", name="Submit application").click()

    expect(page.get_by_role("heading", name="Equality monitoring (optional)")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("radio", name="Woman").check()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", name="Your application")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="My applications").click()
    row = page.get_by_role("row").filter(has_text=f"Empowering Women in a Digital World {year}")
    expect(row).to_contain_text("Submitted")
    expect(row).to_contain_text("Waiting for a decision")
    assert_accessible(page)
    assert Application.objects.get(applicant__email="ceri.williams@example.org").state == (
        Application.State.SUBMITTED
    )


def test_a_sponsor_nominates_a_colleague_who_accepts_and_applies(page, live_server, demo_data):
    year = timezone.localdate().year + 1
    cohort_title = f"Leadership Academy {year}: Spring cohort"
    sign_in(page, "sponsor@example.org")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Nominations").click()
    expect(page.get_by_role("heading", name="Nominations", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=f"Nominate for {cohort_title}").click()
    assert_accessible(page)
    page.get_by_label("Their full name").fill("Alys Rees")
    page.get_by_label("Their work email").fill("alys.rees@example.org")
    page.get_by_label("Why are you nominating them?").fill("Alys leads our new data team.")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("We have sent Alys Rees an invitation to apply.")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="Alys Rees")).to_contain_text("Invitation sent")
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()

    page.goto(
        _link_to("alys.rees@example.org", live_server, r"http://\S+/cohorts/invitations/\S+/")
    )
    expect(
        page.get_by_text("Gareth Evans at Afonwen County Council has nominated you.")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Sign in").last.click()
    _create_account(page, live_server, "Alys Rees", "alys.rees@example.org")

    expect(
        page.get_by_role("heading", name="You are invited to apply to Leadership Academy")
    ).to_be_visible()
    page.get_by_role("button", name="Start my application").click()
    expect(page.get_by_text("Your application is started")).to_be_visible()
    expect(page.get_by_label("Your organisation")).to_be_disabled()
    expect(page.get_by_label("Your organisation")).to_have_value(
        str(Application.objects.get(applicant__email="alys.rees@example.org").organisation_id)
    )
    assert_accessible(page)
    page.get_by_label("Your role").fill("Head of Data")
    page.get_by_label("What does your team do, and how many people are in it?").fill("Data, 6.")
    page.get_by_label("Describe a change you led that did not go to plan").fill("A migration.")
    page.get_by_role("radio", name="Leading change").check()
    page.get_by_role("group", name="Has your line manager agreed").get_by_role(
        "radio", name="Yes"
    ).check()
    page.get_by_role("button", name="Submit application").click()
    expect(page.get_by_role("heading", name="Your application")).to_be_visible()
    expect(page.get_by_text("Nominated by their sponsor")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "sponsor@example.org")
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Your organisation"
    ).click()
    expect(page.get_by_role("row").filter(has_text="Alys Rees")).to_contain_text("Submitted")
    assert_accessible(page)


def test_a_facilitator_accepts_one_applicant_and_waitlists_another(page, live_server, demo_data):
    year = timezone.localdate().year + 1
    cohort_title = f"Leadership Academy {year}: Spring cohort"
    sign_in(page, "facilitator@example.org")
    page.get_by_role("link", name=re.compile(f"to decide for {cohort_title}")).click()
    expect(page.get_by_role("heading", name="Applications", level=1)).to_be_visible()
    assert_accessible(page)

    # Filtering with htmx keeps the page and announces the result.
    page.get_by_label("Status").select_option("to-decide")
    expect(page.locator("#queue-status")).to_contain_text("applications shown")
    expect(page).to_have_url(re.compile(r"status=to-decide"))

    page.get_by_role("link", name="Daniel Hughes").click()
    expect(page.get_by_role("heading", name="Daniel Hughes", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("radio", name="Offer a place (the waitlist if none is free)").check()
    page.get_by_label("Reason").fill("Clear plans for the team.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator("#decision")).to_contain_text(
        "Daniel Hughes’s application is now “Place offered”"
    )
    expect(page.get_by_role("heading", name="Status and decision")).to_be_focused()
    expect(page.locator("#decision-status")).to_contain_text("Place offered")
    assert_accessible(page)

    page.get_by_role("navigation", name="Breadcrumb").get_by_role(
        "link", name="Applications"
    ).click()
    page.get_by_role("link", name="Grace Adeyemi").click()
    page.get_by_role("radio", name="Put on the waitlist").check()
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator("#decision")).to_contain_text("“On the waitlist”")
    assert_accessible(page)

    states = dict(
        Application.objects.filter(cohort__title=cohort_title).values_list(
            "applicant__email", "state"
        )
    )
    assert states["daniel.hughes@example.org"] == Application.State.ACCEPTED
    assert states["grace.adeyemi@example.org"] == Application.State.WAITLISTED
    decided = [m.subject for m in mail.outbox if m.to == ["daniel.hughes@example.org"]]
    assert any("You are offered a place" in subject for subject in decided)
