"""Uploaded media: served by `make run` (DEBUG) from the disk, and in production written to an S3-compatible
bucket through django-storages, configured from the environment: tested against moto's S3 server on loopback."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import urllib.request
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
from django.conf import settings
from django.contrib import admin
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import override_settings
from django.urls import clear_url_caches
from moto.server import ThreadedMotoServer

from courses.tests.factories import LessonFactory
from exercises.models import Exercise
from exercises.tests.factories import AudioFileFactory, ExerciseFactory, ExerciseTypeFactory, LessonExerciseFactory

pytestmark = pytest.mark.django_db

MP3 = b"ID3\x04\x00\x00\x00\x00\x00\x00fake mp3 frames"
PNG = b"\x89PNG\r\n\x1a\nfake png chunks"
BUCKET = "lingo-media"


def lesson_playing(audio) -> int:
    lesson = LessonFactory()
    exercise = ExerciseFactory(type=ExerciseTypeFactory(code="listen"), audio=audio)
    LessonExerciseFactory(lesson=lesson, position=1, exercise=exercise)
    return lesson.pk


def audio_url_in_the_api(client, lesson_id: int) -> str:
    response = client.get(f"/api/v1/lessons/{lesson_id}/")
    assert response.status_code == 200, response.content
    return response.json()["exercises"][0]["audio_url"]


# --- make run: DEBUG serves MEDIA_ROOT --------------------------------------------------------------------------


@pytest.fixture
def debug_urls(tmp_path):
    """config/urls.py as `make run` loads it (DEBUG, files on disk), as a module of its own."""
    filesystem = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    admin_login = admin.site.login  # loading config/urls.py again wraps the admin login again
    with override_settings(DEBUG=True, MEDIA_ROOT=tmp_path, STORAGES=filesystem):
        spec = importlib.util.spec_from_file_location("debug_urls", settings.BASE_DIR / "config" / "urls.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        with override_settings(ROOT_URLCONF=module):
            yield tmp_path
    admin.site.login = admin_login
    clear_url_caches()


def test_make_run_serves_uploaded_audio(debug_urls, learner_client):
    audio = AudioFileFactory(url_medium="", file_medium=ContentFile(MP3, name="hola.mp3"))
    assert (debug_urls / "audio" / "medium" / "hola.mp3").read_bytes() == MP3

    url = audio_url_in_the_api(learner_client, lesson_playing(audio))
    assert url == "/media/audio/medium/hola.mp3"
    response = learner_client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == MP3


def test_without_debug_the_app_does_not_serve_media(client):
    assert client.get("/media/audio/medium/hola.mp3").status_code == 404


# --- production: an S3-compatible bucket --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def s3_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def s3_client(endpoint: str):
    return boto3.client(
        "s3", endpoint_url=endpoint, region_name="eu-west-1", aws_access_key_id="test", aws_secret_access_key="test"
    )


def media_storage_from(env: dict[str, str]) -> dict:
    """settings.STORAGES["default"] as config/settings.py builds it from these environment variables."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "MEDIA_", "DJANGO_SETTINGS"))}
    result = subprocess.run(
        [sys.executable, "-c", "import json; from config import settings; print(json.dumps(settings.STORAGES))"],
        cwd=settings.BASE_DIR,
        env={**clean, "DEBUG": "0", "DATABASE_URL": "sqlite:///:memory:", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-800:]
    return json.loads(result.stdout)["default"]


def test_media_storage_defaults_to_the_disk():
    assert media_storage_from({}) == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def test_an_unknown_media_storage_is_refused_at_start():
    with pytest.raises(AssertionError, match="MEDIA_STORAGE must be 'filesystem' or 's3', not 'ftp'"):
        media_storage_from({"MEDIA_STORAGE": "ftp"})


@pytest.fixture
def bucket(s3_endpoint):
    client = s3_client(s3_endpoint)
    client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def s3_environment(endpoint: str, **extra: str) -> dict[str, str]:
    return {
        "AWS_STORAGE_BUCKET_NAME": BUCKET,  # naming a bucket is enough: MEDIA_STORAGE defaults to s3 then
        "AWS_S3_ENDPOINT_URL": endpoint,
        "AWS_S3_REGION_NAME": "eu-west-1",
        "AWS_S3_ACCESS_KEY_ID": "test",
        "AWS_S3_SECRET_ACCESS_KEY": "test",
        **extra,
    }


def test_the_environment_configures_s3_storage(s3_endpoint):
    assert media_storage_from(s3_environment(s3_endpoint)) == {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": BUCKET,
            "endpoint_url": s3_endpoint,
            "region_name": "eu-west-1",
            "access_key": "test",
            "secret_key": "test",
            "location": "",
            "custom_domain": None,
            "querystring_auth": True,
            "querystring_expire": settings.CONTENT_CACHE_SECONDS + 3600,
            "signature_version": "s3v4",
            "file_overwrite": False,
        },
    }


def test_uploaded_audio_goes_to_the_bucket_and_the_api_gives_a_signed_url(s3_endpoint, bucket, learner_client):
    storage = media_storage_from(s3_environment(s3_endpoint))
    with override_settings(STORAGES={**settings.STORAGES, "default": storage}):
        audio = AudioFileFactory(url_medium="", file_medium=ContentFile(MP3, name="hola.mp3"))
        url = audio_url_in_the_api(learner_client, lesson_playing(audio))

    stored = bucket.get_object(Bucket=BUCKET, Key="audio/medium/hola.mp3")
    assert stored["Body"].read() == MP3
    assert stored["ContentType"] == "audio/mpeg"

    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{s3_endpoint}/{BUCKET}/audio/medium/hola.mp3"
    query = parse_qs(parts.query)
    assert query["X-Amz-Expires"] == [str(settings.CONTENT_CACHE_SECONDS + 3600)]
    assert "X-Amz-Signature" in query
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.read() == MP3


def test_with_a_custom_domain_the_api_gives_its_plain_url(s3_endpoint, bucket, learner_client):
    env = s3_environment(s3_endpoint, AWS_S3_CUSTOM_DOMAIN="media.lingo.example", AWS_QUERYSTRING_AUTH="0")
    with override_settings(STORAGES={**settings.STORAGES, "default": media_storage_from(env)}):
        audio = AudioFileFactory(url_medium="", file_medium=ContentFile(MP3, name="hola.mp3"))
        url = audio_url_in_the_api(learner_client, lesson_playing(audio))
    assert url == "https://media.lingo.example/audio/medium/hola.mp3"
    assert bucket.get_object(Bucket=BUCKET, Key="audio/medium/hola.mp3")["Body"].read() == MP3


def test_an_exercise_image_goes_to_the_bucket_without_replacing_another(s3_endpoint, bucket):
    storage = media_storage_from(s3_environment(s3_endpoint, AWS_LOCATION="media"))
    with override_settings(STORAGES={**settings.STORAGES, "default": storage}):
        first = ExerciseFactory(image_alt="A red apple")
        first.image.save("apple.png", ContentFile(PNG), save=True)
        second = ExerciseFactory(image_alt="A green apple")
        second.image.save("apple.png", ContentFile(PNG + b"!"), save=True)
        assert default_storage.exists(first.image.name)
        names = (Exercise.objects.get(pk=first.pk).image.name, Exercise.objects.get(pk=second.pk).image.name)
    assert names[0] == "images/apple.png"
    assert names[1].startswith("images/apple_")
    assert names[1].endswith(".png")
    keys = sorted(item["Key"] for item in bucket.list_objects_v2(Bucket=BUCKET)["Contents"])
    assert keys == sorted(f"media/{name}" for name in names)
    assert bucket.get_object(Bucket=BUCKET, Key="media/images/apple.png")["Body"].read() == PNG
