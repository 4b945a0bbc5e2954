"""Once through the real queue: a task worker process makes the ZIP and sends the e-mail."""

import io
import json
import zipfile

import pytest
from django.urls import reverse

from privacy import services
from privacy.models import DataExport
from tests.factories.accounts import UserFactory


@pytest.fixture
def shared_media(monkeypatch, settings, tmp_path):
    """The worker process and this test read and write the same media folder."""
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    settings.MEDIA_ROOT = tmp_path / "data" / "media"


def test_the_worker_makes_the_export_and_e_mails_its_owner(shared_media, task_worker, client):
    user = UserFactory(email="worker.export@example.org", full_name="Wren Worker")
    export = services.data_export_request(user=user)
    assert DataExport.objects.get(pk=export.pk).status == DataExport.Status.PENDING

    task_worker.wait_for(
        lambda: DataExport.objects.get(pk=export.pk).status != DataExport.Status.PENDING,
        120,
        "the export",
    )
    export.refresh_from_db()
    assert export.status == DataExport.Status.READY
    task_worker.wait_for(lambda: "worker.export@example.org" in task_worker.sent_mail(), 60, "mail")
    assert "Your data is ready to download" in task_worker.sent_mail()

    client.force_login(user)
    response = client.get(reverse("privacy:data-export-download", kwargs={"pk": export.pk}))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert json.loads(archive.read("accounts-user.json"))[0]["full_name"] == "Wren Worker"
