"""Access to the JSON Schemas in ``schemas/``: every body check goes through one of them.

A schema is named by its file name in ``schemas/`` (bundled) or by an absolute
path (a schema beside a user's profile file). Bundled schemas may refer to one
another by relative ``$ref`` (``azure-error.schema.json#/$defs/error``): every
bundled schema is registered under its ``$id``.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012


def schema_dir() -> Path:
    """The schemas folder: bundled in the wheel, or beside the package in a checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_schemas", here.parent / "schemas"):
        if (candidate / "report.schema.json").is_file():
            return candidate
    raise FileNotFoundError("schemas/ not found next to the conformance package")


def _read(path: Path) -> dict:
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


@lru_cache(maxsize=1)
def registry() -> Registry:
    """Every bundled schema, under its $id and its file name, so relative $refs between them resolve
    (also from a user's schema without an $id, beside their profile file)."""
    resources = []
    for path in sorted(schema_dir().glob("*.schema.json")):
        resource = Resource.from_contents(_read(path), default_specification=DRAFT202012)
        if resource.id():
            resources.append((resource.id(), resource))
        resources.append((path.name, resource))
    return Registry().with_resources(resources)


@lru_cache(maxsize=None)
def validator(name: str) -> Draft202012Validator:
    """The validator for schema ``name``. A user's schema (an absolute path) is first checked against the
    JSON Schema meta-schema; the bundled ones are checked once, by the project's tests
    (tests/model/test_bundled_data.py), not on every run: that check costs the report's schema some 90 ms of CPU
    in each run of the suite."""
    user = Path(name).is_absolute()
    schema = _read(Path(name) if user else schema_dir() / name)
    if user:
        Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=FormatChecker(), registry=registry())


def errors(name: str, instance: Any) -> list[str]:
    """Human-readable schema violations, empty when the instance is valid."""
    found = []
    for err in sorted(validator(name).iter_errors(instance), key=lambda e: list(e.absolute_path)):
        where = "/".join(str(p) for p in err.absolute_path) or "(root)"
        found.append(f"{where}: {err.message}")
    return found
