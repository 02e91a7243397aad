"""Course files: one course as YAML (course → sections → units → lessons → exercises), imported and exported.

Every section, unit, lesson, exercise and audio clip carries a `key`, stored on its row, that is
unique in the file (audio: in its language). Re-importing a file finds rows by key within the
course and updates them in place, so ids (and learners' progress) survive reordering, renaming
and moving a lesson to another unit; rows of the course that the file no longer names are
deleted. The export writes every field in a fixed order and leaves out values equal to their
default, so export → import → export is byte-identical.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, Q

from courses.models import HEX_COLOUR_REGEX, KEY_REGEX, Course, Language, Lesson, LessonPrerequisite, Section, Unit
from courses.ordering import positions_park
from courses.prerequisites import graph_cycle
from exercises.kinds import kind_for
from exercises.models import AudioFile, Exercise, ExerciseType, LessonExercise
from exercises.services import exercise_options_replace
from exercises.validation import exercise_content_errors

FORMAT_VERSION = 1
HEADER = "# Lingo course file (format 1). Import with: manage.py import_course FILE\n"
CEFR_LEVELS = [level.value for level in Course.Cefr]
QUALITIES = ("low", "medium", "high")
EXERCISE_FIELDS = (
    "key",
    "type",
    "prompt",
    "content",
    "answers",
    "hints",
    "difficulty",
    "time_limit_seconds",
    "xp_override",
)

Path = tuple[str | int, ...]


class CourseFileError(Exception):
    """A course file that cannot be imported; `problems` lists each one with its place in the file."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def path_text(path: Path) -> str:
    text = ""
    for segment in path:
        text += f"[{segment}]" if isinstance(segment, int) else (f".{segment}" if text else segment)
    return text or "(file)"


def _path_from_text(text: str) -> Path:
    segments: list[str | int] = []
    for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", text):
        segments.append(int(index) if index else name)
    return tuple(segments)


# --- reading -----------------------------------------------------------------------------------


class _Reader:
    """Typed access to the parsed file that collects every problem with its path and line."""

    def __init__(self, root_node):
        self.root_node = root_node
        self.problems: list[str] = []

    def line(self, path: Path) -> int | None:
        node = self.root_node
        if node is None:
            return None
        line = node.start_mark.line + 1
        for segment in path:
            if isinstance(node, yaml.MappingNode) and isinstance(segment, str):
                match = next((value for key, value in node.value if key.value == segment), None)
                if match is None:
                    break
                node = match
            elif isinstance(node, yaml.SequenceNode) and isinstance(segment, int) and segment < len(node.value):
                node = node.value[segment]
            else:
                break
            line = node.start_mark.line + 1
        return line

    def error(self, path: Path, message: str) -> None:
        line = self.line(path)
        where = path_text(path) + (f" (line {line})" if line else "")
        self.problems.append(f"{where}: {message}")

    def mapping(self, value: Any, path: Path, allowed: set[str], required: set[str] = frozenset()) -> dict | None:
        if not isinstance(value, dict):
            self.error(path, "expected a mapping of fields.")
            return None
        for name in sorted(set(value) - allowed, key=str):
            self.error((*path, str(name)), f"unknown field; allowed: {', '.join(sorted(allowed))}.")
        for name in sorted(required - set(value)):
            self.error((*path, name), "this field is required.")
        return value

    def sequence(self, mapping: dict, name: str, path: Path, *, required: bool = False) -> list:
        value = mapping.get(name)
        if value is None:
            if required:
                self.error((*path, name), "give a list (it may not be empty).")
            return []
        if not isinstance(value, list):
            self.error((*path, name), "expected a list.")
            return []
        if required and not value:
            self.error((*path, name), "give at least one item.")
        return value

    def text(self, mapping: dict, name: str, path: Path, *, required: bool = False, max_length: int = 0) -> str:
        value = mapping.get(name)
        if value is None:
            if required:
                self.error((*path, name), "this field is required.")
            return ""
        if not isinstance(value, str):
            self.error((*path, name), "expected text.")
            return ""
        if required and not value.strip():
            self.error((*path, name), "may not be empty.")
        if max_length and len(value) > max_length:
            self.error((*path, name), f"at most {max_length} characters (it has {len(value)}).")
        return value

    def integer(
        self, mapping: dict, name: str, path: Path, *, default: int | None, minimum: int, maximum: int | None = None
    ) -> int | None:
        value = mapping.get(name, default)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.error((*path, name), "expected a whole number.")
            return default
        if value < minimum or (maximum is not None and value > maximum):
            bounds = f"between {minimum} and {maximum}" if maximum is not None else f"at least {minimum}"
            self.error((*path, name), f"must be {bounds} (got {value}).")
        return value

    def boolean(self, mapping: dict, name: str, path: Path, *, default: bool) -> bool:
        value = mapping.get(name, default)
        if not isinstance(value, bool):
            self.error((*path, name), "expected true or false.")
            return default
        return value

    def key(self, mapping: dict, path: Path, seen: dict[str, Path], what: str) -> str:
        key = self.text(mapping, "key", path, required=True, max_length=64)
        if key and not re.match(KEY_REGEX, key):
            self.error((*path, "key"), "use lowercase letters and digits joined by - _ or . (e.g. greetings-1).")
        elif key in seen:
            self.error((*path, "key"), f"{what} key {key!r} is already used at {path_text(seen[key])}.")
        elif key:
            seen[key] = path
        return key


@dataclass
class _Plan:
    """The validated file, ready to be written."""

    course: dict
    audio: list[dict] = field(default_factory=list)
    sections: list[dict] = field(default_factory=list)
    # lesson key -> [required lesson keys]
    requires: dict[str, list[str]] = field(default_factory=dict)


def _read_course(reader: _Reader, data: dict) -> dict:
    path = ("course",)
    course = reader.mapping(
        data.get("course"),
        path,
        {"from_language", "to_language", "title", "description", "cefr_from", "cefr_to", "is_published"},
        {"from_language", "to_language", "title"},
    )
    if course is None:
        return {}
    languages = {}
    for name in ("from_language", "to_language"):
        code = reader.text(course, name, path, required=True)
        if code:
            language = Language.objects.filter(code=code).first()
            if language is None:
                reader.error((*path, name), f"unknown language {code!r}; load reference data with manage.py seed.")
            languages[name] = language
    if languages.get("from_language") and languages.get("from_language") == languages.get("to_language"):
        reader.error((*path, "to_language"), "must differ from from_language.")
    cefr = {}
    for name, default in (("cefr_from", "A1"), ("cefr_to", "A2")):
        cefr[name] = course.get(name, default)
        if cefr[name] not in CEFR_LEVELS:
            reader.error((*path, name), f"use one of {', '.join(CEFR_LEVELS)}.")
    if cefr["cefr_from"] in CEFR_LEVELS and cefr["cefr_to"] in CEFR_LEVELS and cefr["cefr_from"] > cefr["cefr_to"]:
        reader.error((*path, "cefr_to"), "must not be below cefr_from.")
    return {
        "from_language": languages.get("from_language"),
        "to_language": languages.get("to_language"),
        "title": reader.text(course, "title", path, required=True, max_length=200),
        "description": reader.text(course, "description", path),
        "cefr_from": cefr["cefr_from"],
        "cefr_to": cefr["cefr_to"],
        "is_published": reader.boolean(course, "is_published", path, default=False),
    }


def _read_audio(reader: _Reader, data: dict, default_language: Language | None) -> list[dict]:
    result = []
    seen: dict[str, Path] = {}
    url_validator = URLValidator()
    for index, item in enumerate(reader.sequence(data, "audio", ())):
        path = ("audio", index)
        item = reader.mapping(
            item, path, {"key", "language", "transcript", "speaker", "duration_ms", "urls", "files"}, {"transcript"}
        )
        if item is None:
            continue
        language = default_language
        if "language" in item:
            code = reader.text(item, "language", path, required=True)
            language = Language.objects.filter(code=code).first()
            if language is None:
                reader.error((*path, "language"), f"unknown language {code!r}.")
        sources: dict[str, dict[str, str]] = {"urls": {}, "files": {}}
        for kind in ("urls", "files"):
            value = item.get(kind, {})
            value = reader.mapping(value, (*path, kind), set(QUALITIES)) or {}
            for quality in QUALITIES:
                if quality not in value:
                    continue
                source = reader.text(value, quality, (*path, kind), required=True, max_length=500)
                if kind == "urls" and source:
                    try:
                        url_validator(source)
                    except ValidationError:
                        reader.error((*path, kind, quality), f"not a valid URL: {source!r}.")
                sources[kind][quality] = source
        if not sources["urls"] and not sources["files"]:
            reader.error(path, "give at least one of urls or files (low, medium or high).")
        result.append(
            {
                "key": reader.key(item, path, seen, "audio"),
                "language": language,
                "transcript": reader.text(item, "transcript", path, required=True),
                "speaker": reader.text(item, "speaker", path, max_length=80),
                "duration_ms": reader.integer(item, "duration_ms", path, default=None, minimum=0),
                "urls": sources["urls"],
                "files": sources["files"],
                "path": path,
            }
        )
    return result


def _read_exercise(
    reader: _Reader, item: Any, path: Path, seen: dict[str, Path], types: dict[str, ExerciseType], audio_keys: set
) -> dict | None:
    item = reader.mapping(
        item,
        path,
        {*EXERCISE_FIELDS, "audio", "required", "options"},
        {"type", "prompt"},
    )
    if item is None:
        return None
    key = reader.key(item, path, seen, "exercise")
    code = reader.text(item, "type", path, required=True)
    exercise_type = types.get(code)
    if code and exercise_type is None:
        reader.error((*path, "type"), f"unknown exercise type {code!r}; use one of {', '.join(sorted(types))}.")
    hints = item.get("hints", [])
    if not isinstance(hints, list) or not all(isinstance(hint, str) and hint.strip() for hint in hints):
        reader.error((*path, "hints"), "expected a list of non-empty texts.")
        hints = []
    audio_key = item.get("audio")
    if audio_key is not None and audio_key not in audio_keys:
        reader.error((*path, "audio"), f"no audio with key {audio_key!r} in this file's audio list.")
    options = []
    for index, option in enumerate(reader.sequence(item, "options", path)):
        option_path = (*path, "options", index)
        option = reader.mapping(option, option_path, {"text", "correct"}, {"text"})
        if option is not None:
            options.append(
                {
                    "text": reader.text(option, "text", option_path, required=True, max_length=255),
                    "is_correct": reader.boolean(option, "correct", option_path, default=False),
                }
            )
    content = item.get("content", {})
    answers = item.get("answers", [])
    if exercise_type is not None:
        errors = exercise_content_errors(
            code,
            content,
            answers,
            options=options if (options or kind_for(code).uses_options) else None,
            has_audio=audio_key is not None,
        )
        for field_path, messages in errors.items():
            for message in messages:
                reader.error((*path, *_path_from_text(field_path)), message)
    return {
        "key": key,
        "type": exercise_type,
        "prompt": reader.text(item, "prompt", path, required=True),
        "content": content if isinstance(content, dict) else {},
        "answers": answers if isinstance(answers, list) else [],
        "hints": hints,
        "difficulty": reader.integer(item, "difficulty", path, default=1, minimum=1, maximum=5),
        "time_limit_seconds": reader.integer(item, "time_limit_seconds", path, default=None, minimum=1),
        "xp_override": reader.integer(item, "xp_override", path, default=None, minimum=0, maximum=32767),
        "audio": audio_key,
        "is_required": reader.boolean(item, "required", path, default=True),
        "options": options,
    }


def _read_tree(reader: _Reader, data: dict, audio_keys: set) -> tuple[list[dict], dict[str, list[str]], dict]:
    types = {exercise_type.code: exercise_type for exercise_type in ExerciseType.objects.all()}
    section_keys: dict[str, Path] = {}
    unit_keys: dict[str, Path] = {}
    lesson_keys: dict[str, Path] = {}
    exercise_keys: dict[str, Path] = {}
    requires: dict[str, list[str]] = {}
    requires_paths: dict[str, Path] = {}
    sections = []
    for s_index, section in enumerate(reader.sequence(data, "sections", (), required=True)):
        s_path = ("sections", s_index)
        section = reader.mapping(section, s_path, {"key", "title", "description", "units"}, {"key", "title"})
        if section is None:
            continue
        units = []
        for u_index, unit in enumerate(reader.sequence(section, "units", s_path)):
            u_path = (*s_path, "units", u_index)
            unit = reader.mapping(
                unit,
                u_path,
                {"key", "title", "description", "guidebook", "icon", "color", "lessons"},
                {"key", "title"},
            )
            if unit is None:
                continue
            color = unit.get("color", "#58CC02")
            if not isinstance(color, str) or not re.match(HEX_COLOUR_REGEX, color):
                reader.error((*u_path, "color"), f"use a hex colour such as #58CC02 (got {color!r}).")
            lessons = []
            for l_index, lesson in enumerate(reader.sequence(unit, "lessons", u_path)):
                l_path = (*u_path, "lessons", l_index)
                lesson = reader.mapping(
                    lesson,
                    l_path,
                    {"key", "title", "xp_reward", "estimated_minutes", "requires", "exercises"},
                    {"key", "title"},
                )
                if lesson is None:
                    continue
                key = reader.key(lesson, l_path, lesson_keys, "lesson")
                required = reader.sequence(lesson, "requires", l_path)
                if not all(isinstance(item, str) for item in required):
                    reader.error((*l_path, "requires"), "expected a list of lesson keys.")
                    required = []
                if key not in requires:  # a repeated key was reported above; keep the first lesson's list
                    requires[key] = list(required)
                    requires_paths[key] = (*l_path, "requires")
                exercises = [
                    _read_exercise(reader, exercise, (*l_path, "exercises", e_index), exercise_keys, types, audio_keys)
                    for e_index, exercise in enumerate(reader.sequence(lesson, "exercises", l_path))
                ]
                lessons.append(
                    {
                        "key": key,
                        "title": reader.text(lesson, "title", l_path, required=True, max_length=200),
                        "xp_reward": reader.integer(lesson, "xp_reward", l_path, default=None, minimum=0),
                        "estimated_minutes": reader.integer(
                            lesson, "estimated_minutes", l_path, default=5, minimum=1, maximum=32767
                        ),
                        "exercises": [exercise for exercise in exercises if exercise is not None],
                    }
                )
            units.append(
                {
                    "key": reader.key(unit, u_path, unit_keys, "unit"),
                    "title": reader.text(unit, "title", u_path, required=True, max_length=200),
                    "description": reader.text(unit, "description", u_path),
                    "guidebook": reader.text(unit, "guidebook", u_path),
                    "icon": reader.text(unit, "icon", u_path, max_length=64),
                    "color": color,
                    "lessons": lessons,
                }
            )
        sections.append(
            {
                "key": reader.key(section, s_path, section_keys, "section"),
                "title": reader.text(section, "title", s_path, required=True, max_length=200),
                "description": reader.text(section, "description", s_path),
                "units": units,
            }
        )
    _check_requires(reader, requires, requires_paths, lesson_keys)
    return sections, requires, lesson_keys


def _check_requires(reader: _Reader, requires: dict, paths: dict, lesson_keys: dict) -> None:
    for key, required in requires.items():
        for index, other in enumerate(required):
            if other == key:
                reader.error((*paths[key], index), "a lesson cannot require itself.")
            elif other not in lesson_keys:
                reader.error((*paths[key], index), f"no lesson with key {other!r} in this course.")
        if len(set(required)) != len(required):
            reader.error(paths[key], "a lesson is listed twice.")
    index = {key: number for number, key in enumerate(requires)}
    edges = {
        index[key]: {index[other] for other in required if other in index and other != key}
        for key, required in requires.items()
    }
    cycle = graph_cycle(edges)
    if cycle:
        keys = list(requires)
        reader.error(paths[keys[cycle[0]]], "prerequisite cycle: " + " → ".join(keys[number] for number in cycle) + ".")


def course_file_read(text: str) -> _Plan:
    """Parse and validate a course file without writing anything; raises CourseFileError."""
    try:
        root_node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise CourseFileError([f"{where}not valid YAML ({getattr(exc, 'problem', exc)})."]) from None
    reader = _Reader(root_node)
    data = reader.mapping(data, (), {"format", "course", "audio", "sections"}, {"format", "course", "sections"})
    if data is None:
        raise CourseFileError(reader.problems)
    if data.get("format") != FORMAT_VERSION:
        reader.error(("format",), f"this program reads format {FORMAT_VERSION} (got {data.get('format')!r}).")
    plan = _Plan(course=_read_course(reader, data))
    plan.audio = _read_audio(reader, data, plan.course.get("to_language"))
    plan.sections, plan.requires, _ = _read_tree(reader, data, {audio["key"] for audio in plan.audio})
    if reader.problems:
        raise CourseFileError(reader.problems)
    return plan


# --- writing -----------------------------------------------------------------------------------


@dataclass
class ImportReport:
    course: Course
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    deleted: Counter = field(default_factory=Counter)

    def summary(self) -> dict[str, Any]:
        return {
            "course": self.course.pk,
            "created": dict(sorted(self.created.items())),
            "updated": dict(sorted(self.updated.items())),
            "unchanged": dict(sorted(self.unchanged.items())),
            "deleted": dict(sorted(self.deleted.items())),
        }


def _current(obj, name: str):
    # Foreign keys are compared by id, so an unsaved row without a parent compares cleanly.
    if obj._meta.get_field(name).many_to_one:
        return getattr(obj, f"{name}_id")
    return getattr(obj, name)


def _comparable(value):
    return value.pk if hasattr(value, "_meta") else value


def _upsert(report: ImportReport, kind: str, obj, values: dict) -> bool:
    """Set values on obj and save it if new or changed; count it. Returns whether it was written."""
    is_new = obj.pk is None
    changed = [name for name, value in values.items() if _current(obj, name) != _comparable(value)]
    for name in changed:
        setattr(obj, name, values[name])
    if is_new:
        obj.full_clean(validate_unique=False, validate_constraints=False)
        obj.save()
        report.created[kind] += 1
        return True
    if changed:
        obj.full_clean(validate_unique=False, validate_constraints=False)
        obj.save()
        report.updated[kind] += 1
        return True
    report.unchanged[kind] += 1
    return False


def _sync_ordered(report: ImportReport, kind: str, model, existing: dict, wanted: list[tuple[Any, dict]], parent):
    """Write ordered rows (identity, values incl. parent and position); returns (rows by identity, pks to delete).

    Rows that change place, and rows that go, are first parked above every position in use, so no
    write ever repeats a (parent, position) pair under the immediate unique constraint.
    """
    wanted_ids = {identity for identity, _ in wanted}
    moving = [
        existing[identity].pk
        for identity, values in wanted
        if identity in existing
        and (
            getattr(existing[identity], f"{parent}_id") != values[parent].pk
            or existing[identity].position != values["position"]
        )
    ]
    leaving = [row.pk for identity, row in existing.items() if identity not in wanted_ids]
    positions_park(
        model.objects.filter(pk__in=moving + leaving),
        siblings=model.objects.filter(pk__in=[row.pk for row in existing.values()]),
        floor=len(wanted),
    )
    result = {}
    for identity, values in wanted:
        obj = existing.get(identity) or model()
        _upsert(report, kind, obj, values)
        result[identity] = obj
    return result, leaving


@transaction.atomic
def course_import(*, text: str) -> ImportReport:
    """Create or update the course a file describes, as one transaction; raises CourseFileError."""
    plan = course_file_read(text)
    try:
        return _write(plan)
    except (IntegrityError, ProtectedError, ValidationError) as exc:
        raise CourseFileError([f"the database refused the import: {exc}"]) from None


def _write(plan: _Plan) -> ImportReport:
    data = plan.course
    course = Course.objects.filter(from_language=data["from_language"], to_language=data["to_language"]).first()
    report = ImportReport(course=course or Course())
    _upsert(report, "course", report.course, data)
    course = report.course

    audio_by_key = {}
    for item in plan.audio:
        audio = AudioFile.objects.filter(language=item["language"], key=item["key"]).first() or AudioFile()
        values = {
            "language": item["language"],
            "key": item["key"],
            "transcript": item["transcript"],
            "speaker": item["speaker"],
            "duration_ms": item["duration_ms"],
        }
        for quality in QUALITIES:
            values[f"url_{quality}"] = item["urls"].get(quality, "")
            values[f"file_{quality}"] = item["files"].get(quality, "")
        _upsert(report, "audio", audio, values)
        audio_by_key[item["key"]] = audio

    sections, dropped_sections = _sync_ordered(
        report,
        "section",
        Section,
        {row.key: row for row in Section.objects.filter(course=course)},
        [
            (
                s["key"],
                {
                    "course": course,
                    "key": s["key"],
                    "position": i + 1,
                    "title": s["title"],
                    "description": s["description"],
                },
            )
            for i, s in enumerate(plan.sections)
        ],
        "course",
    )
    wanted_units, wanted_lessons = [], []
    for section in plan.sections:
        for u_index, unit in enumerate(section["units"]):
            values = {k: unit[k] for k in ("key", "title", "description", "guidebook", "icon", "color")}
            wanted_units.append((unit["key"], {**values, "section": sections[section["key"]], "position": u_index + 1}))
    units, dropped_units = _sync_ordered(
        report,
        "unit",
        Unit,
        {row.key: row for row in Unit.objects.filter(section__course=course)},
        wanted_units,
        "section",
    )
    for section in plan.sections:
        for unit in section["units"]:
            for l_index, lesson in enumerate(unit["lessons"]):
                values = {k: lesson[k] for k in ("key", "title", "xp_reward", "estimated_minutes")}
                wanted_lessons.append((lesson["key"], {**values, "unit": units[unit["key"]], "position": l_index + 1}))
    lessons, dropped_lessons = _sync_ordered(
        report,
        "lesson",
        Lesson,
        {row.key: row for row in Lesson.objects.filter(unit__section__course=course)},
        wanted_lessons,
        "unit",
    )

    course_exercises = Exercise.objects.filter(lesson_links__lesson__unit__section__course=course).distinct()
    existing_exercises = {row.key: row for row in course_exercises.prefetch_related("options")}
    wanted_links = []
    for section in plan.sections:
        for unit in section["units"]:
            for lesson in unit["lessons"]:
                for e_index, item in enumerate(lesson["exercises"]):
                    exercise = existing_exercises.get(item["key"]) or Exercise()
                    values = {k: item[k] for k in EXERCISE_FIELDS}
                    values["audio"] = audio_by_key.get(item["audio"])
                    written = _upsert(report, "exercise", exercise, values)
                    current = [(o.text, o.is_correct) for o in exercise.options.all()] if exercise.pk else []
                    if current != [(o["text"], o["is_correct"]) for o in item["options"]]:
                        exercise_options_replace(exercise, item["options"])
                        if not written:
                            report.unchanged["exercise"] -= 1
                            report.updated["exercise"] += 1
                    existing_exercises[item["key"]] = exercise
                    wanted_links.append(
                        (
                            (lessons[lesson["key"]].pk, exercise.pk),
                            {
                                "lesson": lessons[lesson["key"]],
                                "exercise": exercise,
                                "position": e_index + 1,
                                "is_required": item["is_required"],
                            },
                        )
                    )
    existing_links = {
        (row.lesson_id, row.exercise_id): row
        for row in LessonExercise.objects.filter(lesson__unit__section__course=course)
    }
    _, dropped_links = _sync_ordered(report, "lesson_exercise", LessonExercise, existing_links, wanted_links, "lesson")

    existing_requires = {
        (row.lesson_id, row.requires_id): row
        for row in LessonPrerequisite.objects.filter(lesson__unit__section__course=course)
    }
    wanted_requires = {
        (lessons[key].pk, lessons[other].pk) for key, required in plan.requires.items() for other in required
    }
    for lesson_id, requires_id in sorted(wanted_requires - set(existing_requires)):
        LessonPrerequisite.objects.create(lesson_id=lesson_id, requires_id=requires_id)
        report.created["prerequisite"] += 1
    report.unchanged["prerequisite"] += len(wanted_requires & set(existing_requires))
    stale_requires = [row.pk for pair, row in existing_requires.items() if pair not in wanted_requires]

    # Deletions last, once everything that stays has moved out of what goes.
    for kind, model, pks in (
        ("prerequisite", LessonPrerequisite, stale_requires),
        ("lesson_exercise", LessonExercise, dropped_links),
        ("lesson", Lesson, dropped_lessons),
        ("unit", Unit, dropped_units),
        ("section", Section, dropped_sections),
    ):
        if pks:
            model.objects.filter(pk__in=pks).delete()
            report.deleted[kind] += len(pks)
    orphans = Exercise.objects.filter(pk__in=[row.pk for row in existing_exercises.values()], lesson_links__isnull=True)
    report.deleted["exercise"] += orphans.count()
    orphans.delete()
    for counter in (report.created, report.updated, report.unchanged, report.deleted):
        for kind in [kind for kind, count in counter.items() if not count]:
            del counter[kind]
    return report


# --- export ------------------------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    pass


def _str_representer(dumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _list_representer(dumper, value: list):
    # Short lists of words read best on one line: [Yo, bebo, agua].
    flow = bool(value) and all(isinstance(item, str | int | float) and "\n" not in str(item) for item in value)
    flow = flow and sum(len(str(item)) + 2 for item in value) <= 100
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flow)


_Dumper.add_representer(str, _str_representer)
_Dumper.add_representer(list, _list_representer)


def _sorted_keys(value):
    if isinstance(value, dict):
        return {key: _sorted_keys(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_sorted_keys(item) for item in value]
    return value


def _compact(pairs: list[tuple[str, Any, Any]]) -> dict:
    """Fields in order, leaving out those equal to their default."""
    # str() turns choices enums (Course.Cefr.A1) into plain text the YAML dumper accepts.
    return {name: str(value) if isinstance(value, str) else value for name, value, default in pairs if value != default}


def course_export(*, course: Course) -> str:
    """The course as a course file (deterministic: same course, same bytes)."""
    lessons = Lesson.objects.filter(unit__section__course=course)
    links = (
        LessonExercise.objects.filter(lesson__in=lessons)
        .select_related("exercise__type", "exercise__audio__language")
        .prefetch_related("exercise__options")
        .order_by("position", "pk")
    )
    links_by_lesson = defaultdict(list)
    for link in links:
        links_by_lesson[link.lesson_id].append(link)
    requires = defaultdict(list)
    for lesson_id, key in (
        LessonPrerequisite.objects.filter(lesson__in=lessons)
        .order_by("requires__key")
        .values_list("lesson_id", "requires__key")
    ):
        requires[lesson_id].append(key)
    audio_files = {link.exercise.audio for link in links if link.exercise.audio is not None}

    def exercise_data(link: LessonExercise) -> dict:
        exercise = link.exercise
        options = sorted(exercise.options.all(), key=lambda option: (option.position, option.pk))
        return _compact(
            [
                ("key", exercise.key, None),
                ("type", exercise.type.code, None),
                ("prompt", exercise.prompt, None),
                ("content", _sorted_keys(exercise.content), {}),
                ("answers", exercise.answers, []),
                (
                    "options",
                    [_compact([("text", o.text, None), ("correct", o.is_correct, False)]) for o in options],
                    [],
                ),
                ("hints", exercise.hints, []),
                ("difficulty", exercise.difficulty, 1),
                ("time_limit_seconds", exercise.time_limit_seconds, None),
                ("xp_override", exercise.xp_override, None),
                ("audio", exercise.audio.key if exercise.audio else None, None),
                ("required", link.is_required, True),
            ]
        )

    def audio_data(audio: AudioFile) -> dict:
        return _compact(
            [
                ("key", audio.key, None),
                ("language", audio.language.code, course.to_language.code),
                ("transcript", audio.transcript, None),
                ("speaker", audio.speaker, ""),
                ("duration_ms", audio.duration_ms, None),
                ("urls", {q: getattr(audio, f"url_{q}") for q in QUALITIES if getattr(audio, f"url_{q}")}, {}),
                ("files", {q: getattr(audio, f"file_{q}").name for q in QUALITIES if getattr(audio, f"file_{q}")}, {}),
            ]
        )

    sections = course.sections.order_by("position", "pk").prefetch_related("units__lessons")
    document = {
        "format": FORMAT_VERSION,
        "course": _compact(
            [
                ("from_language", course.from_language.code, None),
                ("to_language", course.to_language.code, None),
                ("title", course.title, None),
                ("description", course.description, ""),
                ("cefr_from", course.cefr_from, None),
                ("cefr_to", course.cefr_to, None),
                ("is_published", course.is_published, False),
            ]
        ),
        "audio": [audio_data(audio) for audio in sorted(audio_files, key=lambda a: (a.language.code, a.key))],
        "sections": [
            _compact(
                [
                    ("key", section.key, None),
                    ("title", section.title, None),
                    ("description", section.description, ""),
                    (
                        "units",
                        [
                            _compact(
                                [
                                    ("key", unit.key, None),
                                    ("title", unit.title, None),
                                    ("description", unit.description, ""),
                                    ("guidebook", unit.guidebook, ""),
                                    ("icon", unit.icon, ""),
                                    ("color", unit.color, "#58CC02"),
                                    (
                                        "lessons",
                                        [
                                            _compact(
                                                [
                                                    ("key", lesson.key, None),
                                                    ("title", lesson.title, None),
                                                    ("xp_reward", lesson.xp_reward, None),
                                                    ("estimated_minutes", lesson.estimated_minutes, 5),
                                                    ("requires", requires[lesson.pk], []),
                                                    (
                                                        "exercises",
                                                        [exercise_data(ln) for ln in links_by_lesson[lesson.pk]],
                                                        [],
                                                    ),
                                                ]
                                            )
                                            for lesson in sorted(unit.lessons.all(), key=lambda x: (x.position, x.pk))
                                        ],
                                        [],
                                    ),
                                ]
                            )
                            for unit in sorted(section.units.all(), key=lambda x: (x.position, x.pk))
                        ],
                        [],
                    ),
                ]
            )
            for section in sections
        ],
    }
    if not document["audio"]:
        del document["audio"]
    body = yaml.dump(
        document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=4096, default_flow_style=False
    )
    return HEADER + body


def course_by_reference(reference: str) -> Course:
    """A course by id ("12") or language pair ("en-es", "en:es", "en/es"); raises Course.DoesNotExist."""
    if reference.isdigit():
        return Course.objects.select_related("from_language", "to_language").get(pk=int(reference))
    match = re.match(r"^([A-Za-z0-9-]+?)[:/>_]([A-Za-z0-9-]+)$", reference) or re.match(
        r"^([a-z]{2,3})-([a-z]{2,3})$", reference
    )
    if not match:
        raise Course.DoesNotExist(f"Not a course id or language pair: {reference!r}.")
    return Course.objects.select_related("from_language", "to_language").get(
        Q(from_language__code=match.group(1)) & Q(to_language__code=match.group(2))
    )
