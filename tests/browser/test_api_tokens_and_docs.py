"""A person makes an API token in their account, uses it, revokes it; the API docs render."""

import re

from playwright.sync_api import expect

from tests.factories.accounts import PASSWORD, UserFactory

from .conftest import assert_accessible, sign_in


def test_a_person_makes_uses_and_revokes_a_token(page):
    UserFactory(email="gwen@example.org", full_name="Gwen Thomas")
    sign_in(page, "gwen@example.org", PASSWORD)
    page.goto("/accounts/profile/")
    page.get_by_role("link", name="API tokens").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("API tokens")
    assert_accessible(page)

    page.get_by_label("Token name").fill("HR system")
    page.get_by_role("button", name="Make token").click()
    expect(page.get_by_role("heading", name="Your new token “HR system”")).to_be_visible()
    token = page.locator("code.secret").inner_text()
    assert re.fullmatch(r"academy_[0-9a-f]{12}_[\w-]+", token)
    assert_accessible(page)

    api = page.context.request
    headers = {"Authorization": f"Bearer {token}"}
    assert api.get("/api/v1/progress/", headers=headers).status == 200
    page.goto("/accounts/api-tokens/")
    expect(page.locator("code.secret")).to_have_count(0)
    row = page.get_by_role("row", name=re.compile("HR system"))
    expect(row).not_to_contain_text("Never")

    page.on("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Revoke the token HR system").click()
    expect(page.get_by_text("is revoked and no longer works")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("HR system"))).to_contain_text("Revoked on")
    assert api.get("/api/v1/progress/", headers=headers).status == 401
    assert token not in page.content()


def test_the_api_docs_render_from_local_files_under_the_sites_csp(page):
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto("/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Academy portal API")
    expect(page.get_by_text("/api/v1/certificates/", exact=True).first).to_be_visible()
    assert page.last_document.headers["content-security-policy"].startswith("default-src 'self'")
    host = page.url.split("/api/")[0]
    assert all(url.startswith((host, "data:")) for url in requests), requests
