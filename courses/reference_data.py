"""Loading reference data (languages, exercise types, achievements, league tiers, quest templates) from fixtures/
without clobbering edits."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from audit.services import AuditContext
from courses.content import content_create, content_update

REFERENCE_FIXTURES = (
    "languages.yaml",
    "exercise_types.yaml",
    "achievements.yaml",
    "league_tiers.yaml",
    "quest_templates.yaml",
)
# Reference rows are content too: written through the content write path, one audit row per change.
SEED = AuditContext.for_command("seed")


class ReferenceDataError(Exception):
    pass


@dataclass
class SeedReport:
    # model label -> count; "kept" rows differ from the fixture but were edited and left alone.
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    kept: Counter = field(default_factory=Counter)

    def totals(self) -> dict[str, int]:
        return {name: sum(getattr(self, name).values()) for name in ("created", "updated", "unchanged", "kept")}

    def summary(self) -> dict:
        labels = sorted(set(self.created) | set(self.updated) | set(self.unchanged) | set(self.kept))
        return {
            "totals": self.totals(),
            "models": {
                label: {name: getattr(self, name)[label] for name in ("created", "updated", "unchanged", "kept")}
                for label in labels
            },
        }


def fixture_paths() -> list[Path]:
    return [Path(settings.BASE_DIR) / "fixtures" / name for name in REFERENCE_FIXTURES]


def _read(path: Path) -> tuple[type, str, list[dict]]:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ReferenceDataError(f"{path}: cannot read ({exc}).") from None
    if not isinstance(document, dict) or not {"model", "match_on", "records"} <= set(document):
        raise ReferenceDataError(f"{path}: expected the fields model, match_on and records.")
    try:
        model = apps.get_model(document["model"])
    except (LookupError, ValueError):
        raise ReferenceDataError(f"{path}: unknown model {document['model']!r}.") from None
    return model, document["match_on"], document["records"]


@transaction.atomic
def reference_data_load(*, paths: list[Path] | None = None, force: bool = False) -> SeedReport:
    """Create missing reference rows; rows that differ from the fixture are left as edited unless `force`."""
    report = SeedReport()
    for path in paths or fixture_paths():
        model, match_on, records = _read(path)
        label = model._meta.label
        for index, record in enumerate(records):
            if not isinstance(record, dict) or match_on not in record:
                raise ReferenceDataError(f"{path}: records[{index}] needs the field {match_on!r}.")
            obj = model._default_manager.select_for_update().filter(**{match_on: record[match_on]}).first()
            try:
                if obj is None:
                    content_create(model(**record), by=SEED)
                    report.created[label] += 1
                    continue
                differing = {name: value for name, value in record.items() if getattr(obj, name) != value}
                if not differing:
                    report.unchanged[label] += 1
                elif not force:
                    report.kept[label] += 1
                else:
                    content_update(obj, differing, by=SEED)
                    report.updated[label] += 1
            except ValidationError as exc:
                raise ReferenceDataError(f"{path}: records[{index}] ({record[match_on]}): {exc.messages}") from None
    return report
