"""Pages kept rendered per person (core/pagecache.py): served again only while nothing
they show can have changed, never to anyone else, never with someone else's token."""

import re

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_q.signals import post_execute_in_worker

from academy.models import Programme
from core.pagecache import (
    GENERATION_KEY,
    WriteWatcher,
    database_cache_table,
    generation_renew,
    writes_unseen,
)
from tests.factories.world import build_world

# Writes must really commit for the cache to hear of them.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 60
    settings.SESSION_REFRESH_SECONDS = 60  # as in production: most pages only read


@pytest.fixture
def world():
    return build_world()


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def get(client, url) -> tuple[str, int]:
    """The page's HTML and the number of queries it took."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def same_page(one: str, other: str) -> bool:
    """Equal but for their CSRF tokens (masked afresh for every answer)."""
    token = re.compile(r"\b[a-zA-Z0-9]{64}\b")
    return token.sub("TOKEN", one) == token.sub("TOKEN", other)


def test_a_page_read_again_is_served_without_rebuilding_it(world):
    client = signed_in(world["participant_a"])
    url = reverse("core:dashboard")
    first, built = get(client, url)
    again, served = get(client, url)
    assert same_page(again, first)
    # The session, the person and one read of the cache, against the page's own queries.
    assert served <= 3 < built


@pytest.mark.parametrize("how", ["save", "update", "raw SQL"])
def test_any_committed_write_makes_the_page_stale(world, how):
    client = signed_in(world["participant_a"])
    url = reverse("core:dashboard")
    programme = world["programme"]
    assert programme.name in get(client, url)[0]
    if how == "save":
        programme.name = "Renamed by save"
        programme.save()
    elif how == "update":
        Programme.objects.filter(pk=programme.pk).update(name="Renamed by update")
    else:
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE academy_programme SET name = %s WHERE id = %s",
                ["Renamed by raw SQL", programme.pk],
            )
    assert f"Renamed by {how}" in get(client, url)[0]


def test_a_write_that_is_rolled_back_keeps_the_pages(world):
    client = signed_in(world["participant_a"])
    get(client, reverse("core:dashboard"))
    generation = cache.get(GENERATION_KEY)

    def write_then_fail():
        with transaction.atomic():
            Programme.objects.update(name="Never committed")
            raise RuntimeError

    with pytest.raises(RuntimeError):
        write_then_fail()
    assert cache.get(GENERATION_KEY) == generation
    assert "Never committed" not in get(client, reverse("core:dashboard"))[0]


def test_writes_nothing_shows_do_not_make_pages_stale(world):
    client = signed_in(world["participant_a"])
    get(client, reverse("core:dashboard"))
    generation = cache.get(GENERATION_KEY)
    cache.set("unrelated", 1)  # the database cache's own table
    session = client.session
    session["unrelated"] = 1
    session.save()  # the sessions table
    assert cache.get(GENERATION_KEY) == generation


def test_writes_inside_writes_unseen_leave_the_pages_and_later_ones_do_not(world):
    client = signed_in(world["participant_a"])
    url = reverse("core:dashboard")
    programme = world["programme"]
    get(client, url)
    with writes_unseen():
        Programme.objects.filter(pk=programme.pk).update(name="Bookkeeping")
    assert "Bookkeeping" not in get(client, url)[0]
    Programme.objects.filter(pk=programme.pk).update(name="Seen")
    assert "Seen" in get(client, url)[0]


def test_a_tasks_last_write_outside_a_transaction_renews_when_the_task_ends(world):
    generation_renew()
    generation = cache.get(GENERATION_KEY)
    watcher = next(w for w in connection.execute_wrappers if isinstance(w, WriteWatcher))
    Programme.objects.filter(pk=world["programme"].pk).update(name="Written by a task")
    assert watcher.pending  # nothing would renew before the connection's next statement

    post_execute_in_worker.send(sender="django_q", func=None, task={})

    assert not watcher.pending
    assert cache.get(GENERATION_KEY) != generation


@pytest.mark.parametrize(
    ("sql", "changes"),
    [
        ('SELECT * FROM "academy_programme"', False),
        ('SAVEPOINT "s1"', False),
        ('UPDATE "academy_programme" SET "title" = %s', True),
        ('INSERT INTO "academy_materialprogress" ("id") VALUES (%s)', True),
        ('DELETE FROM "cohorts_enrolment" WHERE "id" = %s', True),
        ('INSERT OR IGNORE INTO "cohorts_cohort" ("id") VALUES (1)', True),
        ('TRUNCATE "cohorts_cohort"', True),  # not recognised: counted as a write
        ('INSERT INTO "django_session" ("session_key") VALUES (%s)', False),
        ('DELETE FROM "django_q_ormq" WHERE "id" = %s', False),
    ],
)
def test_which_statements_count_as_writes(sql, changes):
    assert WriteWatcher()._changes_pages(sql) is changes


def test_the_database_caches_own_writes_do_not_count():
    if (table := database_cache_table()) is None:
        pytest.skip("the cache is not in the database")
    statement = f'UPDATE "{table}" SET "value" = %s'  # noqa: S608 - our own table name
    assert WriteWatcher()._changes_pages(statement) is False


def test_each_person_is_served_only_their_own_page(world):
    url = reverse("core:dashboard")
    a_page = get(signed_in(world["participant_a"]), url)[0]
    b_page = get(signed_in(world["participant_b"]), url)[0]
    assert world["participant_a"].full_name in a_page
    assert world["participant_a"].full_name not in b_page
    assert world["participant_b"].full_name in b_page
    # Another session of A's (another browser) is built for that session.
    assert same_page(get(signed_in(world["participant_a"]), url)[0], a_page)


def test_a_stored_page_carries_each_visitors_own_csrf_token(world):
    home = reverse("academy:home")
    Client().get(home)  # stored for visitors
    visitor = Client(enforce_csrf_checks=True)
    page, queries = get(visitor, home)
    assert queries <= 1  # from the cache
    tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page))
    assert len(tokens) == 1
    assert "csrf-token" not in page
    response = visitor.post(
        reverse("core:language"),
        {"language": "cy", "next": home, "csrfmiddlewaretoken": tokens.pop()},
    )
    assert response.status_code == 302


def test_messages_are_shown_once_and_never_stored(world):
    client = signed_in(world["participant_a"])
    enrolment, material = world["enrolment"], world["material"]
    course = reverse("academy:course-detail", args=[enrolment.pk])
    get(client, course)
    response = client.post(
        reverse("academy:material-mark-done", args=[enrolment.pk, material.pk]), follow=True
    )
    assert "marked as done" in response.content.decode()
    page = get(client, course)[0]
    assert "marked as done" not in page
    assert same_page(get(client, course)[0], page)  # stored once the message was gone


def test_the_languages_are_kept_apart(world):
    home = reverse("academy:home")
    english = Client()
    welsh = Client(headers={"accept-language": "cy"})
    assert '<html lang="en' in get(english, home)[0]
    assert '<html lang="cy' in get(welsh, home)[0]
    assert '<html lang="en' in get(english, home)[0]


def test_nothing_is_stored_when_the_cache_is_off(world, settings):
    settings.PAGE_CACHE_SECONDS = 0
    client = signed_in(world["participant_a"])
    url = reverse("core:dashboard")
    get(client, url)  # the session's first save
    assert get(client, url)[1] == get(client, url)[1] > 3


def test_an_api_list_is_kept_per_person_and_renewed_by_writes(world):
    url = reverse("api-v1:application-list")
    facilitator = signed_in(world["facilitator_1"])
    first = facilitator.get(url).json()
    with CaptureQueriesContext(connection) as queries:
        assert facilitator.get(url).json() == first
    assert not [q for q in queries.captured_queries if "cohorts_application" in q["sql"]]
    # A participant's list is their own, not the facilitator's kept one.
    mine = signed_in(world["participant_a"]).get(url).json()
    assert {row["applicant"] for row in mine["results"]} == {world["participant_a"].pk}
    assert mine != first
    application = world["application"]
    type(application).objects.filter(pk=application.pk).update(state="rejected")
    rows = {row["id"]: row for row in facilitator.get(url).json()["results"]}
    assert rows[application.pk]["state"] == "rejected"


def test_verification_served_from_the_cache_still_counts_against_the_limit(world):
    url = reverse("certificates:verify-detail", args=[world["certificate"].display_code])
    client = Client()
    statuses = [client.get(url).status_code for _ in range(61)]
    assert statuses[:60] == [200] * 60
    assert statuses[60] == 429
    json_url = reverse("certificates:verify-detail-json", args=[world["certificate"].display_code])
    elsewhere = {"REMOTE_ADDR": "192.0.2.7"}
    assert Client().get(json_url, **elsewhere).json()["status"] == "valid"
    # The page's address asked for JSON gets JSON, not the kept page.
    accept_json = Client(headers={"accept": "application/json"})
    assert accept_json.get(url, **elsewhere).json()["status"] == "valid"
