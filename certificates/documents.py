"""The HTML a certificate's PDF is made from: its design, wording and QR code.

Plain Django templating, safe to import anywhere; certificates.pdf turns the result
into a PDF in the task worker.
"""

from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from core.qrcodes import qr_svg_data_uri

from .models import Certificate
from .pdf_designs import design_for


@dataclass(frozen=True)
class CertificateDocument:
    html: str
    design: str


def certificate_languages(certificate: Certificate) -> list[str]:
    """The languages of the certificate's pages, in order.

    A bilingual certificate puts Welsh first, as the Welsh Language Standards ask of
    documents in both languages; otherwise it is in the holder's language.
    """
    if certificate.bilingual:
        return ["cy", "en-gb"]
    return [certificate.language or settings.LANGUAGE_CODE]


def _bcp47(language: str) -> str:
    """BCP 47 as PDF readers expect it ("en-GB"), from Django's "en-gb"."""
    return translation.to_locale(language).replace("_", "-")


def certificate_document(certificate: Certificate) -> CertificateDocument:
    """The HTML of `certificate` as it stands: one page per language, each in its language."""
    design = design_for(certificate.design)
    url = certificate.get_public_verification_url()
    languages = certificate_languages(certificate)
    context = {
        "certificate": certificate,
        "design": design,
        "issuer_name": settings.CERTIFICATE_ISSUER_NAME,
        "verification_url": url,
        "verification_page": f"{settings.SITE_URL}/verify/",
        "qr_code": qr_svg_data_uri(url),
        "language": _bcp47(languages[0]),
        # The design's page is rendered once per language, inside {% language %}.
        "pages": [{"code": code, "lang": _bcp47(code)} for code in languages],
    }
    with translation.override(languages[0]):
        html = render_to_string(f"certificates/designs/{design}.html", context)
    return CertificateDocument(html=html, design=design)
