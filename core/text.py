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


HEADING = re.compile(r"<(/?)h([1-6])>")


def render_markdown(text: str, top_heading: int = 2) -> SafeString:
    """Markdown to HTML with every script, event handler and style removed.

    Raw HTML in the source is allowed through Markdown and then cleaned by nh3, so the
    output can only contain the tags and attributes listed above. Headings move up or
    down together so that the highest is `top_heading` (the level below the page's own
    heading): a writer's "###" under a page's h1 would otherwise skip a level.
    """
    html = markdown.markdown(text or "", extensions=["tables", "sane_lists"])
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    levels = [int(level) for _, level in HEADING.findall(cleaned)]
    if levels and min(levels) != top_heading:
        shift = top_heading - min(levels)
        cleaned = HEADING.sub(
            lambda m: f"<{m.group(1)}h{min(int(m.group(2)) + shift, 6)}>", cleaned
        )
    return mark_safe(cleaned)  # noqa: S308 - nh3 has just sanitised it
