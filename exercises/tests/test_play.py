import json

import pytest

from exercises.api.serializers import PlayExerciseSerializer
from exercises.models import AudioFile, LessonExercise
from exercises.selectors import exercises_for_play, lesson_exercises_for_play

from .factories import AudioFileFactory, ExerciseFactory, ExerciseTypeFactory, LessonExerciseFactory

pytestmark = pytest.mark.django_db


def play(exercise, audio_quality="medium", session_id=None):
    """The exercise's play payload, as the first exercise of a lesson."""
    link = LessonExercise(exercise=exercises_for_play().get(pk=exercise.pk), position=1, is_required=True)
    return PlayExerciseSerializer(link, context={"audio_quality": audio_quality, "session_id": session_id}).data


def test_translate_payload_has_the_common_fields_and_no_answers():
    exercise = ExerciseFactory(hints=["niño = boy"], difficulty=2, time_limit_seconds=30)
    assert play(exercise) == {
        "id": exercise.pk,
        "type": "translate",
        "prompt": "Translate this sentence",
        "difficulty": 2,
        "time_limit_seconds": 30,
        "xp": 2,
        "hints": ["niño = boy"],
        "audio_url": None,
        "image": None,
        "content": {"source_text": "The boy eats an apple.", "source_language": None},
        "position": 1,
        "is_required": True,
    }


def test_listen_payload_gives_only_the_audio_never_the_transcript():
    exercise = ExerciseFactory(type=ExerciseTypeFactory(code="listen"), content={"slow_audio": True})
    payload = play(exercise, audio_quality="high")
    assert payload["content"] == {"slow_audio": True}
    assert payload["audio_url"] == f"https://cdn.example/{exercise.audio.key}-high.mp3"
    assert "Hola" not in json.dumps(payload)


def test_audio_falls_back_to_the_best_available_quality():
    audio = AudioFileFactory(url_high="", url_medium="https://cdn.example/m.mp3", url_low="https://cdn.example/l.mp3")
    exercise = ExerciseFactory(type=ExerciseTypeFactory(code="listen"), audio=audio)
    assert play(exercise, audio_quality="high")["audio_url"] == "https://cdn.example/m.mp3"
    assert play(exercise, audio_quality="low")["audio_url"] == "https://cdn.example/l.mp3"
    audio.url_medium = ""
    audio.save()
    assert play(exercise, audio_quality="medium")["audio_url"] == "https://cdn.example/l.mp3"


def test_an_uploaded_file_wins_over_a_url():
    audio = AudioFileFactory()
    audio.file_medium.name = "audio/medium/hola.mp3"
    audio.save()
    assert audio.url_for("medium") == "/media/audio/medium/hola.mp3"


def test_unknown_audio_quality_is_refused():
    exercise = ExerciseFactory()
    with pytest.raises(ValueError, match="Unknown audio quality 'ultra'"):
        play(exercise, audio_quality="ultra")
    with pytest.raises(ValueError, match="Unknown audio quality"):
        AudioFile().url_for("ultra")


def test_speak_and_fill_blank_payloads():
    speak = ExerciseFactory(type=ExerciseTypeFactory(code="speak"), xp_override=7)
    assert play(speak)["content"] == {"phrase": "Buenos días"}
    assert play(speak)["xp"] == 7
    fill = ExerciseFactory(
        type=ExerciseTypeFactory(code="fill_blank"), content={"text": "Yo ___ y ___."}, answers=[["a"], ["b"]]
    )
    assert play(fill)["content"] == {"text": "Yo ___ y ___.", "blanks": 2}


def test_multiple_choice_options_have_no_is_correct_and_a_structured_prompt():
    exercise = ExerciseFactory(type=ExerciseTypeFactory(code="multiple_choice"))
    options = {option.pk: option.text for option in exercise.options.all()}
    content = play(exercise)["content"]
    assert content["prompt"] == {"text": "hello", "language": "en"}
    assert {option["id"]: option["text"] for option in content["options"]} == options
    assert "is_correct" not in json.dumps(play(exercise))
    exercise.content = {}
    exercise.save()
    assert play(exercise)["content"]["prompt"] is None


def test_match_pairs_right_column_is_shuffled_never_paired():
    exercise = ExerciseFactory(
        type=ExerciseTypeFactory(code="match_pairs"),
        content={"pairs": [["el perro", "the dog"], ["el gato", "the cat"], ["la casa", "a house"]]},
    )
    content = play(exercise)["content"]
    assert content["left"] == ["el perro", "el gato", "la casa"]
    assert sorted(content["right"]) == ["a house", "the cat", "the dog"]
    assert content["right"] != ["the dog", "the cat", "a house"]


def test_sort_words_tiles_are_shuffled_never_in_answer_order():
    exercise = ExerciseFactory(type=ExerciseTypeFactory(code="sort_words"))
    payload = play(exercise)
    assert payload["content"]["prompt"] == {"text": "I drink water", "language": "en"}
    assert sorted(payload["content"]["tiles"]) == ["Yo", "agua", "bebo", "leche"]
    assert "Yo bebo agua" not in " ".join(payload["content"]["tiles"])


def test_image_payload_upload_wins_over_url():
    exercise = ExerciseFactory(image_url="https://cdn.example/dog.png", image_alt="A dog")
    assert play(exercise)["image"] == {"url": "https://cdn.example/dog.png", "alt": "A dog"}
    exercise.image.name = "images/dog.png"
    exercise.save()
    assert play(exercise)["image"] == {"url": "/media/images/dog.png", "alt": "A dog"}


def test_lesson_exercises_for_play_loads_everything_in_two_queries(django_assert_num_queries):
    link = LessonExerciseFactory(exercise=ExerciseFactory(type=ExerciseTypeFactory(code="multiple_choice")))
    for code in ("listen", "sort_words", "translate"):
        LessonExerciseFactory(lesson=link.lesson, exercise=ExerciseFactory(type=ExerciseTypeFactory(code=code)))
    with django_assert_num_queries(2):
        payloads = PlayExerciseSerializer(lesson_exercises_for_play(link.lesson), many=True).data
    assert [payload["type"] for payload in payloads] == ["multiple_choice", "listen", "sort_words", "translate"]


def test_exercise_xp_and_lesson_effective_xp():
    from courses.selectors import lessons_with_xp

    def lesson_effective_xp(lesson):
        return lessons_with_xp().get(pk=lesson.pk).effective_xp_reward

    link = LessonExerciseFactory()  # translate: 2 XP
    LessonExerciseFactory(lesson=link.lesson, exercise=ExerciseFactory(xp_override=5))
    assert link.exercise.xp == 2
    assert lesson_effective_xp(link.lesson) == 7
    assert link.lesson.effective_xp_reward == 7
    link.lesson.xp_reward = 12
    link.lesson.save()
    assert lesson_effective_xp(link.lesson) == 12
