"""The accessibility statement follows GOV.UK's model and tells the truth about the
portal as configured."""

import re

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse


def _headings(html: str) -> list[str]:
    return re.findall(r"<h[23]>(.*?)</h[23]>", html)


@pytest.mark.django_db
@override_settings(
    SITE_URL="https://academy.example.gov.uk",
    CERTIFICATE_ISSUER_NAME="Digital Leaders Network",
    ACCESSIBILITY_CONTACT_EMAIL="access@example.gov.uk",
    SESSION_COOKIE_AGE=45 * 60,
)
def test_the_statement_has_the_model_sections_and_this_portals_facts(client):
    response = client.get(reverse("core:accessibility"))
    assert response.status_code == 200
    html = response.content.decode()
    assert _headings(html) == [
        "How accessible this portal is",
        "Feedback and contact information",
        "Reporting accessibility problems with this portal",
        "Enforcement procedure",
        "Technical information about this portal’s accessibility",
        "Compliance status",
        "Non-accessible content",
        "Non-compliance with the accessibility regulations",
        "Disproportionate burden",
        "Content that’s not within the scope of the accessibility regulations",
        "What we’re doing to improve accessibility",
        "Preparation of this accessibility statement",
    ]
    assert "applies to the Academy portal at https://academy.example.gov.uk" in html
    assert "run by Digital Leaders Network" in html
    assert 'href="mailto:access@example.gov.uk"' in html
    assert "partially compliant" in html
    # The idle sign-out is the portal's own setting, and named as a failure of 2.2.1.
    assert "signed out after 45 minutes without activity" in html
    assert "2.2.1 (Timing Adjustable)" in html
    # Both enforcement bodies, for Great Britain and for Northern Ireland.
    assert "Equality and Human Rights Commission" in html
    assert "https://www.equalityadvisoryservice.com/" in html
    assert "Equality Commission for Northern Ireland" in html
    assert "This statement was prepared on 25 November 2026" in html
    assert "axe-core" in html
    assert "Nu Html Checker" in html


@pytest.mark.django_db
def test_the_statement_is_in_the_readers_language_with_dates_for_it(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    html = client.get(reverse("core:accessibility")).content.decode()
    assert '<html lang="cy">' in html
    assert "25 Tachwedd 2026" in html
