import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from accounts.models import Organisation, RoleInvitation
from audit.models import AuditEntry
from tests.factories.accounts import (
    AdminFactory,
    FacilitatorFactory,
    OrganisationFactory,
    SponsorFactory,
    UserFactory,
)

User = get_user_model()
ADMIN_PAGES = [
    ("people:organisation-list", {}),
    ("people:organisation-create", {}),
    ("people:person-list", {}),
    ("people:invitation-create", {}),
    ("audit:entry-list", {}),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "kwargs"), ADMIN_PAGES)
def test_management_pages_are_for_admins_only(client, name, kwargs):
    url = reverse(name, kwargs=kwargs)
    assert client.get(url).status_code == 302  # anonymous: sign in first
    for user in (UserFactory(), SponsorFactory(), FacilitatorFactory()):
        client.force_login(user)
        assert client.get(url).status_code == 403
    client.force_login(AdminFactory())
    assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_person_and_organisation_pages_refuse_non_admins(client):
    person = UserFactory()
    organisation = OrganisationFactory()
    client.force_login(FacilitatorFactory())
    assert client.get(reverse("people:person-detail", args=[person.pk])).status_code == 403
    assert (
        client.get(reverse("people:organisation-detail", args=[organisation.pk])).status_code == 403
    )
    response = client.post(
        reverse("people:person-detail", args=[person.pk]),
        {"role": "admin", "reason": "let me in"},
    )
    assert response.status_code == 403
    person.refresh_from_db()
    assert person.role == User.Role.PARTICIPANT


@pytest.mark.django_db
def test_an_admin_adds_and_renames_an_organisation_and_it_is_audited(client):
    admin = AdminFactory()
    client.force_login(admin)
    response = client.post(
        reverse("people:organisation-create"),
        {"name": "  Tref  Council ", "sector": "local", "nation": "wales"},
    )
    organisation = Organisation.objects.get(name="Tref Council")
    assert response.url == reverse("people:organisation-detail", args=[organisation.pk])
    client.post(
        reverse("people:organisation-update", args=[organisation.pk]),
        {"name": "Tref County Council", "sector": "local", "nation": "wales"},
    )
    organisation.refresh_from_db()
    assert organisation.name == "Tref County Council"
    actions = list(AuditEntry.objects.order_by("pk").values_list("action", "actor"))
    assert actions == [("organisation.created", admin.pk), ("organisation.changed", admin.pk)]


@pytest.mark.django_db
def test_organisation_names_are_unique_whatever_the_case(client):
    OrganisationFactory(name="Tref Council")
    client.force_login(AdminFactory())
    response = client.post(
        reverse("people:organisation-create"),
        {"name": "tref council", "sector": "local", "nation": "wales"},
    )
    assert response.status_code == 200
    assert "already an organisation" in response.content.decode()
    assert Organisation.objects.count() == 1


@pytest.mark.django_db
def test_changing_a_role_is_recorded_with_the_reason(client):
    admin = AdminFactory()
    person = UserFactory()
    organisation = OrganisationFactory()
    client.force_login(admin)
    response = client.post(
        reverse("people:person-detail", args=[person.pk]),
        {"role": "sponsor", "organisation": organisation.pk, "reason": "New sponsor contact"},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.role, person.organisation) == ("sponsor", organisation)
    entry = AuditEntry.objects.get(action="user.role_changed")
    assert entry.actor == admin
    assert entry.target_id == str(person.pk)
    assert entry.before == {"role": "participant", "organisation": None}
    assert entry.after == {"role": "sponsor", "organisation": organisation.pk}
    assert entry.reason == "New sponsor contact"


@pytest.mark.django_db
def test_a_sponsor_needs_an_organisation_and_an_admin_cannot_demote_themselves(client):
    admin = AdminFactory()
    person = UserFactory()
    client.force_login(admin)
    response = client.post(
        reverse("people:person-detail", args=[person.pk]), {"role": "sponsor", "reason": "x"}
    )
    assert "must be the contact of an organisation" in response.content.decode()
    response = client.post(
        reverse("people:person-detail", args=[admin.pk]), {"role": "participant", "reason": "x"}
    )
    assert "cannot remove your own admin role" in response.content.decode()
    admin.refresh_from_db()
    assert admin.role == "admin"
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 12])
def test_people_and_organisation_lists_keep_their_query_count(
    client, django_assert_num_queries, count
):
    admin = AdminFactory()
    for _ in range(count):
        SponsorFactory()
    client.force_login(admin)
    # session, user, count, page, open invitations, session save (3)
    with django_assert_num_queries(8):
        assert client.get(reverse("people:person-list")).status_code == 200
    with django_assert_num_queries(7):
        assert client.get(reverse("people:organisation-list")).status_code == 200


def _invitation_link() -> str:
    return (
        re.search(r"http://\S+", mail.outbox[-1].body)
        .group(0)
        .removeprefix("http://127.0.0.1:8000")
    )


@pytest.fixture
def invite(client, django_capture_on_commit_callbacks):
    def send(email="new.facilitator@example.org", role="facilitator", organisation=None):
        client.force_login(AdminFactory())
        data = {"full_name": "Nia Rees", "email": email, "role": role}
        if organisation:
            data["organisation"] = organisation.pk
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("people:invitation-create"), data)
        assert response.status_code == 302, response.content.decode()
        client.logout()
        return _invitation_link()

    return send


@pytest.mark.django_db
def test_an_invited_facilitator_creates_an_account_and_gets_the_role(client, invite):
    link = invite()
    invitation = RoleInvitation.objects.get()
    assert invitation.sent_at is not None
    assert link.rsplit("/", 2)[-2] not in invitation.token_hash  # only the hash is stored
    page = client.get(link)
    assert "Create your account" in page.content.decode()
    response = client.post(link, {"full_name": "Nia Rees", "password": "slate-orchard-glow-5"})
    assert response.status_code == 302
    user = User.objects.get(email="new.facilitator@example.org")
    assert user.role == "facilitator"
    assert user.email_confirmed
    assert client.get(reverse("core:dashboard")).status_code == 200
    # Single use.
    assert client.get(link).status_code == 404
    assert AuditEntry.objects.filter(action="user.role_changed", actor=user).exists()


@pytest.mark.django_db
def test_an_existing_account_accepts_only_when_signed_in_as_the_invited_address(client, invite):
    organisation = OrganisationFactory()
    person = UserFactory(email="existing@example.org")
    link = invite(email="existing@example.org", role="sponsor", organisation=organisation)
    assert "Sign in to accept" in client.get(link).content.decode()
    client.force_login(UserFactory(email="someone.else@example.org"))
    assert client.post(link).status_code == 302  # refused by the ApplicationError handler
    person.refresh_from_db()
    assert person.role == "participant"
    client.force_login(person)
    client.post(link)
    person.refresh_from_db()
    assert (person.role, person.organisation) == ("sponsor", organisation)


@pytest.mark.django_db
def test_a_withdrawn_or_expired_invitation_does_not_work(client, invite):
    link = invite()
    invitation = RoleInvitation.objects.get()
    client.force_login(AdminFactory())
    client.post(reverse("people:invitation-withdraw", args=[invitation.pk]))
    client.logout()
    assert client.get(link).status_code == 404
    response = client.post(link, {"full_name": "Nia Rees", "password": "slate-orchard-glow-5"})
    assert response.status_code == 404
    assert not User.objects.filter(email=invitation.email).exists()


@pytest.mark.django_db
def test_the_invitation_task_sends_once(invite):
    from accounts.tasks import send_role_invitation

    invite()
    invitation = RoleInvitation.objects.get()
    send_role_invitation(invitation.pk)
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_second_open_invitation_to_the_same_address_is_refused(client, invite):
    invite()
    client.force_login(AdminFactory())
    response = client.post(
        reverse("people:invitation-create"),
        {"full_name": "Nia", "email": "NEW.facilitator@example.org", "role": "facilitator"},
    )
    assert "already has an open invitation" in response.content.decode()
    assert RoleInvitation.objects.count() == 1
