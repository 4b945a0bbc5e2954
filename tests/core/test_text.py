from core.text import render_markdown


def test_headings_start_under_the_page_title_and_never_skip_a_level():
    html = render_markdown("Intro\n\n### Who it is for\n\ntext\n\n### What you leave with\n")
    assert "<h2>Who it is for</h2>" in html
    assert "<h2>What you leave with</h2>" in html
    assert "<h3" not in html


def test_nested_headings_keep_their_outline():
    html = render_markdown("# Title\n\n#### Deep\n\n## Part\n\n### Sub\n\n###### Tiny\n")
    assert html == "<h2>Title</h2>\n<h3>Deep</h3>\n<h3>Part</h3>\n<h4>Sub</h4>\n<h4>Tiny</h4>"
