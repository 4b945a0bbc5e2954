"""Turning a certificate's HTML into a tagged PDF with WeasyPrint.

Only the task worker (and the demo and benchmark commands) import this module: the web
process never renders a PDF. WeasyPrint, the fonts and each design's stylesheet are
loaded once per process, when a worker process starts (see certificates.tasks) or else
the first time a certificate is rendered, and reused for every certificate after that.
"""

import functools
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

import weasyprint
from django.conf import settings
from weasyprint.text.fonts import FontConfiguration

from .pdf_designs import available_designs

STATIC_DIR = Path(settings.BASE_DIR) / "static"
DESIGNS_DIR = STATIC_DIR / "certificates" / "designs"

# PDF/UA-1 makes WeasyPrint tag the structure (headings, paragraphs, the QR code's
# alternative text) and write the title and language the tests read back.
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1", "pdf_tags": True}


class StaticFilesOnly(weasyprint.URLFetcher):
    """Lets a certificate load the portal's own static files and data: URIs, nothing else.

    A holder's name is text, but defence in depth: no rendering may reach the network
    or read files outside static/.
    """

    def __init__(self):
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)

    def fetch(self, url, headers=None):
        if url.startswith("file:"):
            path = Path(url2pathname(urlparse(url).path)).resolve()
            if not path.is_relative_to(STATIC_DIR):
                raise ValueError(f"Certificates may only use static files, not {url}")
        return super().fetch(url, headers)


@functools.cache
def _design(design: str) -> tuple[FontConfiguration, list[weasyprint.CSS]]:
    """The fonts and parsed stylesheets of one design, kept for the life of the process."""
    font_config = FontConfiguration()
    stylesheets = [
        weasyprint.CSS(
            filename=str(DESIGNS_DIR / name),
            font_config=font_config,
            url_fetcher=StaticFilesOnly(),
        )
        for name in ("base.css", f"{design}.css")
    ]
    return font_config, stylesheets


def render_pdf(html: str, *, design: str) -> bytes:
    """The PDF of `html` (from certificates.documents) in `design`."""
    font_config, stylesheets = _design(design)
    document = weasyprint.HTML(string=html, base_url=str(STATIC_DIR), url_fetcher=StaticFilesOnly())
    return document.write_pdf(stylesheets=stylesheets, font_config=font_config, **PDF_OPTIONS)


def load_designs() -> None:
    """Load WeasyPrint and every design now, by rendering a line of text in each."""
    for design in sorted(available_designs()):
        render_pdf('<html lang="en"><p>Loading</p></html>', design=design)
