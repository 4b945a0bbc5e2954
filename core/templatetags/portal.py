from django import template

from core.text import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text, top_heading=2):
    return render_markdown(text, top_heading)
