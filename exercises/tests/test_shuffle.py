"""Options, tiles and pairs reach learners in an order drawn from their session: fair, stable, never the answer."""

import itertools
from collections import Counter

import pytest
from django.core.cache import cache

from courses.selectors import recent_content
from exercises.kinds import kind_for
from exercises.kinds.base import ExerciseData, OptionData
from exercises.play import play_order
from exercises.tests.factories import ExerciseFactory, ExerciseTypeFactory, LessonExerciseFactory
from progress.services import user_course_enroll

pytestmark = pytest.mark.django_db

# Chi-square critical value for 3 degrees of freedom (four positions) at p = 0.001: a fair shuffle exceeds it
# once in a thousand runs; the editor's order (the correct option always first) gives 150.
CHI_SQUARE_3_DF_P001 = 16.27


@pytest.fixture
def four_option_lesson(learner_client):
    exercise = ExerciseFactory(
        type=ExerciseTypeFactory(code="multiple_choice"),
        options=[("Hola", True), ("Adiós", False), ("Gracias", False), ("Por favor", False)],
    )
    link = LessonExerciseFactory(exercise=exercise)
    course = link.lesson.unit.section.course
    course.is_published = True
    course.save()
    user_course_enroll(user=learner_client.user, course=course)
    return link.lesson, exercise


def test_the_correct_option_is_spread_over_every_position_across_50_sessions(learner_client, four_option_lesson):
    lesson, exercise = four_option_lesson
    correct_id = exercise.options.get(is_correct=True).pk
    positions, orders = Counter(), set()
    for _ in range(50):
        started = learner_client.post(f"/api/v1/lessons/{lesson.pk}/sessions/")
        assert started.status_code == 201, started.content
        options = [option["id"] for option in started.json()["exercises"][0]["content"]["options"]]
        positions[options.index(correct_id)] += 1
        orders.add(tuple(options))
    expected = 50 / 4
    chi_square = sum((positions[position] - expected) ** 2 / expected for position in range(4))
    assert set(positions) == {0, 1, 2, 3}, positions
    assert chi_square < CHI_SQUARE_3_DF_P001, positions
    assert len(orders) > 10  # sessions draw different orders, not a few fixed ones


def test_one_sessions_order_is_the_same_across_5_reloads(learner_client, four_option_lesson):
    lesson, exercise = four_option_lesson
    started = learner_client.post(f"/api/v1/lessons/{lesson.pk}/sessions/").json()
    reloads = [learner_client.get(f"/api/v1/sessions/{started['id']}/").json() for _ in range(5)]
    assert [reload["exercises"] for reload in reloads] == [started["exercises"]] * 5
    assert reloads[0]["status"] == "active"
    # The order comes from the session and exercise ids alone: any worker computes the same one.
    data = ExerciseData(
        content={}, answers=[], options=[OptionData(o.text, o.is_correct, o.pk) for o in exercise.options.all()]
    )
    redrawn = kind_for("multiple_choice").play_content(
        data, order=play_order(exercise_id=exercise.pk, session_id=started["id"])
    )
    assert redrawn["options"] == started["exercises"][0]["content"]["options"]


def test_a_finished_session_has_no_exercises_to_play(learner_client, four_option_lesson):
    lesson, exercise = four_option_lesson
    started = learner_client.post(f"/api/v1/lessons/{lesson.pk}/sessions/").json()
    correct_id = exercise.options.get(is_correct=True).pk
    learner_client.post(
        f"/api/v1/sessions/{started['id']}/answers/", {"exercise": exercise.pk, "answer": {"option": correct_id}}
    )
    assert learner_client.post(f"/api/v1/sessions/{started['id']}/complete/").status_code == 200
    detail = learner_client.get(f"/api/v1/sessions/{started['id']}/").json()
    assert (detail["status"], detail["exercises"]) == ("completed", None)


def _tiles(session_id: int, tiles: list[str], answers: list[str]) -> tuple[str, ...]:
    data = ExerciseData(content={"tiles": tiles}, answers=answers)
    return tuple(
        kind_for("sort_words").play_content(data, order=play_order(exercise_id=7, session_id=session_id))["tiles"]
    )


def test_sort_words_tiles_never_spell_an_accepted_sentence():
    # Without the rule, 2 of the 6 orders of these tiles would hand over an accepted sentence.
    orders = Counter(
        _tiles(session, ["Yo", "bebo", "agua"], ["Yo bebo agua", "Agua bebo yo"]) for session in range(300)
    )
    assert set(orders) == set(itertools.permutations(["Yo", "bebo", "agua"])) - {
        ("Yo", "bebo", "agua"),
        ("agua", "bebo", "Yo"),
    }
    # With a distractor, the sentence may not appear as consecutive tiles either.
    for session in range(100):
        tiles = " ".join(_tiles(session, ["Yo", "bebo", "agua", "leche"], ["Yo bebo agua"]))
        assert "Yo bebo agua" not in tiles


def test_match_pairs_right_column_never_lines_up_with_the_left():
    pairs = [["uno", "one"], ["dos", "two"], ["tres", "three"]]
    kind = kind_for("match_pairs")
    rights = Counter(
        tuple(
            kind.play_content(
                ExerciseData(content={"pairs": pairs}, answers=[]), order=play_order(exercise_id=3, session_id=s)
            )["right"]
        )
        for s in range(200)
    )
    assert ("one", "two", "three") not in rights
    assert len(rights) == 5  # every other order appears


def test_the_public_lesson_payload_has_a_stable_order_of_its_own(learner_client, four_option_lesson):
    lesson, exercise = four_option_lesson
    first = learner_client.get(f"/api/v1/lessons/{lesson.pk}/").json()["exercises"][0]["content"]["options"]
    cache.clear()
    recent_content.clear()
    second = learner_client.get(f"/api/v1/lessons/{lesson.pk}/").json()["exercises"][0]["content"]["options"]
    assert first == second
    data = ExerciseData(
        content={}, answers=[], options=[OptionData(o.text, o.is_correct, o.pk) for o in exercise.options.all()]
    )
    expected = kind_for("multiple_choice").play_content(
        data, order=play_order(exercise_id=exercise.pk, session_id=None)
    )
    assert first == expected["options"]
    # Across exercises the public order is not the editor's as a rule: the correct option moves.
    firsts = Counter()
    for _ in range(24):
        other = ExerciseFactory(type=ExerciseTypeFactory(code="multiple_choice"))
        options = sorted(other.options.all(), key=lambda o: o.position)
        data = ExerciseData(content={}, answers=[], options=[OptionData(o.text, o.is_correct, o.pk) for o in options])
        shown = kind_for("multiple_choice").play_content(data, order=play_order(exercise_id=other.pk, session_id=None))
        firsts[[option["id"] for option in shown["options"]].index(options[0].pk)] += 1
    assert len(firsts) == 3, firsts
