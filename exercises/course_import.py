"""Writing a validated course plan (exercises.course_files, exercises.librelingo) into the database.

One transaction, through the content write path (courses.content): every row validated, the course and the
rows it changes locked when loaded (`select_for_update(of=("self",))`), one audit row per change inserted in
bulk with the rows. Rows are matched by key, so a re-import updates in place and a no-op re-import writes
nothing. Rows of the course that the plan no longer names are archived when learners have history in them
(hidden, kept, restorable) and deleted when nobody used them; an archived row the plan names again is restored.
The report says what was (or, in a dry run, would be) created, updated, restored, archived and deleted, with the
learner history each archive keeps.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, models, transaction
from django.db.models import ProtectedError

from audit.diff import Snapshot, audit_snapshot
from audit.services import AuditContext
from courses.content import (
    NO_HISTORY,
    BulkAudit,
    History,
    content_bulk_archive,
    content_bulk_create,
    content_bulk_delete,
    content_bulk_update,
    content_history,
)
from courses.locks import content_rows_lock, course_pair_lock
from courses.models import Course, Language, Lesson, LessonPrerequisite, Section, Unit
from courses.ordering import positions_park
from exercises.course_files import QUALITIES, CourseFileError, CoursePlan, course_file_read
from exercises.models import AudioFile, Exercise, ExerciseOption, LessonExercise

IMPORT_COMMAND = AuditContext.for_command("import_course")


@dataclass(frozen=True)
class ArchivedRow:
    kind: str
    key: str
    title: str
    history: History


@dataclass
class ImportReport:
    course: Course
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    restored: Counter = field(default_factory=Counter)
    archived: Counter = field(default_factory=Counter)
    deleted: Counter = field(default_factory=Counter)
    archived_rows: list[ArchivedRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    COUNTERS = ("created", "updated", "unchanged", "restored", "archived", "deleted")

    def summary(self) -> dict[str, Any]:
        summary: dict[str, Any] = {"course": self.course.pk}
        for name in self.COUNTERS:
            counts = getattr(self, name)
            summary[name] = {kind: counts[kind] for kind in sorted(counts) if counts[kind]}
        if self.archived_rows:
            summary["archived_rows"] = [
                {"kind": row.kind, "key": row.key, "learners": row.history.learners, "learner_rows": row.history.rows}
                for row in self.archived_rows
            ]
        if self.notes:
            summary["notes"] = list(self.notes)
        return summary

    @property
    def changed(self) -> bool:
        return any(
            sum(getattr(self, name).values()) for name in ("created", "updated", "restored", "archived", "deleted")
        )

    def lines(self) -> list[str]:
        """The plan (or what was done) as the command prints it."""
        lines = []
        for name in self.COUNTERS:
            counts = {kind: count for kind, count in sorted(getattr(self, name).items()) if count}
            if counts:
                lines.append(f"  {name}: " + ", ".join(f"{count} {kind}" for kind, count in counts.items()))
        for row in self.archived_rows:
            lines.append(
                f"  archived {row.kind} {row.key!r} ({row.title}): {row.history.learners} learner(s) have history "
                f"in it, {row.history.rows} row(s) kept"
            )
        lines.extend(f"  note: {note}" for note in self.notes)
        return lines


@transaction.atomic
def course_import(
    *, text: str | None = None, plan: CoursePlan | None = None, by: AuditContext = IMPORT_COMMAND, dry_run: bool = False
) -> ImportReport:
    """Create or update the course a file (or a converted plan) describes, as one transaction; raises
    CourseFileError. With `dry_run` nothing outside the database is written either (image files); the caller
    rolls the transaction back."""
    if plan is None:
        plan = course_file_read(text)
    try:
        return _Writer(plan, by=by, dry_run=dry_run).write()
    except (IntegrityError, ProtectedError, ValidationError) as exc:
        raise CourseFileError([f"the database refused the import: {exc}"]) from None


class _Writer:
    def __init__(self, plan: CoursePlan, *, by: AuditContext, dry_run: bool):
        self.plan, self.dry_run = plan, dry_run
        self.audit = BulkAudit(by)
        self.report = ImportReport(course=Course())
        # Snapshots of rows taken before they were parked out of the way, so audit rows show the true "before".
        self.before: dict[tuple[str, Any], Snapshot] = {}

    def _park(self, model, pks: list, *, siblings: list, floor: int, rows: Iterable[models.Model]) -> None:
        """Move rows above every position in use (courses.ordering), remembering their stored values first."""
        if not pks:
            return
        by_pk = {row.pk: row for row in rows}
        for pk in pks:
            self.before[(model._meta.label, pk)] = audit_snapshot(by_pk[pk])
        parked = model.objects.filter(pk__in=pks)
        positions_park(parked, siblings=model.objects.filter(pk__in=siblings), floor=floor)
        for pk, position in parked.values_list("pk", "position"):
            by_pk[pk].position = position

    # --- one row -----------------------------------------------------------------------------------
    def _set(self, kind: str, obj: models.Model, values: dict, *, created: list, changed: list) -> str:
        """Put values on a new or locked row; queue it for insert or update. Returns what happens to it."""
        if obj.pk is None:
            for name, value in values.items():
                setattr(obj, name, value)
            created.append(obj)
            self.report.created[kind] += 1
            return "created"
        differing = [name for name, value in values.items() if _current(obj, name) != _comparable(value)]
        restoring = getattr(obj, "archived_at", None) is not None
        if not differing and not restoring:
            self.report.unchanged[kind] += 1
            return "unchanged"
        before = self.before.pop((obj._meta.label, obj.pk), None) or audit_snapshot(obj)
        for name in differing:
            setattr(obj, name, values[name])
        if restoring:
            obj.archived_at = None
            self.report.restored[kind] += 1
        else:
            self.report.updated[kind] += 1
        changed.append((obj, before))
        return "restored" if restoring else "updated"

    def _flush(self, created: list, changed: list) -> None:
        content_bulk_update(changed, audit=self.audit)
        content_bulk_create(created, audit=self.audit)

    # --- the whole plan ----------------------------------------------------------------------------
    def write(self) -> ImportReport:
        plan = self.plan
        languages = self._languages()
        data = plan.course
        course = course_pair_lock(languages[data["from_language"]], languages[data["to_language"]])
        if course is not None:
            self.report.course = course
        values = {name: data[name] for name in data if name not in ("from_language", "to_language")}
        values.update(from_language=languages[data["from_language"]], to_language=languages[data["to_language"]])
        if values["is_published"] is None:  # a converted course that does not say: keep what editors decided
            values["is_published"] = course.is_published if course is not None else False
        created, changed = [], []
        self._set("course", self.report.course, values, created=created, changed=changed)
        self._flush(created, changed)
        course = self.report.course

        audio = self._audio(languages)
        self._upload_images()
        sections = self._tree(course)
        self._exercises(course, sections, audio)
        self.audit.flush()
        self.report.notes.extend(plan.notes)
        for name in ImportReport.COUNTERS:
            counter = getattr(self.report, name)
            for kind in [kind for kind, count in counter.items() if not count]:
                del counter[kind]
        return self.report

    def _languages(self) -> dict[str, Language]:
        plan = self.plan
        stored = {lang.code: lang for lang in Language.objects.filter(code__in=plan.language_codes)}
        created = []
        for code in sorted(plan.language_codes):
            declared = plan.languages.get(code)
            if code in stored:
                self.report.unchanged["language"] += 1
                self._note_language(stored[code], declared)
                continue
            fields = {name: value for name, value in declared.items() if name not in ("path", "given")}
            language = Language(**fields)
            created.append(language)
            stored[code] = language
        content_bulk_create(created, audit=self.audit)
        self.report.created["language"] += len(created)
        return stored

    def _note_language(self, language: Language, declared: dict | None) -> None:
        if declared is None:
            return
        differing = sorted(
            name
            for name, value in declared.items()
            if name in declared["given"] and name != "code" and getattr(language, name) != value
        )
        if differing:
            self.plan.notes.append(
                f"language {language.code} in the database differs from the file ({', '.join(differing)}); "
                "kept as it is (languages are shared by courses: edit it in the admin)."
            )

    def _audio(self, languages: dict[str, Language]) -> dict[str, AudioFile]:
        plan = self.plan
        wanted = {(item["language"], item["key"]): item for item in plan.audio}
        stored = {
            (audio.language.code, audio.key): audio
            for audio in content_rows_lock(
                AudioFile.objects.filter(
                    language__code__in={code for code, _ in wanted}, key__in={key for _, key in wanted}
                ).select_related("language")
            )
        }
        created, changed, by_key = [], [], {}
        for identity, item in wanted.items():
            audio = stored.get(identity) or AudioFile()
            values = {
                "language": languages[item["language"]],
                "key": item["key"],
                "transcript": item["transcript"],
                "speaker": item["speaker"],
                "duration_ms": item["duration_ms"],
            }
            for quality in QUALITIES:
                values[f"url_{quality}"] = item["urls"].get(quality, "")
                values[f"file_{quality}"] = item["files"].get(quality, "")
            self._set("audio", audio, values, created=created, changed=changed)
            by_key[item["key"]] = audio
        self._flush(created, changed)
        return by_key

    def _upload_images(self) -> None:
        # Outside the transaction's reach, so never in a dry run; a name already stored is not uploaded again.
        if self.dry_run:
            return
        for upload in self.plan.image_uploads:
            if not default_storage.exists(upload.name):
                with open(upload.path, "rb") as source:
                    default_storage.save(upload.name, File(source))

    # --- sections, units, lessons ------------------------------------------------------------------
    def _tree(self, course: Course) -> dict:
        plan = self.plan
        wanted_sections = [
            (
                section["key"],
                {
                    "course": course,
                    "key": section["key"],
                    "position": index + 1,
                    "title": section["title"],
                    "description": section["description"],
                },
            )
            for index, section in enumerate(plan.sections)
        ]
        stored_sections = _by_key(content_rows_lock(Section.objects.filter(course=course)))
        sections, leaving_sections = self._sync("section", Section, stored_sections, wanted_sections, "course")

        wanted_units = []
        for section in plan.sections:
            for index, unit in enumerate(section["units"]):
                values = {name: unit[name] for name in ("key", "title", "description", "guidebook", "icon", "color")}
                wanted_units.append(
                    (unit["key"], {**values, "section": sections[section["key"]], "position": index + 1})
                )
        stored_units = _by_key(content_rows_lock(Unit.objects.filter(section__course=course)))
        units, leaving_units = self._sync("unit", Unit, stored_units, wanted_units, "section")

        wanted_lessons = []
        for section in plan.sections:
            for unit in section["units"]:
                for index, lesson in enumerate(unit["lessons"]):
                    values = {name: lesson[name] for name in ("key", "title", "xp_reward", "estimated_minutes")}
                    wanted_lessons.append(
                        (lesson["key"], {**values, "unit": units[unit["key"]], "position": index + 1})
                    )
        stored_lessons = _by_key(content_rows_lock(Lesson.objects.filter(unit__section__course=course)))
        lessons, leaving_lessons = self._sync("lesson", Lesson, stored_lessons, wanted_lessons, "unit")
        return {
            "lessons": lessons,
            "leaving": [("lesson", leaving_lessons), ("unit", leaving_units), ("section", leaving_sections)],
        }

    def _sync(self, kind: str, model, stored: dict, wanted: list[tuple[Any, dict]], parent: str):
        """Write ordered rows (identity, values with parent and position); returns (rows by identity, rows the plan
        no longer names and that are live: to archive or delete).

        Rows that change place, and rows in the way (leaving, or archived earlier), are first parked above every
        position in use, so no write repeats a (parent, position) pair under the immediate unique constraint.
        """
        wanted_ids = {identity for identity, _ in wanted}
        floor = len(wanted)
        moving = [
            stored[identity].pk
            for identity, values in wanted
            if identity in stored
            and (
                getattr(stored[identity], f"{parent}_id") != values[parent].pk
                or stored[identity].position != values["position"]
            )
        ]
        in_the_way = [
            row.pk for identity, row in stored.items() if identity not in wanted_ids and row.position <= floor
        ]
        self._park(
            model,
            moving + in_the_way,
            siblings=[row.pk for row in stored.values()],
            floor=floor,
            rows=stored.values(),
        )
        created, changed, result = [], [], {}
        for identity, values in wanted:
            obj = stored.get(identity) or model()
            self._set(kind, obj, values, created=created, changed=changed)
            result[identity] = obj
        self._flush(created, changed)
        leaving = [row for identity, row in stored.items() if identity not in wanted_ids and row.archived_at is None]
        return result, leaving

    # --- exercises, links, prerequisites, and what leaves ------------------------------------------
    def _exercises(self, course: Course, tree: dict, audio: dict[str, AudioFile]) -> None:
        plan, lessons = self.plan, tree["lessons"]
        course_links = LessonExercise.objects.filter(lesson__unit__section__course=course)
        stored_exercises = {
            row.key: row
            for row in content_rows_lock(
                Exercise.objects.filter(pk__in=course_links.values("exercise_id")).prefetch_related("options")
            )
        }
        created, changed, wanted_links, options_for = [], [], [], {}
        for section in plan.sections:
            for unit in section["units"]:
                for lesson in unit["lessons"]:
                    for index, item in enumerate(lesson["exercises"]):
                        exercise = stored_exercises.get(item["key"]) or Exercise()
                        values = {name: item[name] for name in EXERCISE_VALUES}
                        values["audio"] = audio.get(item["audio"])
                        existing = _options(exercise) if exercise.pk is not None else []
                        outcome = self._set("exercise", exercise, values, created=created, changed=changed)
                        wanted_options = [(o["text"], o["is_correct"]) for o in item["options"]]
                        if [(o.text, o.is_correct) for o in existing] != wanted_options:
                            options_for[item["key"]] = (exercise, existing, item["options"])
                            if outcome == "unchanged":
                                self.report.unchanged["exercise"] -= 1
                                self.report.updated["exercise"] += 1
                        stored_exercises[item["key"]] = exercise
                        wanted_links.append((lesson["key"], item["key"], index + 1, item["is_required"]))
        self._flush(created, changed)
        self._options(options_for)

        named = {item_key for _, item_key, _, _ in wanted_links}
        wanted_lessons = {lesson.pk for lesson in lessons.values()}
        wanted = {
            (lessons[lesson_key].pk, stored_exercises[exercise_key].pk): {
                "lesson": lessons[lesson_key],
                "exercise": stored_exercises[exercise_key],
                "position": position,
                "is_required": required,
            }
            for lesson_key, exercise_key, position, required in wanted_links
        }
        named_pks = {stored_exercises[key].pk for key in named}
        stored_links = {
            (row.lesson_id, row.exercise_id): row for row in content_rows_lock(course_links.select_related(None))
        }
        # A link between a lesson and an exercise that both stay is the file's to decide; links of lessons or
        # exercises that leave stay with them (archived for history, or deleted with them).
        decided = {
            pair: row for pair, row in stored_links.items() if pair[0] in wanted_lessons and pair[1] in named_pks
        }
        kept = {pair: row for pair, row in stored_links.items() if pair not in decided}
        self._sync_links(decided, kept, wanted)
        self._prerequisites(lessons)

        unnamed = [row for key, row in stored_exercises.items() if key not in named and row.pk]
        lessons_of: dict[int, set[int]] = {}
        for lesson_id, exercise_id in stored_links:
            lessons_of.setdefault(exercise_id, set()).add(lesson_id)
        deleted_lessons = self._leave(tree["leaving"])
        # An exercise the file no longer names leaves with its live lessons; one that only archived lessons hold
        # stays with them as it is (restoring the lesson brings it back whole).
        leaving = [row for row in unnamed if lessons_of.get(row.pk, set()) & (wanted_lessons | deleted_lessons)]
        self._leave_exercises(leaving, course)

    def _sync_links(self, decided: dict, kept: dict, wanted: dict) -> None:
        dropped = [row for pair, row in decided.items() if pair not in wanted]
        floor = max((values["position"] for values in wanted.values()), default=0)
        moving = [
            row.pk for pair, row in decided.items() if pair in wanted and row.position != wanted[pair]["position"]
        ]
        in_the_way = [row.pk for row in kept.values() if row.position <= floor]
        # Dropped links go first, then the rest are parked out of the way and written at their places.
        content_bulk_delete(dropped, audit=self.audit)
        self.report.deleted["lesson_exercise"] += len(dropped)
        rows = [*decided.values(), *kept.values()]
        self._park(LessonExercise, moving + in_the_way, siblings=[row.pk for row in rows], floor=floor, rows=rows)
        created, changed = [], []
        for pair, values in wanted.items():
            self._set(
                "lesson_exercise", decided.get(pair) or LessonExercise(), values, created=created, changed=changed
            )
        self._flush(created, changed)

    def _options(self, options_for: dict[str, tuple[Exercise, list[ExerciseOption], list[dict]]]) -> None:
        """Make each exercise's options exactly the plan's, in order, keeping the ids of the rows that stay
        (learners' answers name options by id)."""
        created = []
        for exercise, existing, options in options_for.values():
            content_bulk_delete(existing[len(options) :], audit=self.audit)
            staying = existing[: len(options)]
            moving = [option.pk for index, option in enumerate(staying) if option.position != index + 1]
            self._park(ExerciseOption, moving, siblings=[o.pk for o in staying], floor=len(options), rows=staying)
            changed = []
            for index, data in enumerate(options):
                values = {"position": index + 1, "text": data["text"], "is_correct": data["is_correct"]}
                if index < len(staying):
                    option = staying[index]
                    before = self.before.pop((ExerciseOption._meta.label, option.pk), None) or audit_snapshot(option)
                    for name, value in values.items():
                        setattr(option, name, value)
                    changed.append((option, before))
                else:
                    created.append(ExerciseOption(exercise=exercise, **values))
            content_bulk_update(changed, audit=self.audit)
        content_bulk_create(created, audit=self.audit)

    def _prerequisites(self, lessons: dict[str, Lesson]) -> None:
        plan = self.plan
        wanted_pks = {lesson.pk for lesson in lessons.values()}
        stored = {
            (row.lesson_id, row.requires_id): row
            for row in content_rows_lock(LessonPrerequisite.objects.filter(lesson_id__in=wanted_pks))
        }
        wanted = {(lessons[key].pk, lessons[other].pk) for key, required in plan.requires.items() for other in required}
        by_pk = {lesson.pk: lesson for lesson in lessons.values()}
        created = [
            LessonPrerequisite(lesson=by_pk[lesson_id], requires=by_pk[requires_id])
            for lesson_id, requires_id in sorted(wanted - set(stored))
        ]
        content_bulk_create(created, audit=self.audit, validate=False)  # the file's graph was checked for cycles
        self.report.created["prerequisite"] += len(created)
        self.report.unchanged["prerequisite"] += len(wanted & set(stored))
        # A requirement on a lesson that leaves stays with it (an archived prerequisite counts as met).
        dropped = [row for pair, row in stored.items() if pair not in wanted and pair[1] in wanted_pks]
        content_bulk_delete(dropped, audit=self.audit)
        self.report.deleted["prerequisite"] += len(dropped)

    def _leave(self, groups: list[tuple[str, list]]) -> set[int]:
        """Archive what learners have history in, delete the rest: children before parents, links with them.
        Returns the ids of the lessons deleted."""
        deleted_lessons: set[int] = set()
        for kind, rows in groups:
            if not rows:
                continue
            model = type(rows[0])
            histories = content_history(model, [row.pk for row in rows])
            used = [row for row in rows if histories.get(row.pk, NO_HISTORY).used]
            unused = [row for row in rows if not histories.get(row.pk, NO_HISTORY).used]
            content_bulk_archive(used, audit=self.audit, histories=histories)
            self.report.archived[kind] += len(used)
            for row in used:
                self.report.archived_rows.append(
                    ArchivedRow(kind=kind, key=row.key, title=_title(row), history=histories[row.pk])
                )
            self._count_cascade(model, unused)
            if model is Lesson:
                deleted_lessons.update(row.pk for row in unused)
            content_bulk_delete(unused, audit=self.audit)
            self.report.deleted[kind] += len(unused)
        return deleted_lessons

    def _leave_exercises(self, leaving: list[Exercise], course: Course) -> None:
        # An exercise another course still uses keeps living there; only its links here went.
        shared = set(
            LessonExercise.objects.filter(exercise__in=leaving)
            .exclude(lesson__unit__section__course=course)
            .values_list("exercise_id", flat=True)
        )
        self._leave([("exercise", [row for row in leaving if row.pk not in shared])])

    def _count_cascade(self, model, rows: list) -> None:
        """Count the links that go with deleted lessons and exercises, so the report says all that went."""
        pks = [row.pk for row in rows]
        if not pks:
            return
        if model is Lesson:
            self.report.deleted["lesson_exercise"] += LessonExercise.objects.filter(lesson_id__in=pks).count()
            self.report.deleted["prerequisite"] += (
                LessonPrerequisite.objects.filter(lesson_id__in=pks).count()
                + LessonPrerequisite.objects.filter(requires_id__in=pks).exclude(lesson_id__in=pks).count()
            )
        elif model is Exercise:
            self.report.deleted["lesson_exercise"] += LessonExercise.objects.filter(exercise_id__in=pks).count()


EXERCISE_VALUES = (
    "key",
    "type",
    "prompt",
    "content",
    "answers",
    "hints",
    "difficulty",
    "time_limit_seconds",
    "xp_override",
    "image",
    "image_url",
    "image_alt",
)


def _by_key(rows: Iterable[models.Model]) -> dict:
    return {row.key: row for row in rows}


def _options(exercise: Exercise) -> list[ExerciseOption]:
    return sorted(exercise.options.all(), key=lambda o: (o.position, o.pk))


def _title(row: models.Model) -> str:
    return getattr(row, "title", None) or getattr(row, "prompt", "")[:60]


def _current(obj, name: str):
    # Foreign keys are compared by id, so an unsaved row without a parent compares cleanly; files by name.
    field_ = obj._meta.get_field(name)
    if field_.many_to_one:
        return getattr(obj, f"{name}_id")
    value = getattr(obj, name)
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or ""
    return value


def _comparable(value):
    return value.pk if hasattr(value, "_meta") else value
