"""Course files: one course as YAML (course → sections → units → lessons → exercises), imported and exported.

Every section, unit, lesson, exercise and audio clip carries a `key`, stored on its row, that is
unique in the file (audio: in its language). Re-importing a file finds rows by key within the
course and updates them in place, so ids (and learners' progress) survive reordering, renaming
and moving a lesson to another unit (exercises.course_import writes the plan read here; rows the file no
longer names are archived when learners have history in them, deleted otherwise). A file may list the
languages it uses, so it imports into a database that lacks them. The export writes the live course
(archived rows stay out), every field in a fixed order, leaving out values equal to their default, so
export → import → export is byte-identical. docs/content.md describes the format field by field.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db.models import Prefetch, Q
from yaml.constructor import SafeConstructor

from courses.models import (
    BCP47_REGEX,
    HEX_COLOUR_REGEX,
    KEY_REGEX,
    Course,
    Language,
    Lesson,
    LessonPrerequisite,
    Unit,
)
from courses.prerequisites import graph_cycle
from exercises.kinds import kind_for
from exercises.models import AudioFile, Exercise, ExerciseType, LessonExercise
from exercises.validation import exercise_content_errors

try:  # libyaml parses an order of magnitude faster; the pure-Python parser reads the same files
    from yaml import CSafeLoader as YamlLoader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as YamlLoader

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


class Reader:
    """Typed access to a parsed YAML document that collects every problem with its path and line
    (`source`, a file name, prefixes each problem when one import reads several files)."""

    def __init__(self, root_node, *, source: str = ""):
        self.root_node = root_node
        self.source = source
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
        self.problems.append(f"{self.source}{where}: {message}")

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


LANGUAGE_FIELDS = ("code", "name", "native_name", "flag", "direction", "special_characters", "punctuation_letters")
COURSE_FIELDS = (
    "from_language",
    "to_language",
    "title",
    "description",
    "cefr_from",
    "cefr_to",
    "is_published",
    "license",
    "license_url",
    "attribution",
    "source_url",
)


@dataclass
class ImageUpload:
    """A picture a course directory brings: stored under `name` in media storage when the import is real."""

    name: str
    path: str


@dataclass
class CoursePlan:
    """The validated file, ready to be written (exercises.course_import)."""

    course: dict
    languages: dict[str, dict] = field(default_factory=dict)  # code -> fields, from the file's languages list
    language_codes: set[str] = field(default_factory=set)  # every code the course uses
    audio: list[dict] = field(default_factory=list)
    sections: list[dict] = field(default_factory=list)
    # lesson key -> [required lesson keys]
    requires: dict[str, list[str]] = field(default_factory=dict)
    image_uploads: list[ImageUpload] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _read_languages(reader: Reader, data: dict) -> dict[str, dict]:
    languages: dict[str, dict] = {}
    seen: dict[str, Path] = {}
    for index, item in enumerate(reader.sequence(data, "languages", ())):
        path = ("languages", index)
        item = reader.mapping(item, path, set(LANGUAGE_FIELDS), {"code", "name"})
        if item is None:
            continue
        code = reader.text(item, "code", path, required=True, max_length=35)
        if code and not re.match(BCP47_REGEX, code):
            reader.error((*path, "code"), f"{code!r} is not a well-formed BCP 47 language tag (e.g. es, tw, sr-Latn).")
        elif code.lower() in seen:
            reader.error((*path, "code"), f"language {code!r} is already listed at {path_text(seen[code.lower()])}.")
        elif code:
            seen[code.lower()] = path
        direction = item.get("direction", "ltr")
        if direction not in ("ltr", "rtl"):
            reader.error((*path, "direction"), f"use ltr or rtl (got {direction!r}).")
        characters = {}
        for name in ("special_characters", "punctuation_letters"):
            value = item.get(name, [])
            if not isinstance(value, list) or not all(isinstance(c, str) and c and len(c) <= 8 for c in value):
                reader.error((*path, name), "expected a list of characters (each a short text).")
                value = []
            characters[name] = value
        name = reader.text(item, "name", path, required=True, max_length=80)
        languages[code] = {
            "given": set(item),
            "code": code,
            "name": name,
            "native_name": reader.text(item, "native_name", path, max_length=80) or name,
            "flag": reader.text(item, "flag", path, max_length=16),
            "direction": direction if direction in ("ltr", "rtl") else "ltr",
            **characters,
            "path": path,
        }
    return languages


class _Languages:
    """Resolves the codes a course file uses against the database and the file's own languages list."""

    def __init__(self, reader: Reader, declared: dict[str, dict], *, allow_new: bool):
        self.reader, self.declared, self.allow_new = reader, declared, allow_new
        self.known = {code.lower(): code for code in Language.objects.values_list("code", flat=True)}
        self.used: set[str] = set()

    def codes(self) -> set[str]:
        """The codes content may name (a structured prompt's language): the database's and the file's (a file
        language refused by --no-new-languages is reported once, where the course names it)."""
        return set(self.known.values()) | set(self.declared)

    def resolve(self, code: str, path: Path) -> str | None:
        """The stored code for `code` (tags are case-insensitive), or None after reporting the problem."""
        if code.lower() in self.known:
            self.used.add(self.known[code.lower()])
            return self.known[code.lower()]
        declared = next((c for c in self.declared if c.lower() == code.lower()), None)
        if declared is None:
            self.reader.error(
                path,
                f"unknown language {code!r}: list it in the file's languages (code, name, native_name, "
                "special_characters) or add it in the admin (Courses > Languages).",
            )
            return None
        if not self.allow_new:
            self.reader.error(
                path,
                f"language {code!r} is not in the database and --no-new-languages forbids creating it: add it in the "
                "admin (Courses > Languages) or import without --no-new-languages.",
            )
            return None
        self.used.add(declared)
        return declared


def _read_course(reader: Reader, data: dict, languages: _Languages) -> dict:
    path = ("course",)
    course = reader.mapping(data.get("course"), path, set(COURSE_FIELDS), {"from_language", "to_language", "title"})
    if course is None:
        return {}
    codes = {}
    for name in ("from_language", "to_language"):
        code = reader.text(course, name, path, required=True)
        if code:
            codes[name] = languages.resolve(code, (*path, name))
    if codes.get("from_language") and codes.get("from_language") == codes.get("to_language"):
        reader.error((*path, "to_language"), "must differ from from_language.")
    cefr = {}
    for name, default in (("cefr_from", "A1"), ("cefr_to", "A2")):
        cefr[name] = course.get(name, default)
        if cefr[name] not in CEFR_LEVELS:
            reader.error((*path, name), f"use one of {', '.join(CEFR_LEVELS)}.")
    if cefr["cefr_from"] in CEFR_LEVELS and cefr["cefr_to"] in CEFR_LEVELS and cefr["cefr_from"] > cefr["cefr_to"]:
        reader.error((*path, "cefr_to"), "must not be below cefr_from.")
    urls = {}
    for name in ("license_url", "source_url"):
        urls[name] = reader.text(course, name, path, max_length=500)
        if urls[name]:
            _check_url(reader, urls[name], (*path, name))
    return {
        "from_language": codes.get("from_language"),
        "to_language": codes.get("to_language"),
        "title": reader.text(course, "title", path, required=True, max_length=200),
        "description": reader.text(course, "description", path),
        "cefr_from": cefr["cefr_from"],
        "cefr_to": cefr["cefr_to"],
        "is_published": reader.boolean(course, "is_published", path, default=False),
        "license": reader.text(course, "license", path, max_length=100),
        "license_url": urls["license_url"],
        "attribution": reader.text(course, "attribution", path),
        "source_url": urls["source_url"],
    }


def _check_url(reader: Reader, value: str, path: Path) -> None:
    try:
        URLValidator()(value)
    except ValidationError:
        reader.error(path, f"not a valid URL: {value!r}.")


def _read_audio(reader: Reader, data: dict, default_language: str | None, languages: _Languages) -> list[dict]:
    result = []
    seen: dict[str, Path] = {}
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
            language = languages.resolve(code, (*path, "language")) if code else None
        sources: dict[str, dict[str, str]] = {"urls": {}, "files": {}}
        for kind in ("urls", "files"):
            value = item.get(kind, {})
            value = reader.mapping(value, (*path, kind), set(QUALITIES)) or {}
            for quality in QUALITIES:
                if quality not in value:
                    continue
                source = reader.text(value, quality, (*path, kind), required=True, max_length=500)
                if kind == "urls" and source:
                    _check_url(reader, source, (*path, kind, quality))
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
    reader: Reader,
    item: Any,
    path: Path,
    seen: dict[str, Path],
    types: dict[str, ExerciseType],
    audio_keys: set,
    language_codes: set[str],
) -> dict | None:
    item = reader.mapping(
        item,
        path,
        {*EXERCISE_FIELDS, "audio", "image", "required", "options"},
        {"type", "prompt"},
    )
    if item is None:
        return None
    image = _read_image(reader, item, path)
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
            languages=language_codes,
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
        **image,
        "is_required": reader.boolean(item, "required", path, default=True),
        "options": options,
    }


def _read_image(reader: Reader, item: dict, path: Path) -> dict:
    """An exercise's picture: `{url: ..., alt: ...}` or `{file: <name in media storage>, alt: ...}`."""
    if item.get("image") is None:
        return {"image": "", "image_url": "", "image_alt": ""}
    image_path = (*path, "image")
    image = reader.mapping(item["image"], image_path, {"url", "file", "alt"}) or {}
    url = reader.text(image, "url", image_path, max_length=500)
    name = reader.text(image, "file", image_path, max_length=100)
    if url:
        _check_url(reader, url, (*image_path, "url"))
    alt = reader.text(image, "alt", image_path, max_length=300)
    if image and not url and not name:
        reader.error(image_path, "give url or file (a name in media storage), and alt.")
    elif image and not alt.strip():
        reader.error((*image_path, "alt"), "describe the image for learners who cannot see it (alt text).")
    return {"image": name, "image_url": url, "image_alt": alt}


def _read_tree(
    reader: Reader, data: dict, audio_keys: set, language_codes: set[str]
) -> tuple[list[dict], dict[str, list[str]], dict]:
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
                    _read_exercise(
                        reader,
                        exercise,
                        (*l_path, "exercises", e_index),
                        exercise_keys,
                        types,
                        audio_keys,
                        language_codes,
                    )
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


def _check_requires(reader: Reader, requires: dict, paths: dict, lesson_keys: dict) -> None:
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


def yaml_parse(text: str, *, source: str = ""):
    """(node tree, data) of a YAML document, parsed once: libyaml composes the nodes (their marks give line
    numbers to every error) and the data is built from them. `source` prefixes error messages (a file name)."""
    try:
        node = yaml.compose(text, Loader=YamlLoader)
        data = SafeConstructor().construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise CourseFileError([f"{source}{where}not valid YAML ({getattr(exc, 'problem', None) or exc})."]) from None
    return node, data


def course_file_read(text: str, *, allow_new_languages: bool = True) -> CoursePlan:
    """Parse and validate a course file without writing anything; raises CourseFileError."""
    root_node, data = yaml_parse(text)
    return course_document_read(root_node, data, allow_new_languages=allow_new_languages)


def course_document_read(root_node, data: Any, *, allow_new_languages: bool = True) -> CoursePlan:
    """Validate a parsed course file (or a converted course, without a node tree) into a plan; raises
    CourseFileError listing every problem with its place."""
    reader = Reader(root_node)
    data = reader.mapping(
        data, (), {"format", "languages", "course", "audio", "sections"}, {"format", "course", "sections"}
    )
    if data is None:
        raise CourseFileError(reader.problems)
    if data.get("format") != FORMAT_VERSION:
        reader.error(("format",), f"this program reads format {FORMAT_VERSION} (got {data.get('format')!r}).")
    declared = _read_languages(reader, data)
    languages = _Languages(reader, declared, allow_new=allow_new_languages)
    plan = CoursePlan(course=_read_course(reader, data, languages))
    plan.audio = _read_audio(reader, data, plan.course.get("to_language"), languages)
    plan.sections, plan.requires, _ = _read_tree(
        reader, data, {audio["key"] for audio in plan.audio}, languages.codes()
    )
    if reader.problems:
        raise CourseFileError(reader.problems)
    plan.languages = {code: fields for code, fields in declared.items() if code in languages.used}
    plan.language_codes = languages.used
    return plan


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
    """The live course as a course file (deterministic: same course, same bytes); archived rows are left out."""
    lessons = Lesson.objects.live().filter(unit__section__course=course)
    links = (
        LessonExercise.objects.filter(lesson__in=lessons, exercise__archived_at__isnull=True)
        .select_related("exercise__type", "exercise__audio__language")
        .prefetch_related("exercise__options")
        .order_by("position", "pk")
    )
    links_by_lesson = defaultdict(list)
    for link in links:
        links_by_lesson[link.lesson_id].append(link)
    requires = defaultdict(list)
    for lesson_id, key in (
        LessonPrerequisite.objects.filter(lesson__in=lessons, requires__in=lessons)
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
                ("image", image_data(exercise), {}),
                ("required", link.is_required, True),
            ]
        )

    def image_data(exercise: Exercise) -> dict:
        return _compact(
            [("file", exercise.image.name, ""), ("url", exercise.image_url, ""), ("alt", exercise.image_alt, "")]
        )

    def language_data(language: Language) -> dict:
        return _compact(
            [
                ("code", language.code, None),
                ("name", language.name, None),
                ("native_name", language.native_name, None),
                ("flag", language.flag, ""),
                ("direction", language.direction, "ltr"),
                ("special_characters", language.special_characters, []),
                ("punctuation_letters", language.punctuation_letters, []),
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

    live_units = Prefetch("units", queryset=Unit.objects.live().prefetch_related(Prefetch("lessons", queryset=lessons)))
    sections = course.sections.live().order_by("position", "pk").prefetch_related(live_units)
    languages = {course.from_language, course.to_language, *(audio.language for audio in audio_files)}
    document = {
        "format": FORMAT_VERSION,
        "languages": [language_data(language) for language in sorted(languages, key=lambda lang: lang.code)],
        "course": _compact(
            [
                ("from_language", course.from_language.code, None),
                ("to_language", course.to_language.code, None),
                ("title", course.title, None),
                ("description", course.description, ""),
                ("cefr_from", course.cefr_from, None),
                ("cefr_to", course.cefr_to, None),
                ("is_published", course.is_published, False),
                ("license", course.license, ""),
                ("license_url", course.license_url, ""),
                ("attribution", course.attribution, ""),
                ("source_url", course.source_url, ""),
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
