"""Browser journeys: Debian's Chromium driven by Playwright against a live server."""

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

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
    # It reads its spec for about 40 s on a busy machine.
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
        page.on(
            "console",
            lambda message: (
                message.type == "error"
                and "Failed to load resource" not in message.text
                and errors.append(message.text)
            ),
        )
        page.on("pageerror", lambda error: errors.append(str(error)))
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
                and errors.append(f"{response.status} {response.url}")
            ),
        )
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
    """The page as it is now passes axe-core and its HTML passes the Nu Html Checker.

    axe-core: no violation of the WCAG 2.0/2.1/2.2 A and AA rules in the live DOM.
    Nu Html Checker: no error in the HTML the server sent for the current document.
    """
    assert_valid_html(page)
    results = _axe.run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    violations = results.response["violations"]
    assert not violations, "\n".join(
        f"{v['id']}: {v['help']} ({len(v['nodes'])}) e.g. {v['nodes'][0]['html'][:200]}"
        for v in violations
    )


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
