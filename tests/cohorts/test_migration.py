import pytest
from django_q.models import Schedule


@pytest.mark.django_db
def test_the_migration_schedules_the_offer_expiry_and_the_equality_purge():
    schedules = {s.name: s for s in Schedule.objects.filter(name__startswith="cohorts:")}
    expiry = schedules["cohorts: expire place offers"]
    assert expiry.func == "cohorts.tasks.expire_overdue_offers"
    assert (expiry.schedule_type, expiry.minutes, expiry.repeats) == (Schedule.MINUTES, 15, -1)
    purge = schedules["cohorts: delete old equality monitoring answers"]
    assert purge.func == "cohorts.tasks.purge_equality_responses"
    assert purge.schedule_type == Schedule.DAILY
