import re

from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from .conftest import assert_accessible


def test_visitor_sees_both_programmes_signs_up_confirms_and_signs_in(page, live_server):
    call_command("seed_demo", verbosity=0)

    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Leadership Academy", exact=True)).to_be_visible()
    expect(
        page.get_by_role("link", name="Empowering Women in a Digital World", exact=True)
    ).to_be_visible()
    expect(page.get_by_text("places left").first).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Create an account").first.click()
    expect(page.get_by_role("heading", name="Create an account")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Full name").fill("Ceri Williams")
    page.get_by_label("Email").fill("ceri@example.org")
    page.get_by_label("Password", exact=True).fill("river-lantern-mosaic-7")
    page.get_by_label("Password again").fill("river-lantern-mosaic-7")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()

    assert len(mail.outbox) == 1
    link = re.search(r"http://\S+", mail.outbox[0].body).group(0)
    page.goto(link.replace("http://127.0.0.1:8000", live_server.url))
    assert_accessible(page)
    page.get_by_role("button", name="Confirm my email address").click()
    expect(page.get_by_text("Your email address is confirmed")).to_be_visible()

    page.get_by_label("Email").fill("ceri@example.org")
    page.get_by_label("Password").fill("river-lantern-mosaic-7")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Hello, Ceri")).to_be_visible()
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard")
    ).to_have_attribute("aria-current", "page")
    assert_accessible(page)


def test_a_sign_in_error_is_announced_and_focused(page, live_server):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("nobody@example.org")
    page.get_by_label("Password").fill("wrong-password-here")
    page.get_by_role("button", name="Sign in").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("The email address or password is not right")
    expect(summary).to_be_focused()
    assert_accessible(page)
