import pytest
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse

from academy.models import Material, MaterialProgress, Module
from academy.selectors import course_for_enrolment
from cohorts.models import Cohort

User = get_user_model()


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", verbosity=0)


def test_both_programmes_have_every_kind_of_material(demo):
    for slug in ("leadership-academy", "empowering-women-in-a-digital-world"):
        kinds = set(
            Material.objects.filter(module__programme__slug=slug).values_list("kind", flat=True)
        )
        assert {"page", "video"} <= kinds, slug
    all_kinds = set(Material.objects.values_list("kind", flat=True))
    assert all_kinds == {"page", "file", "link", "video"}
    for video in Material.objects.filter(kind="video"):
        assert len(video.transcript) > 200
    for file in Material.objects.filter(kind="file"):
        assert default_storage.open(file.file.name).read(5) == b"%PDF-"


def test_each_running_cohort_has_open_and_locked_modules(demo):
    for cohort in Cohort.objects.filter(status=Cohort.Status.RUNNING):
        enrolment = cohort.enrolments.first()
        states = {entry.state for entry in course_for_enrolment(enrolment).modules}
        assert "locked" in states, cohort
        assert states & {"open", "done"}, cohort


def test_the_running_leadership_cohort_has_its_own_additions(demo):
    assert Module.objects.filter(cohort__status=Cohort.Status.RUNNING).exists()


def test_seeding_again_changes_nothing(demo):
    counts = (Module.objects.count(), Material.objects.count(), MaterialProgress.objects.count())
    files = sorted(Material.objects.exclude(file="").values_list("file", flat=True))
    call_command("seed_demo", verbosity=0)
    assert (
        Module.objects.count(),
        Material.objects.count(),
        MaterialProgress.objects.count(),
    ) == counts
    assert sorted(Material.objects.exclude(file="").values_list("file", flat=True)) == files


def test_the_demo_participant_opens_the_course_and_downloads_the_file(client, demo):
    participant = User.objects.get(email="participant@example.org")
    enrolment = participant.enrolments.get(status="active")
    client.force_login(participant)
    html = client.get(reverse("academy:course-detail", args=[enrolment.pk])).content.decode()
    assert "Welcome: your programme and your plan" in html
    assert "Locked" in html
    file = Material.objects.get(title="Personal leadership plan (worksheet)")
    response = client.get(reverse("academy:material-file", args=[file.pk]))
    assert response.status_code == 200
    assert 'filename="personal-leadership-plan.pdf"' in response.headers["Content-Disposition"]
    # The other demo participant is on the other programme and gets nothing.
    client.force_login(User.objects.get(email="participant2@example.org"))
    assert client.get(reverse("academy:material-file", args=[file.pk])).status_code == 404
