"""manage.py health: the operator's view of /health/database, plus the cache; exits non-zero when unhealthy."""

import json
import time

from django.core.management.base import BaseCommand, CommandError

from config.health import cache_health, database_health

SHOWN_MIGRATIONS = 5  # the rest are counted; --json lists them all


def _describe(name: str, result: dict) -> str:
    if result["status"] == "ok":
        return f"{result['vendor']}, every migration applied" if name == "database" else result["backend"]
    if "unapplied_migrations" in result:
        pending = result["unapplied_migrations"]
        more = f" and {len(pending) - SHOWN_MIGRATIONS} more" if len(pending) > SHOWN_MIGRATIONS else ""
        return f"{len(pending)} unapplied migration(s): {', '.join(pending[:SHOWN_MIGRATIONS])}{more}"
    problem = result.get(name, "error")
    cause = result.get("error") or result.get("backend")
    return f"{problem} ({cause})" if cause else problem


class Command(BaseCommand):
    help = (
        "Check the database (a round trip, no unapplied migrations) and the cache (a write read back); "
        "exits non-zero when either fails."
    )

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="print the results as one JSON object")

    def handle(self, *args, **options):
        checks = {}
        for name, check in (("database", database_health), ("cache", cache_health)):
            started = time.perf_counter()
            result = check()
            checks[name] = {**result, "ms": round(1000 * (time.perf_counter() - started), 1)}
        failed = [name for name, result in checks.items() if result["status"] != "ok"]
        if options["json"]:
            self.stdout.write(json.dumps({"status": "error" if failed else "ok", "checks": checks}, indent=2))
        else:
            for name, result in checks.items():
                style = self.style.SUCCESS if result["status"] == "ok" else self.style.ERROR
                status = style(result["status"].ljust(5))  # padded before styling, so colours keep the columns
                self.stdout.write(f"{name:9} {status}  {_describe(name, result)}  ({result['ms']} ms)")
        if failed:
            raise CommandError(f"Unhealthy: {', '.join(failed)}.")
