import datetime as dt

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from cohorts.models import Enrolment
from scheduling import services
from scheduling.models import CalendarFeed
from tests.factories.accounts import FacilitatorFactory, UserFactory
from tests.factories.scheduling import (
    RunningCohortFactory,
    SessionFactory,
    local_days_from_today,
    london,
)

from .test_session_pages import last_sunday

pytestmark = pytest.mark.django_db


def parse(response) -> icalendar.Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    calendar.validate()
    return calendar


def events_by_uid(calendar) -> dict[str, icalendar.Event]:
    return {str(event["UID"]): event for event in calendar.events}


def feed_for(user):
    return services.calendar_feed_reset(user=user)


def get_feed(client, feed):
    return client.get(reverse("scheduling:calendar-feed", args=[feed.token]))


@pytest.fixture
def session(cohort, facilitator, participants):
    return SessionFactory(
        cohort=cohort,
        title="Leading change",
        facilitators=[facilitator],
        venue="Room 2.14, Tramshed Tech\nPendyris Street\nCardiff CF11 6BH",
        access_notes="Step-free entrance on Pendyris Street.",
        joining_link="https://meet.example.org/leading-change",
    )


# --- The .ics file of one session ----------------------------------------------------


def test_a_session_downloads_as_a_valid_ics_file(client, session, participants):
    client.force_login(participants[0])
    response = client.get(reverse("scheduling:session-calendar", args=[session.pk]))
    assert response["Content-Disposition"] == 'attachment; filename="leading-change.ics"'
    calendar = parse(response)
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"] == "-//Academy portal//Sessions//EN"
    assert calendar["METHOD"] == "PUBLISH"
    [event] = calendar.events
    assert str(event["UID"]) == str(session.uid)
    assert event["SUMMARY"] == "Leading change"
    assert event["SEQUENCE"] == 0
    assert event["STATUS"] == "CONFIRMED"
    assert event.start == session.starts_at
    assert event.end == session.ends_at
    assert event["URL"] == "https://meet.example.org/leading-change"
    assert event["LOCATION"] == "Room 2.14, Tramshed Tech, Pendyris Street, Cardiff CF11 6BH"
    description = str(event["DESCRIPTION"])
    assert "Join online: https://meet.example.org/leading-change" in description
    assert "Access: Step-free entrance on Pendyris Street." in description
    assert "Priya Shah" in description
    assert session.get_absolute_url() in description
    assert str(event["CONFERENCE"]) == "https://meet.example.org/leading-change"


def test_times_are_written_in_uk_time_with_a_vtimezone(client, session, participants):
    client.force_login(participants[0])
    response = client.get(reverse("scheduling:session-calendar", args=[session.pk]))
    text = response.content.decode()
    local = timezone.localtime(session.starts_at)
    assert f"DTSTART;TZID=Europe/London:{local:%Y%m%dT%H%M%S}" in text
    [zone] = parse(response).timezones
    assert zone["TZID"] == "Europe/London"
    assert text.index("BEGIN:VTIMEZONE") < text.index("BEGIN:VEVENT")


def test_an_online_only_session_gives_its_link_as_the_location(client, cohort, participants):
    session = SessionFactory(cohort=cohort, venue="", joining_link="https://meet.example.org/x")
    client.force_login(participants[0])
    [event] = parse(client.get(reverse("scheduling:session-calendar", args=[session.pk]))).events
    assert event["LOCATION"] == "https://meet.example.org/x"


# --- The personal feed ---------------------------------------------------------------


def test_a_participants_feed_holds_their_cohorts_sessions_only(client, session, participants):
    elsewhere = SessionFactory(cohort=RunningCohortFactory())
    long_ago = SessionFactory(cohort=session.cohort, starts_at=local_days_from_today(-59))
    ancient = SessionFactory(cohort=session.cohort, starts_at=local_days_from_today(-200))
    response = get_feed(client, feed_for(participants[0]))
    assert response["Cache-Control"] == "private, no-store"
    uids = set(events_by_uid(parse(response)))
    assert str(session.uid) in uids
    assert str(long_ago.uid) in uids
    assert str(elsewhere.uid) not in uids
    assert str(ancient.uid) not in uids  # older than the feed's half year


def test_a_facilitators_feed_holds_the_sessions_they_run(client, session, facilitator):
    guest_session = SessionFactory(cohort=RunningCohortFactory(), facilitators=[facilitator])
    SessionFactory(cohort=session.cohort, facilitators=[FacilitatorFactory()])
    uids = set(events_by_uid(parse(get_feed(client, feed_for(facilitator)))))
    assert uids == {str(session.uid), str(guest_session.uid)}


def test_a_withdrawn_participants_feed_drops_the_cohort(client, session, participants):
    feed = feed_for(participants[0])
    Enrolment.objects.filter(user=participants[0]).update(
        status=Enrolment.Status.WITHDRAWN, withdrawn_at=timezone.now()
    )
    assert parse(get_feed(client, feed)).events == []


def test_an_empty_feed_is_still_a_valid_calendar(client):
    calendar = parse(get_feed(client, feed_for(UserFactory())))
    assert calendar.events == []
    assert len(calendar.timezones) == 1


def test_a_wrong_token_gets_404(client, session, participants):
    feed_for(participants[0])
    assert (
        client.get(reverse("scheduling:calendar-feed", args=["not-the-token"])).status_code == 404
    )
    assert client.get("/calendar/.ics").status_code == 404


def test_a_new_address_stops_the_old_one_working(client, session, participants):
    old = feed_for(participants[0])
    new = services.calendar_feed_reset(user=participants[0])
    assert old.token != new.token
    assert len(new.token) >= 40
    assert get_feed(client, old).status_code == 404
    assert get_feed(client, new).status_code == 200


def test_turning_the_address_off_stops_it(client, session, participants):
    feed = feed_for(participants[0])
    assert services.calendar_feed_revoke(user=participants[0]) is True
    assert get_feed(client, feed).status_code == 404
    assert services.calendar_feed_revoke(user=participants[0]) is False


def test_a_closed_account_has_no_feed(client, session, participants):
    feed = feed_for(participants[0])
    participants[0].is_active = False
    participants[0].save(update_fields=["is_active"])
    assert get_feed(client, feed).status_code == 404


# --- Changes seen by calendar apps ---------------------------------------------------


def test_a_moved_session_keeps_its_uid_with_a_higher_sequence(
    client, session, participants, facilitator
):
    feed = feed_for(participants[0])
    before = events_by_uid(parse(get_feed(client, feed)))[str(session.uid)]
    services.session_reschedule(
        session=session,
        actor=facilitator,
        starts_at=local_days_from_today(7, 14),
        ends_at=local_days_from_today(7, 16),
    )
    calendar = parse(get_feed(client, feed))
    assert len(calendar.events) == 1
    after = events_by_uid(calendar)[str(session.uid)]
    assert after["SEQUENCE"] > before["SEQUENCE"]
    assert after.start == local_days_from_today(7, 14)
    assert after.stamp >= before.stamp  # iCalendar times are to the second
    assert after.last_modified >= before.last_modified


def test_an_unchanged_feed_is_the_same_every_time(client, session, participants):
    feed = feed_for(participants[0])
    assert get_feed(client, feed).content == get_feed(client, feed).content


def test_a_cancelled_session_stays_in_the_feed_as_cancelled(
    client, session, participants, facilitator
):
    feed = feed_for(participants[0])
    services.session_cancel(session=session, actor=facilitator, reason="Rail strike")
    event = events_by_uid(parse(get_feed(client, feed)))[str(session.uid)]
    assert event["STATUS"] == "CANCELLED"
    assert event["SEQUENCE"] == 1
    assert event["SUMMARY"] == "Cancelled: Leading change"
    assert "Rail strike" in str(event["DESCRIPTION"])


@pytest.mark.parametrize("month", [3, 10], ids=["march", "october"])
def test_a_session_on_the_clock_change_sunday_keeps_its_wall_clock_time_in_the_feed(
    client, participants, cohort, month
):
    year = timezone.localdate().year + 1
    cohort.starts_on, cohort.ends_on = dt.date(year, 1, 1), dt.date(year, 12, 31)
    cohort.save(update_fields=["starts_on", "ends_on"])
    sunday = last_sunday(year, month)
    week_before = sunday - dt.timedelta(days=7)
    on_the_day = SessionFactory(
        cohort=cohort,
        starts_at=london(year, month, sunday.day, 10),
        ends_at=london(year, month, sunday.day, 12),
    )
    before = SessionFactory(
        cohort=cohort,
        starts_at=london(year, month, week_before.day, 10),
        ends_at=london(year, month, week_before.day, 12),
    )
    response = get_feed(client, feed_for(participants[0]))
    text = response.content.decode()
    assert f"DTSTART;TZID=Europe/London:{sunday:%Y%m%d}T100000" in text
    assert f"DTEND;TZID=Europe/London:{sunday:%Y%m%d}T120000" in text
    events = events_by_uid(parse(response))
    for session in (on_the_day, before):
        event = events[str(session.uid)]
        # Read back through the feed's own VTIMEZONE: 10:00 on the wall clock either side
        # of the change, and the same instant as stored.
        assert event.start.replace(tzinfo=None) == dt.datetime.combine(
            timezone.localtime(session.starts_at).date(), dt.time(10)
        )
        assert event.start == session.starts_at
    # The offsets differ by the hour the clocks moved.
    assert (
        events[str(on_the_day.uid)].start.utcoffset() != events[str(before.uid)].start.utcoffset()
    )


def test_the_feeds_vtimezone_matches_the_time_zone_database(client, participants, cohort):
    year = timezone.localdate().year + 1
    cohort.starts_on, cohort.ends_on = dt.date(year, 1, 1), dt.date(year, 12, 31)
    cohort.save(update_fields=["starts_on", "ends_on"])
    SessionFactory(cohort=cohort, starts_at=london(year, 1, 5), ends_at=london(year, 1, 5, 11))
    SessionFactory(cohort=cohort, starts_at=london(year, 12, 5), ends_at=london(year, 12, 5, 11))
    [zone] = parse(get_feed(client, feed_for(participants[0]))).timezones
    from_feed = zone.to_tz()
    london_zone = timezone.get_default_timezone()
    moment = london(year, 1, 5)
    while moment < london(year, 12, 5):
        assert (
            moment.astimezone(from_feed).utcoffset() == moment.astimezone(london_zone).utcoffset()
        )
        moment += dt.timedelta(hours=6)


def test_the_my_schedule_page_offers_and_shows_the_address(client, participants):
    client.force_login(participants[0])
    url = reverse("scheduling:my-schedule")
    assert "Get a calendar address" in client.get(url).content.decode()
    response = client.post(reverse("scheduling:calendar-feed-reset"), follow=True)
    feed = CalendarFeed.objects.get(user=participants[0])
    html = response.content.decode()
    assert "Your calendar address is ready to copy." in html
    assert f"http://testserver/calendar/{feed.token}.ics" in html
    assert f"webcal://testserver/calendar/{feed.token}.ics" in html
    response = client.post(reverse("scheduling:calendar-feed-revoke"), follow=True)
    assert "Your calendar address has stopped working." in response.content.decode()
    assert not CalendarFeed.objects.exists()


def test_changing_the_address_needs_a_post(client, participants):
    client.force_login(participants[0])
    assert client.get(reverse("scheduling:calendar-feed-reset")).status_code == 405
    assert not CalendarFeed.objects.exists()
