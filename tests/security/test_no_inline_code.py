"""Pages carry no inline script, style or event handler: the CSP would block them, and
their absence is what lets the CSP forbid them."""

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# E-mails are not served as pages, and certificate designs are rendered to PDF.
EXEMPT = ("emails/", "certificates/designs/")
PATTERNS = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),
    "style element": re.compile(r"<style\b", re.I),
    "style attribute": re.compile(r"\sstyle\s*=", re.I),
    "event handler": re.compile(r"\son[a-z]+\s*=", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
    "bare htmx attribute": re.compile(r"\shx-[a-z-]+\s*=", re.I),
}


def _page_templates():
    return [
        path
        for path in sorted(TEMPLATES.rglob("*.html"))
        if not str(path.relative_to(TEMPLATES)).startswith(EXEMPT)
    ]


@pytest.mark.parametrize("name", list(PATTERNS))
def test_no_page_template_has(name):
    pattern = PATTERNS[name]
    offenders = [
        f"{path.relative_to(TEMPLATES)}: {match.group(0)!r}"
        for path in _page_templates()
        for match in pattern.finditer(path.read_text())
    ]
    assert offenders == []
