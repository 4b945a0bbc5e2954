"""A participant completes by marking materials done; the facilitator sees it in the
cohort's progress grid and the sponsor in the organisation view."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from academy.models import Material, Module, Programme
from cohorts.models import Cohort, Enrolment
from cohorts.services import enrolment_create
from scheduling.models import Attendance, Session

from .conftest import assert_accessible, sign_in, wait_for_htmx

User = get_user_model()


def short_course():
    """A short course near its end, run by the demo facilitator: one workshop held (the
    participant was there), two required readings open and one optional."""
    today = timezone.localdate()
    programme = Programme.objects.create(
        name="Digital Leaders Short Course", slug="digital-leaders-short-course",
        summary="Four weeks.", description="Four weeks of reading and one workshop.",
    )  # fmt: skip
    cohort = Cohort.objects.create(
        programme=programme, title="Short course: November", intake_year=today.year,
        status=Cohort.Status.RUNNING, starts_on=today - dt.timedelta(days=20),
        ends_on=today + dt.timedelta(days=8), capacity=10,
    )  # fmt: skip
    cohort.facilitators.add(User.objects.get(email="facilitator@example.org"))
    module = Module.objects.create(
        programme=programme, title="Leading in the open", position=1, is_published=True
    )
    for position, (title, required) in enumerate(
        [("Why work in the open", True), ("Writing weeknotes", True), ("Further reading", False)],
        start=1,
    ):
        Material.objects.create(
            module=module, kind="page", title=title, body="Read this.", position=position,
            is_required=required, estimated_minutes=20,
        )  # fmt: skip
    participant = User.objects.get(email="participant@example.org")
    enrolment_create(cohort=cohort, user=participant)
    start = timezone.now() - dt.timedelta(days=7)
    workshop = Session.objects.create(
        cohort=cohort, title="Workshop", kind="workshop", starts_at=start,
        ends_at=start + dt.timedelta(hours=3), joining_link="https://meet.example.org/short",
    )  # fmt: skip
    Attendance.objects.create(session=workshop, user=participant, status="present")
    return cohort


def test_participant_completes_and_facilitator_and_sponsor_see_it(
    page, new_page, demo_data, monkeypatch
):
    queued = []
    # The live server runs in this process: record the certificate's render task instead
    # of making the PDF in the request (the certificate journey does that for real).
    monkeypatch.setattr("core.tasks.async_task", lambda *args, **kwargs: queued.append(args))
    cohort = short_course()

    sign_in(page, "participant@example.org")
    card = page.get_by_role("listitem").filter(
        has=page.get_by_role("heading", name="Digital Leaders Short Course")
    )
    expect(card).to_contain_text("Still to do: 2 required materials to do")
    expect(card).to_contain_text("To complete: do every required material and attend at least 80%")
    expect(card.get_by_role("progressbar")).to_be_visible()
    assert_accessible(page)

    card.get_by_role("link", name="Why work in the open").click()
    expect(page.get_by_role("heading", level=1, name="Why work in the open")).to_be_visible()
    page.get_by_role("button", name="Mark as done: Why work in the open").click()
    wait_for_htmx(page)
    expect(page.locator("#progress")).to_contain_text("You marked this done")
    assert_accessible(page)

    page.get_by_role("link", name="Back to the course").click()
    page.get_by_role("button", name="Mark as done: Writing weeknotes").click()
    wait_for_htmx(page)
    expect(page.locator("#messages")).to_contain_text(
        "You have completed Digital Leaders Short Course."
    )
    assert_accessible(page)

    page.goto(reverse("core:dashboard"))
    card = page.get_by_role("listitem").filter(
        has=page.get_by_role("heading", name="Digital Leaders Short Course")
    )
    expect(card).to_contain_text("Completed")
    expect(card).to_contain_text("100% of the way to completing")
    assert_accessible(page)
    enrolment = Enrolment.objects.get(cohort=cohort, user__email="participant@example.org")
    assert enrolment.status == Enrolment.Status.COMPLETED
    assert ("certificates.tasks.certificate_render", enrolment.certificate.pk) in queued

    facilitator = new_page()
    sign_in(facilitator, "facilitator@example.org")
    facilitator.goto(reverse("cohorts-manage:cohort-home", args=[cohort.pk]))
    facilitator.get_by_role(
        "link", name="Progress grid: materials and sessions for everyone"
    ).click()
    expect(facilitator.get_by_role("heading", level=1, name="Progress grid")).to_be_visible()
    assert_accessible(facilitator)
    facilitator.get_by_role("navigation", name="Who to show").get_by_role(
        "link", name="Completed"
    ).click()
    row = facilitator.get_by_role("row").filter(has_text="Sam Taylor")
    expect(row).to_contain_text("Completed")
    expect(row).to_contain_text("100%")
    assert_accessible(facilitator)

    sponsor = new_page()
    sign_in(sponsor, "sponsor@example.org")
    sponsor.get_by_role(
        "link", name="Progress and attendance of your organisation's people"
    ).click()
    row = sponsor.get_by_role("row").filter(has_text="Short course: November")
    expect(row).to_contain_text("Sam Taylor")
    expect(row).to_contain_text("Completed")
    # Nobody from another organisation: participant2 works for Eastmere NHS Foundation Trust.
    expect(sponsor.get_by_role("main")).not_to_contain_text(
        User.objects.get(email="participant2@example.org").full_name
    )
    assert_accessible(sponsor)
