import factory

from academy.models import Material, MaterialProgress, Module, Programme


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    name = factory.Sequence(lambda n: f"Programme {n}")
    slug = factory.Sequence(lambda n: f"programme-{n}")
    summary = "A programme for leaders."
    description = "Longer description of the programme."


class ModuleFactory(factory.django.DjangoModelFactory):
    """A published shared module, open from the cohort's start."""

    class Meta:
        model = Module

    programme = factory.SubFactory(ProgrammeFactory)
    cohort = None
    title = factory.Sequence(lambda n: f"Module {n}")
    summary = "What this module is about."
    position = factory.Sequence(lambda n: n + 1)
    is_published = True


class MaterialFactory(factory.django.DjangoModelFactory):
    """A published written page."""

    class Meta:
        model = Material

    module = factory.SubFactory(ModuleFactory)
    kind = Material.Kind.PAGE
    title = factory.Sequence(lambda n: f"Material {n}")
    body = "Some **useful** reading."
    position = factory.Sequence(lambda n: n + 1)
    estimated_minutes = 10


class MaterialProgressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MaterialProgress

    material = factory.SubFactory(MaterialFactory)


# --- Uploads ---------------------------------------------------------------------------

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def office_bytes(main_part: str) -> bytes:
    """A minimal Office Open XML package declaring `main_part` as its main document."""
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/'
            '2006/content-types"><Override PartName="/word/document.xml" '
            f'ContentType="{main_part}"/></Types>',
        )
        package.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"


def upload(name: str, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)
