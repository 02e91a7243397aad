"""Serializers of the course catalog: languages, courses and the course tree."""

from rest_framework import serializers

from courses.models import Course, Language, Lesson, Section, Unit


class LanguageLettersMixin(serializers.Serializer):
    special_characters = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="Characters offered as on-screen keys."
    )
    punctuation_letters = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="Characters Unicode calls punctuation that are letters in this language; grading keeps them.",
    )


class LanguageSerializer(LanguageLettersMixin, serializers.ModelSerializer):
    class Meta:
        model = Language
        fields = [
            "id",
            "code",
            "name",
            "native_name",
            "flag",
            "direction",
            "is_active",
            "special_characters",
            "punctuation_letters",
        ]


class LanguageBriefSerializer(LanguageLettersMixin, serializers.ModelSerializer):
    class Meta:
        model = Language
        fields = ["id", "code", "name", "native_name", "flag", "direction", "special_characters", "punctuation_letters"]


COURSE_PROVENANCE = ["license", "license_url", "attribution", "source_url"]


class CourseSerializer(serializers.ModelSerializer):
    from_language = LanguageBriefSerializer(read_only=True)
    to_language = LanguageBriefSerializer(read_only=True)

    class Meta:
        model = Course
        fields = [
            "id",
            "title",
            "description",
            "from_language",
            "to_language",
            "cefr_from",
            "cefr_to",
            "is_published",
            *COURSE_PROVENANCE,
            "archived_at",
        ]


class CourseInputSerializer(serializers.ModelSerializer):
    from_language = serializers.SlugRelatedField(slug_field="code", queryset=Language.objects.all())
    to_language = serializers.SlugRelatedField(slug_field="code", queryset=Language.objects.all())

    class Meta:
        model = Course
        fields = [
            "title",
            "description",
            "from_language",
            "to_language",
            "cefr_from",
            "cefr_to",
            "is_published",
            *COURSE_PROVENANCE,
        ]
        # Uniqueness and the language rules are checked by the service (model validation) and the database.
        validators = []


class RemovalSerializer(serializers.Serializer):
    """The answer to a staff DELETE of content learners have history in (courses.content.Removal): archived, not
    deleted."""

    detail = serializers.CharField(source="message")
    archived = serializers.BooleanField()
    learners = serializers.IntegerField(source="history.learners", help_text="Learners with history in it.")
    learner_rows = serializers.IntegerField(
        source="history.rows", help_text="Rows of learner history that refer to it."
    )


class LessonNodeSerializer(serializers.ModelSerializer):
    xp_reward = serializers.IntegerField(source="effective_xp_reward", read_only=True)
    exercise_count = serializers.IntegerField(read_only=True)
    requires = serializers.SerializerMethodField(help_text="The lessons to complete first (archived ones are met).")

    class Meta:
        model = Lesson
        fields = ["id", "position", "title", "xp_reward", "estimated_minutes", "exercise_count", "requires"]

    def get_requires(self, lesson) -> list[int]:
        return [link.requires_id for link in lesson.prerequisite_links.all()]


class UnitNodeSerializer(serializers.ModelSerializer):
    lessons = LessonNodeSerializer(many=True, read_only=True)

    class Meta:
        model = Unit
        fields = ["id", "position", "title", "description", "guidebook", "icon", "color", "lessons"]


class SectionNodeSerializer(serializers.ModelSerializer):
    units = UnitNodeSerializer(many=True, read_only=True)

    class Meta:
        model = Section
        fields = ["id", "position", "title", "description", "units"]


class CourseTreeSerializer(CourseSerializer):
    sections = SectionNodeSerializer(many=True, read_only=True)

    class Meta(CourseSerializer.Meta):
        fields = [*CourseSerializer.Meta.fields, "sections"]
