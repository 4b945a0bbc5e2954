import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from academy.selectors import HOME_COHORTS_PER_PROGRAMME
from cohorts.models import Cohort
from tests.factories.academy import ProgrammeFactory
from tests.factories.accounts import UserFactory
from tests.factories.cohorts import CohortFactory, EnrolmentFactory


@pytest.mark.django_db
def test_home_lists_published_programmes_with_their_open_cohorts(client):
    shown = ProgrammeFactory(name="Shown programme")
    ProgrammeFactory(name="Hidden programme", is_published=False)
    CohortFactory(programme=shown, title="Open cohort")
    CohortFactory(programme=shown, title="Draft cohort", status=Cohort.Status.DRAFT)
    html = client.get(reverse("academy:home")).content.decode()
    assert "Shown programme" in html
    assert "Hidden programme" not in html
    assert "Open cohort" in html
    assert "Draft cohort" not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("capacity", "taken", "expected"),
    [(10, 7, "3 places left"), (2, 1, "1 place left"), (2, 2, "Full — join the waitlist")],
)
def test_places_left_are_advertised(client, capacity, taken, expected):
    cohort = CohortFactory(capacity=capacity)
    for _ in range(taken):
        EnrolmentFactory(cohort=cohort, user=UserFactory())
    html = client.get(reverse("academy:home")).content.decode()
    assert expected in html


@pytest.mark.django_db
def test_a_cohort_past_its_closing_time_shows_applications_closed(client):
    cohort = CohortFactory(
        applications_open_at=timezone.now() - dt.timedelta(days=10),
        applications_close_at=timezone.now() - dt.timedelta(minutes=1),
    )
    html = client.get(cohort.get_absolute_url()).content.decode()
    assert "Applications closed" in html


def _fill(count: int):
    for index in range(count):
        programme = ProgrammeFactory()
        for cohort_index in range(count):
            CohortFactory(programme=programme, title=f"C{index}-{cohort_index}")


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 6])
def test_home_page_queries_do_not_grow_with_programmes_or_cohorts(
    client, django_assert_num_queries, count
):
    _fill(count)
    # Session-less visitor: one query for programmes, one for their open cohorts.
    with django_assert_num_queries(2):
        response = client.get(reverse("academy:home"))
    assert response.status_code == 200
    shown = min(count, HOME_COHORTS_PER_PROGRAMME)
    assert response.content.decode().count('class="card"') == count * shown


@pytest.mark.django_db
def test_home_shows_the_first_open_cohorts_of_a_programme_and_links_to_the_rest(client):
    programme = ProgrammeFactory(name="Busy programme")
    start = timezone.localdate() + dt.timedelta(days=30)
    for index in range(HOME_COHORTS_PER_PROGRAMME + 3):
        CohortFactory(
            programme=programme, title=f"Cohort {index:02}", starts_on=start + dt.timedelta(index)
        )
    html = client.get(reverse("academy:home")).content.decode()
    assert html.count('class="card"') == HOME_COHORTS_PER_PROGRAMME
    assert "Cohort 00" in html  # soonest first
    assert f"Cohort {HOME_COHORTS_PER_PROGRAMME:02}" not in html
    assert f"Showing {HOME_COHORTS_PER_PROGRAMME} of {HOME_COHORTS_PER_PROGRAMME + 3}" in html
    assert f'href="{programme.get_absolute_url()}">All cohorts of Busy programme' in html


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 25])
def test_programme_page_shows_cohorts_a_page_at_a_time(client, django_assert_num_queries, count):
    programme = ProgrammeFactory()
    for index in range(count):
        CohortFactory(programme=programme, title=f"Cohort {index:02}")
    # The programme, the count for the pages and one page of cohorts.
    with django_assert_num_queries(3):
        response = client.get(programme.get_absolute_url())
    assert response.content.decode().count('class="card"') == min(count, 20)
    assert ('rel="next"' in response.content.decode()) is (count > 20)


@pytest.mark.django_db
def test_programme_page_renders_markdown_safely(client):
    programme = ProgrammeFactory(
        description="**Bold** <script>alert(1)</script> <img src=x onerror=alert(1)>"
    )
    html = client.get(programme.get_absolute_url()).content.decode()
    assert "<strong>Bold</strong>" in html
    assert "<script>alert" not in html
    assert "onerror" not in html


@pytest.mark.django_db
def test_unpublished_programme_is_not_found(client):
    programme = ProgrammeFactory(is_published=False)
    assert client.get(programme.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_draft_cohort_is_hidden_from_the_public_but_not_from_its_facilitator(client):
    cohort = CohortFactory(status=Cohort.Status.DRAFT)
    assert client.get(cohort.get_absolute_url()).status_code == 404
    client.force_login(UserFactory())
    assert client.get(cohort.get_absolute_url()).status_code == 404
    facilitator = UserFactory(role="facilitator")
    client.force_login(facilitator)
    assert client.get(cohort.get_absolute_url()).status_code == 404  # not theirs
    cohort.facilitators.add(facilitator)
    assert client.get(cohort.get_absolute_url()).status_code == 200
