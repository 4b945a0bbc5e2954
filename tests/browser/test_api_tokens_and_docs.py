"""A person makes an API token in their account, uses it, revokes it; the API docs page."""

import re

from playwright.sync_api import expect

from tests.factories.accounts import PASSWORD, UserFactory

from .conftest import assert_accessible, assert_reflows, sign_in


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


def test_the_api_docs_are_an_accessible_portal_page_under_the_sites_csp(page):
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    response = page.goto("/api/docs/")
    assert response.headers["content-security-policy"].startswith("default-src 'self'")
    expect(page.get_by_role("heading", level=1)).to_have_text("API documentation")
    expect(page.get_by_text("Academy portal API")).to_be_visible()

    # The contents lead to each operation's own heading, with its parameters in a table.
    contents = page.get_by_role("navigation", name="Contents")
    contents.get_by_role("link", name="GET /api/v1/sessions/", exact=True).click()
    operation = page.get_by_role("region", name="GET /api/v1/sessions/", exact=True)
    expect(operation.get_by_role("heading", level=3)).to_be_in_viewport()
    parameters = operation.get_by_role("table").first
    expect(parameters.get_by_role("rowheader", name="starts_after")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Sessions")).to_be_visible()
    # Each item's fields are folded away until asked for.
    expect(operation.get_by_role("rowheader", name="cohort_title")).to_be_hidden()
    operation.get_by_text("Fields of each item in the list").click()
    expect(operation.get_by_role("rowheader", name="cohort_title")).to_be_visible()
    expect(page.get_by_role("link", name="Your account → API tokens")).to_have_attribute(
        "href", "/accounts/api-tokens/"
    )

    assert_accessible(page)
    # Long paths break after a slash at 320 px; wide tables scroll in their own region.
    assert_reflows(page, "api-docs")
    host = page.url.split("/api/")[0]
    assert all(url.startswith((host, "data:")) for url in requests), requests
    assert not [url for url in requests if "swagger" in url or "sidecar" in url], requests
