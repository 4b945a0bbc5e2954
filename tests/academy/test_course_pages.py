import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from academy import services
from academy.models import MaterialProgress
from cohorts.models import Enrolment
from tests.factories.academy import (
    PDF_BYTES,
    MaterialFactory,
    ModuleFactory,
    upload,
)
from tests.factories.accounts import FacilitatorFactory, SponsorFactory
from tests.factories.cohorts import CohortFactory, EnrolmentFactory

pytestmark = pytest.mark.django_db

DANGEROUS = (
    "Read this.\n\n<script>alert('x')</script>\n\n<img src=x onerror=alert(1)>\n\n"
    '<a href="javascript:alert(1)" onclick="alert(2)">click</a> <b onmouseover=alert(3)>b</b>\n\n'
    "<iframe src=https://evil.example></iframe><style>body{}</style>"
)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def course(media):
    today = timezone.localdate()
    cohort = CohortFactory(status="running", starts_on=today - dt.timedelta(days=10))
    facilitator = FacilitatorFactory()
    cohort.facilitators.add(facilitator)
    programme = cohort.programme
    first = ModuleFactory(programme=programme, title="Getting started")
    page = MaterialFactory(module=first, title="Welcome page", body=DANGEROUS)
    file = services.material_create(
        module=first, kind="file", title="Plan", upload=upload("My plan.pdf", PDF_BYTES)
    )
    link = services.material_create(
        module=first, kind="link", title="Standard", url="https://www.gov.uk/service-manual"
    )
    later = ModuleFactory(
        programme=programme,
        title="Later on",
        release_rule="days_after_start",
        release_after_days=20,
    )
    locked = MaterialFactory(module=later, title="Not yet")
    addition = ModuleFactory(programme=programme, cohort=cohort, title="Our workshop")
    video = services.material_create(
        module=addition,
        kind="video",
        title="Recording",
        url="https://video.example.org/1",
        transcript="Hello <script>alert(1)</script> everyone",
    )
    enrolment = EnrolmentFactory(cohort=cohort)
    return {
        "cohort": cohort,
        "facilitator": facilitator,
        "enrolment": enrolment,
        "user": enrolment.user,
        "page": page,
        "file": file,
        "link": link,
        "locked": locked,
        "video": video,
        "later": later,
    }


def material_url(course, material):
    return reverse("academy:course-material", args=[course["enrolment"].pk, material.pk])


def test_the_course_page_shows_open_locked_and_done_modules(client, course):
    MaterialProgress.objects.create(enrolment=course["enrolment"], material=course["video"])
    client.force_login(course["user"])
    html = client.get(reverse("academy:course-detail", args=[course["enrolment"].pk])).content
    html = html.decode()
    assert html.count("<h1") == 1
    for title in ("Getting started", "Later on", "Our workshop", "Welcome page", "Plan"):
        assert title in html
    opens = (course["cohort"].starts_on + dt.timedelta(days=20)).strftime("%-d %B %Y")
    assert f"Opens on {opens}." in html
    assert material_url(course, course["page"]) in html
    assert material_url(course, course["locked"]) not in html  # locked: no link
    assert "1 item to come." in html
    assert "For your cohort" in html
    assert html.index("Later on") < html.index("Our workshop")  # additions come last
    assert "You have done 1 of 5 materials." in html
    assert 'class="tag tag--green">Done</span>' in html


def test_material_pages_lead_to_the_previous_and_next_open_material(client, course):
    client.force_login(course["user"])
    html = client.get(material_url(course, course["link"])).content.decode()
    assert f'href="{material_url(course, course["file"])}" rel="prev"' in html
    # The next open material skips the locked module.
    assert f'href="{material_url(course, course["video"])}" rel="next"' in html


def test_written_pages_and_transcripts_never_carry_scripts_or_handlers(client, course):
    client.force_login(course["user"])
    for material in (course["page"], course["video"]):
        html = client.get(material_url(course, material)).content.decode()
        main = html[html.index('<main id="main"') :]
        assert "<script" not in main
        for attack in ("onerror", "onclick", "onmouseover", "javascript:", "<iframe", "<style"):
            assert attack not in main
    html = client.get(material_url(course, course["page"])).content.decode()
    assert "<p>Read this.</p>" in html


def test_each_kind_is_shown_for_what_it_is(client, course):
    client.force_login(course["user"])
    html = client.get(material_url(course, course["file"])).content.decode()
    assert reverse("academy:material-file", args=[course["file"].pk]) in html
    assert "Download My plan.pdf" in html
    assert "PDF" in html
    html = client.get(material_url(course, course["link"])).content.decode()
    assert 'href="https://www.gov.uk/service-manual" rel="noopener noreferrer"' in html
    html = client.get(material_url(course, course["video"])).content.decode()
    assert "<h2>Transcript</h2>" in html
    assert "Hello" in html


@pytest.mark.parametrize("which", ["locked", "hidden", "unknown"])
def test_locked_hidden_or_unknown_materials_are_not_found(client, course, which):
    client.force_login(course["user"])
    if which == "locked":
        url = material_url(course, course["locked"])
    elif which == "hidden":
        services.material_unpublish(material=course["page"])
        url = material_url(course, course["page"])
    else:
        url = reverse("academy:course-material", args=[course["enrolment"].pk, 999999])
    assert client.get(url).status_code == 404


def test_marking_done_without_javascript_goes_back_with_a_message(client, course):
    client.force_login(course["user"])
    url = reverse("academy:material-mark-done", args=[course["enrolment"].pk, course["page"].pk])
    assert client.get(url).status_code == 405
    response = client.post(url, {"from": "course"}, follow=True)
    assert response.redirect_chain[0][0].endswith(f"#material-{course['page'].pk}")
    assert "“Welcome page” marked as done." in response.content.decode()
    assert MaterialProgress.objects.filter(material=course["page"]).exists()

    undo = reverse("academy:material-mark-undone", args=[course["enrolment"].pk, course["page"].pk])
    response = client.post(undo, {"from": "material"})
    assert response.url == material_url(course, course["page"])
    assert not MaterialProgress.objects.exists()


def test_marking_done_with_htmx_returns_the_module_with_focus_kept(client, course):
    client.force_login(course["user"])
    url = reverse("academy:material-mark-done", args=[course["enrolment"].pk, course["page"].pk])
    html = client.post(url, {"from": "course"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in html
    assert "<section" not in html  # the inside of the module's section only
    assert "Mark as not done</button>" in html
    assert html.count("data-focus-after-swap") == 1
    assert 'data-hx-swap-oob="innerHTML"' in html
    assert "marked as done" in html

    undo = reverse("academy:material-mark-undone", args=[course["enrolment"].pk, course["page"].pk])
    html = client.post(undo, {"from": "material"}, HTTP_HX_REQUEST="true").content.decode()
    assert "When you have finished with this" in html
    assert "data-focus-after-swap" in html


def test_someone_else_cannot_mark_on_your_place(client, course):
    other = EnrolmentFactory(cohort=course["cohort"])
    client.force_login(other.user)
    url = reverse("academy:material-mark-done", args=[course["enrolment"].pk, course["page"].pk])
    assert client.post(url).status_code == 404
    assert not MaterialProgress.objects.exists()


def test_a_completed_place_can_read_but_not_change_marks(client, course):
    Enrolment.objects.filter(pk=course["enrolment"].pk).update(
        status="completed", completed_on=timezone.localdate()
    )
    client.force_login(course["user"])
    html = client.get(reverse("academy:course-detail", args=[course["enrolment"].pk])).content
    assert b"Mark as done" not in html
    assert b"You have completed this course" in html
    url = reverse("academy:material-mark-done", args=[course["enrolment"].pk, course["page"].pk])
    assert client.post(url).status_code == 404


def test_a_withdrawn_place_has_no_course(client, course):
    Enrolment.objects.filter(pk=course["enrolment"].pk).update(status="withdrawn")
    client.force_login(course["user"])
    assert (
        client.get(reverse("academy:course-detail", args=[course["enrolment"].pk])).status_code
        == 404
    )
    assert client.get(material_url(course, course["page"])).status_code == 404
    file_url = reverse("academy:material-file", args=[course["file"].pk])
    assert client.get(file_url).status_code == 404


def test_viewing_counts_as_done_where_the_facilitator_says_so(client, course):
    course["page"].completes_on_view = True
    course["page"].save(update_fields=["completes_on_view"])
    course["file"].completes_on_view = True
    course["file"].save(update_fields=["completes_on_view"])
    client.force_login(course["user"])
    client.get(material_url(course, course["page"]))
    response = client.get(reverse("academy:material-file", args=[course["file"].pk]))
    b"".join(response.streaming_content)
    client.get(material_url(course, course["link"]))  # not flagged: not marked
    marked = set(MaterialProgress.objects.values_list("material_id", flat=True))
    assert marked == {course["page"].pk, course["file"].pk}


def test_the_file_is_a_download_that_runs_nothing(client, course):
    client.force_login(course["user"])
    response = client.get(reverse("academy:material-file", args=[course["file"].pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert 'filename="My plan.pdf"' in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert "no-store" in response.headers["Cache-Control"]


def outsiders():
    """People who must not reach a course material or its file."""

    def other_programme_participant(course):
        return EnrolmentFactory(
            cohort=CohortFactory(status="running", starts_on=timezone.localdate())
        ).user

    def sponsor(course):
        sponsor = SponsorFactory()
        course["user"].organisation = sponsor.organisation
        course["user"].save(update_fields=["organisation"])
        return sponsor  # even the participant's own sponsor

    def other_facilitator(course):
        facilitator = FacilitatorFactory()
        CohortFactory().facilitators.add(facilitator)
        return facilitator

    return [other_programme_participant, sponsor, other_facilitator]


@pytest.mark.parametrize("who", outsiders(), ids=lambda f: f.__name__)
def test_outsiders_get_404_for_the_material_page_and_its_file(client, course, who):
    client.force_login(who(course))
    assert client.get(material_url(course, course["file"])).status_code == 404
    assert client.get(material_url(course, course["page"])).status_code == 404
    file_url = reverse("academy:material-file", args=[course["file"].pk])
    assert client.get(file_url).status_code == 404
    course_url = reverse("academy:course-detail", args=[course["enrolment"].pk])
    assert client.get(course_url).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in_and_get_nothing(client, course):
    for url in (
        material_url(course, course["file"]),
        reverse("academy:material-file", args=[course["file"].pk]),
        reverse("academy:course-detail", args=[course["enrolment"].pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))
        assert PDF_BYTES not in response.content


def test_another_cohorts_participant_does_not_get_this_cohorts_additions(client, course):
    other = EnrolmentFactory(
        cohort=CohortFactory(
            programme=course["cohort"].programme, status="running", starts_on=timezone.localdate()
        )
    )
    client.force_login(other.user)
    html = client.get(reverse("academy:course-detail", args=[other.pk])).content.decode()
    assert "Getting started" in html
    assert "Our workshop" not in html
    url = reverse("academy:course-material", args=[other.pk, course["video"].pk])
    assert client.get(url).status_code == 404


def test_facilitators_preview_their_cohorts_course(client, course):
    client.force_login(course["facilitator"])
    url = reverse("academy:course-preview", args=[course["cohort"].pk])
    html = client.get(url).content.decode()
    assert "Preview" in html
    assert "Our workshop" in html
    assert "Mark as done" not in html
    preview_material = reverse(
        "academy:course-preview-material", args=[course["cohort"].pk, course["page"].pk]
    )
    assert preview_material in html
    assert client.get(preview_material).status_code == 200
    locked = reverse(
        "academy:course-preview-material", args=[course["cohort"].pk, course["locked"].pk]
    )
    assert client.get(locked).status_code == 404
    client.force_login(course["user"])
    assert client.get(url).status_code == 404
    other = FacilitatorFactory()
    CohortFactory(programme=course["cohort"].programme).facilitators.add(other)
    client.force_login(other)
    assert client.get(url).status_code == 404


def fill_course(cohort, size: int):
    for index in range(size):
        module = ModuleFactory(programme=cohort.programme, title=f"M{index}")
        for _ in range(size):
            MaterialFactory(module=module)
        ModuleFactory(programme=cohort.programme, cohort=cohort, title=f"Extra {index}")


@pytest.mark.parametrize("size", [1, 6])
def test_course_page_queries_do_not_grow_with_modules_or_materials(
    client, django_assert_num_queries, size
):
    cohort = CohortFactory(status="running", starts_on=timezone.localdate())
    fill_course(cohort, size)
    enrolment = EnrolmentFactory(cohort=cohort)
    for material in cohort.programme.modules.first().materials.all():
        MaterialProgress.objects.create(enrolment=enrolment, material=material)
    client.force_login(enrolment.user)
    url = reverse("academy:course-detail", args=[enrolment.pk])
    # Session, user, enrolment, modules, their materials, the person's marks, and the
    # session's save (savepoint, update, release: SESSION_SAVE_EVERY_REQUEST).
    with django_assert_num_queries(9):
        response = client.get(url)
    assert response.content.decode().count('class="material-list__item"') == size * size


@pytest.mark.parametrize("size", [1, 6])
def test_material_page_queries_do_not_grow_with_the_course(client, django_assert_num_queries, size):
    cohort = CohortFactory(status="running", starts_on=timezone.localdate())
    fill_course(cohort, size)
    enrolment = EnrolmentFactory(cohort=cohort)
    material = cohort.programme.modules.first().materials.first()
    client.force_login(enrolment.user)
    with django_assert_num_queries(9):
        response = client.get(reverse("academy:course-material", args=[enrolment.pk, material.pk]))
    assert response.status_code == 200


@pytest.mark.parametrize("size", [1, 5])
def test_course_list_queries_do_not_grow_with_places(client, django_assert_num_queries, size):
    enrolment = EnrolmentFactory(cohort=CohortFactory(status="running"))
    for _ in range(size - 1):
        EnrolmentFactory(cohort=CohortFactory(status="running"), user=enrolment.user)
    client.force_login(enrolment.user)
    # Session, user, count, page of places, and the session's save (three queries).
    with django_assert_num_queries(7):
        response = client.get(reverse("academy:course-list"))
    assert response.content.decode().count('class="card"') == size
