"""API tokens: made, shown once, stored hashed, used, revoked, audited; wrong ones counted."""

import datetime as dt
import re

import pytest
from axes.models import AccessAttempt
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from api.models import ApiToken
from api.services import MAX_ACTIVE_TOKENS
from api.tokens import token_hash
from audit.models import AuditEntry
from core.errors import ApplicationError
from tests.factories.accounts import UserFactory
from tests.factories.api import make_token

URL = "/api/v1/progress/"


def bearer(raw):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


@pytest.fixture
def person(db):
    return UserFactory()


def test_the_page_makes_a_token_and_shows_it_once(client, person):
    client.force_login(person)
    response = client.post(reverse("api:token-list"), {"name": "HR system"}, follow=True)
    assert response.redirect_chain == [(reverse("api:token-list"), 302)]
    raw = re.search(r"academy_[0-9a-f]{12}_[\w-]+", response.content.decode()).group(0)
    token = ApiToken.objects.get(user=person)
    assert token.name == "HR system"
    assert token.token_hash == token_hash(raw)
    assert raw not in {token.prefix, token.token_hash, token.name}
    page = client.get(reverse("api:token-list")).content.decode()
    assert "HR system" in page
    assert raw not in page
    assert "Never" in page
    entry = AuditEntry.objects.get(action="api_token.created")
    assert (entry.actor, entry.target_id) == (person, str(token.pk))


def test_a_token_needs_a_name(client, person):
    client.force_login(person)
    response = client.post(reverse("api:token-list"), {"name": "  "})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_the_pages_are_for_signed_in_people(client, db):
    response = client.get(reverse("api:token-list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_a_token_works_and_records_its_last_use(person):
    raw, token = make_token(person)
    assert bearer(raw).get(URL).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    first = token.last_used_at
    bearer(raw).get(URL)
    token.refresh_from_db()
    assert token.last_used_at == first  # written at most once a minute
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - dt.timedelta(minutes=5))
    bearer(raw).get(URL)
    token.refresh_from_db()
    assert token.last_used_at > first - dt.timedelta(minutes=5)


def test_revoking_stops_the_token_at_once(client, person):
    raw, token = make_token(person)
    client.force_login(person)
    response = client.post(reverse("api:token-revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert bearer(raw).get(URL).status_code == 401
    assert AuditEntry.objects.filter(action="api_token.revoked", target_id=str(token.pk)).exists()
    again = client.post(reverse("api:token-revoke", args=[token.pk]), follow=True)
    assert "already revoked" in again.content.decode()
    assert AuditEntry.objects.filter(action="api_token.revoked").count() == 1


def test_nobody_revokes_someone_elses_token(client, person):
    raw, token = make_token(person)
    client.force_login(UserFactory())
    assert client.post(reverse("api:token-revoke", args=[token.pk])).status_code == 404
    assert client.get(reverse("api:token-list")).content.decode().count(token.name) == 0
    assert bearer(raw).get(URL).status_code == 200


def test_a_deactivated_persons_token_stops_working(person):
    raw, _ = make_token(person)
    person.is_active = False
    person.save(update_fields=["is_active"])
    assert bearer(raw).get(URL).status_code == 401


@pytest.mark.parametrize(
    "header",
    [
        "Bearer academy_000000000000_wrong",
        "Bearer not-a-token",
        "Bearer",
        "Bearer two words",
        "Bearer academy_",
    ],
)
def test_wrong_tokens_are_refused_in_the_error_shape(db, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get(URL)
    assert response.status_code == 401
    assert response.json()["errors"] == {}
    assert response.json()["message"]


def test_a_tokens_secret_must_match_not_only_its_prefix(person):
    raw, _ = make_token(person)
    assert bearer(raw[:-2] + "xx").get(URL).status_code == 401


@override_settings(AXES_FAILURE_LIMIT=3)
def test_guessing_tokens_locks_the_client_out_like_guessing_passwords(person):
    raw, _ = make_token(person)
    guesses = [bearer(f"academy_{n:012d}_guess").get(URL).status_code for n in range(3)]
    assert guesses == [401, 401, 429]
    assert AccessAttempt.objects.filter(username="api-token").exists()
    # Even the right token waits for the cool-off, from that address.
    response = bearer(raw).get(URL)
    assert response.status_code == 429
    assert response.json()["errors"] == {}


def test_a_person_has_a_limited_number_of_active_tokens(person):
    for n in range(MAX_ACTIVE_TOKENS):
        make_token(person, name=f"t{n}")
    with pytest.raises(ApplicationError):
        make_token(person, name="one too many")
