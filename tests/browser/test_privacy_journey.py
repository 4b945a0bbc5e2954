"""A participant downloads their data, then deletes their account."""

import io
import json
import re
import zipfile

from playwright.sync_api import expect

from certificates.models import Certificate

from .conftest import assert_accessible, sign_in


def test_a_participant_downloads_their_data_then_deletes_their_account(demo_data, page):
    certificate = Certificate.objects.get(
        enrolment__user__email="participant@example.org", status=Certificate.Status.ISSUED
    )
    sign_in(page, "participant@example.org")
    page.goto("/accounts/profile/")
    page.get_by_role("link", name="Download your data").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Download your data")
    assert_accessible(page)

    page.get_by_role("button", name="Prepare a copy of my data").click()
    expect(page.get_by_text("We are preparing your data.")).to_be_visible()
    # The task runs inline in tests; the page lists the copy once it is ready.
    page.reload()
    link = page.get_by_role("link", name=re.compile(r"Download the ZIP \(until "))
    expect(link).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        link.click()
    archive = zipfile.ZipFile(io.BytesIO(open(download.value.path(), "rb").read()))  # noqa: SIM115
    assert json.loads(archive.read("accounts-user.json"))[0]["email"] == "participant@example.org"
    assert any(name.endswith(".pdf") for name in archive.namelist())

    page.goto("/accounts/profile/")
    page.get_by_role("link", name="Delete your account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete your account")
    assert_accessible(page)
    page.get_by_label("Your password").fill("not-my-password")
    page.get_by_label("I understand that my account and my data will be deleted").check()
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_text("The password is not right.")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Your password").fill("academy-demo")
    page.get_by_label("I understand that my account and my data will be deleted").check()
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account has been deleted")
    assert_accessible(page)

    # Signed out; the certificate still verifies, without the name.
    page.goto(certificate.get_verification_url())
    expect(page.get_by_role("heading", level=1)).to_have_text("This certificate is valid")
    expect(page.get_by_text("Not held: the holder deleted their account.")).to_be_visible()
    expect(page.get_by_text("Sam Taylor")).to_have_count(0)
    assert_accessible(page)
    page.goto("/accounts/profile/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
