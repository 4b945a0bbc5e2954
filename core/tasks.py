from django.db import transaction
from django_q.tasks import async_task


def enqueue_on_commit(func_path: str, *args, **kwargs) -> None:
    """Queue a background task once the surrounding transaction has committed.

    Queued any earlier, a worker could run it before the rows it reads exist, or for a
    change that was rolled back.
    """
    transaction.on_commit(lambda: async_task(func_path, *args, **kwargs))
