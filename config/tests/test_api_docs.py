"""Swagger UI (/api/docs/) and ReDoc (/api/redoc/) load everything from this server: no CDN, so they work offline.

The assets are collected and served as in production: collectstatic with a manifest (hashed names) and whitenoise;
production's storage also compresses, which only adds .gz/.br twins and takes long, so it is left out here.
"""

import re

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db

ASSET = re.compile(r'(?:src|href)="([^"]+)"')


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("staticfiles")

    production = {
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    with override_settings(STATIC_ROOT=root, STORAGES=production):
        call_command("collectstatic", "--noinput", verbosity=0)
        yield root


@pytest.mark.parametrize(("page", "marker"), [("/api/docs/", b"swagger-ui"), ("/api/redoc/", b"<redoc spec-url")])
def test_the_api_docs_load_only_local_assets_and_they_are_served(static_root, page, marker):
    client = Client()  # a new client: whitenoise reads the collected files when its middleware starts
    response = client.get(page)
    assert response.status_code == 200
    html = response.content.decode()
    assert marker.decode() in html
    assert not re.findall(r"https?://", html), "the page reaches outside this server"
    assets = ASSET.findall(html)
    assert assets, "the page loads no assets"
    for url in assets:
        assert url.startswith("/static/drf_spectacular_sidecar/"), url
        served = client.get(url)
        assert served.status_code == 200, url
        assert b"".join(served.streaming_content), url
    assert '"/api/schema/"' in html  # the schema the page renders comes from this server too


def test_the_docs_pages_name_their_assets_by_content_hash(static_root):
    html = Client().get("/api/docs/").content.decode()
    assert re.search(r"/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle\.[0-9a-f]{12}\.js", html)
