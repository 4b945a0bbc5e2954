import pytest
from django.urls import reverse
from django.utils.html import escape
from django.utils.text import capfirst

from privacy import register
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def test_the_notice_is_made_from_the_register(client):
    html = client.get(reverse("core:privacy")).content.decode()
    for entry in register.personal_entries():
        assert escape(str(entry.purpose)) in html, entry.model
        assert escape(str(entry.retention)) in html, entry.model
        assert escape(capfirst(", ".join(entry.field_names()))) in html, entry.model


def test_the_notice_shows_the_configured_periods_and_contact(client, settings):
    settings.PRIVACY_CLOSED_APPLICATION_MONTHS = 18
    settings.PRIVACY_EXPORT_DAYS = 3
    settings.PRIVACY_CONTACT_EMAIL = "dpo@example.gov.uk"
    html = client.get(reverse("core:privacy")).content.decode()
    assert "after 18 months" in html
    assert "deleted 3 days after" in html
    assert "mailto:dpo@example.gov.uk" in html


def test_a_signed_in_person_is_shown_where_to_use_their_rights(client):
    anonymous = client.get(reverse("core:privacy")).content.decode()
    assert reverse("privacy:account-delete") not in anonymous
    client.force_login(UserFactory())
    html = client.get(reverse("core:privacy")).content.decode()
    assert reverse("privacy:data-export-list") in html
    assert reverse("privacy:account-delete") in html
