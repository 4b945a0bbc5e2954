import pytest
from django.urls import reverse

from academy.models import Programme
from audit.models import AuditEntry
from tests.factories.academy import ProgrammeFactory
from tests.factories.accounts import AdminFactory, FacilitatorFactory, SponsorFactory, UserFactory

FORM = {
    "name": "Data Leaders",
    "slug": "data-leaders",
    "summary": "For people who lead data teams.",
    "description": "## About\n\nA programme.",
    "is_published": "",
    "allows_recommendations": "on",
    "sponsor_approval_required": "on",
    "default_capacity": "16",
    "certificate_design": "standard",
}


@pytest.mark.django_db
def test_only_admins_manage_programmes(client):
    programme = ProgrammeFactory()
    urls = [
        reverse("academy-manage:programme-list"),
        reverse("academy-manage:programme-create"),
        reverse("academy-manage:programme-update", args=[programme.slug]),
        reverse("academy-manage:programme-preview", args=[programme.slug]),
    ]
    for url in urls:
        assert client.get(url).status_code == 302
    for user in (UserFactory(), SponsorFactory(), FacilitatorFactory()):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 403
    response = client.post(reverse("academy-manage:programme-create"), FORM)
    assert response.status_code == 403
    assert not Programme.objects.filter(slug="data-leaders").exists()


@pytest.mark.django_db
def test_an_admin_creates_an_unpublished_programme_and_previews_it(client):
    admin = AdminFactory()
    client.force_login(admin)
    response = client.post(reverse("academy-manage:programme-create"), FORM)
    assert response.status_code == 302
    programme = Programme.objects.get(slug="data-leaders")
    assert not programme.is_published
    assert programme.sponsor_approval_required
    assert client.get(programme.get_absolute_url()).status_code == 404  # not public yet
    preview = client.get(reverse("academy-manage:programme-preview", args=[programme.slug]))
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "It is not published yet." in html
    assert "<h2>About</h2>" in html
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor) == ("programme.created", admin)


@pytest.mark.django_db
def test_changes_are_audited_with_what_changed(client):
    programme = ProgrammeFactory(name="Old name", slug="old-name", default_capacity=20)
    client.force_login(AdminFactory())
    data = {**FORM, "name": "New name", "slug": "old-name", "default_capacity": "20",
            "summary": programme.summary, "description": programme.description,
            "is_published": "on", "certificate_design": programme.certificate_design,
            "allows_recommendations": "", "sponsor_approval_required": ""}  # fmt: skip
    client.post(reverse("academy-manage:programme-update", args=[programme.slug]), data)
    entry = AuditEntry.objects.get(action="programme.changed")
    assert entry.before == {"name": "Old name"}
    assert entry.after == {"name": "New name"}


@pytest.mark.django_db
def test_names_and_addresses_are_unique(client):
    ProgrammeFactory(name="Data Leaders", slug="something-else")
    client.force_login(AdminFactory())
    response = client.post(
        reverse("academy-manage:programme-create"), {**FORM, "name": "data leaders"}
    )
    assert response.status_code == 200
    assert "Another programme already uses this." in response.content.decode()
    assert Programme.objects.count() == 1
