import factory

from courses.models import Course, Language, Lesson, LessonPrerequisite, Section, Unit


class LanguageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Language
        django_get_or_create = ("code",)

    code = factory.Iterator(["en", "es", "fr", "de", "it", "ja", "ar", "he", "pt-BR", "nl"])
    name = factory.LazyAttribute(lambda o: f"Language {o.code}")
    native_name = factory.LazyAttribute(lambda o: f"Native {o.code}")


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    from_language = factory.LazyFunction(lambda: LanguageFactory(code="en"))
    to_language = factory.SubFactory(
        LanguageFactory, code=factory.Sequence(lambda n: f"q{chr(97 + n // 26 % 26)}{chr(97 + n % 26)}")
    )
    title = factory.Sequence(lambda n: f"Course {n}")
    is_published = True


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    course = factory.SubFactory(CourseFactory)
    position = factory.Sequence(lambda n: n + 1)
    key = factory.Sequence(lambda n: f"section-{n}")
    title = factory.Sequence(lambda n: f"Section {n}")


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    section = factory.SubFactory(SectionFactory)
    position = factory.Sequence(lambda n: n + 1)
    key = factory.Sequence(lambda n: f"unit-{n}")
    title = factory.Sequence(lambda n: f"Unit {n}")


class LessonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lesson

    unit = factory.SubFactory(UnitFactory)
    position = factory.Sequence(lambda n: n + 1)
    key = factory.Sequence(lambda n: f"lesson-{n}")
    title = factory.Sequence(lambda n: f"Lesson {n}")


class LessonPrerequisiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LessonPrerequisite

    lesson = factory.SubFactory(LessonFactory)
    requires = factory.SubFactory(LessonFactory, unit=factory.SelfAttribute("..lesson.unit"))
