"""Browser journeys: Debian's Chromium driven by Playwright against a live server."""

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect, sync_playwright

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VNU_JAR = Path(__file__).resolve().parents[2] / "node_modules/vnu-jar/build/dist/vnu.jar"
# Two test processes, Chromium, the live servers and the HTML checker share two cores.
expect.set_options(timeout=10_000)
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    """As in production, the busiest pages come from the page cache (core/pagecache.py):
    the journeys also show that nothing a person does is hidden behind a stale page."""
    settings.PAGE_CACHE_SECONDS = 60


@pytest.fixture(scope="session")
def browser():
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Debian's chromium is not installed (bin/test installs it).")
    # Playwright's sync API runs an event loop in this thread; the Django ORM calls the
    # tests make between browser steps are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def html_checker():
    """The Nu Html Checker (npm vnu-jar) as a local HTTP service, started once."""
    if not VNU_JAR.exists():
        pytest.fail("vnu.jar is missing: run `npm ci` (bin/test does).")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(  # noqa: S603 - the checker shipped in node_modules
        [
            shutil.which("java") or "java",
            "-Dnu.validator.servlet.bind-address=127.0.0.1",
            "-cp",
            str(VNU_JAR),
            "nu.validator.servlet.Main",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/?out=json"
    # Java starts slowly on a busy machine.
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            time.sleep(0.3)
    else:
        process.kill()
        pytest.fail("The Nu Html Checker did not start.")
    yield url
    process.terminate()
    process.wait(timeout=10)


def watch(page, report) -> None:
    """Keep the page's last document response, and `report` console and script errors and
    failed assets (a failed document is the caller's to judge)."""
    page.on(
        "console",
        lambda message: (
            message.type == "error"
            and "Failed to load resource" not in message.text
            and report(f"console error: {message.text}")
        ),
    )
    page.on("pageerror", lambda error: report(f"script error: {error}"))
    page.on(
        "response",
        lambda response: (
            response.request.resource_type == "document"
            and setattr(page, "last_document", response)
        ),
    )
    page.on(
        "response",
        lambda response: (
            response.status >= 400
            and response.request.resource_type != "document"
            and report(f"{response.status} for {response.url}")
        ),
    )


@pytest.fixture
def new_page(browser, live_server, html_checker):
    """Opens pages in fresh browser contexts (one per person), watched for errors."""
    contexts, errors = [], []

    def open_page(locale: str = "en-GB", **options):
        context = browser.new_context(base_url=live_server.url, locale=locale, **options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.html_checker = html_checker
        page.last_document = None
        page.open_page = open_page
        page.other_language = None
        watch(page, errors.append)
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert errors == [], f"The browser reported errors: {errors}"


@pytest.fixture
def page(new_page):
    return new_page()


_axe = Axe()


def assert_accessible(page):
    """The page as it is now, and the same address in the other language, pass the checks.

    axe-core: no violation of the WCAG 2.0/2.1/2.2 A and AA rules in the live DOM.
    Nu Html Checker: no error in the HTML the server sent for the current document.
    The other language (Welsh for an English page, English for a Welsh one) is opened by
    the same person in a second browser context, so this page keeps its state: a form
    half filled in, an htmx swap, focus.
    """
    assert_passes_checks(page)
    assert_passes_checks(_in_other_language(page))


def assert_passes_checks(page):
    """axe-core and the Nu Html Checker on the page as it is, in its own language only."""
    assert_valid_html(page)
    results = _axe.run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    violations = results.response["violations"]
    assert not violations, f"axe-core on {page.url}:\n" + "\n".join(
        f"{v['id']}: {v['help']} ({len(v['nodes'])}) e.g. {v['nodes'][0]['html'][:200]}"
        for v in violations
    )


def _in_other_language(page):
    """The page's address in the other language, seen with this context's cookies."""
    from django.conf import settings

    other = "en-gb" if page.locator("html").get_attribute("lang") == "cy" else "cy"
    twin = page.other_language
    if twin is None:
        twin = page.other_language = page.open_page(locale="cy" if other == "cy" else "en-GB")
    url = urlsplit(page.url)
    cookies = [c for c in page.context.cookies() if c["name"] != settings.LANGUAGE_COOKIE_NAME]
    cookies.append(
        {
            "name": settings.LANGUAGE_COOKIE_NAME,
            "value": other,
            "url": f"{url.scheme}://{url.netloc}",
        }
    )
    twin.context.clear_cookies()
    twin.context.add_cookies(cookies)
    # Without the fragment: going to the same address with only a new fragment would
    # scroll instead of loading the page again.
    address = url._replace(fragment="").geturl()
    response = twin.goto(address)
    assert response.ok, f"{address} in {other}: {response.status}"
    expect(twin.locator("html")).to_have_attribute("lang", other)
    return twin


@pytest.fixture
def demo_data(transactional_db):
    """The README's demo programmes, cohorts and accounts."""
    from django.core.management import call_command

    call_command("seed_demo", verbosity=0)


def sign_in(page, email: str, password: str = "academy-demo"):
    """Sign in through the form, as a person would."""
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", level=1).wait_for()


def assert_valid_html(page):
    response = page.last_document
    if response is None or "text/html" not in response.headers.get("content-type", ""):
        return
    body = response.body()
    request = urllib.request.Request(  # noqa: S310 - our own local checker
        page.html_checker,
        data=body,
        headers={"Content-Type": "text/html; charset=utf-8"},
    )
    with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310
        messages = json.load(answer)["messages"]
    errors = [m for m in messages if m["type"] == "error"]
    assert not errors, f"HTML errors in {response.url}:\n" + "\n".join(
        f"line {m.get('lastLine')}: {m['message']} [{m.get('extract', '')!r}]" for m in errors
    )


def wait_for_htmx(page):
    """Until htmx has finished its requests, swaps and settling (new content is live)."""
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
    )


SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
LAYOUT_PROBLEMS = (Path(__file__).parent / "layout_problems.js").read_text()


def assert_reflows(page, name: str):
    """The page reflows at 320 CSS px (WCAG 1.4.10) and its text resizes to 200 % (1.4.4).

    At 320 px wide, and at 1280 px with the root font size doubled, nothing scrolls
    sideways and no text is clipped, overlaps other text or leaves the viewport.
    Screenshots at 320 and 1280 px are written to test-artifacts/screenshots/<name>-*.png
    for people to review.
    """
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    original = page.viewport_size
    checks = [(320, "100%"), (1280, "100%"), (1280, "200%")]
    try:
        for width, text_size in checks:
            page.set_viewport_size({"width": width, "height": 800})
            page.evaluate("size => { document.documentElement.style.fontSize = size; }", text_size)
            where = f"{page.url} at {width} px, text {text_size}"
            scroll_width = page.evaluate("document.scrollingElement.scrollWidth")
            assert scroll_width <= width, f"{where} scrolls sideways ({scroll_width} px wide)"
            problems = page.evaluate(LAYOUT_PROBLEMS)
            assert not problems, f"{where}:\n" + "\n".join(problems)
            if text_size == "100%":
                page.screenshot(path=SCREENSHOTS / f"{name}-{width}.png", full_page=True)
    finally:
        page.evaluate("document.documentElement.style.removeProperty('font-size')")
        page.set_viewport_size(original)
