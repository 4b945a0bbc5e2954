import datetime as dt

import pytest
from django.urls import reverse

from academy.models import Material, Module
from tests.factories.academy import (
    PDF_BYTES,
    MaterialFactory,
    ModuleFactory,
    ProgrammeFactory,
    upload,
)
from tests.factories.accounts import AdminFactory, FacilitatorFactory
from tests.factories.cohorts import CohortFactory, EnrolmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def team():
    programme = ProgrammeFactory(name="Leading Digital Change")
    cohort = CohortFactory(programme=programme, status="running")
    facilitator = FacilitatorFactory()
    cohort.facilitators.add(facilitator)
    return {"programme": programme, "cohort": cohort, "facilitator": facilitator}


def test_a_facilitator_adds_a_module_through_the_form(client, team):
    client.force_login(team["facilitator"])
    url = reverse("academy:module-create", args=[team["programme"].slug])
    response = client.post(
        url,
        {"title": "Week 1", "summary": "Start here", "release_rule": "on_date", "release_on": ""},
    )
    assert response.status_code == 200
    assert "Enter the date it opens." in response.content.decode()
    assert not Module.objects.exists()

    response = client.post(
        url,
        {"title": "Week 1", "release_rule": "days_after_start", "release_after_days": "7"},
    )
    module = Module.objects.get()
    assert response.url == reverse("academy:module-detail", args=[module.pk])
    assert (module.cohort, module.release_after_days, module.is_published) == (None, 7, False)


def test_a_facilitator_adds_a_module_for_their_own_cohort(client, team):
    client.force_login(team["facilitator"])
    url = reverse("academy:cohort-module-create", args=[team["cohort"].pk])
    client.post(url, {"title": "Workshop slides", "release_rule": "cohort_start"})
    assert Module.objects.get().cohort == team["cohort"]


def test_materials_of_each_kind_are_added_through_the_form(client, team, media):
    module = ModuleFactory(programme=team["programme"])
    client.force_login(team["facilitator"])

    def add(kind, data):
        url = reverse("academy:material-create", args=[module.pk, kind])
        return client.post(url, {"is_required": "on", "is_published": "on", **data})

    add("page", {"title": "Read me", "body": "Hello"})
    add("file", {"title": "Slides", "file": upload("slides.pdf", PDF_BYTES)})
    add("link", {"title": "Standard", "url": "https://www.gov.uk/service-manual"})
    response = add("video", {"title": "Talk", "url": "https://video.example.org/1"})
    assert "Add a transcript" in response.content.decode()
    add("video", {"title": "Talk", "url": "https://video.example.org/1", "transcript": "Words"})
    assert list(module.materials.values_list("kind", "position")) == [
        ("page", 1),
        ("file", 2),
        ("link", 3),
        ("video", 4),
    ]
    assert (
        client.get(reverse("academy:material-create", args=[module.pk, "exe"])).status_code == 404
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("setup.pdf", b"MZ\x90\x00" + b"\x00" * 100, "This file is a program"),
        ("drawing.svg", b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "cannot be uploaded"),
    ],
)
def test_a_refused_upload_is_explained_on_the_form_and_nothing_is_stored(
    client, team, media, name, content, message
):
    module = ModuleFactory(programme=team["programme"])
    client.force_login(team["facilitator"])
    url = reverse("academy:material-create", args=[module.pk, "file"])
    response = client.post(url, {"title": "Slides", "file": upload(name, content)})
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert "There is a problem" in html
    assert not Material.objects.exists()
    assert not [path for path in media.rglob("*") if path.is_file()]


def test_an_oversized_upload_is_refused_on_the_form(client, team, media, settings):
    settings.MATERIAL_UPLOAD_MAX_MB = 1
    module = ModuleFactory(programme=team["programme"])
    client.force_login(team["facilitator"])
    url = reverse("academy:material-create", args=[module.pk, "file"])
    big = upload("big.pdf", PDF_BYTES + b"0" * (1024 * 1024 + 1))
    html = client.post(url, {"title": "Big", "file": big}).content.decode()
    assert "The file is larger than 1.0" in html
    assert not Material.objects.exists()
    assert not [path for path in media.rglob("*") if path.is_file()]


def test_editing_a_material_keeps_its_file_unless_replaced(client, team, media):
    from academy import services

    module = ModuleFactory(programme=team["programme"])
    material = services.material_create(
        module=module, kind="file", title="Slides", upload=upload("a.pdf", PDF_BYTES)
    )
    client.force_login(team["facilitator"])
    url = reverse("academy:material-update", args=[material.pk])
    assert "The current file is a.pdf" in client.get(url).content.decode()
    client.post(url, {"title": "Slides, final", "estimated_minutes": "5"})
    material.refresh_from_db()
    assert (material.title, material.file_name, material.estimated_minutes) == (
        "Slides, final",
        "a.pdf",
        5,
    )


def test_reordering_with_htmx_returns_the_list_with_focus_on_the_moved_item(client, team):
    module = ModuleFactory(programme=team["programme"])
    _first, _second, third = (MaterialFactory(module=module, title=t) for t in "ABC")
    client.force_login(team["facilitator"])
    url = reverse("academy:material-move", args=[third.pk])
    html = client.post(url, {"direction": "up"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in html
    assert html.index(">C<") < html.index(">B<")
    assert html.count("data-focus-after-swap") == 1
    focused = html[: html.index("data-focus-after-swap")]
    form = focused[focused.rindex("<form") :]
    assert f'action="/content/materials/{third.pk}/move/"' in form
    assert 'value="up"' in form
    assert "“C” moved to position 2 of 3." in html

    # At the top, "Move up" is gone: focus goes to the same item's "Move down".
    html = client.post(url, {"direction": "up"}, HTTP_HX_REQUEST="true").content.decode()
    focused = html[: html.index("data-focus-after-swap")]
    assert f'action="/content/materials/{third.pk}/move/"' in focused[focused.rindex("<form") :]
    assert 'value="down"' in focused[focused.rindex("<form") :]
    assert list(module.materials.order_by("position").values_list("title", flat=True)) == [
        "C",
        "A",
        "B",
    ]


def test_reordering_without_javascript_goes_back_to_the_list(client, team):
    programme = team["programme"]
    first, _second = ModuleFactory(programme=programme), ModuleFactory(programme=programme)
    client.force_login(team["facilitator"])
    response = client.post(
        reverse("academy:module-move", args=[first.pk]), {"direction": "down"}, follow=True
    )
    assert response.redirect_chain[0][0] == (
        reverse("academy:programme-content", args=[programme.slug]) + f"#module-{first.pk}"
    )
    assert "moved to position 2 of 2" in response.content.decode()
    html = client.post(
        reverse("academy:module-move", args=[first.pk]),
        {"direction": "up"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "data-focus-after-swap" in html


def test_publishing_and_deleting(client, team, media, django_capture_on_commit_callbacks):
    module = ModuleFactory(programme=team["programme"], is_published=False)
    material = MaterialFactory(module=module)
    client.force_login(team["facilitator"])
    client.post(reverse("academy:module-publish", args=[module.pk]))
    client.post(reverse("academy:material-unpublish", args=[material.pk]))
    module.refresh_from_db()
    material.refresh_from_db()
    assert module.is_published
    assert not material.is_published
    client.post(reverse("academy:material-delete", args=[material.pk]))
    assert not Material.objects.exists()
    response = client.post(reverse("academy:module-delete", args=[module.pk]))
    assert response.url == reverse("academy:programme-content", args=[team["programme"].slug])
    assert not Module.objects.exists()


def content_urls(module, material, programme, cohort):
    return {
        "get": [
            reverse("academy:programme-content", args=[programme.slug]),
            reverse("academy:module-create", args=[programme.slug]),
            reverse("academy:cohort-content", args=[cohort.pk]),
            reverse("academy:course-preview", args=[cohort.pk]),
            reverse("academy:module-detail", args=[module.pk]),
            reverse("academy:module-update", args=[module.pk]),
            reverse("academy:material-create", args=[module.pk, "page"]),
            reverse("academy:material-update", args=[material.pk]),
        ],
        "post": [
            reverse("academy:module-move", args=[module.pk]),
            reverse("academy:module-publish", args=[module.pk]),
            reverse("academy:module-delete", args=[module.pk]),
            reverse("academy:material-move", args=[material.pk]),
            reverse("academy:material-unpublish", args=[material.pk]),
            reverse("academy:material-delete", args=[material.pk]),
        ],
    }


def test_a_facilitator_of_another_programme_reaches_none_of_it(client, team):
    module = ModuleFactory(programme=team["programme"])
    material = MaterialFactory(module=module)
    outsider = FacilitatorFactory()
    CohortFactory().facilitators.add(outsider)
    client.force_login(outsider)
    urls = content_urls(module, material, team["programme"], team["cohort"])
    for url in urls["get"]:
        assert client.get(url).status_code == 404, url
    for url in urls["post"]:
        assert client.post(url, {"direction": "down"}).status_code == 404, url
    assert Module.objects.filter(pk=module.pk, is_published=True).exists()
    assert Material.objects.filter(pk=material.pk, is_published=True).exists()


def test_participants_have_no_content_pages(client, team):
    module = ModuleFactory(programme=team["programme"])
    material = MaterialFactory(module=module)
    client.force_login(EnrolmentFactory(cohort=team["cohort"]).user)
    assert client.get(reverse("academy:content-list")).status_code == 404
    urls = content_urls(module, material, team["programme"], team["cohort"])
    for url in urls["get"]:
        assert client.get(url).status_code == 404, url
    for url in urls["post"]:
        assert client.post(url).status_code == 404, url


def test_a_co_facilitator_edits_shared_content_but_not_another_cohorts_additions(client, team):
    other_cohort = CohortFactory(programme=team["programme"])
    colleague = FacilitatorFactory()
    other_cohort.facilitators.add(colleague)
    shared = ModuleFactory(programme=team["programme"])
    addition = ModuleFactory(programme=team["programme"], cohort=team["cohort"])
    client.force_login(colleague)
    assert client.get(reverse("academy:module-detail", args=[shared.pk])).status_code == 200
    assert client.get(reverse("academy:module-detail", args=[addition.pk])).status_code == 404
    url = reverse("academy:cohort-content", args=[team["cohort"].pk])
    assert client.get(url).status_code == 404
    url = reverse("academy:cohort-module-create", args=[team["cohort"].pk])
    assert client.post(url, {"title": "X", "release_rule": "cohort_start"}).status_code == 404
    assert Module.objects.count() == 2


def test_admins_edit_every_programme(client, team):
    module = ModuleFactory(programme=team["programme"], cohort=team["cohort"])
    client.force_login(AdminFactory())
    assert client.get(reverse("academy:module-detail", args=[module.pk])).status_code == 200
    html = client.get(reverse("academy:content-list")).content.decode()
    assert "Leading Digital Change" in html


def test_anonymous_visitors_are_sent_to_sign_in(client, team):
    response = client.get(reverse("academy:content-list"))
    assert response.url.startswith(reverse("accounts:login"))


def test_navigation_and_dashboard_entries(client, team):
    enrolment = EnrolmentFactory(cohort=team["cohort"])
    client.force_login(enrolment.user)
    html = client.get(reverse("core:dashboard")).content.decode()
    assert reverse("academy:course-list") in html
    assert reverse("academy:course-detail", args=[enrolment.pk]) in html
    assert reverse("academy:content-list") not in html
    client.force_login(team["facilitator"])
    html = client.get(reverse("core:dashboard")).content.decode()
    assert reverse("academy:content-list") in html


@pytest.mark.parametrize("size", [1, 6])
def test_content_list_queries_do_not_grow(client, django_assert_num_queries, size):
    facilitator = FacilitatorFactory()
    for _ in range(size):
        programme = ProgrammeFactory()
        for _ in range(size):
            CohortFactory(programme=programme).facilitators.add(facilitator)
            ModuleFactory(programme=programme)
    client.force_login(facilitator)
    # Session, user, count, programmes, their cohorts, and the session's save (three).
    with django_assert_num_queries(8):
        response = client.get(reverse("academy:content-list"))
    assert response.content.decode().count("Additions for this cohort<") == size * size


@pytest.mark.parametrize("size", [1, 6])
def test_module_list_queries_do_not_grow(client, team, django_assert_num_queries, size):
    for _ in range(size):
        MaterialFactory(module=ModuleFactory(programme=team["programme"]))
    client.force_login(team["facilitator"])
    url = reverse("academy:programme-content", args=[team["programme"].slug])
    # Session, user, programme, permission, modules, and the session's save (three).
    with django_assert_num_queries(8):
        response = client.get(url)
    assert response.content.decode().count('class="reorder-list__item"') == size


@pytest.mark.parametrize("size", [1, 6])
def test_module_page_queries_do_not_grow(client, team, django_assert_num_queries, size):
    module = ModuleFactory(programme=team["programme"])
    for _ in range(size):
        MaterialFactory(module=module)
    client.force_login(team["facilitator"])
    # Session, user, module, permission, materials, and the session's save (three).
    with django_assert_num_queries(8):
        response = client.get(reverse("academy:module-detail", args=[module.pk]))
    assert response.content.decode().count('class="reorder-list__item"') == size


def test_module_form_shows_release_choices(client, team):
    module = ModuleFactory(
        programme=team["programme"], release_rule="on_date", release_on=dt.date(2027, 3, 3)
    )
    client.force_login(team["facilitator"])
    html = client.get(reverse("academy:module-update", args=[module.pk])).content.decode()
    assert "When does it open?" in html
    assert 'value="2027-03-03"' in html
