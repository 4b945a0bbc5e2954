"""The issue's "done when": export then erase for a demo participant."""

import io
import json
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from accounts.demo import DEMO_PASSWORD
from certificates.models import Certificate
from cohorts.models import ApplicationAnswer
from privacy import register
from privacy.models import DataExport

from .checks import assert_nothing_personal_left

User = get_user_model()


@pytest.fixture
def demo(db):
    call_command("seed_demo", verbosity=0)


def test_export_then_erase_a_demo_participant(client, demo, django_capture_on_commit_callbacks):
    user = User.objects.get(email="participant@example.org")
    email, full_name = user.email, user.full_name
    answers = list(
        ApplicationAnswer.objects.filter(application__applicant=user).values_list(
            "value", flat=True
        )
    )
    certificate = Certificate.objects.get(enrolment__user=user, status=Certificate.Status.ISSUED)
    client.force_login(user)

    # Export: through the page, made by the task (inline here).
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("privacy:data-export-list"))
    export = DataExport.objects.get(user=user, status=DataExport.Status.READY)
    response = client.get(reverse("privacy:data-export-download", kwargs={"pk": export.pk}))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    account = json.loads(archive.read("accounts-user.json"))[0]
    assert (account["email"], account["full_name"]) == (email, full_name)
    held = {}
    for entry in register.personal_entries():
        rows = entry.rows_of(user, email).count()
        if rows:
            held[entry.model] = rows
            assert len(json.loads(archive.read(f"{entry.slug}.json"))) == rows, entry.model
    # A running place and last year's completed one, with progress marks.
    assert held["cohorts.Enrolment"] >= 2
    assert "academy.MaterialProgress" in held
    exported = json.loads(archive.read("certificates-certificate.json"))
    assert [row["code"] for row in exported] == [certificate.code]
    pdf = next(name for name in archive.namelist() if name.endswith(".pdf"))
    assert archive.read(pdf).startswith(b"%PDF")

    # Erase: through the page, with the password.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("privacy:account-delete"), {"password": DEMO_PASSWORD, "confirm": "on"}
        )
    assert response.status_code == 302
    assert_nothing_personal_left(user, email, [full_name, email, *answers])

    # The certificate still verifies, with the minimum: code, status, programme, cohort, dates.
    certificate.refresh_from_db()
    response = client.get(certificate.get_verification_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "This certificate is valid" in html
    assert certificate.programme_name in html
    assert certificate.cohort_title in html
    assert full_name not in html
