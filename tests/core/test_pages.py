import pytest
from django.templatetags.static import static
from django.urls import reverse


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["core:accessibility", "core:privacy", "academy:home"])
def test_public_pages_have_one_h1_a_skip_link_and_footer_links(client, name):
    html = client.get(reverse(name)).content.decode()
    assert html.count("<h1") == 1
    assert 'href="#main"' in html
    assert reverse("core:accessibility") in html
    assert reverse("core:privacy") in html


@pytest.mark.django_db
def test_pages_carry_security_headers_and_no_inline_script(client):
    response = client.get(reverse("academy:home"))
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    html = response.content.decode()
    assert "<script>" not in html
    assert "style=" not in html


@pytest.mark.django_db
def test_missing_pages_get_the_portals_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.django_db
def test_api_clients_get_json_errors(client):
    response = client.get("/no-such-page/", HTTP_ACCEPT="application/json")
    assert response.status_code == 404
    assert response.json()["status"] == 404
    # Under /api/ the REST API answers in its own error shape (tests/api/test_errors.py).
    response = client.get("/api/nothing-here/")
    assert response.status_code == 404
    assert set(response.json()) == {"message", "errors"}


@pytest.mark.django_db
def test_dashboard_needs_sign_in(client):
    response = client.get(reverse("core:dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_the_icon_browsers_ask_for_on_their_own_is_found(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == static("favicon.svg")
