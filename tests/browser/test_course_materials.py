"""A facilitator builds and orders a module by keyboard; a participant follows it."""

import re

from playwright.sync_api import expect

from tests.factories.academy import PDF_BYTES

from .conftest import assert_accessible, sign_in

MODULE = "Working with elected members"


def build_module(page):
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Course content").click()
    expect(page.get_by_role("heading", level=1, name="Course content")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Shared content of Leadership Academy").click()
    assert_accessible(page)
    page.get_by_role("link", name="Add a module").click()
    page.get_by_label("Title").fill(MODULE)
    page.get_by_label("Summary").fill("Briefing councillors and board members on digital work.")
    page.get_by_label("When the cohort starts").check()
    page.get_by_label("Show to participants as soon as it opens").check()
    assert_accessible(page)
    page.get_by_role("button", name="Add module").click()
    expect(page.get_by_role("heading", level=1, name=MODULE)).to_be_visible()

    page.get_by_role("link", name="Add a page").click()
    page.get_by_label("Title").fill("Writing a one-page briefing")
    page.get_by_label("Text").fill("Start with the decision you need.\n\n- Keep it short")
    page.get_by_label("Estimated time in minutes").fill("10")
    assert_accessible(page)
    page.get_by_role("button", name="Add material").click()

    page.get_by_role("link", name="Add a file").click()
    page.get_by_label("Title").fill("Briefing template")
    page.get_by_label("File").set_input_files(
        files=[
            {"name": "briefing-template.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
        ]
    )
    page.get_by_role("button", name="Add material").click()

    page.get_by_role("link", name="Add a link").click()
    page.get_by_label("Title").fill("Local Government Association guidance")
    page.get_by_label("Web address").fill("https://www.local.gov.uk/")
    page.get_by_role("button", name="Add material").click()
    expect(page.get_by_text("“Local Government Association guidance” added.")).to_be_visible()


def material_titles(page):
    return page.locator("#material-list h3").all_inner_texts()


def test_facilitator_builds_and_reorders_by_keyboard_and_participant_sees_it(
    page, new_page, demo_data
):
    sign_in(page, "facilitator@example.org")
    build_module(page)
    assert material_titles(page) == [
        "Writing a one-page briefing",
        "Briefing template",
        "Local Government Association guidance",
    ]
    assert_accessible(page)

    # Keyboard only: focus the button and press Enter, then Space.
    move_up = page.get_by_role("button", name="Move up: Local Government Association guidance")
    move_up.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#messages")).to_contain_text("moved to position 2 of 3")
    expect(move_up).to_be_focused()
    assert material_titles(page)[1] == "Local Government Association guidance"

    page.keyboard.press("Space")
    expect(page.locator("#messages")).to_contain_text("moved to position 1 of 3")
    # At the top there is no "Move up" any more: focus stays on the same item.
    expect(
        page.get_by_role("button", name="Move down: Local Government Association guidance")
    ).to_be_focused()
    assert material_titles(page) == [
        "Local Government Association guidance",
        "Writing a one-page briefing",
        "Briefing template",
    ]
    assert_accessible(page)
    page.reload()
    assert material_titles(page)[0] == "Local Government Association guidance"

    # The participant of that cohort, in a browser of their own.
    participant = new_page()
    sign_in(participant, "participant@example.org")
    participant.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Your courses"
    ).click()
    participant.get_by_role(
        "link", name=re.compile(r"Leadership Academy \d{4}: Autumn cohort")
    ).click()
    module = participant.get_by_role("region", name=MODULE)
    expect(module).to_be_visible()
    expect(module.get_by_role("link")).to_have_text(
        [
            "Local Government Association guidance",
            "Writing a one-page briefing",
            "Briefing template",
        ]
    )
    expect(participant.get_by_text(re.compile(r"Opens on \d+ \w+ \d{4}\.")).first).to_be_visible()
    assert_accessible(participant)

    mark = module.get_by_role("button", name="Mark as done: Writing a one-page briefing")
    mark.click()
    expect(
        module.get_by_role("button", name="Mark as not done: Writing a one-page briefing")
    ).to_be_focused()
    expect(participant.locator("#messages")).to_contain_text("marked as done")

    module.get_by_role("link", name="Briefing template").click()
    expect(participant.get_by_role("heading", level=1, name="Briefing template")).to_be_visible()
    assert_accessible(participant)
    with participant.expect_download() as download:
        participant.get_by_role("link", name="Download briefing-template.pdf").click()
    assert download.value.suggested_filename == "briefing-template.pdf"
    participant.get_by_role("link", name=re.compile("Previous")).click()
    expect(
        participant.get_by_role("heading", level=1, name="Writing a one-page briefing")
    ).to_be_visible()
