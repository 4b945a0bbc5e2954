"""The other application pages, as each role meets them, checked with axe."""

from django.utils import timezone
from playwright.sync_api import expect

from cohorts.models import Application, Cohort

from .conftest import assert_accessible, sign_in


def _cohort(title_start: str) -> Cohort:
    return Cohort.objects.get(title__startswith=title_start, status=Cohort.Status.OPEN)


def test_recommending_someone_without_an_account(page, demo_data):
    cohort = _cohort("Empowering Women")
    page.goto(cohort.get_absolute_url())
    page.get_by_role("link", name="Recommend someone").click()
    expect(page.get_by_role("heading", name="Recommend someone")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_role("alert")).to_be_focused()
    assert_accessible(page)
    page.get_by_label("Your name").fill("Jo Parry")
    page.get_by_label("Your email").fill("jo.parry@example.org")
    page.get_by_label("Their full name").fill("Mererid Hopwood")
    page.get_by_label("Their email").fill("mererid@example.org")
    page.get_by_label("Why would they benefit?").fill("She is about to lead a new team.")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("We have sent Mererid Hopwood an invitation")).to_be_visible()


def test_the_sponsor_approves_and_uploads_nominations(page, demo_data, tmp_path):
    sign_in(page, "sponsor@example.org")
    page.get_by_role("link", name="1 application from your organisation is waiting").click()
    page.get_by_role("link", name="Owen Jones, for").click()
    expect(page.get_by_role("heading", name="Approve Owen Jones’s application")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("radio", name="Yes, approve it for review").check()
    page.get_by_role("button", name="Send your answer").click()
    expect(page.get_by_text("You approved Owen Jones’s application")).to_be_visible()
    expect(page.get_by_text("Nothing is waiting for your approval.")).to_be_visible()

    year = timezone.localdate().year + 1
    page.goto("/cohorts/organisation/nominations/")
    page.get_by_role("link", name=f"Nominate for Leadership Academy {year}: Spring cohort").click()
    csv = tmp_path / "people.csv"
    csv.write_text(
        "name,email,reason\nTomos Pugh,tomos@example.org,Leads our contact centre\n,x,\n"
    )
    page.get_by_label("CSV file").set_input_files(csv)
    page.get_by_role("button", name="Upload and send invitations").click()
    expect(page.get_by_text("1 invitation sent.")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="Enter their name")).to_contain_text("3")
    assert_accessible(page)


def test_a_participant_declines_an_offered_place(page, demo_data):
    sign_in(page, "nia.roberts@example.org")
    expect(page.get_by_text("Confirm your place by")).to_be_visible()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My applications").click()
    page.get_by_role("link", name="confirm or decline").click()
    page.get_by_role("link", name="Decline the place").click()
    expect(page.get_by_role("heading", name="Decline the place")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Decline the place").click()
    expect(page.get_by_text("Your application has been withdrawn.")).to_be_visible()
    # The first person on the waitlist has been offered the place.
    first = Application.objects.get(applicant__email="sofia.rossi@example.org")
    assert first.state == Application.State.ACCEPTED


def test_the_admin_sees_the_waitlist_and_the_equality_report(page, demo_data):
    cohort = _cohort("Empowering Women")
    sign_in(page, "admin@example.org")
    page.goto(f"/cohorts/{cohort.pk}/applications/?status=waitlisted&sort=waitlist")
    expect(page.get_by_role("heading", name="2 applications")).to_be_visible()
    expect(page.get_by_role("row").nth(1)).to_contain_text("number 1 in line")
    assert_accessible(page)
    page.get_by_role("link", name="Equality monitoring report (numbers only)").click()
    expect(page.get_by_text("7 people answered.")).to_be_visible()
    assert_accessible(page)


def test_the_admin_edits_a_programmes_application_questions(page, demo_data):
    sign_in(page, "admin@example.org")
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Application questions"
    ).click()
    assert_accessible(page)
    page.get_by_role("link", name="Empowering Women in a Digital World").click()
    expect(page.get_by_role("group", name="Question 1")).to_be_visible()
    assert_accessible(page)
    new = page.get_by_role("group", name="A new question").first
    new.get_by_role("textbox", name="Question (optional)").fill(
        "What would you like from a mentor?"
    )
    new.get_by_label("Kind of answer").select_option("long_text")
    page.get_by_role("button", name="Save the questions").click()
    expect(page.get_by_text("are saved")).to_be_visible()
    expect(page.get_by_role("group", name="Question 6")).to_be_visible()
    assert_accessible(page)
