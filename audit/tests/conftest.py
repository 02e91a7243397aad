import pytest

from accounts.tests.factories import SuperuserFactory
from courses.models import Course, Language, Lesson, Section, Unit


@pytest.fixture
def unit(db):
    english = Language.objects.create(code="en", name="English", native_name="English")
    spanish = Language.objects.create(code="es", name="Spanish", native_name="Español")
    course = Course.objects.create(from_language=english, to_language=spanish, title="Spanish for English speakers")
    section = Section.objects.create(course=course, position=1, key="basics", title="Basics")
    return Unit.objects.create(section=section, position=1, key="greetings", title="Greetings")


@pytest.fixture
def lesson(unit):
    return Lesson.objects.create(unit=unit, position=1, key="hello", title="Old")


@pytest.fixture
def superuser(db):
    return SuperuserFactory(email="root@example.com")


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client
