"""LibreLingo course directories, read into the same validated plan a course file gives (exercises.course_files).

A LibreLingo course (https://github.com/LibreLingoCommunity/LibreLingo, docs/courses/) is a directory:
`course.yaml` (the two languages, license, repository, special characters, modules, settings), one directory per
module with `module.yaml` (name, skill files) and `skills/*.yaml` (New words, Phrases, Mini-dictionary) with an
optional `skills/<name>.md` introduction. LibreLingo's own generator (src/librelingo_json_export) turns each word
into "cards", "shortInput" and "listeningExercise" challenges and a "pairing" of words, and each phrase into
"options", "listeningExercise", "chips" and reverse "chips"; listening only when the course enables audio. The
conversion does the same, onto this project's exercise types (TYPE_CODES), and writes a course file document that
goes through the very same validation and import as a YAML course file: dry run, archive, re-import in place,
audit. docs/content.md lists the mapping field by field.

Keys are derived from the module, the skill id and the words themselves, so a second import of an unchanged
directory changes nothing and a re-import after edits keeps learners' progress on what stayed.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from exercises.course_files import (
    BCP47_REGEX,
    FORMAT_VERSION,
    CourseFileError,
    CoursePlan,
    ImageUpload,
    Reader,
    course_document_read,
    yaml_parse,
)
from exercises.grading import edit_distance
from exercises.kinds import listen, match_pairs, multiple_choice, sort_words, translate

# LibreLingo challenge type -> the exercise kind it becomes (the codes are the kinds registry's).
TYPE_CODES = {
    "cards": multiple_choice.KIND.code,
    "options": multiple_choice.KIND.code,
    "chips": sort_words.KIND.code,
    "shortInput": translate.KIND.code,
    "pairing": match_pairs.KIND.code,
    "listeningExercise": listen.KIND.code,
}
# How each challenge names its exercise keys (short, stable).
KEY_PARTS = {
    "cards": "cards",
    "options": "options",
    "chips": "chips",
    "reverse chips": "rchips",
    "shortInput": "input",
    "pairing": "pairs",
    "listeningExercise": "listening",
}
MAX_DISTRACTORS = 3  # multiple choice: the right answer and up to three others
MAX_PAIRS = 5  # words per match-pairs exercise
IMAGE_DIR = "images"  # pictures next to course.yaml: images/<name>.jpg
IMAGE_STORAGE_PREFIX = "images/librelingo"


def _display(text: str) -> str:
    """LibreLingo groups words for its dictionary with braces; learners never see them."""
    return " ".join(text.replace("{", "").replace("}", "").split())


def _clean_word(word: str) -> str:
    """A chip: the word without punctuation around it (apostrophes stay), as LibreLingo's clean_word."""
    return re.sub(r"[^\w']+$", "", re.sub(r"^[^\w']+", "", word))


def _chips(text: str) -> list[str]:
    return [chip for chip in (_clean_word(word) for word in _display(text).split()) if chip]


def slug(text: str, *, max_length: int = 40) -> str:
    """A course-file key part from any LibreLingo name or id (lowercase ASCII letters and digits, - between)."""
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    value = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:max_length].strip("-")
    return value or "x" + hashlib.sha256(str(text).encode()).hexdigest()[:8]


def _digest(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:10]


def audio_id(language_name: str, text: str) -> str:
    """The name LibreLingo gives the recording of a text (its audio files are <id>.mp3)."""
    return hashlib.sha256(f"{language_name.lower()}|{text}".encode()).hexdigest()


@dataclass
class Item:
    """A word or a phrase: its forms in the language taught (first = main) and meanings in the learner's."""

    kind: str  # word | phrase
    target: list[str]
    source: list[str]
    pictures: list[str] = field(default_factory=list)


@dataclass
class Skill:
    module_key: str
    key: str
    name: str
    words: list[Item]
    phrases: list[Item]
    thumbnails: list[str]
    introduction: str


@dataclass
class _Course:
    target: dict
    source: dict
    license: dict
    repository: str
    special_characters: list[str]
    audio_enabled: bool
    modules: list[tuple[str, str, list[Skill]]] = field(default_factory=list)  # (key, name, skills)
    dictionary: dict[tuple[str, bool], list[str]] = field(default_factory=dict)  # (word, in target) -> meanings


class _Files:
    """Reads the directory's YAML files, each parsed once with its own line numbers."""

    def __init__(self, root: Path):
        self.root = root
        self.problems: list[str] = []

    def load(self, path: Path) -> tuple[Reader, Any]:
        name = path.relative_to(self.root).as_posix()
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CourseFileError([f"{name}: cannot read it ({exc})."]) from None
        node, data = yaml_parse(text, source=f"{name}, ")
        return Reader(node, source=f"{name}: "), data

    def fail(self, reader: Reader) -> None:
        if reader.problems:
            raise CourseFileError(reader.problems)


def _fields(reader: Reader, value: Any, path: tuple, required: set[str]) -> dict | None:
    """A mapping with its required fields; fields LibreLingo tools add that this import does not use are ignored."""
    if not isinstance(value, dict):
        reader.error(path, "expected a mapping of fields.")
        return None
    for name in sorted(required - set(value)):
        reader.error((*path, name), "this field is required.")
    return value


def _texts(reader: Reader, mapping: dict, name: str, path: tuple) -> list[str]:
    """A list of texts (LibreLingo also writes one text where a list is expected)."""
    value = mapping.get(name)
    if value is None:
        return []
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str | int | float) for v in value):
        reader.error((*path, name), "expected a list of texts.")
        return []
    return [_display(str(v)) for v in value if _display(str(v))]


def _required_text(reader: Reader, mapping: dict, name: str, path: tuple) -> str:
    """The text of a required field (a missing one was reported by _fields)."""
    if name not in mapping:
        return ""
    value = mapping.get(name)
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not _display(value):
        reader.error((*path, name), "this field is required (a text).")
        return ""
    return _display(value)


def _read_language(reader: Reader, course: dict, name: str) -> dict:
    path = ("Course", name)
    language = _fields(reader, course.get(name), path, {"Name", "IETF BCP 47"}) or {}
    code = _required_text(reader, language, "IETF BCP 47", path)
    if code and not re.match(BCP47_REGEX, code):
        reader.error((*path, "IETF BCP 47"), f"{code!r} is not a well-formed BCP 47 language tag (e.g. tw, sr-Latn).")
    return {"code": code, "name": _required_text(reader, language, "Name", path)}


def _read_course(files: _Files) -> _Course:
    reader, data = files.load(files.root / "course.yaml")
    data = _fields(reader, data, (), {"Course", "Modules"})
    files.fail(reader)
    course = _fields(reader, data["Course"], ("Course",), {"Language", "For speakers of", "License"})
    files.fail(reader)
    target, source = _read_language(reader, course, "Language"), _read_language(reader, course, "For speakers of")
    license_ = _fields(reader, course.get("License"), ("Course", "License"), set()) or {}
    special = _texts(reader, course, "Special characters", ("Course",))
    settings = data.get("Settings") or {}
    audio = settings.get("Audio") if isinstance(settings, dict) else None
    enabled = audio.get("Enabled") if isinstance(audio, dict) else False
    modules = data.get("Modules")
    if not isinstance(modules, list) or not modules or not all(isinstance(m, str) and m for m in modules):
        reader.error(("Modules",), "expected the list of module directories.")
    files.fail(reader)
    return _Course(
        target=target,
        source=source,
        license={
            "name": str(license_.get("Name") or ""),
            "short": str(license_.get("Short name") or ""),
            "link": str(license_.get("Link") or ""),
        },
        repository=str(course.get("Repository") or ""),
        special_characters=special,
        # LibreLingo's loader reads the setting as text ("True"); YAML may also give a boolean.
        audio_enabled=enabled is True or str(enabled).lower() == "true",
        modules=[(name, name, []) for name in modules],
    )


def _read_item(reader: Reader, raw: Any, path: tuple, kind: str) -> Item | None:
    if kind == "word":
        main, alternatives, meaning, meanings = "Word", ("Synonyms",), "Translation", ("Also accepted",)
    else:
        # Real courses write the singular "Alternative translation" too; both are read.
        main, alternatives = "Phrase", ("Alternative versions", "Alternative version")
        meaning, meanings = "Translation", ("Alternative translations", "Alternative translation")
    item = _fields(reader, raw, path, {main, meaning})
    if item is None:
        return None
    target = [_required_text(reader, item, main, path)]
    for name in alternatives:
        target += _texts(reader, item, name, path)
    source = [_required_text(reader, item, meaning, path)]
    for name in meanings:
        source += _texts(reader, item, name, path)
    if not target[0] or not source[0]:
        return None
    return Item(
        kind=kind,
        target=list(dict.fromkeys(target)),
        source=list(dict.fromkeys(source)),
        pictures=_texts(reader, item, "Images", path) if kind == "word" else [],
    )


def _read_dictionary(reader: Reader, data: dict, course: _Course) -> None:
    """Mini-dictionary ({language name: [{word: meaning(s)}]}) and Two-way-dictionary ([{source: target}])."""
    mini = data.get("Mini-dictionary")
    if isinstance(mini, dict):
        for language, in_target in ((course.target["name"], True), (course.source["name"], False)):
            for entry in mini.get(language) or []:
                if isinstance(entry, dict) and len(entry) == 1:
                    word, meaning = next(iter(entry.items()))
                    meanings = meaning if isinstance(meaning, list) else [meaning]
                    course.dictionary.setdefault((str(word).lower(), in_target), []).extend(str(m) for m in meanings)
    for entry in data.get("Two-way-dictionary") or []:
        if isinstance(entry, dict) and len(entry) == 1:
            source_word, target_word = (str(part).strip() for part in next(iter(entry.items())))
            course.dictionary.setdefault((source_word.lower(), False), []).append(target_word)
            course.dictionary.setdefault((target_word.lower(), True), []).append(source_word)


def _read_skill(files: _Files, path: Path, module_key: str, course: _Course, keys: set[str]) -> Skill:
    reader, data = files.load(path)
    data = _fields(reader, data, (), {"Skill"})
    files.fail(reader)
    skill = _fields(reader, data["Skill"], ("Skill",), {"Name", "Id"}) or {}
    files.fail(reader)
    name = _required_text(reader, skill, "Name", ("Skill",))
    key = slug(skill.get("Id", path.stem), max_length=24)
    if key in keys:  # two skills with one id: the file name tells them apart
        key = slug(f"{key[:12]}-{path.stem}", max_length=24)
    keys.add(key)
    words, phrases = [], []
    for kind, section, target in (("word", "New words", words), ("phrase", "Phrases", phrases)):
        raw = data.get(section) or []
        if not isinstance(raw, list):
            reader.error((section,), "expected a list.")
            continue
        for index, entry in enumerate(raw):
            item = _read_item(reader, entry, (section, index), kind)
            if item is not None:
                target.append(item)
    _read_dictionary(reader, data, course)
    files.fail(reader)
    introduction = path.with_suffix(".md")
    return Skill(
        module_key=module_key,
        key=key,
        name=name,
        words=words,
        phrases=phrases,
        thumbnails=_texts(reader, skill, "Thumbnails", ("Skill",)),
        introduction=introduction.read_text(encoding="utf-8").strip() if introduction.is_file() else "",
    )


def _read_modules(files: _Files, course: _Course) -> None:
    modules, keys = [], set()
    for directory in [name for name, _, _ in course.modules]:
        module_path = files.root / directory / "module.yaml"
        if not module_path.is_file():
            raise CourseFileError([f"course.yaml: module {directory!r} has no {directory}/module.yaml."])
        reader, data = files.load(module_path)
        data = _fields(reader, data, (), {"Module", "Skills"})
        files.fail(reader)
        module = _fields(reader, data["Module"], ("Module",), {"Name"}) or {}
        skills = data.get("Skills")
        if not isinstance(skills, list) or not all(isinstance(s, str) and s for s in skills):
            reader.error(("Skills",), "expected the list of skill files.")
        files.fail(reader)
        module_key = slug(directory, max_length=16)
        loaded = []
        for skill_file in skills:
            skill_path = files.root / directory / "skills" / skill_file
            if not skill_path.is_file():
                raise CourseFileError([f"{directory}/module.yaml: no skill file skills/{skill_file}."])
            loaded.append(_read_skill(files, skill_path, module_key, course, keys))
        modules.append((module_key, _required_text(reader, module, "Name", ("Module",)), loaded))
        files.fail(reader)
    course.modules = modules


# --- the conversion ------------------------------------------------------------------------------


@dataclass
class _Options:
    image_base_url: str | None
    audio_base_url: str | None


class _Converter:
    def __init__(self, root: Path, course: _Course, options: _Options):
        self.root, self.course, self.options = root, course, options
        self.uploads: dict[str, ImageUpload] = {}
        self.skipped_images = 0
        self.skipped_listening = 0
        self.audio: dict[str, dict] = {}
        self.all_phrases = [p for _, _, skills in course.modules for s in skills for p in s.phrases]
        self.all_words = [w for _, _, skills in course.modules for s in skills for w in s.words]

    def document(self) -> dict:
        course = self.course
        title = f"{course.target['name']} for {course.source['name']} speakers"
        license_ = course.license
        attribution = f"{title}, a LibreLingo course"
        if course.repository:
            attribution += f": {course.repository}"
        if license_["short"] or license_["name"]:
            attribution += f" ({license_['short'] or license_['name']})"
        sections = [
            {
                "key": module_key,
                "title": module_name,
                "units": [self._unit(skill) for skill in skills],
            }
            for module_key, module_name, skills in course.modules
        ]
        document = {
            "format": FORMAT_VERSION,
            "languages": [
                {
                    "code": course.target["code"],
                    "name": course.target["name"],
                    "native_name": course.target["name"],
                    "special_characters": course.special_characters,
                },
                {"code": course.source["code"], "name": course.source["name"], "native_name": course.source["name"]},
            ],
            "course": {
                "from_language": course.source["code"],
                "to_language": course.target["code"],
                "title": title,
                "license": license_["short"] or license_["name"],
                "license_url": license_["link"],
                "attribution": attribution,
                "source_url": course.repository,
            },
            "sections": sections,
        }
        if self.audio:
            document["audio"] = [self.audio[key] for key in sorted(self.audio)]
        return document

    def _unit(self, skill: Skill) -> dict:
        items = [*skill.words, *skill.phrases]
        # LibreLingo's number of levels of a skill: one lesson per level, words first.
        levels = max(1, min(len(items), round(1 + len(skill.words) / 7 + len(skill.phrases) / 5)))
        lessons, start = [], 0
        unit_key = f"{skill.module_key}.{skill.key}"
        used_keys: Counter = Counter()
        for index in range(levels):
            size = len(items) // levels + (1 if index < len(items) % levels else 0)
            chunk, start = items[start : start + size], start + size
            lesson_key = f"{unit_key}.{index + 1}"
            exercises = []
            for item in chunk:
                exercises += self._item_exercises(skill, unit_key, item)
            words = [item for item in chunk if item.kind == "word"]
            for number, pairs in enumerate(self._pair_groups(words)):
                exercises.append(
                    {
                        "key": f"{lesson_key}.pairs-{number + 1}",
                        "type": TYPE_CODES["pairing"],
                        "prompt": "Match the pairs",
                        "content": {"pairs": pairs},
                    }
                )
            for exercise in exercises:  # the same word twice in a skill gets a second key
                used_keys[exercise["key"]] += 1
                if used_keys[exercise["key"]] > 1:
                    exercise["key"] = f"{exercise['key']}-{used_keys[exercise['key']]}"
            if exercises:
                title = skill.name if levels == 1 else f"{skill.name}, lesson {index + 1}"
                lessons.append({"key": lesson_key, "title": title, "exercises": exercises})
        unit = {"key": unit_key, "title": skill.name, "lessons": lessons}
        if skill.introduction:
            unit["guidebook"] = skill.introduction
        if skill.thumbnails:
            unit["icon"] = skill.thumbnails[0][:64]
        return unit

    def _key(self, unit_key: str, challenge: str, item: Item) -> str:
        return f"{unit_key}.{KEY_PARTS[challenge]}-{_digest(challenge, item.target[0], item.source[0])}"

    def _item_exercises(self, skill: Skill, unit_key: str, item: Item) -> list[dict]:
        if item.kind == "word":
            exercises = [self._cards(skill, unit_key, item), self._short_input(unit_key, item)]
            exercises.append(self._listening(unit_key, item))
        else:
            exercises = [self._options_challenge(skill, unit_key, item), self._listening(unit_key, item)]
            exercises += [self._chips(unit_key, item, reverse=False), self._chips(unit_key, item, reverse=True)]
        return [exercise for exercise in exercises if exercise is not None]

    def _choices(self, item: Item, same_skill: list[Item], whole_course: list[Item]) -> list[dict]:
        """The right form and up to three others, from the same skill first (the ones after it), then the course."""
        taken = {item.target[0].casefold()}
        others = []
        index = next((i for i, other in enumerate(same_skill) if other is item), 0)
        for other in [*same_skill[index + 1 :], *same_skill[:index], *whole_course]:
            form = other.target[0]
            if form.casefold() not in taken and len(others) < MAX_DISTRACTORS:
                taken.add(form.casefold())
                others.append({"text": form[:255]})
        if not others:
            return []
        return [{"text": item.target[0][:255], "correct": True}, *others]

    def _cards(self, skill: Skill, unit_key: str, word: Item) -> dict | None:
        options = self._choices(word, skill.words, self.all_words)
        if not options:
            return None
        return {
            "key": self._key(unit_key, "cards", word),
            "type": TYPE_CODES["cards"],
            "prompt": f"Which of these is “{word.source[0]}”?",
            "content": {"prompt": self._asked(word.source[0], in_target=False)},
            "options": options,
            **self._image(word),
        }

    def _short_input(self, unit_key: str, word: Item) -> dict:
        return {
            "key": self._key(unit_key, "shortInput", word),
            "type": TYPE_CODES["shortInput"],
            "prompt": f"Type “{word.source[0]}” in {self.course.target['name']}",
            "content": {"source_text": word.source[0]},
            "answers": word.target,
            **self._hints(word.source[0], in_target=False),
            **self._image(word),
        }

    def _options_challenge(self, skill: Skill, unit_key: str, phrase: Item) -> dict | None:
        options = self._choices(phrase, skill.phrases, self.all_phrases)
        if not options:
            return None
        return {
            "key": self._key(unit_key, "options", phrase),
            "type": TYPE_CODES["options"],
            "prompt": f"Which of these means “{phrase.source[0]}”?",
            "content": {"prompt": self._asked(phrase.source[0], in_target=False)},
            "options": options,
        }

    def _chips(self, unit_key: str, phrase: Item, *, reverse: bool) -> dict | None:
        # As LibreLingo: only phrases of two words or more on both sides are put together from chips.
        if len(phrase.source[0].split()) < 2 or len(phrase.target[0].split()) < 2:
            return None
        answers = phrase.source if reverse else phrase.target
        shown = phrase.target[0] if reverse else phrase.source[0]
        solutions = list(dict.fromkeys(" ".join(_chips(answer)) for answer in answers if _chips(answer)))
        tiles: Counter = Counter()
        for solution in solutions:  # every accepted version can be put together from the tiles
            tiles |= Counter(solution.split())
        pool = [p.source if reverse else p.target for p in self.all_phrases]
        tile_list = list(tiles.elements())
        return {
            "key": self._key(unit_key, "reverse chips" if reverse else "chips", phrase),
            "type": TYPE_CODES["chips"],
            "prompt": f"Translate “{shown}”",
            "content": {
                "prompt": self._asked(shown, in_target=reverse),
                "tiles": tile_list + self._distractors(solutions[0].split(), pool, tile_list),
            },
            "answers": solutions,
            **self._hints(shown, in_target=reverse),
        }

    def _asked(self, text: str, *, in_target: bool) -> dict:
        """The structured prompt: the sentence or word asked about, in its language."""
        language = self.course.target if in_target else self.course.source
        return {"text": text, "language": language["code"]}

    def _distractors(self, solution: list[str], pool: list[list[str]], taken: list[str]) -> list[str]:
        """Chips of the course's other phrases closest to the solution's words (LibreLingo's rule)."""
        seen = {chip.lower() for chip in taken}
        extra = []
        for versions in pool:
            for version in versions:
                for chip in _chips(version):
                    if chip.lower() not in seen:
                        seen.add(chip.lower())
                        extra.append(chip)
        extra.sort(key=lambda chip: (sum(edit_distance(other, chip) for other in solution), chip))
        return extra[: max(len(solution) - 1, 2)]

    def _pair_groups(self, words: list[Item]) -> list[list[list[str]]]:
        groups, current, lefts, rights = [], [], set(), set()
        for word in words:
            left, right = word.target[0], word.source[0]
            if left.casefold() in lefts or right.casefold() in rights:
                continue
            lefts.add(left.casefold())
            rights.add(right.casefold())
            current.append([left, right])
            if len(current) == MAX_PAIRS:
                groups.append(current)
                current = []
        if len(current) >= 2:
            groups.append(current)
        elif current and groups:
            groups[-1].extend(current)
        return groups

    def _listening(self, unit_key: str, item: Item) -> dict | None:
        if not self.course.audio_enabled:
            return None
        if not self.options.audio_base_url:
            self.skipped_listening += 1
            return None
        recording = audio_id(self.course.target["name"], item.target[0])
        key = f"ll-{recording[:16]}"
        self.audio[key] = {
            "key": key,
            "transcript": item.target[0],
            "urls": {"medium": f"{self.options.audio_base_url.rstrip('/')}/{recording}.mp3"},
        }
        return {
            "key": self._key(unit_key, "listeningExercise", item),
            "type": TYPE_CODES["listeningExercise"],
            "prompt": "Type what you hear",
            "answers": item.target,
            "audio": key,
        }

    def _image(self, word: Item) -> dict:
        if not word.pictures:
            return {}
        name = word.pictures[0]
        local = self.root / IMAGE_DIR / f"{name}.jpg"
        alt = word.source[0][:300]
        if local.is_file():
            stored = f"{IMAGE_STORAGE_PREFIX}/{slug(self.course.target['code'])}/{slug(name, max_length=60)}.jpg"
            self.uploads[stored] = ImageUpload(name=stored, path=str(local))
            return {"image": {"file": stored, "alt": alt}}
        if self.options.image_base_url:
            return {"image": {"url": f"{self.options.image_base_url.rstrip('/')}/{name}.jpg", "alt": alt}}
        self.skipped_images += 1
        return {}

    def _hints(self, sentence: str, *, in_target: bool) -> dict:
        """What LibreLingo shows over the words of the sentence: their dictionary meanings."""
        hints = []
        for word in _chips(sentence):
            meanings = self.course.dictionary.get((word.lower(), in_target))
            if meanings:
                hint = f"{word}: {', '.join(dict.fromkeys(meanings))}"
                if hint not in hints:
                    hints.append(hint)
        return {"hints": hints} if hints else {}


def librelingo_read(
    directory: str | Path,
    *,
    allow_new_languages: bool = True,
    image_base_url: str | None = None,
    audio_base_url: str | None = None,
    publish: bool = False,
) -> CoursePlan:
    """Read and convert a LibreLingo course directory into a validated import plan; raises CourseFileError
    (a missing course.yaml, a YAML error with its file and line, a language code that is not BCP 47, ...)."""
    root = Path(directory)
    if not (root / "course.yaml").is_file():
        raise CourseFileError(
            ["no course.yaml here: give the directory of a LibreLingo course (course.yaml, modules)."]
        )
    files = _Files(root)
    course = _read_course(files)
    _read_modules(files, course)
    converter = _Converter(root, course, _Options(image_base_url=image_base_url, audio_base_url=audio_base_url))
    document = converter.document()
    try:
        plan = course_document_read(None, document, allow_new_languages=allow_new_languages)
    except CourseFileError as exc:
        raise CourseFileError([f"(converted from LibreLingo) {problem}" for problem in exc.problems]) from None
    if not publish:
        plan.course["is_published"] = None  # keep what editors decided; a new course starts unpublished
    else:
        plan.course["is_published"] = True
    plan.image_uploads = sorted(converter.uploads.values(), key=lambda upload: upload.name)
    if converter.skipped_images:
        plan.notes.append(
            f"{converter.skipped_images} exercise image(s) skipped: the pictures are not in {IMAGE_DIR}/ of the course "
            "directory; give --image-base-url URL to reference URL/<name>.jpg."
        )
    if converter.skipped_listening:
        plan.notes.append(
            f"{converter.skipped_listening} listening exercise(s) skipped: the course enables audio; give "
            "--audio-base-url URL where its recordings are (URL/<audio id>.mp3)."
        )
    return plan
