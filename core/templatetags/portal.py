from django import template

from core.text import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text, top_heading=2):
    return render_markdown(text, top_heading)


@register.filter
def hours(minutes) -> str:
    """Minutes as hours with up to two decimals, for example 90 → "1.5"."""
    return f"{(minutes or 0) / 60:.2f}".rstrip("0").rstrip(".")
