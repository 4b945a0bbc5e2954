"""Files made to attack the portal or its visitors: each refused, or served inert.

Served inert means: only as a download (Content-Disposition: attachment), with
nosniff so the browser cannot reinterpret it, and a CSP that sandboxes it.
"""

import datetime as dt
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from academy import services
from academy.models import Material
from cohorts.models import Cohort
from tests.factories.academy import DOCX_MAIN, PNG_BYTES, ModuleFactory, office_bytes, upload
from tests.factories.cohorts import CohortFactory, EnrolmentFactory

pytestmark = pytest.mark.django_db

SVG_WITH_SCRIPT = b"""<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" onload="alert(document.cookie)">
<script>fetch('/accounts/profile/')</script></svg>"""
HTML_PAGE = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
WINDOWS_PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64
LINUX_PROGRAM = b"\x7fELF\x02\x01\x01" + b"\x00" * 64
SHELL_SCRIPT = b"#!/bin/sh\nrm -rf ~\n"


def _archive_bomb() -> bytes:
    """A valid-looking Word package with one member that unpacks to 50 MB of zeros."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr(
            "[Content_Types].xml",
            f'<Types><Override PartName="/word/document.xml" ContentType="{DOCX_MAIN}"/></Types>',
        )
        package.writestr("word/document.xml", b"\x00" * (50 * 1024 * 1024))
    return buffer.getvalue()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("diagram.svg", SVG_WITH_SCRIPT, "type"),
        ("diagram.png", SVG_WITH_SCRIPT, "type"),
        ("page.html", HTML_PAGE, "type"),
        ("handout.pdf", HTML_PAGE, "type"),
        ("handout.pdf", WINDOWS_PROGRAM, "program"),
        ("report.docx", WINDOWS_PROGRAM, "program"),
        ("notes.pdf", LINUX_PROGRAM, "program"),
        ("notes.pdf", SHELL_SCRIPT, "program"),
        ("plan.docx", _archive_bomb(), "type"),
        ("photo.pdf", PNG_BYTES, "mismatch"),
    ],
)
def test_hostile_files_are_refused_and_nothing_is_stored(media, name, content, code):
    module = ModuleFactory()
    with pytest.raises(ValidationError) as refused:
        services.material_create(
            module=module, kind="file", title="Bad", upload=upload(name, content)
        )
    assert refused.value.error_dict["file"][0].code == code
    assert not Material.objects.exists()
    assert not [path for path in media.rglob("*") if path.is_file()]


def test_an_oversized_file_is_refused_before_it_is_read(media, settings):
    settings.MATERIAL_UPLOAD_MAX_MB = 1
    module = ModuleFactory()
    big = upload("big.pdf", b"%PDF-1.7\n" + b"0" * (1024 * 1024 + 1))
    with pytest.raises(ValidationError, match="larger than"):
        services.material_create(module=module, kind="file", title="Big", upload=big)
    assert not Material.objects.exists()


def test_a_png_with_html_after_its_header_is_only_ever_a_download(client, media):
    polyglot = PNG_BYTES + b"<html><script>alert(document.domain)</script></html>"
    today = timezone.localdate()
    cohort = CohortFactory(
        status=Cohort.Status.RUNNING,
        starts_on=today - dt.timedelta(days=7),
        ends_on=today + dt.timedelta(days=90),
        applications_open_at=timezone.now() - dt.timedelta(days=60),
        applications_close_at=timezone.now() - dt.timedelta(days=30),
    )
    module = ModuleFactory(programme=cohort.programme, is_published=True)
    material = services.material_create(
        module=module, kind="file", title="Chart", upload=upload("chart.png", polyglot)
    )
    services.material_publish(material=material)
    enrolment = EnrolmentFactory(cohort=cohort)
    client.force_login(enrolment.user)
    response = client.get(reverse("academy:material-file", args=[material.pk]))
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Type"] == "image/png"
    csp = response.headers["Content-Security-Policy"]
    assert "sandbox" in csp
    assert "default-src 'none'" in csp


def test_a_real_office_document_still_passes(media):
    module = ModuleFactory()
    material = services.material_create(
        module=module,
        kind="file",
        title="Plan",
        upload=upload("plan.docx", office_bytes(DOCX_MAIN)),
    )
    assert material.file_type.endswith("wordprocessingml.document")
