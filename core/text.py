"""Turning text written in the portal into safe HTML."""

import re

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
    "li", "ol", "p", "pre", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}}
HEADING_TAG = re.compile(r"<(/?)h([1-6])\b")


def _nest_headings(html: str, top: int) -> str:
    """Headings renumbered so the highest is `top` and none skips a level.

    Writers pick "###" for the look of it; a page going from its h1 to an h3 fails WCAG
    (and the HTML checker), and an h1 in the text would be a second page title.
    """
    levels = sorted({int(level) for closing, level in HEADING_TAG.findall(html) if not closing})
    rank = {level: min(top + index, 6) for index, level in enumerate(levels)}
    previous = top - 1

    def renumber(match: re.Match) -> str:
        nonlocal previous
        if match[1]:
            return f"</h{previous}"
        previous = min(rank[int(match[2])], previous + 1)
        return f"<h{previous}"

    return HEADING_TAG.sub(renumber, html)


def render_markdown(text: str, top_heading: int = 2) -> SafeString:
    """Markdown to HTML with every script, event handler and style removed.

    Raw HTML in the source is allowed through Markdown and then cleaned by nh3, so the
    output can only contain the tags and attributes listed above. Headings move up or
    down together so that the highest is `top_heading` (the level below the page's own
    heading) and no heading skips a level.
    """
    html = markdown.markdown(text or "", extensions=["tables", "sane_lists"])
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    return mark_safe(_nest_headings(cleaned, top_heading))  # noqa: S308 - nh3 has just sanitised it
