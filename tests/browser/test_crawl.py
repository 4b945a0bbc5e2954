"""Every page a demo account can reach by following links works for that account.

For each demo account (and an anonymous visitor) a breadth-first walk follows every
same-origin link the pages show (GET only) and checks each page the way the outside
review does: no error status, no console error or failed asset, axe-core and the Nu Html
Checker pass, and no other person's data on it. A link the portal shows must work: a 403
or 404 behind a link is a fault of the page that shows it.

One pass per account on a shared browser, in English (the journeys check every page
they visit in Welsh too); `-m "not crawl"` leaves it out.
"""

import logging
from collections import deque
from urllib.parse import urldefrag, urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError

from accounts.models import User
from cohorts.models import Application, Cohort

from .conftest import assert_passes_checks, sign_in, watch

pytestmark = pytest.mark.crawl
logger = logging.getLogger(__name__)

PAGE_LIMIT = 150
# Signing out ends the walk; the back office is Django's own admin, checked for its status
# only (its pages are not the product's and are not followed).
SKIP_PATHS = ("/accounts/logout/",)
BACK_OFFICE = "/back-office/"


def _people_of_other_organisations(organisation_name: str) -> list[User]:
    return list(
        User.objects.filter(role__in=[User.Role.PARTICIPANT, User.Role.SPONSOR])
        .exclude(organisation__name=organisation_name)
        .exclude(organisation=None)
    )


def _forbidden_text(email: str | None) -> list[str]:
    """Names and addresses of people this account must never be shown."""
    if email is None:
        people = User.objects.filter(role__in=[User.Role.PARTICIPANT, User.Role.SPONSOR])
    elif email == "admin@example.org":
        return []
    elif email == "facilitator@example.org":
        # Applicants who only applied to cohorts someone else runs.
        own = Cohort.objects.filter(facilitators__email=email)
        mine = Application.objects.filter(cohort__in=own).values("applicant")
        people = User.objects.filter(applications__isnull=False).exclude(pk__in=mine)
    else:
        user = User.objects.get(email=email)
        people = _people_of_other_organisations(user.organisation.name)
        if user.role == User.Role.PARTICIPANT:
            # A participant sees no other participant at all, even a colleague.
            people = User.objects.filter(role=User.Role.PARTICIPANT).exclude(pk=user.pk)
    texts = set()
    for person in people:
        texts.add(person.email)
        texts.add(person.full_name)
    return sorted(texts)


def _links(page) -> list[tuple[str, bool]]:
    return page.eval_on_selector_all(
        "a[href]", "links => links.map(a => [a.href, a.hasAttribute('download')])"
    )


@pytest.mark.parametrize(
    "email",
    [
        None,
        "admin@example.org",
        "facilitator@example.org",
        "sponsor@example.org",
        "participant@example.org",
        "participant2@example.org",
    ],
    ids=["anonymous", "admin", "facilitator", "sponsor", "participant", "participant2"],
)
def test_every_linked_page_works_is_accessible_and_shows_only_what_the_person_may_see(
    browser, live_server, html_checker, demo_data, email
):
    forbidden = _forbidden_text(email)
    origin = live_server.url
    context = browser.new_context(base_url=origin, locale="en-GB")
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.html_checker = html_checker
    page.last_document = None
    problems: list[str] = []
    current = {"url": "/"}

    def report(problem: str) -> None:
        problems.append(f"{current['url']}: {problem}")
        # Live with --log-cli-level=WARNING, long before the walk ends.
        logger.warning("[%s] %s", email or "anonymous", problems[-1])

    watch(page, report)
    try:
        if email is not None:
            sign_in(page, email)
        start = urlsplit(page.url).path if email is not None else "/"
        queue = deque([(start, "(start)"), ("/", "(start)")])
        seen = {start, "/"}
        visited = 0
        while queue and visited < PAGE_LIMIT:
            path, linked_from = queue.popleft()
            current["url"] = path
            if path.startswith(BACK_OFFICE):
                response = context.request.get(path)
                if response.status >= 400:
                    report(f"status {response.status} (linked from {linked_from})")
                continue
            visited += 1
            page.last_document = None
            try:
                response = page.goto(path)
            except PlaywrightError as error:
                if "Download is starting" not in str(error):
                    report(f"could not open (linked from {linked_from}): {error}")
                    continue
                response = None
            if response is None:
                # A download: the file must come, as an attachment.
                download = context.request.get(path)
                if download.status >= 400:
                    report(f"download status {download.status} (linked from {linked_from})")
                continue
            if response.status >= 400:
                report(f"status {response.status} (linked from {linked_from})")
                continue
            if "text/html" not in response.headers.get("content-type", ""):
                continue
            try:
                assert_passes_checks(page)
            except AssertionError as failure:
                report(str(failure))
            text = page.content()
            leaked = [item for item in forbidden if item in text]
            if leaked:
                report(f"shows other people's data: {leaked}")
            for href, is_download in _links(page):
                url, _ = urldefrag(href)
                parts = urlsplit(url)
                if f"{parts.scheme}://{parts.netloc}" != origin:
                    continue
                target = parts.path + (f"?{parts.query}" if parts.query else "")
                if target in seen or parts.path.startswith(SKIP_PATHS):
                    continue
                seen.add(target)
                if is_download:
                    download = context.request.get(target)
                    if download.status >= 400:
                        problems.append(
                            f"{target}: download status {download.status} (linked from {path})"
                        )
                    continue
                queue.append((target, path))
    finally:
        context.close()
    assert not problems, f"{len(problems)} problems:\n" + "\n\n".join(problems)
