"""Background tasks of the academy app: each takes IDs and calls one service."""

from . import services


def programme_completion_evaluate(programme_id: int) -> dict[str, int]:
    return services.programme_completion_evaluate(programme_id=programme_id)
