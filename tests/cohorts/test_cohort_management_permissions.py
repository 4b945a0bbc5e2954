"""Who may run which cohort: each permission function, branch by branch, and the pages
that use them (a page someone may not use at all is a 403, a cohort they may not see a
404)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from cohorts import permissions
from cohorts.models import Cohort
from tests.factories.accounts import (
    AdminFactory,
    FacilitatorFactory,
    SponsorFactory,
    UserFactory,
)
from tests.factories.cohorts import CohortFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    cohort = CohortFactory(status=Cohort.Status.RUNNING)
    own = FacilitatorFactory()
    cohort.facilitators.add(own)
    demoted = UserFactory()  # assigned as a facilitator once, a participant now
    cohort.facilitators.add(demoted)
    return {
        "cohort": cohort,
        "admin": AdminFactory(),
        "inactive admin": AdminFactory(is_active=False),
        "own facilitator": own,
        "other facilitator": FacilitatorFactory(),
        "demoted facilitator": demoted,
        "sponsor": SponsorFactory(),
        "participant": UserFactory(),
        "anonymous": AnonymousUser(),
    }


# Who may, for each action about one cohort.
PER_COHORT = {
    permissions.can_view_cohort_home: {"admin", "own facilitator"},
    permissions.can_edit_cohort: {"admin", "own facilitator"},
    permissions.can_change_cohort_status: {"admin", "own facilitator"},
    permissions.can_run_cohort_again: {"admin", "own facilitator"},
    permissions.can_view_cohort_participants: {"admin", "own facilitator"},
    permissions.can_assign_facilitators: {"admin"},
}
# Who may, for actions about no cohort in particular.
GENERAL = {
    permissions.can_list_managed_cohorts: {"admin", "own facilitator", "other facilitator"},
    permissions.can_create_cohort: {"admin"},
}
EVERYONE = [
    "admin",
    "inactive admin",
    "own facilitator",
    "other facilitator",
    "demoted facilitator",
    "sponsor",
    "participant",
    "anonymous",
]


@pytest.mark.parametrize("who", EVERYONE)
@pytest.mark.parametrize("permission", list(PER_COHORT), ids=lambda f: f.__name__)
def test_per_cohort_permissions(people, permission, who):
    assert permission(people[who], people["cohort"]) == (who in PER_COHORT[permission])


@pytest.mark.parametrize("who", EVERYONE)
@pytest.mark.parametrize("permission", list(GENERAL), ids=lambda f: f.__name__)
def test_general_permissions(people, permission, who):
    assert permission(people[who]) == (who in GENERAL[permission])


@pytest.mark.parametrize("who", EVERYONE)
def test_the_scoped_queryset_agrees_with_the_permission(people, who):
    CohortFactory()  # somebody else's
    scoped = set(permissions.cohorts_managed_by(people[who]))
    expected = (
        set(Cohort.objects.all())
        if who == "admin"
        else {people["cohort"]}
        if who == "own facilitator"
        else set()
    )
    assert scoped == expected


def _urls(cohort) -> dict[str, str]:
    return {
        "home": reverse("cohorts-manage:cohort-home", args=[cohort.pk]),
        "edit": reverse("cohorts-manage:cohort-update", args=[cohort.pk]),
        "copy": reverse("cohorts-manage:cohort-copy", args=[cohort.pk]),
        "participants": reverse("cohorts-manage:participant-list", args=[cohort.pk]),
        "announce": reverse("announcements:announcement-create", args=[cohort.pk]),
    }


def test_a_facilitator_cannot_manage_a_cohort_not_assigned_to_them(client, people):
    cohort = people["cohort"]
    client.force_login(people["other facilitator"])
    for url in _urls(cohort).values():
        assert client.get(url).status_code == 404, url
    before = (cohort.status, cohort.capacity, cohort.title)
    posts = [
        (reverse("cohorts-manage:cohort-transition", args=[cohort.pk]), {"action": "complete"}),
        (_urls(cohort)["edit"], {"title": "Taken over", "intake_year": 2027,
                                 "delivery_mode": "online", "capacity": 1}),
        (_urls(cohort)["copy"], {"title": "Mine", "intake_year": 2028,
                                 "starts_on": "2028-03-01"}),
        (_urls(cohort)["announce"], {"audience": "everyone", "subject": "Hi", "body": "Hi"}),
    ]  # fmt: skip
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url
    cohort.refresh_from_db()
    assert (cohort.status, cohort.capacity, cohort.title) == before
    assert Cohort.objects.count() == 1


def test_a_facilitator_manages_their_own_cohort_but_cannot_create_cohorts(client, people):
    client.force_login(people["own facilitator"])
    for url in _urls(people["cohort"]).values():
        assert client.get(url).status_code == 200, url
    assert client.get(reverse("cohorts-manage:cohort-create")).status_code == 403
    response = client.post(
        reverse("cohorts-manage:cohort-create"),
        {"programme": people["cohort"].programme_id, "title": "New", "intake_year": 2027,
         "delivery_mode": "online"},
    )  # fmt: skip
    assert response.status_code == 403
    assert Cohort.objects.count() == 1


@pytest.mark.parametrize("who", ["sponsor", "participant", "demoted facilitator"])
def test_sponsors_and_participants_manage_no_cohort(client, people, who):
    cohort = people["cohort"]
    client.force_login(people[who])
    urls = _urls(cohort)
    # The management pages do not exist for them (403); a cohort's announcement form is
    # looked up among the cohorts they run, which are none (404).
    expected = {
        reverse("cohorts-manage:cohort-list"): 403,
        reverse("cohorts-manage:cohort-create"): 403,
        reverse("announcements:announcement-list"): 403,
        urls["home"]: 403,
        urls["edit"]: 403,
        urls["copy"]: 403,
        urls["participants"]: 403,
        urls["announce"]: 404,
    }
    assert {url: client.get(url).status_code for url in expected} == expected
    response = client.post(
        reverse("cohorts-manage:cohort-transition", args=[cohort.pk]), {"action": "complete"}
    )
    assert response.status_code == 403
    cohort.refresh_from_db()
    assert cohort.status == Cohort.Status.RUNNING


def test_signed_out_visitors_are_asked_to_sign_in(client, people):
    for url in [reverse("cohorts-manage:cohort-list"), *_urls(people["cohort"]).values()]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
