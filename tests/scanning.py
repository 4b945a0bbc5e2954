"""Reading QR codes back from a PDF, as a phone would from the printed page."""

import subprocess
from pathlib import Path

import zxingcpp
from PIL import Image


def qr_codes_in_pdf(pdf_path: Path, work_dir: Path) -> list[str]:
    """The texts of the QR codes on the PDF's first page, rasterised at 150 dpi."""
    subprocess.run(  # noqa: S603 - poppler's own tool on our own file
        ["pdftoppm", "-png", "-r", "150", "-singlefile", str(pdf_path), str(work_dir / "page")],  # noqa: S607
        check=True,
    )
    return [code.text for code in zxingcpp.read_barcodes(Image.open(work_dir / "page.png"))]
