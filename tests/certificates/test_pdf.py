"""The real PDF, from WeasyPrint, read back with pypdf."""

import io

import pytest
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext
from pypdf import PdfReader

from certificates.documents import certificate_document
from certificates.pdf import StaticFilesOnly, render_pdf
from certificates.pdf_designs import available_designs, design_for
from tests.factories.academy import ProgrammeFactory
from tests.factories.certificates import CompletedEnrolmentFactory, IssuedCertificateFactory
from tests.scanning import qr_codes_in_pdf

pytestmark = pytest.mark.django_db


def issued(design: str, name: str = "Rhiannon Ŵyn ap Llŷr", programme: str = "Leadership Academy"):
    enrolment = CompletedEnrolmentFactory(
        user__full_name=name,
        cohort__programme=ProgrammeFactory(name=programme, certificate_design=design),
    )
    return IssuedCertificateFactory(enrolment=enrolment, renderer=render_pdf)


def read(certificate) -> PdfReader:
    with certificate.pdf.open("rb") as stored:
        return PdfReader(io.BytesIO(stored.read()))


def test_the_pdf_says_who_completed_what_and_carries_the_code():
    certificate = issued("leadership-academy")
    text = read(certificate).pages[0].extract_text()
    assert "Rhiannon Ŵyn ap Llŷr" in text
    assert "Leadership Academy" in text
    assert certificate.cohort_title in text
    assert certificate.display_code in text


def test_the_pdf_is_one_a4_landscape_page():
    reader = read(issued("empowering-women"))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)


def test_the_pdf_is_tagged_with_title_author_and_language():
    certificate = issued("standard")
    reader = read(certificate)
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert bool(root["/MarkInfo"]["/Marked"])
    assert root["/Lang"] == "en-GB"
    assert reader.metadata.title.startswith("Certificate of completion: Rhiannon")
    assert reader.metadata.author == "Academy portal"
    assert b"pdfuaid" in reader.xmp_metadata.stream.get_data()


def fonts(reader: PdfReader) -> set[str]:
    found = set()
    for font in reader.pages[0]["/Resources"]["/Font"].values():
        found.add(str(font.get_object()["/BaseFont"]).split("+", 1)[1])
    return found


def test_the_fonts_are_the_projects_own_and_each_programme_has_its_design():
    academy = fonts(read(issued("leadership-academy")))
    women = fonts(read(issued("empowering-women", programme="Empowering Women")))
    standard = fonts(read(issued("standard", programme="Other")))
    assert all(name.startswith(("Source-", "Playfair-")) for name in academy | women | standard)
    assert any(name.startswith("Source-Serif-4") for name in academy)
    assert any(name.startswith("Playfair-Display") for name in women)
    assert not any(name.startswith(("Source-Serif", "Playfair")) for name in standard)


def test_a_programme_without_a_design_of_its_own_gets_the_standard_one():
    assert {"standard", "leadership-academy", "empowering-women"} <= available_designs()
    assert design_for("no-such-design") == "standard"
    certificate = issued("no-such-design")
    assert certificate_document(certificate).design == "standard"
    assert 'class="design-standard"' in certificate_document(certificate).html


@pytest.mark.parametrize("design", sorted(available_designs()))
def test_the_printed_qr_code_opens_the_verification_page(design, tmp_path):
    certificate = issued(design)
    assert "QR code that opens the verification page" in certificate_document(certificate).html
    with certificate.pdf.open("rb") as stored:
        (tmp_path / "certificate.pdf").write_bytes(stored.read())
    assert qr_codes_in_pdf(tmp_path / "certificate.pdf", tmp_path) == [
        certificate.get_public_verification_url()
    ]


def test_rendering_cannot_reach_the_network_or_files_outside_static():
    fetcher = StaticFilesOnly()
    for url in ("https://example.org/x.css", "file:///etc/passwd"):
        with pytest.raises(ValueError, match="disallowed|only use static"):
            fetcher.fetch(url)


def test_the_web_process_never_loads_weasyprint():
    """Every URL's view and the services load without WeasyPrint; only the worker does."""
    import subprocess
    import sys

    from django.conf import settings

    code = (
        "import django, sys; django.setup(); "
        "from django.urls import get_resolver; get_resolver().url_patterns; "
        "import certificates.views, certificates.services, certificates.tasks, core.views; "
        "sys.exit('weasyprint' in sys.modules)"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, capture_output=True, check=False
    )
    assert result.returncode == 0, result.stderr.decode()[-2000:]


def certificate_in(language: str, *, bilingual: bool = False):
    enrolment = CompletedEnrolmentFactory(
        user__full_name="Rhiannon Ŵyn ap Llŷr",
        user__preferred_language=language,
        cohort__programme=ProgrammeFactory(
            certificate_design="standard", bilingual_certificates=bilingual
        ),
    )
    return IssuedCertificateFactory(enrolment=enrolment, renderer=render_pdf)


def wording(certificate, language: str) -> tuple[str, str]:
    """The title and the completion date as the certificate writes them in `language`."""
    with translation.override(language):
        return gettext("Certificate of completion"), gettext("Completed on %(date)s") % {
            "date": date_format(certificate.completed_on, "j F Y")
        }


def test_a_welsh_speakers_certificate_is_in_welsh():
    certificate = certificate_in("cy")
    reader = read(certificate)
    assert len(reader.pages) == 1
    assert reader.trailer["/Root"]["/Lang"] == "cy"
    text = " ".join(reader.pages[0].extract_text().split())
    title, completed = wording(certificate, "cy")
    assert title in text
    assert completed in text
    english_title, english_date = wording(certificate, "en-gb")
    assert english_title not in text
    assert english_date not in text


@pytest.mark.parametrize("holder_language", ["cy", "en-gb"])
def test_a_programme_can_ask_for_bilingual_certificates_welsh_first(holder_language):
    certificate = certificate_in(holder_language, bilingual=True)
    assert certificate.bilingual
    reader = read(certificate)
    assert len(reader.pages) == 2
    for page, language in zip(reader.pages, ["cy", "en-gb"], strict=True):
        text = " ".join(page.extract_text().split())
        title, completed = wording(certificate, language)
        assert title in text
        assert completed in text
        assert certificate.display_code in text
    html = certificate_document(certificate).html
    assert '<div class="page" lang="cy">' in html
    assert '<div class="page" lang="en-GB">' in html


def test_a_new_worker_process_loads_every_design_and_freezes_what_it_loaded():
    import gc

    from django_q.signals import post_spawn

    from certificates import pdf

    pdf._design.cache_clear()
    try:
        post_spawn.send(sender="django_q", proc_name="Process-test")
        assert pdf._design.cache_info().currsize == len(available_designs())
        # Loaded before the first task, and left out of the collector's full passes.
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_a_worker_that_cannot_load_weasyprint_still_starts(monkeypatch, caplog):
    import gc

    from certificates import pdf, tasks

    def broken():
        raise OSError("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr(pdf, "load_designs", broken)
    try:
        tasks.worker_ready(sender="django_q", proc_name="Process-test")
    finally:
        gc.unfreeze()
    assert "could not load WeasyPrint" in caplog.text
