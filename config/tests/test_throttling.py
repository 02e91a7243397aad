"""Rate limits: fixed-window counters, one per client and window, exact under concurrency."""

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from rest_framework.request import Request
from rest_framework.test import APIClient, APIRequestFactory

from accounts.tests.factories import UserFactory
from config.throttling import AnonRateThrottle, UserRateThrottle

pytestmark = pytest.mark.django_db

RATES = {"user": "3/min", "anon": "2/min"}


@pytest.fixture
def low_rates(monkeypatch):
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", RATES)
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", RATES)


def signed_in(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_learner_gets_the_rate_per_window_then_429_until_the_next_window(low_rates):
    client = signed_in(UserFactory())
    with time_machine.travel(dt.datetime(2026, 11, 25, 12, 0, 10, tzinfo=dt.UTC), tick=False):
        statuses = [client.get("/api/v1/me/").status_code for _ in range(4)]
        refused = client.get("/api/v1/me/")
    assert statuses == [200, 200, 200, 429]
    assert refused.status_code == 429
    assert refused["Retry-After"] == "50"
    assert refused.json() == {
        "detail": "Request was throttled. Expected available in 50 seconds.",
        "code": "throttled",
        "wait": 50,
    }
    with time_machine.travel(dt.datetime(2026, 11, 25, 12, 1, 0, tzinfo=dt.UTC), tick=False):
        assert client.get("/api/v1/me/").status_code == 200


def test_each_learner_has_their_own_counter(low_rates):
    first, second = signed_in(UserFactory()), signed_in(UserFactory())
    with time_machine.travel(dt.datetime(2026, 11, 25, 12, 0, 0, tzinfo=dt.UTC), tick=False):
        assert [first.get("/api/v1/me/").status_code for _ in range(4)] == [200, 200, 200, 429]
        assert second.get("/api/v1/me/").status_code == 200


def test_the_public_catalog_has_the_anonymous_rate(low_rates):
    client = APIClient()
    with time_machine.travel(dt.datetime(2026, 11, 25, 12, 0, 30, tzinfo=dt.UTC), tick=False):
        statuses = [client.get("/api/v1/languages/").status_code for _ in range(3)]
        refused = client.get("/api/v1/courses/")
    assert statuses == [200, 200, 429]
    assert refused.json() == {
        "detail": "Request was throttled. Expected available in 30 seconds.",
        "code": "throttled",
        "wait": 30,
    }


def test_anonymous_callers_are_counted_by_address(low_rates):
    factory, throttle = APIRequestFactory(), AnonRateThrottle()

    def allowed(address: str) -> bool:
        request = Request(factory.get("/", REMOTE_ADDR=address))
        request.user = AnonymousUser()
        return throttle.allow_request(request, view=None)

    with time_machine.travel(dt.datetime(2026, 11, 25, 12, 0, 0, tzinfo=dt.UTC), tick=False):
        assert [allowed("10.0.0.1") for _ in range(3)] == [True, True, False]
        assert allowed("10.0.0.2") is True


def test_parallel_requests_each_count_once(low_rates):
    # 40 increments from 8 threads: every number 1..40 handed out exactly once (Redis INCR in CI).
    throttle = UserRateThrottle()
    with ThreadPoolExecutor(max_workers=8) as pool:
        counts = list(pool.map(lambda _: throttle.count("throttle-test:parallel"), range(40)))
    assert sorted(counts) == list(range(1, 41))


def test_an_anonymous_request_costs_one_counter_and_a_signed_in_one_one(low_rates, monkeypatch):
    # Each request increments exactly one counter: the anonymous one by address, or the learner's.
    counted = []
    count = UserRateThrottle.count
    monkeypatch.setattr(UserRateThrottle, "count", lambda self, key: counted.append(key) or count(self, key))
    monkeypatch.setattr(AnonRateThrottle, "count", lambda self, key: counted.append(key) or count(self, key))
    user = UserFactory()
    with time_machine.travel(dt.datetime(2026, 11, 25, 12, 0, 0, tzinfo=dt.UTC), tick=False):
        assert APIClient().get("/api/v1/languages/").status_code == 200
        assert signed_in(user).get("/api/v1/me/").status_code == 200
    window = int(dt.datetime(2026, 11, 25, 12, 0, 0, tzinfo=dt.UTC).timestamp() // 60)
    assert counted == [f"throttle_anon_127.0.0.1:{window}", f"throttle_user_{user.pk}:{window}"]
