import io

import pytest
from django.core.management import call_command

from exercises.tests.factories import DEMO_COURSE


@pytest.fixture
def reference_data(db):
    call_command("seed", stdout=io.StringIO())


@pytest.fixture
def demo_text() -> str:
    return DEMO_COURSE.read_text(encoding="utf-8")
