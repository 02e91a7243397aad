import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

DEMO_COURSE = Path(settings.BASE_DIR) / "fixtures" / "courses" / "spanish-for-english-speakers.yaml"


@pytest.fixture
def reference_data(db):
    call_command("seed", stdout=io.StringIO())


@pytest.fixture
def demo_text() -> str:
    return DEMO_COURSE.read_text(encoding="utf-8")
