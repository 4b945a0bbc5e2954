"""QR codes drawn by core/qrcodes.py, read back by a decoder from a rendered page."""

import re

import pytest
import weasyprint

from core.qrcodes import qr_svg, qr_svg_data_uri
from tests.scanning import qr_codes_in_pdf


def read_back(html: str, tmp_path) -> list[str]:
    """The texts of the QR codes on the page `html`, printed and scanned at 150 dpi."""
    (tmp_path / "page.pdf").write_bytes(weasyprint.HTML(string=html).write_pdf())
    return qr_codes_in_pdf(tmp_path / "page.pdf", tmp_path)


@pytest.mark.parametrize(
    "text",
    [
        "https://academy.example.org/verify/ABCD-EFGH-JKLM-NPQR/",
        "otpauth://totp/Academy%20portal:rhiannon%40example.org?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
        "&algorithm=SHA1&digits=6&period=30&issuer=Academy%20portal",
    ],
)
def test_an_image_of_the_code_reads_back_as_its_text(text, tmp_path):
    page = f'<img src="{qr_svg_data_uri(text)}" style="width: 40mm" alt="">'
    assert read_back(page, tmp_path) == [text]


def test_an_inline_code_has_its_size_and_a_name_for_screen_readers(tmp_path):
    svg = qr_svg("https://academy.example.org/", scale=5, title='Scan "this" <code>')
    assert 'role="img"' in svg
    assert "<title>Scan &quot;this&quot; &lt;code&gt;</title>" in svg
    size = int(re.search(r'viewBox="0 0 (\d+) \1"', svg).group(1))  # modules, border included
    assert f'width="{size * 5}" height="{size * 5}"' in svg
    assert read_back(svg, tmp_path) == ["https://academy.example.org/"]
