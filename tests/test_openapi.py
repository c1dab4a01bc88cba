"""The OpenAPI 3.1 descriptions: one generator, every bundled dialect and pattern, valid and self-contained."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conformance.openapi import document, validate
from conformance.profiles import PROFILES, load_file

ROOT = Path(__file__).resolve().parents[1]
CASES = [(name, pattern) for name, p in PROFILES.items() for pattern in p.patterns]


def _refs(node):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "$ref":
                yield v
            else:
                yield from _refs(v)
    elif isinstance(node, list):
        for v in node:
            yield from _refs(v)


def _resolves(doc, ref):
    assert ref.startswith("#/"), f"not self-contained: {ref}"
    node = doc
    for part in ref[2:].split("/"):
        node = node[part]
    return node


@pytest.mark.parametrize("name, pattern", CASES, ids=[f"{n}-{p}" for n, p in CASES])
def test_every_bundled_dialect_and_pattern_validates(name, pattern):
    profile = PROFILES[name]
    doc = document(profile, pattern)
    validate(doc)
    for ref in _refs(doc):
        _resolves(doc, ref)
    post = next(iter(doc["paths"].values()))["post"]
    assert set(map(int, post["responses"])) >= set(profile.accept_statuses)
    assert (str(profile.conflict_status) in post["responses"]) == (pattern == "single")
    for media in profile.error_media_types:
        assert media in post["responses"]["400"]["content"]


def test_a_user_profile_with_its_own_schemas():
    profile = load_file(ROOT / "examples/profiles/tasks.toml")
    doc = document(profile, "multi", target_url="http://127.0.0.1:8080/api/tasks",
                   monitor="http://127.0.0.1:8080/api/tasks/8f3a/")
    validate(doc)
    assert {"/api/tasks", "/api/tasks/8f3a/"} <= set(doc["paths"])
    assert "TasksMonitor" in doc["components"]["schemas"]


def test_query_of_the_target_becomes_a_required_parameter():
    doc = document(PROFILES["azure"], "single", target_url="http://h/things/t1:export?api-version=2024-05-01")
    validate(doc)
    params = doc["paths"]["/things/t1:export"]["post"]["parameters"]
    assert {"name": "api-version", "in": "query", "required": True,
            "schema": {"type": "string", "const": "2024-05-01"}} in params


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "conformance", *args], capture_output=True, text=True, cwd=ROOT)


def test_the_command_prints_one():
    done = _cli("openapi", "--profile", "ogc", "--pattern", "multi")
    assert done.returncode == 0, done.stderr
    validate(json.loads(done.stdout))


@pytest.mark.parametrize("args, says", [
    (("openapi", "--profile", "ogc", "--pattern", "single"), "offers only the multi pattern"),
    (("openapi", "--profile", "nope"), "unknown profile 'nope'"),
    (("openapi", "--pattern", "both"), "invalid choice"),
    (("openapi", "--profile", "seed", "--profile-file", "x.toml"), "not both"),
    (("openapi", "--profile-file", "/nonexistent.toml"), "cannot read"),
])
def test_bad_usage_is_one_line(args, says):
    done = _cli(*args)
    assert done.returncode == 4 and says in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


@pytest.mark.parametrize("name", ["seed", "ogc"])
def test_generated_bodies_are_bounded_and_certainly_invalid(name):
    from conformance import schemas
    from conformance.fuzz import generated_bodies
    from conformance.profiles import parse_json

    profile = PROFILES[name]
    bodies = generated_bodies(profile, profile.patterns[-1], "http://127.0.0.1:9/resource", 5)
    assert 0 < len(bodies) <= 5 and len(set(bodies)) == len(bodies)
    for raw in bodies:
        value, why = parse_json(raw)
        assert why or schemas.errors(profile.request_schema, value), raw
    assert generated_bodies(profile, profile.patterns[-1], "http://127.0.0.1:9/resource", 0) == []
