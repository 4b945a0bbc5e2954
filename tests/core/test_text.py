from core.text import render_markdown


def test_headings_move_so_the_highest_is_just_below_the_pages_own():
    html = render_markdown("Intro\n\n### Who it is for\n\ntext\n\n#### Details\n\nmore")
    assert "<h2>Who it is for</h2>" in html
    assert "<h3>Details</h3>" in html
    assert "<h1>" not in html
    assert "<h4>" not in html


def test_a_first_level_heading_never_competes_with_the_pages_title():
    html = render_markdown("# Title\n\n## Part", top_heading=3)
    assert html.startswith("<h3>Title</h3>")
    assert "<h4>Part</h4>" in html


def test_headings_never_skip_a_level():
    html = render_markdown("# Title\n\n#### Deep\n\n## Part\n\n### Sub\n\n###### Tiny\n")
    assert html == "<h2>Title</h2>\n<h3>Deep</h3>\n<h3>Part</h3>\n<h4>Sub</h4>\n<h5>Tiny</h5>"


def test_headings_stop_at_the_sixth_level():
    html = render_markdown("# A\n\n## B\n\n### C\n\n#### D\n\n##### E\n\n###### F", top_heading=3)
    assert html.endswith("<h6>D</h6>\n<h6>E</h6>\n<h6>F</h6>")


def test_raw_heading_attributes_are_removed_before_moving():
    html = render_markdown('<h4 class="x" onclick="alert(1)">Raw</h4>')
    assert html == "<h2>Raw</h2>"
