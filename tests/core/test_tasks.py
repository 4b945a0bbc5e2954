"""Queuing background tasks (core/tasks.py)."""

import pytest
from django.db import transaction
from django_q.conf import Conf

from core import tasks


@pytest.fixture
def queue(monkeypatch):
    """The real task queue (ORM or Redis), not run inline; emptied afterwards."""
    monkeypatch.setattr(Conf, "SYNC", False)
    made = []
    real_get_broker = tasks.get_broker
    monkeypatch.setattr(
        tasks, "get_broker", lambda name: made.append(name) or real_get_broker(name)
    )
    tasks._broker.cache_clear()
    yield made
    tasks.task_broker().purge_queue()
    tasks._broker.cache_clear()


@pytest.mark.django_db
def test_tasks_queued_by_one_process_share_one_broker_connection(queue):
    for person_id in (1, 2, 3):
        tasks.enqueue("accounts.tasks.send_role_invitation", person_id, language="cy")
    assert tasks.task_broker().queue_size() == 3
    assert queue == [Conf.CLUSTER_NAME]  # one broker, made once, for this process's queue


@pytest.mark.django_db(transaction=True)
def test_a_task_queued_in_a_transaction_waits_for_the_commit(queue):
    with transaction.atomic():
        tasks.enqueue_on_commit("accounts.tasks.send_role_invitation", 1)
        assert tasks.task_broker().queue_size() == 0
    assert tasks.task_broker().queue_size() == 1
    with transaction.atomic():
        tasks.enqueue_on_commit("accounts.tasks.send_role_invitation", 2)
        transaction.set_rollback(True)
    assert tasks.task_broker().queue_size() == 1
