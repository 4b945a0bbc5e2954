"""What a course material file may be: checked by its content, never by its name alone."""

import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


@dataclass(frozen=True, eq=False)
class FileType:
    content_type: str
    extension: str
    label: str
    # Other extensions a person may reasonably have given the same kind of file.
    aliases: tuple[str, ...] = ()


PDF = FileType("application/pdf", ".pdf", gettext_lazy("PDF"))
PNG = FileType("image/png", ".png", gettext_lazy("PNG image"))
JPEG = FileType("image/jpeg", ".jpg", gettext_lazy("JPEG image"), (".jpeg",))
GIF = FileType("image/gif", ".gif", gettext_lazy("GIF image"))
WEBP = FileType("image/webp", ".webp", gettext_lazy("WebP image"))
DOCX = FileType(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".docx",
    gettext_lazy("Word document"),
)
XLSX = FileType(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".xlsx",
    gettext_lazy("Excel spreadsheet"),
)
PPTX = FileType(
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".pptx",
    gettext_lazy("PowerPoint presentation"),
)

# The main part each Office Open XML package must declare in [Content_Types].xml. Macro-
# enabled documents (.docm, .xlsm, .pptm) declare other types and are therefore refused.
OFFICE_MAIN_PARTS = [
    (DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"),
    (XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
    (PPTX, "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"),
]
ALLOWED = (PDF, DOCX, XLSX, PPTX, PNG, JPEG, GIF, WEBP)
HEADER_BYTES = 16
MAX_CONTENT_TYPES_BYTES = 1_000_000
# An Office document is a zip archive. Real ones unpack to a few times their size; an
# archive bomb unpacks to thousands of times (and gigabytes), so refuse those outright.
MAX_UNPACKED_RATIO = 100
MAX_UNPACKED_BYTES = 500 * 1024 * 1024
MAX_PACKAGE_ENTRIES = 10_000
PROGRAM_SIGNATURES = (b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"#!")


def max_upload_bytes() -> int:
    return settings.MATERIAL_UPLOAD_MAX_MB * 1024 * 1024


def allowed_types_sentence() -> str:
    return _(
        "Upload a PDF, a Word, Excel or PowerPoint document, or a PNG, JPEG, GIF or WebP image."
    )


def _office_type(upload) -> FileType | None:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as package:
            entries = package.infolist()
            unpacked = sum(entry.file_size for entry in entries)
            if (
                len(entries) > MAX_PACKAGE_ENTRIES
                or unpacked > MAX_UNPACKED_BYTES
                or unpacked > MAX_UNPACKED_RATIO * max(upload.size or 0, 1)
            ):
                return None
            info = package.getinfo("[Content_Types].xml")
            if info.file_size > MAX_CONTENT_TYPES_BYTES:
                return None
            content_types = package.read(info).decode("utf-8", errors="replace")
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, NotImplementedError):
        return None
    for file_type, main_part in OFFICE_MAIN_PARTS:
        if f'ContentType="{main_part}"' in content_types:
            return file_type
    return None


def _sniff(upload) -> FileType | None:
    upload.seek(0)
    header = upload.read(HEADER_BYTES)
    if header.startswith(b"%PDF-"):
        return PDF
    if header.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if header.startswith(b"\xff\xd8\xff"):
        return JPEG
    if header.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if header[:4] == b"RIFF" and header[8:12] == b"WEBP":
        return WEBP
    if header.startswith(b"PK\x03\x04"):
        return _office_type(upload)
    return None


def check_upload(upload) -> FileType:
    """The type of an uploaded file, or a ValidationError a person can act on.

    Refuses files over MATERIAL_UPLOAD_MAX_MB, any content that is not one of the allowed
    types (SVG, HTML, scripts and programs among them), and a name whose extension says
    something other than the content.
    """
    limit = max_upload_bytes()
    if upload.size is None or upload.size > limit:
        raise ValidationError(
            _("The file is larger than %(limit)s. Upload a smaller file.")
            % {"limit": filesizeformat(limit)},
            code="too_large",
        )
    if upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    upload.seek(0)
    if upload.read(HEADER_BYTES).startswith(PROGRAM_SIGNATURES):
        raise ValidationError(
            _("This file is a program, not a document, so it cannot be uploaded. %(types)s")
            % {"types": allowed_types_sentence()},
            code="program",
        )
    file_type = _sniff(upload)
    upload.seek(0)
    if file_type is None:
        raise ValidationError(
            _("This type of file cannot be uploaded. %(types)s")
            % {"types": allowed_types_sentence()},
            code="type",
        )
    extension = PurePath(upload.name or "").suffix.lower()
    if extension not in (file_type.extension, *file_type.aliases):
        raise ValidationError(
            _(
                "The file's name ends in “%(extension)s” but its content is of another "
                "type (%(label)s). Rename it to end in “%(expected)s”, or upload the file "
                "you meant."
            )
            % {
                "extension": extension or _("nothing"),
                "label": file_type.label,
                "expected": file_type.extension,
            },
            code="mismatch",
        )
    return file_type


def download_name(name: str) -> str:
    """The person's own file name, reduced to something safe in a download header."""
    path = PurePath(name.replace("\\", "/"))
    cleaned = "".join(c for c in path.name if c.isprintable() and c not in '"<>:/\\|?*')
    return cleaned.strip(" .")[:150] or "download"


def type_label(content_type: str) -> str:
    """A short name for a stored file's type, as people know it ("PDF", "Word document")."""
    for file_type in ALLOWED:
        if file_type.content_type == content_type:
            return str(file_type.label)
    return _("File")
