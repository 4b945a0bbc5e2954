"""A participant's task done with the keyboard only: sign in, go to the course, mark a
material as done, switch to Welsh and back. Focus is always visible, never lost after an
htmx swap, updates are announced, the skip link works and nothing traps focus."""

import re

from django.conf import settings
from playwright.sync_api import expect

from accounts.models import User

from .conftest import wait_for_htmx

FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const style = getComputedStyle(el);
  const rect = el.getBoundingClientRect();
  const name = el.getAttribute('aria-label') || el.innerText || el.value || el.name || '';
  return {
    name: name.trim().replace(/\\s+/g, ' '),
    tag: el.tagName.toLowerCase(),
    tabbable: el.tabIndex >= 0,
    focusVisible: el.matches(':focus-visible'),
    outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
    shadow: style.boxShadow !== 'none',
    onScreen: rect.bottom > 0 && rect.top < innerHeight && rect.right > 0 && rect.left < innerWidth,
  };
}"""
TABBABLE = """() => [...document.querySelectorAll(
  'a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), select, ' +
  'textarea, [tabindex]:not([tabindex="-1"])'
)].filter(el => el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden')
  .length"""


def focused(page) -> dict:
    """What has focus, checked: something other than the page itself, shown on screen."""
    focus = page.evaluate(FOCUS)
    assert focus is not None, f"Focus is lost (on the page itself) at {page.url}"
    assert focus["outline"] or focus["shadow"], f"Focus is not visible on {focus}"
    assert focus["onScreen"], f"The focused element is off screen: {focus}"
    return focus


def press(page, key: str) -> dict:
    page.keyboard.press(key)
    return focused(page)


def tab_to(page, name, limit: int = 80, key: str = "Tab") -> dict:
    """Tab (or Shift+Tab) until the focused element's accessible name matches `name`."""
    for _ in range(limit):
        focus = press(page, key)
        assert focus["focusVisible"], f"Focus reached by Tab does not match :focus-visible: {focus}"
        if re.fullmatch(name, focus["name"]):
            return focus
    raise AssertionError(f"Tab never reached {name!r} on {page.url}")


def test_a_participant_marks_a_material_done_with_the_keyboard_only(page, demo_data):
    page.goto("/")

    # The skip link is the first stop, visible when focused, and moves focus to the page.
    skip = tab_to(page, "Skip to main content", limit=1)
    assert skip["tag"] == "a"
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    press(page, "Tab")
    expect(page.get_by_role("main").get_by_role("link").first).to_be_focused()
    # Back up to the header's sign-in link; the sign-in page starts on the e-mail field.
    tab_to(page, "Sign in", key="Shift+Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_label("Email")).to_be_focused()
    page.keyboard.type("participant@example.org")
    press(page, "Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type("academy-demo")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name="Hello, Sam")).to_be_visible()

    tab_to(page, "Your courses")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name="Your courses")).to_be_visible()
    tab_to(page, r"Leadership Academy \d+: Autumn cohort")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name="Leadership Academy")).to_be_visible()
    material = "A business case people actually read"
    tab_to(page, re.escape(f"Mark as done: {material}"))

    # Space presses the button; htmx swaps the module and focus lands on the new button.
    page.keyboard.press("Space")
    wait_for_htmx(page)
    expect(page.get_by_role("status")).to_contain_text(f"“{material}” marked as done")
    undo = page.get_by_role("button", name=f"Mark as not done: {material}")
    expect(undo).to_be_focused()
    assert focused(page)["focusVisible"]
    # Shift+Tab goes back to the material's link, inside the swapped module.
    assert press(page, "Shift+Tab")["name"] == material
    assert press(page, "Tab")["name"] == f"Mark as not done: {material}"
    page.keyboard.press("Enter")
    wait_for_htmx(page)
    expect(page.get_by_role("status")).to_contain_text(f"“{material}” marked as not done")
    expect(page.get_by_role("button", name=f"Mark as done: {material}")).to_be_focused()
    page.keyboard.press("Space")
    wait_for_htmx(page)
    expect(undo).to_be_focused()

    # No keyboard trap: Tab goes on to the footer's last link, off the page and round again.
    stops = page.evaluate(TABBABLE)
    passed = []
    for _ in range(stops + 2):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS)
        if focus is None or focus["name"] == "Skip to main content":
            break
        passed.append(focus["name"])
    else:
        raise AssertionError(f"Tab went round without leaving the page: {passed}")
    assert passed[-1] == "Verify a certificate"
    tab_to(page, "Skip to main content", limit=2)

    # The language switcher, in the header, by keyboard; the choice is remembered.
    tab_to(page, "Cymraeg")
    page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    assert User.objects.get(email="participant@example.org").preferred_language == "cy"
    cookie = {c["name"]: c["value"] for c in page.context.cookies()}
    assert cookie[settings.LANGUAGE_COOKIE_NAME] == "cy"
    tab_to(page, "English")
    page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "en-gb")
    expect(page.get_by_role("button", name=f"Mark as not done: {material}")).to_be_visible()
