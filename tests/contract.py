"""Real responses checked against the schema /api/schema/ serves: the status is documented for the operation, and the
body validates (jsonschema) against that status's documented schema."""

from __future__ import annotations

import functools
import re
from typing import Any

import jsonschema
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

SCHEMA_URL = "/api/schema/?format=json"


@functools.cache
def served_schema() -> dict[str, Any]:
    """The OpenAPI document as /api/schema/ serves it (read once per test run)."""
    response = Client().get(SCHEMA_URL)
    assert response.status_code == 200, response.content[:300]
    return response.json()


def as_json_schema(node: Any) -> Any:
    """OpenAPI 3.0 schema objects as JSON Schema: `nullable: true` becomes "or null"."""
    if isinstance(node, list):
        return [as_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: as_json_schema(value) for key, value in node.items() if key != "nullable"}
    if node.get("nullable"):
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


@functools.cache
def _components() -> dict[str, Any]:
    return as_json_schema(served_schema()["components"])


def operation_for(method: str, path: str) -> tuple[str, dict[str, Any]]:
    """The schema's operation for a concrete request path (/api/v1/sessions/12/ → /api/v1/sessions/{id}/)."""
    path = path.split("?")[0]
    for template, operations in served_schema()["paths"].items():
        pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, path) and method.lower() in operations:
            return template, operations[method.lower()]
    raise AssertionError(f"{method.upper()} {path} is no operation of the schema")


def response_schema(method: str, path: str, status: int) -> dict[str, Any]:
    template, operation = operation_for(method, path)
    documented = operation["responses"]
    assert str(status) in documented, f"{method.upper()} {template}: {status} is not documented ({sorted(documented)})"
    content = documented[str(status)].get("content")
    assert content is not None, f"{method.upper()} {template}: {status} is documented without a body"
    return as_json_schema(content["application/json"]["schema"])


def assert_conforms(response, method: str, path: str) -> Any:
    """The response's status is documented for the operation and its JSON body matches that status's schema;
    returns the body."""
    assert response["Content-Type"] == "application/json", response["Content-Type"]
    body = response.json()
    schema = {**response_schema(method, path, response.status_code), "components": _components()}
    jsonschema.Draft4Validator(schema).validate(body)
    return body


def documented_codes(status: int) -> set[str]:
    """Every error code the schema documents for this status, over all operations (following $refs)."""
    components = served_schema()["components"]["schemas"]
    codes: set[str] = set()
    seen: set[str] = set()

    def collect(node):
        if isinstance(node, list):
            for value in node:
                collect(value)
        if not isinstance(node, dict):
            return
        ref = node.get("$ref", "")
        if ref.startswith("#/components/schemas/") and ref not in seen:
            seen.add(ref)
            collect(components[ref.rsplit("/", 1)[1]])
        code = node.get("properties", {}).get("code", {})
        codes.update(code.get("enum", []))
        if "$ref" in code:
            codes.update(components[code["$ref"].rsplit("/", 1)[1]].get("enum", []))
        for value in node.values():
            collect(value)

    for operations in served_schema()["paths"].values():
        for operation in operations.values():
            collect(operation["responses"].get(str(status), {}))
    return codes


def fuzz_settings(max_examples: int) -> hypothesis_settings:
    """Hypothesis settings of the schemathesis runs: a bounded number of examples, the same ones every run
    (derandomized, no example database), and no deadline (a request may take a while on a busy CI machine)."""
    return hypothesis_settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
