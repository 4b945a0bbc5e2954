"""QR codes as SVG: the certificates' verification link and the two-factor set-up.

The symbol comes from zxing-cpp (its encoder is Zint, in C): error correction level M,
the smallest version that holds the text, with the text split into the modes that make
it shortest and the mask chosen by the penalty rules of ISO/IEC 18004 — in a tenth of a
millisecond, where a pure-Python encoder took four. The SVG is drawn here: one path of
dark runs on a light square, in module units, so it is sharp at any size.
"""

import base64
import re

import zxingcpp
from django.utils.html import escape

_DARK_RUN = re.compile(rb"\x00+")  # zxing-cpp's image: 0 for a dark module, 255 light


def qr_svg(text: str, *, border: int = 2, scale: int | None = None, title: str = "") -> str:
    """An SVG QR code for `text`: `border` light modules around it, `scale` pixels a
    module when given (otherwise it fills whatever box it is put in), and a `title` for
    readers of an inline SVG."""
    symbol = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    modules = memoryview(symbol.to_image(scale=1, add_quiet_zones=False))
    height, width = modules.shape
    rows = modules.tobytes()
    runs = []
    for y in range(height):
        for run in _DARK_RUN.finditer(rows, y * width, (y + 1) * width):
            x, length = run.start() - y * width, len(run.group())
            runs.append(f"M{x + border} {y + border}h{length}v1h-{length}z")
    path = "".join(runs)
    size = width + 2 * border
    attributes = f' width="{size * scale}" height="{size * scale}"' if scale else ""
    title_element = ""
    if title:
        attributes += f' role="img" aria-label="{escape(title)}"'
        title_element = f"<title>{escape(title)}</title>"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}"{attributes}'
        f' shape-rendering="crispEdges">{title_element}'
        f'<rect width="{size}" height="{size}" fill="#fff"/><path fill="#000" d="{path}"/></svg>'
    )


def qr_svg_data_uri(text: str) -> str:
    """The same as a data: URI, for an <img>."""
    svg = qr_svg(text).encode()
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode()
