import re
from pathlib import Path

import icalendar
from django.utils import timezone
from playwright.sync_api import expect

from scheduling.models import Attendance, Session

from .conftest import assert_accessible, sign_in, wait_for_htmx


def test_facilitator_schedules_over_a_clash_takes_the_register_and_the_participant_sees_it(
    page, demo_data
):
    # An extra clinic on the day of a workshop Priya and Tom already ran: a clash to confirm.
    workshop = Session.objects.get(title="Workshop: Service design for leaders")
    day = timezone.localtime(workshop.starts_at).date()

    sign_in(page, "facilitator@example.org")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My schedule").click()
    expect(page.get_by_role("heading", level=1, name="My schedule")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name=workshop.cohort.title).click()
    expect(page.get_by_role("heading", level=1, name="Timetable")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Schedule a session").click()
    expect(page.get_by_role("heading", level=1, name="Schedule a session")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Title").fill("Extra coaching clinic")
    page.get_by_label("Type of session").select_option("coaching")
    page.get_by_label("Date").fill(day.isoformat())
    page.get_by_label("Start time").fill("11:00")
    page.get_by_label("End time").fill("12:00")
    page.get_by_label("Online joining link").fill("https://meet.example.org/extra-clinic")
    expect(page.get_by_role("checkbox", name="Priya Shah")).to_be_checked()
    page.get_by_role("button", name="Schedule session").click()

    warning = page.get_by_role("alert")
    expect(warning).to_contain_text("Check these clashes")
    expect(warning).to_contain_text("Priya Shah is running “Workshop: Service design for leaders”")
    expect(warning).to_contain_text("Tom Baird is running")
    expect(warning).to_be_focused()
    assert_accessible(page)
    assert not Session.objects.filter(title="Extra coaching clinic").exists()
    page.get_by_label("Schedule anyway").check()
    page.get_by_role("button", name="Schedule session").click()

    expect(page.get_by_role("heading", level=1, name="Extra coaching clinic")).to_be_visible()
    expect(page.get_by_text("The session is on the timetable.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Take the register").click()
    expect(page.get_by_role("heading", level=1, name="Register")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Mark all present").click()
    expect(page.get_by_role("status")).to_contain_text("5 people marked present.")
    wait_for_htmx(page)
    sam = page.get_by_role("group", name="Attendance of Sam Taylor")
    expect(sam.get_by_role("radio", name="Present")).to_be_checked()
    # Keyboard only: arrow from Present to Late; the row saves itself and keeps focus.
    sam.get_by_role("radio", name="Present").focus()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("status")).to_contain_text("Sam Taylor: Late.")
    expect(sam.get_by_role("radio", name="Late")).to_be_focused()
    expect(page.get_by_text(re.compile(r"Late: 1"))).to_be_visible()
    assert_accessible(page)
    clinic = Session.objects.get(title="Extra coaching clinic")
    assert Attendance.objects.get(session=clinic, user__email="participant@example.org").status == (
        "late"
    )
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "participant@example.org")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My schedule").click()
    past = page.get_by_role("region", name="Past sessions")
    row = past.get_by_role("row").filter(has_text="Extra coaching clinic")
    expect(row).to_contain_text("Late")
    assert_accessible(page)
    row.get_by_role("link", name="Extra coaching clinic").click()
    expect(page.get_by_role("heading", level=1, name="Extra coaching clinic")).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Add to your calendar (.ics file)").click()
    download = download_info.value
    assert download.suggested_filename == "extra-coaching-clinic.ics"
    calendar = icalendar.Calendar.from_ical(Path(download.path()).read_bytes())
    [event] = calendar.events
    assert str(event["UID"]) == str(clinic.uid)
    assert event["SUMMARY"] == "Extra coaching clinic"
    assert event.start == clinic.starts_at
    assert timezone.localtime(clinic.starts_at).hour == 11
