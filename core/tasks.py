import functools

from django.db import transaction
from django_q.brokers import Broker, get_broker
from django_q.conf import Conf
from django_q.tasks import async_task


@functools.cache
def _broker(queue_name: str) -> Broker:
    return get_broker(queue_name)


def task_broker() -> Broker:
    """This process's connection to the task queue.

    django-q2 opens a new one (a new Redis connection) for every task queued unless it is
    given one: a cohort's 200 certificates would open 400.
    """
    return _broker(Conf.CLUSTER_NAME)


def enqueue(func_path: str, *args, **kwargs) -> None:
    """Queue a background task now (see enqueue_on_commit inside a transaction)."""
    async_task(func_path, *args, broker=task_broker(), **kwargs)


def enqueue_on_commit(func_path: str, *args, **kwargs) -> None:
    """Queue a background task once the surrounding transaction has committed.

    Queued any earlier, a worker could run it before the rows it reads exist, or for a
    change that was rolled back.
    """
    transaction.on_commit(lambda: enqueue(func_path, *args, **kwargs))
