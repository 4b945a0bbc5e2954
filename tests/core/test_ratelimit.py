import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from core.ratelimit import hit, rate_limited


@pytest.mark.django_db
def test_hits_are_counted_per_key_up_to_the_limit():
    assert [hit("t", "a", limit=3, period=60) for _ in range(4)] == [True, True, True, False]
    assert hit("t", "b", limit=3, period=60) is True  # another client is not affected
    assert hit("other", "a", limit=3, period=60) is True  # nor another scope


@pytest.mark.django_db
def test_the_decorator_answers_429_past_the_limit_and_only_for_posts():
    view = rate_limited("form", limit=2, period=60)(lambda request: HttpResponse("ok"))
    factory = RequestFactory()
    assert [view(factory.post("/form/")).status_code for _ in range(3)] == [200, 200, 429]
    assert view(factory.get("/form/")).status_code == 200
    response = view(factory.post("/form/"))
    assert response.headers["Retry-After"] == "60"
    assert "Too many attempts" in response.content.decode()
