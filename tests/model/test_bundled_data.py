"""The bundled schemas and dialect profiles are checked here, once, rather than on every run of the suite
(conformance.schemas.validator, conformance.profiles._bundled)."""
from __future__ import annotations

import tomllib

import pytest
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from conformance import schemas
from conformance.profiles import DIALECTS_DIR

SCHEMAS = sorted(p.name for p in schemas.schema_dir().glob("*.schema.json"))
DIALECT_FILES = sorted(p.name for p in DIALECTS_DIR.glob("*.toml"))


@pytest.mark.parametrize("name", SCHEMAS)
def test_bundled_schema_is_a_valid_json_schema(name):
    Draft202012Validator.check_schema(schemas._read(schemas.schema_dir() / name))


@pytest.mark.parametrize("name", DIALECT_FILES)
def test_bundled_dialect_matches_the_profile_schema(name):
    data = tomllib.loads((DIALECTS_DIR / name).read_text(encoding="utf-8"))
    assert schemas.errors("profile.schema.json", data) == []


def test_a_users_schema_is_still_checked(tmp_path):
    bad = tmp_path / "bad.schema.json"
    bad.write_text('{"type": 12}', encoding="utf-8")
    with pytest.raises(SchemaError, match="12"):
        schemas.validator(str(bad))
