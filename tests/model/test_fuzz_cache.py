"""Generated negative bodies are cached on disk: deterministic, so a second run need not import and run
schemathesis again."""

from conformance import fuzz
from conformance.profiles import PROFILES


def test_bodies_come_from_the_cache_the_second_time(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    first = fuzz.generated_bodies(PROFILES["seed"], "multi", "http://127.0.0.1:1/resource", 5)
    assert len(first) == 5 and len(list(tmp_path.rglob("*.json"))) == 1
    monkeypatch.setattr(fuzz, "generate_bodies", lambda *a: (_ for _ in ()).throw(AssertionError("not cached")))
    assert fuzz.generated_bodies(PROFILES["seed"], "multi", "http://127.0.0.1:2/resource", 5) == first


def test_an_unreadable_cache_is_ignored(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    first = fuzz.generated_bodies(PROFILES["seed"], "single", "http://127.0.0.1:1/resource", 3)
    for path in tmp_path.rglob("*.json"):
        path.write_text("not json")
    assert fuzz.generated_bodies(PROFILES["seed"], "single", "http://127.0.0.1:1/resource", 3) == first
