import datetime as dt
import io
import json
import zipfile

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from core.errors import ApplicationError
from privacy import services
from privacy.models import DataExport
from tests.factories.accounts import UserFactory
from tests.factories.certificates import FAKE_PDF


def _download(client, export) -> zipfile.ZipFile:
    response = client.get(reverse("privacy:data-export-download", kwargs={"pk": export.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith("attachment")
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_asking_on_the_page_makes_the_zip_in_the_background_and_e_mails_the_person(
    client, person, django_capture_on_commit_callbacks
):
    client.force_login(person.user)
    assert client.get(reverse("privacy:data-export-list")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("privacy:data-export-list"))
    assert response.status_code == 302
    # The request only queued the work; the task (run inline here) made the file.
    assert callbacks
    export = DataExport.objects.exclude(status=DataExport.Status.FAILED).get(user=person.user)
    assert export.status == DataExport.Status.READY
    assert export.expires_at > timezone.now() + dt.timedelta(days=6)
    assert [message.to for message in mail.outbox] == [[person.email]]
    assert reverse("privacy:data-export-list") in mail.outbox[0].body

    page = client.get(reverse("privacy:data-export-list")).content.decode()
    assert reverse("privacy:data-export-download", kwargs={"pk": export.pk}) in page
    archive = _download(client, export)
    names = set(archive.namelist())
    assert {
        "index.json",
        "accounts-user.json",
        "cohorts-application.json",
        "cohorts-applicationanswer.json",
        "cohorts-enrolment.json",
        "academy-materialprogress.json",
        "scheduling-attendance.json",
        "certificates-certificate.json",
        "cohorts-nomination.json",
        "otp_totp-totpdevice.json",
        "axes-accesslog.json",
    } <= names
    account = json.loads(archive.read("accounts-user.json"))
    assert account[0]["email"] == person.email
    assert account[0]["full_name"] == person.full_name
    assert "password" not in account[0]
    answers = json.loads(archive.read("cohorts-applicationanswer.json"))
    assert [answer["value"] for answer in answers] == [person.answer]
    # Related rows are named so the file can be read; other people are only numbers.
    question = person.open_application.cohort.programme.question_set.questions.get()
    assert answers[0]["question"] == question.text
    events = json.loads(archive.read("cohorts-applicationevent.json"))
    assert all("actor" not in event for event in events)
    device = json.loads(archive.read("otp_totp-totpdevice.json"))[0]
    assert "key" not in device
    feed = json.loads(archive.read("scheduling-calendarfeed.json"))[0]
    assert "token" not in feed
    pdfs = [name for name in names if name.startswith("files/certificates-certificate/")]
    assert len(pdfs) == 1
    assert archive.read(pdfs[0]) == FAKE_PDF
    index = json.loads(archive.read("index.json"))
    described = {item["file"]: item for item in index["contents"]}
    assert described["cohorts-application.json"]["rows"] == 1
    assert described["cohorts-application.json"]["purpose"]


def test_an_export_holds_nobody_elses_data(person, django_capture_on_commit_callbacks, client):
    other = UserFactory(full_name="Someone Else")
    with django_capture_on_commit_callbacks(execute=True):
        export = services.data_export_request(user=other)
    client.force_login(other)
    archive = _download(client, DataExport.objects.get(pk=export.pk))
    everything = " ".join(
        archive.read(name).decode(errors="replace") for name in archive.namelist()
    )
    assert person.full_name not in everything
    assert person.email not in everything
    assert "Someone Else" in everything


def test_only_the_owner_can_download_and_only_until_it_expires(
    client, person, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        export = services.data_export_request(user=person.user)
    url = reverse("privacy:data-export-download", kwargs={"pk": export.pk})
    assert client.get(url).status_code == 302  # anonymous: to the sign-in page
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(person.user)
    assert client.get(url).status_code == 200
    DataExport.objects.filter(pk=export.pk).update(expires_at=timezone.now())
    assert client.get(url).status_code == 404


def test_a_second_request_while_one_is_being_made_is_refused(person):
    services.data_export_request(user=person.user)
    with pytest.raises(ApplicationError, match="already being prepared"):
        services.data_export_request(user=person.user)


def test_building_twice_does_nothing_the_second_time(person):
    export = services.data_export_request(user=person.user)
    assert services.data_export_build(export_id=export.pk) is True
    first = DataExport.objects.get(pk=export.pk).file.name
    assert services.data_export_build(export_id=export.pk) is False
    assert DataExport.objects.get(pk=export.pk).file.name == first
    assert default_storage.exists(first)


@pytest.mark.django_db
def test_requests_are_rate_limited_per_person(client, django_capture_on_commit_callbacks):
    user = UserFactory()
    client.force_login(user)
    statuses = []
    for _ in range(4):
        with django_capture_on_commit_callbacks(execute=True):
            statuses.append(client.post(reverse("privacy:data-export-list")).status_code)
    assert statuses == [302, 302, 302, 429]


@pytest.mark.django_db
def test_the_pages_need_sign_in(client):
    for url in (reverse("privacy:data-export-list"), reverse("privacy:account-delete")):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))
    assert client.post(reverse("privacy:data-export-list")).status_code == 302
    assert not DataExport.objects.exists()


@pytest.mark.django_db
def test_the_account_page_links_to_download_and_delete(client):
    client.force_login(UserFactory())
    html = client.get(reverse("accounts:profile")).content.decode()
    assert f'<a href="{reverse("privacy:data-export-list")}">Download your data</a>' in html
    assert f'<a href="{reverse("privacy:account-delete")}">Delete your account</a>' in html


@pytest.mark.django_db
@pytest.mark.parametrize("size", [1, 4])
def test_the_export_list_costs_the_same_queries_at_any_size(
    client, size, django_assert_num_queries
):
    user = UserFactory()
    for _ in range(size):
        DataExport.objects.create(user=user, status=DataExport.Status.FAILED)
    client.force_login(user)
    client.get(reverse("privacy:data-export-list"))
    with django_assert_num_queries(6):
        assert client.get(reverse("privacy:data-export-list")).status_code == 200
