"""Running cohorts in the portal: a programme admin sets up and opens a cohort, and a
facilitator runs last year's cohort again with its sessions on the new dates."""

import datetime as dt

from django.utils import timezone
from playwright.sync_api import expect

from audit.models import AuditEntry
from cohorts.models import Cohort
from scheduling.models import Session

from .conftest import assert_accessible, sign_in

EWDW = "Empowering Women in a Digital World"


def test_admin_creates_assigns_and_opens_a_cohort_which_appears_with_its_places(
    page, new_page, demo_data
):
    today = timezone.localdate()
    title = f"{EWDW} {today.year + 1}: Cohort 4"
    sign_in(page, "admin@example.org")
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Cohorts", exact=True
    ).click()
    expect(page.get_by_role("heading", level=1, name="Cohorts")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Create a cohort").click()
    expect(page.get_by_role("heading", level=1, name="Create a cohort")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Programme", exact=True).select_option(label=EWDW)
    page.get_by_label("Title").fill(title)
    page.get_by_label("Programme year").fill(str(today.year + 1))
    page.get_by_label("Starts on").fill((today + dt.timedelta(days=90)).isoformat())
    page.get_by_label("Ends on").fill((today + dt.timedelta(days=200)).isoformat())
    page.get_by_label("Places (optional)", exact=True).fill("8")
    page.get_by_label("Applications open").fill(f"{today - dt.timedelta(days=1)}T09:00")
    page.get_by_label("Applications close").fill(f"{today + dt.timedelta(days=40)}T17:00")
    page.get_by_role("radio", name="In person").check()
    page.get_by_label("Venue").fill("Swansea")
    page.get_by_label("Places per organisation").fill("2")
    page.get_by_role("checkbox", name="Priya Shah").check()
    page.get_by_role("button", name="Create the cohort").click()

    expect(page.get_by_role("heading", level=1, name=title)).to_be_visible()
    expect(page.get_by_text("is saved as a draft")).to_be_visible()
    expect(page.get_by_text("Draft", exact=True)).to_be_visible()
    assert_accessible(page)

    # Opening asks first: it cannot be undone.
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Open applications").click()
    expect(page.get_by_text("Applications are open")).to_be_visible()
    expect(page.get_by_role("button", name="Close applications")).to_be_visible()
    assert_accessible(page)
    cohort = Cohort.objects.get(title=title)
    assert cohort.status == Cohort.Status.OPEN
    assert list(cohort.facilitators.values_list("email", flat=True)) == ["facilitator@example.org"]
    assert AuditEntry.objects.filter(target_id=str(cohort.pk)).count() == 2  # created, opened

    # The public page of the programme lists it with its places.
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Programmes", exact=True
    ).click()
    page.get_by_role("link", name=EWDW).first.click()
    card = page.get_by_role("listitem").filter(has=page.get_by_role("link", name=title))
    expect(card).to_contain_text("8 places left")
    expect(card).to_contain_text("In person, Swansea")
    assert_accessible(page)

    # Priya finds it among the cohorts she facilitates.
    priya = new_page()
    sign_in(priya, "facilitator@example.org")
    priya.get_by_role("region", name="Cohorts you facilitate").get_by_role(
        "link", name=title, exact=True
    ).click()
    expect(priya.get_by_role("heading", level=1, name=title)).to_be_visible()
    expect(priya.get_by_role("link", name="0 of 8 places taken")).to_be_visible()
    assert_accessible(priya)


def test_facilitator_runs_last_years_cohort_again_with_its_sessions_on_the_new_dates(
    page, demo_data
):
    last_year = timezone.localdate().year - 1
    source = Cohort.objects.get(title=f"Leadership Academy {last_year}: Spring cohort")
    old_sessions = list(source.sessions.order_by("starts_at"))
    assert len(old_sessions) == 6
    # Two years on by whole weeks: same weekday.
    new_start = source.starts_on + dt.timedelta(weeks=104)
    title = f"Leadership Academy {new_start.year}: Spring cohort (again)"

    sign_in(page, "facilitator@example.org")
    page.get_by_role("region", name="Cohorts you facilitate").get_by_role(
        "link", name=source.title, exact=True
    ).click()
    expect(page.get_by_role("heading", level=1, name=source.title)).to_be_visible()
    expect(page.get_by_text("Completed", exact=True)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Run this cohort again").click()
    expect(page.get_by_role("heading", level=1, name=f"Run {source.title} again")).to_be_visible()
    expect(page.get_by_text("its 6 sessions, moved to the new dates")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Title of the new cohort").fill(title)
    page.get_by_label("Programme year").fill(str(new_start.year))
    page.get_by_label("New start date").fill(new_start.isoformat())
    page.get_by_role("button", name="Create the new cohort").click()

    expect(page.get_by_role("heading", level=1, name=f"Settings of {title}")).to_be_visible()
    expect(
        page.get_by_text("is ready to edit as a draft, with 6 sessions moved 104 weeks on")
    ).to_be_visible()
    assert_accessible(page)

    copy = Cohort.objects.get(title=title)
    assert copy.status == Cohort.Status.DRAFT
    assert list(copy.facilitators.values_list("email", flat=True)) == ["facilitator@example.org"]
    new_sessions = list(Session.objects.filter(cohort=copy).order_by("starts_at"))
    assert [s.title for s in new_sessions] == [s.title for s in old_sessions]
    for old, new in zip(old_sessions, new_sessions, strict=True):
        old_local, new_local = timezone.localtime(old.starts_at), timezone.localtime(new.starts_at)
        assert new_local.date() == old_local.date() + dt.timedelta(weeks=104)
        assert new_local.time() == old_local.time()
        assert new.uid != old.uid

    # The timetable shows them on the new dates.
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", level=1, name=title)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="6 upcoming sessions on the timetable").click()
    expect(page.get_by_role("heading", level=1, name="Timetable")).to_be_visible()
    first = timezone.localtime(new_sessions[0].starts_at)
    first_row = page.get_by_role("row").filter(has_text=new_sessions[0].title)
    expect(first_row).to_contain_text(f"{first:%A} {first.day} {first:%B %Y}, {first:%H:%M}")
    assert_accessible(page)
