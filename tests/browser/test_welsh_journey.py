"""Each demo role's main pages in Welsh: no string of the catalogue is left in English.

The check is against the catalogue, not by eye: every visible text (and every accessible
name a screen reader reads: alt, aria-label, title, placeholder, button values) that
equals an English msgid whose Welsh differs is a failure. Text in an element marked with
another language (the "English" button of the switcher) and the demo data itself
(names of programmes, cohorts, people...) are not interface strings and are left out.

A failure names the English strings: run scripts/messages.sh and translate them in
locale/cy/LC_MESSAGES/django.po (see locale/README.md); strings added on other branches
are translated when the branches are merged.
"""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from .conftest import assert_accessible

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "cy" / "LC_MESSAGES" / "django.po"

# Visible text nodes and accessible names, each with the language it is marked as.
VISIBLE_TEXTS = """() => {
  const texts = [];
  const langOf = (element) => (element.closest('[lang]') || document.documentElement).lang;
  const shown = (element) => element.checkVisibility
    ? element.checkVisibility({visibilityProperty: true, opacityProperty: false})
    : element.getClientRects().length > 0;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const element = node.parentElement;
    if (!element || ['SCRIPT', 'STYLE', 'TEMPLATE'].includes(element.tagName)) continue;
    if (node.textContent.trim() && (shown(element) || element.closest('.visually-hidden'))) {
      texts.push([node.textContent, langOf(element)]);
    }
  }
  for (const element of document.querySelectorAll(
      '[alt], [aria-label], [title], [placeholder], input[type=submit][value], '
      + 'input[type=button][value]')) {
    for (const name of ['alt', 'aria-label', 'title', 'placeholder', 'value']) {
      const value = element.getAttribute(name);
      if (value && (name !== 'value' || element.type === 'submit' || element.type === 'button')) {
        texts.push([value, langOf(element)]);
      }
    }
  }
  texts.push([document.title, document.documentElement.lang]);
  return texts;
}"""


def _normalise(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def english_interface() -> dict[str, str]:
    """English msgid → Welsh, for the catalogue's strings whose Welsh differs."""
    strings = {}
    for entry in polib.pofile(str(CATALOGUE)):
        forms = (
            [(entry.msgid, entry.msgstr_plural.get(0, "")), (entry.msgid_plural, "")]
            if entry.msgid_plural
            else [(entry.msgid, entry.msgstr)]
        )
        for english, welsh in forms:
            english = _normalise(english)
            if english and "%(" not in english and english != _normalise(welsh):
                strings[english] = welsh
    return strings


def _demo_data_texts() -> set[str]:
    """What the demo data says: content, not interface, so the same in both languages."""
    from academy.models import Material, Module, Programme
    from accounts.models import Organisation, User
    from cohorts.models import Cohort
    from scheduling.models import Session

    texts = set()
    for model, fields in [
        (Programme, ["name", "summary"]),
        (Cohort, ["title", "venue"]),
        (Module, ["title", "summary"]),
        (Material, ["title"]),
        (Session, ["title"]),
        (Organisation, ["name"]),
        (User, ["full_name", "job_title"]),
    ]:
        for row in model.objects.values_list(*fields):
            texts.update(_normalise(value) for value in row if value)
    return texts


def interface_strings_in_english(page, english_interface, data_texts) -> list[str]:
    """The catalogue's English strings the page shows as text of its own language."""
    page_language = page.evaluate("document.documentElement.lang")
    return sorted(
        {
            text
            for raw, language in page.evaluate(VISIBLE_TEXTS)
            if language == page_language
            and (text := _normalise(raw)) in english_interface
            and text not in data_texts
        }
    )


def assert_all_welsh(page, english_interface, data_texts):
    assert page.evaluate("document.documentElement.lang") == "cy", page.url
    left = interface_strings_in_english(page, english_interface, data_texts)
    assert not left, (
        f"English on the Welsh page {page.url}: {left}. Run scripts/messages.sh and "
        "translate them in locale/cy/LC_MESSAGES/django.po (see locale/README.md)."
    )


def visit(page, path: str, english_interface, data_texts):
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_all_welsh(page, english_interface, data_texts)
    assert_accessible(page)


def sign_in_in_welsh(page, email: str):
    """Sign in through the Welsh form, then choose Cymraeg (the demo people chose English)."""
    page.goto("/accounts/login/")
    page.get_by_label("E-bost").fill(email)
    page.get_by_label("Cyfrinair").fill("academy-demo")
    page.get_by_role("button", name="Mewngofnodi").click()
    page.get_by_role("heading", level=1).wait_for()
    if page.evaluate("document.documentElement.lang") != "cy":
        page.get_by_role("button", name="Cymraeg").click()
        expect(page.locator("html")).to_have_attribute("lang", "cy")


def role_pages(email: str) -> list[str]:
    from certificates.models import Certificate
    from cohorts.models import Cohort, Enrolment
    from scheduling.models import Session

    pages = [reverse("core:dashboard"), reverse("accounts:profile")]
    if email.startswith("participant"):
        enrolment = Enrolment.objects.filter(user__email=email).order_by("pk").first()
        pages += [
            reverse("academy:course-list"),
            reverse("academy:course-detail", args=[enrolment.pk]),
            reverse("scheduling:my-schedule"),
            reverse("cohorts:application-list-mine"),
            reverse("academy:learning-record"),
        ]
        certificate = Certificate.objects.filter(enrolment__user__email=email).first()
        if certificate:
            pages.append(reverse("certificates:verify-detail", args=[certificate.display_code]))
    elif email.startswith("sponsor"):
        pages += [
            reverse("cohorts:nomination-list"),
            reverse("cohorts:application-list-organisation"),
            reverse("certificates:organisation-list"),
            reverse("academy:organisation-progress"),
        ]
    elif email.startswith("facilitator"):
        cohort = Cohort.objects.filter(facilitators__email=email).order_by("starts_on").first()
        pages += [
            reverse("cohorts-manage:cohort-list"),
            reverse("cohorts-manage:cohort-home", args=[cohort.pk]),
            reverse("cohorts:application-queue", args=[cohort.pk]),
            reverse("academy:progress-grid", args=[cohort.pk]),
            reverse("scheduling:session-list", args=[cohort.pk]),
            reverse("academy:content-list"),
            reverse("certificates:cohort-list"),
        ]
        session = Session.objects.filter(cohort=cohort).order_by("starts_at").first()
        if session:
            pages.append(reverse("scheduling:session-detail", args=[session.pk]))
    elif email.startswith("admin"):
        pages += [
            reverse("academy-manage:programme-list"),
            reverse("cohorts-manage:cohort-list"),
            reverse("people:person-list"),
            reverse("people:organisation-list"),
            reverse("cohorts:question-set-list"),
            reverse("audit:entry-list"),
        ]
    return pages


def test_a_visitor_sees_the_public_pages_in_welsh(new_page, demo_data, english_interface):
    from academy.models import Programme

    page = new_page(locale="cy")
    data_texts = _demo_data_texts()
    programme = Programme.objects.filter(is_published=True).order_by("name").first()
    for path in [
        reverse("academy:home"),
        programme.get_absolute_url(),
        reverse("certificates:verify"),
        reverse("accounts:login"),
        reverse("accounts:signup"),
        reverse("core:accessibility"),
        reverse("core:privacy"),
    ]:
        visit(page, path, english_interface, data_texts)
    # A refused form shows Welsh errors, Django's own included.
    page.goto(reverse("accounts:signup"))
    page.get_by_role("button", name=re.compile("Creu")).click()
    assert_all_welsh(page, english_interface, data_texts)
    # The same check on the English page finds the interface, so it is not blind.
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en-gb")
    assert len(interface_strings_in_english(page, english_interface, data_texts)) > 10


@pytest.mark.parametrize(
    "email",
    [
        "participant@example.org",
        "sponsor@example.org",
        "facilitator@example.org",
        "admin@example.org",
    ],
)
def test_each_role_sees_its_main_pages_in_welsh(new_page, demo_data, english_interface, email):
    from accounts.models import User

    page = new_page(locale="cy")
    data_texts = _demo_data_texts()
    sign_in_in_welsh(page, email)
    # The switcher remembered the choice in the profile as well as the cookie.
    assert User.objects.get(email=email).preferred_language == "cy"
    cookies = {cookie["name"]: cookie["value"] for cookie in page.context.cookies()}
    assert cookies[settings.LANGUAGE_COOKIE_NAME] == "cy"
    for path in role_pages(email):
        visit(page, path, english_interface, data_texts)
