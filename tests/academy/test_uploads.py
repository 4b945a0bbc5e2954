"""Files are checked by content, limited in size, stored under unguessable names."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from academy import services
from academy.models import Material
from tests.factories.academy import (
    DOCM_MAIN,
    DOCX_MAIN,
    PDF_BYTES,
    PNG_BYTES,
    ModuleFactory,
    office_bytes,
    upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(media: Path) -> list[Path]:
    return [path for path in media.rglob("*") if path.is_file()]


def add_file(module, the_upload):
    return services.material_create(module=module, kind="file", title="Slides", upload=the_upload)


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("Handout.pdf", PDF_BYTES, "application/pdf"),
        ("photo.png", PNG_BYTES, "image/png"),
        ("photo.JPEG", b"\xff\xd8\xff\xe0" + b"\x00" * 32, "image/jpeg"),
        ("chart.gif", b"GIF89a" + b"\x00" * 32, "image/gif"),
        ("chart.webp", b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 32, "image/webp"),
        (
            "plan.docx",
            office_bytes(DOCX_MAIN),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    ],
)
def test_allowed_types_are_stored_under_a_random_name(media, name, content, content_type):
    material = add_file(ModuleFactory(), upload(name, content))
    assert material.file_type == content_type
    assert material.file_name == name
    assert material.file_size == len(content)
    stored = Path(material.file.name)
    assert stored.parent.name == "materials"
    assert name.rsplit(".", 1)[0] not in stored.name  # nothing of the person's own name
    assert len(stored.stem) == 32
    assert (media / material.file.name).read_bytes() == content


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("report.pdf", b"MZ\x90\x00\x03" + b"\x00" * 64, "is a program"),
        ("installer.pdf", b"\x7fELF\x02\x01\x01" + b"\x00" * 64, "is a program"),
        (
            "logo.svg",
            b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">'
            b"<script>alert(1)</script></svg>",
            "cannot be uploaded",
        ),
        (
            "page.html",
            b"<!DOCTYPE html><html><script>alert(1)</script></html>",
            "cannot be uploaded",
        ),
        ("page.pdf", b"<html><body onload=alert(1)>", "cannot be uploaded"),
        ("macro.docx", office_bytes(DOCM_MAIN), "cannot be uploaded"),
        ("archive.docx", b"PK\x03\x04" + b"\x00" * 64, "cannot be uploaded"),
        ("notes.txt", b"Just some text", "cannot be uploaded"),
        ("image.pdf", PNG_BYTES, "its content is of another type"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_refused_files_leave_nothing_behind(media, name, content, message):
    module = ModuleFactory()
    with pytest.raises(ValidationError) as refused:
        add_file(module, upload(name, content))
    assert message in " ".join(refused.value.message_dict["file"])
    assert not Material.objects.exists()
    assert stored_files(media) == []


def test_an_oversized_file_is_refused_with_the_limit_in_the_message(media, settings):
    settings.MATERIAL_UPLOAD_MAX_MB = 1
    big = PDF_BYTES + b"0" * (1024 * 1024)
    with pytest.raises(ValidationError) as refused:
        add_file(ModuleFactory(), upload("big.pdf", big))
    assert "larger than 1.0\xa0MB" in refused.value.message_dict["file"][0]
    assert not Material.objects.exists()
    assert stored_files(media) == []


def test_replacing_a_file_removes_the_old_one_after_commit(
    media, django_capture_on_commit_callbacks
):
    material = add_file(ModuleFactory(), upload("first.pdf", PDF_BYTES))
    old = media / material.file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.material_update(
            material=material, title="Slides v2", upload=upload("second.png", PNG_BYTES)
        )
    assert not old.exists()
    assert (media / material.file.name).exists()
    assert material.file_name == "second.png"
    assert material.file_type == "image/png"


def test_a_refused_replacement_keeps_the_old_file(media):
    material = add_file(ModuleFactory(), upload("first.pdf", PDF_BYTES))
    with pytest.raises(ValidationError):
        services.material_update(
            material=material, title="Slides", upload=upload("evil.pdf", b"MZ" + b"\x00" * 9)
        )
    material.refresh_from_db()
    assert material.file_name == "first.pdf"
    assert [path.name for path in stored_files(media)] == [Path(material.file.name).name]


def test_deleting_a_material_deletes_its_file(media, django_capture_on_commit_callbacks):
    material = add_file(ModuleFactory(), upload("first.pdf", PDF_BYTES))
    with django_capture_on_commit_callbacks(execute=True):
        services.material_delete(material=material)
    assert stored_files(media) == []


def test_uploads_are_not_served_from_a_public_address():
    assert not settings.MEDIA_URL or settings.MEDIA_URL == "/"
    from django.urls import Resolver404, resolve

    with pytest.raises(Resolver404):
        resolve("/media/materials/anything.pdf")
