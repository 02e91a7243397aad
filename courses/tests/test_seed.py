import io
import re

import pytest
from django.core.management import CommandError, call_command

from audit.models import SystemAuditLog
from courses.models import Language
from courses.reference_data import ReferenceDataError, reference_data_load
from exercises.models import ExerciseType
from gamification.models import Achievement, LeagueTier, QuestTemplate

pytestmark = pytest.mark.django_db


def seed(*args) -> str:
    out = io.StringIO()
    call_command("seed", *args, stdout=out)
    return out.getvalue()


def test_seed_twice_creates_once_and_reports_counts():
    first = seed()
    assert "Seeded: 51 created, 0 updated, 0 unchanged, 0 kept as edited" in first
    assert "courses.Language: 10 created, 0 updated, 0 unchanged, 0 kept" in first
    counts = (Language.objects.count(), ExerciseType.objects.count(), Achievement.objects.count())
    assert counts == (10, 7, 14)
    second = seed()
    assert "Seeded: 0 created, 0 updated, 51 unchanged, 0 kept as edited" in second
    assert (Language.objects.count(), ExerciseType.objects.count(), Achievement.objects.count()) == counts
    kinds = set(Achievement.objects.values_list("kind", flat=True))
    assert kinds == {
        "lessons_completed",
        "streak_days",
        "total_xp",
        "perfect_lessons",
        "courses_completed",
        "league_tier_reached",
        "league_first_places",
    }
    assert list(LeagueTier.objects.values_list("code", "order", "promote_count", "demote_count")) == [
        ("bronze", 1, 10, 0),
        ("silver", 2, 10, 5),
        ("gold", 3, 10, 5),
        ("sapphire", 4, 7, 5),
        ("ruby", 5, 7, 5),
        ("emerald", 6, 7, 5),
        ("amethyst", 7, 5, 5),
        ("pearl", 8, 5, 5),
        ("obsidian", 9, 5, 5),
        ("diamond", 10, 0, 5),
    ]
    assert set(QuestTemplate.objects.values_list("kind", flat=True)) == set(QuestTemplate.Kind.values)
    # Reference rows go through the content write path: one audit row per row created, then the command's summary.
    created = SystemAuditLog.objects.filter(actor_repr="manage.py seed", action="create")
    assert created.count() == 51
    assert created.get(target_repr="Spanish (es)").changes["native_name"] == [None, "Español"]
    rows = SystemAuditLog.objects.filter(actor_repr="manage.py seed", action="command").order_by("id")
    assert [row.summary["totals"] for row in rows] == [
        {"created": 51, "updated": 0, "unchanged": 0, "kept": 0},
        {"created": 0, "updated": 0, "unchanged": 51, "kept": 0},
    ]


def test_an_admin_edit_survives_seed_unless_forced():
    seed()
    Language.objects.filter(code="es").update(native_name="Castellano")
    ExerciseType.objects.filter(code="translate").update(default_xp=5)
    output = seed()
    assert "Seeded: 0 created, 0 updated, 49 unchanged, 2 kept as edited" in output
    assert Language.objects.get(code="es").native_name == "Castellano"
    assert ExerciseType.objects.get(code="translate").default_xp == 5
    output = seed("--force")
    assert "Seeded: 0 created, 2 updated, 49 unchanged, 0 kept as edited" in output
    assert Language.objects.get(code="es").native_name == "Español"
    assert ExerciseType.objects.get(code="translate").default_xp == 2


def test_a_deleted_row_is_recreated():
    seed()
    Achievement.objects.filter(code="streak-7").delete()
    assert "Seeded: 1 created, 0 updated, 50 unchanged" in seed()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not: [valid", "cannot read"),
        ("- a list\n", "expected the fields model, match_on and records"),
        ("model: nope.Nope\nmatch_on: code\nrecords: []\n", "unknown model 'nope.Nope'"),
        ("model: courses.Language\nmatch_on: code\nrecords:\n- {name: X}\n", "records[0] needs the field 'code'"),
        (
            "model: courses.Language\nmatch_on: code\nrecords:\n- {code: 'BAD CODE', name: X, native_name: X}\n",
            "records[0] (BAD CODE): ['Enter a well-formed BCP 47 language tag",
        ),
    ],
)
def test_broken_fixture_files_are_reported(tmp_path, text, message):
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ReferenceDataError, match=re.escape(message)):
        reference_data_load(paths=[path])
    assert Language.objects.count() == 0


def test_seed_command_turns_errors_into_command_errors(monkeypatch):
    def broken(**kwargs):
        raise ReferenceDataError("fixtures/languages.yaml: cannot read (boom).")

    monkeypatch.setattr("courses.management.commands.seed.reference_data_load", broken)
    with pytest.raises(CommandError, match="cannot read"):
        call_command("seed")
