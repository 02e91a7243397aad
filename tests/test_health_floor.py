"""`/health/floor`: the benchmark's throughput floor is one indexed query and needs no login."""

import pytest

pytestmark = pytest.mark.django_db


def test_floor_is_one_query_and_anonymous(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/health/floor")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_floor_refuses_writes(client):
    assert client.post("/health/floor").status_code == 405
