import pytest
from django.core import mail
from django.urls import reverse

from accounts.services import user_sign_up


@pytest.mark.django_db
def test_health_is_unavailable_without_a_task_worker(client):
    response = client.get(reverse("core:healthz"))
    assert response.status_code == 503
    body = response.json()
    assert body["database"]["ok"] is True
    assert body["tasks"]["ok"] is False


def test_health_follows_the_real_task_worker(client, task_worker):
    response = client.get(reverse("core:healthz"))
    assert response.status_code == 200, response.json()
    assert response.json()["tasks"]["workers"] >= 1

    task_worker.stop()
    task_worker.wait_for(lambda: not task_worker.is_up(), 15, "the worker to disappear")
    response = client.get(reverse("core:healthz"))
    assert response.status_code == 503
    assert response.json()["tasks"]["ok"] is False


def test_tasks_queued_by_the_portal_run_in_the_worker(task_worker):
    user_sign_up(
        email="queued@example.org",
        full_name="Queued Person",
        password="x" * 12,
        language="en-gb",
    )
    task_worker.wait_for(
        lambda: "queued@example.org" in task_worker.sent_mail(), 30, "the confirmation e-mail"
    )
    assert "/accounts/confirm/" in task_worker.sent_mail()
    assert mail.outbox == []  # sent by the worker process, not inside the request
