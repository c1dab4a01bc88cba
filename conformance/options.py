"""The suite's options: command line, then environment, then ini file, then default.

Every option can be given three ways; a bad value is a one-line usage error.
"""

from __future__ import annotations

import fnmatch
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit

import pytest

from .links import origin_text
from .profiles import PROFILES, ProfileError, load_file


@dataclass(frozen=True)
class Opt:
    dest: str
    flag: str
    help: str
    default: Any = None
    kind: str = "str"  # str | float | int | bool | list
    metavar: str | None = None

    @property
    def argdest(self) -> str:
        """argparse destination, prefixed so it cannot collide with another plugin's option."""
        return self.dest if self.dest.startswith("conformance_") else "conformance_" + self.dest

    @property
    def ini(self) -> str:
        return "conformance_" + self.dest.removeprefix("conformance_")

    @property
    def env(self) -> str:
        return "CONFORMANCE_" + self.dest.removeprefix("conformance_").upper()


OPTIONS = [
    Opt("target_url", "--target-url", "URL of the resource that accepts the POST (default: the bundled reference servers)", metavar="URL"),
    Opt("pattern", "--pattern", "single or multi (default: single with --target-url; both for the bundled servers)", metavar="single|multi"),
    Opt("profile", "--profile", "bundled dialect profile: seed, ogc, azure or google (see --list-profiles)", None, metavar="NAME"),
    Opt("profile_file", "--profile-file", "your own dialect profile, TOML or JSON (schemas/profile.schema.json)", None, metavar="PATH"),
    Opt("request_body", "--request-body", "JSON body of the valid POST (default {})", metavar="JSON"),
    Opt("request_body_file", "--request-body-file", "file holding the JSON body of the valid POST", metavar="PATH"),
    Opt("header", "--header", "extra request header 'Name: value' (repeatable; e.g. for auth; masked in reports)", [], "list", "'NAME: VALUE'"),
    Opt("deadline", "--deadline", "seconds a process may take to terminate", 30.0, "float", "SECONDS"),
    Opt("requirements", "--requirements", "select requirements by glob, e.g. 'single/*' (repeatable)", [], "list", "GLOB"),
    Opt("conformance_strict", "--conformance-strict", "fail the gate on SHOULD violations (warn) too", False, "bool"),
    Opt("conformance_json", "--conformance-json", "JSON report path (default reports/conformance-<pattern>.json)", metavar="PATH"),
    Opt("conformance_html", "--conformance-html", "HTML report path (default reports/conformance-<pattern>.html)", metavar="PATH"),
    Opt("conformance_junit", "--conformance-junit", "JUnit XML from the report model: one case per requirement, warn and inconclusive visible", metavar="PATH"),
    Opt("request_timeout", "--request-timeout", "seconds one request may take in all", 10.0, "float", "SECONDS"),
    Opt("max_body_bytes", "--max-body-bytes", "largest response body read, in bytes (larger ones are cut and reported)", 1 << 20, "int", "BYTES"),
    Opt("allow_origin", "--allow-origin", "another origin whose links the suite may follow, e.g. https://cdn.example (repeatable)", [], "list", "ORIGIN"),
    Opt("budget", "--budget", "seconds the whole run of one pattern may take", 300.0, "float", "SECONDS"),
    Opt("burst_size", "--burst-size", "simultaneous POSTs in a race probe", 8, "int", "N"),
    Opt("hypothesis_examples", "--hypothesis-examples", "state-machine examples per pattern (0 turns it off)", 5, "int", "N"),
    Opt("conformance_seed", "--conformance-seed", "seed for the state machine (a report names the one it used)", None, "int", "N"),
    Opt("expect", "--expect", "a capability the target promises, judged strictly: delete, idempotency-key, key-required "
        "or put-create (repeatable; undeclared ones are probed)", [], "list", "CAPABILITY"),
    Opt("reference_duration", "--reference-duration", "process duration of the bundled reference servers", 0.5, "float", "SECONDS"),
]


def add_options(parser: pytest.Parser) -> None:
    group = parser.getgroup("conformance", "asynchronous request conformance (202 Accepted + monitor)")
    for o in OPTIONS:
        kwargs: dict[str, Any] = {"dest": o.argdest, "help": f"{o.help} [env {o.env}, ini {o.ini}]"}
        if o.kind == "bool":
            kwargs["action"] = "store_true"
            kwargs["default"] = None
        elif o.kind == "list":
            kwargs["action"] = "append"
            kwargs["default"] = None
            kwargs["metavar"] = o.metavar
        else:
            kwargs["default"] = None
            kwargs["metavar"] = o.metavar
        group.addoption(o.flag, **kwargs)
        parser.addini(o.ini, o.help, type="linelist" if o.kind == "list" else "string", default=None)
    group.addoption("--list-profiles", action="store_true", default=False, dest="conformance_list_profiles",
                    help="print the bundled dialect profiles (name, patterns, source) and exit; no network")
    group.addoption("--list-requirements", action="store_true", default=False, dest="conformance_list_requirements",
                    help="print the requirement catalog (ID, level, statement) and exit; no network")


def _raw(config: pytest.Config, o: Opt) -> Any:
    value = config.getoption(o.argdest)
    if value not in (None, []):
        return value
    env = os.environ.get(o.env)
    if env not in (None, ""):
        if o.kind == "list":
            return [line.strip() for line in env.replace(";;", "\n").splitlines() if line.strip()]
        return env
    ini = config.getini(o.ini)
    if ini not in (None, "", []):
        return ini
    return o.default


def _convert(o: Opt, value: Any) -> Any:
    if value is None:
        return None
    if o.kind == "bool":
        if isinstance(value, bool):
            return value
        lowered = str(value).strip().lower()
        if lowered in ("1", "true", "yes", "on"):
            return True
        if lowered in ("0", "false", "no", "off", ""):
            return False
        raise pytest.UsageError(f"{o.flag}: expected true or false, got {value!r}")
    if o.kind in ("float", "int"):
        try:
            number = float(value) if o.kind == "float" else int(value)
        except (TypeError, ValueError):
            raise pytest.UsageError(f"{o.flag}: expected a number, got {value!r}") from None
        if number < 0 or (o.dest not in ("hypothesis_examples", "conformance_seed") and number == 0 and o.kind == "float"):
            raise pytest.UsageError(f"{o.flag}: expected a positive number, got {value!r}")
        return number
    if o.kind == "list":
        return list(value)
    return str(value)


def _check_url(flag: str, url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise pytest.UsageError(f"{flag}: expected an http(s) URL such as http://127.0.0.1:8000/resource, got {url!r}")
    return url


def load(config: pytest.Config) -> dict[str, Any]:
    """Resolve and validate every option; raise a one-line UsageError on a bad value."""
    from .requirements import REGISTRY

    opts = {o.dest: _convert(o, _raw(config, o)) for o in OPTIONS}
    if opts["target_url"]:
        _check_url("--target-url", opts["target_url"])
    if opts["pattern"] is not None and opts["pattern"] not in ("single", "multi"):
        raise pytest.UsageError(f"--pattern: expected single or multi, got {opts['pattern']!r}")
    if opts["profile"] is not None and opts["profile_file"] is not None:
        raise pytest.UsageError("--profile and --profile-file: give one, not both")
    if opts["profile_file"] is not None:
        try:
            opts["profile_obj"] = load_file(opts["profile_file"])
        except ProfileError as exc:
            raise pytest.UsageError(f"--profile-file: {exc}") from None
    else:
        opts["profile"] = opts["profile"] or "seed"
        if opts["profile"] not in PROFILES:
            raise pytest.UsageError(f"--profile: unknown profile {opts['profile']!r}; known: {', '.join(PROFILES)}")
        opts["profile_obj"] = PROFILES[opts["profile"]]
    opts["profile"] = opts["profile_obj"].name
    offered = opts["profile_obj"].patterns
    if opts["pattern"] is not None and opts["pattern"] not in offered:
        raise pytest.UsageError(f"--pattern: the {opts['profile']} profile offers only the "
                                f"{' and '.join(offered)} pattern, not {opts['pattern']}")
    headers = []
    for line in opts["header"]:
        name, sep, value = line.partition(":")
        if not sep or not name.strip() or any(c in name for c in " \t\r\n") or "\n" in value or "\r" in value:
            raise pytest.UsageError(f"--header: expected 'Name: value', got {line!r}")
        headers.append((name.strip(), value.strip()))
    opts["header"] = tuple(headers)
    if opts["request_body"] is not None and opts["request_body_file"] is not None:
        raise pytest.UsageError("--request-body and --request-body-file: give one, not both")
    body = opts["request_body"]
    if opts["request_body_file"] is not None:
        path = Path(opts["request_body_file"])
        try:
            body = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise pytest.UsageError(f"--request-body-file: cannot read {path}: {exc.__class__.__name__}") from None
    body = "{}" if body is None else body
    try:
        json.loads(body)
    except ValueError as exc:
        raise pytest.UsageError(f"request body is not valid JSON ({exc}); the valid POST must carry valid JSON") from None
    opts["body"] = body.encode("utf-8")
    try:
        opts["allow_origin"] = frozenset(origin_text(_check_url("--allow-origin", o)) for o in opts["allow_origin"])
    except ValueError as exc:
        raise pytest.UsageError(f"--allow-origin: {exc}") from None
    for glob in opts["requirements"]:
        if not any(fnmatch.fnmatchcase(rid, glob) for rid in REGISTRY):
            raise pytest.UsageError(f"--requirements: {glob!r} matches no requirement ID (see --list-requirements)")
    opts["expect"] = _capabilities(opts["expect"])
    if opts["burst_size"] < 2:
        raise pytest.UsageError("--burst-size: expected at least 2")
    return opts


#: what --expect takes; key-required implies idempotency-key
CAPABILITIES = ("delete", "idempotency-key", "key-required", "put-create")


def _capabilities(values: list[str]) -> frozenset[str]:
    found = {v.strip().lower() for value in values for v in value.split(",") if v.strip()}
    unknown = sorted(found - set(CAPABILITIES))
    if unknown:
        raise pytest.UsageError(f"--expect: unknown capability {unknown[0]!r}; known: {', '.join(CAPABILITIES)}")
    if "key-required" in found:
        found.add("idempotency-key")
    return frozenset(found)


def patterns(opts: dict[str, Any]) -> list[str]:
    """The patterns to run: the one given; with a target, the profile's first (single where offered);
    for the bundled servers, every pattern the profile offers."""
    if opts["pattern"]:
        return [opts["pattern"]]
    offered = list(opts["profile_obj"].patterns)
    return offered[:1] if opts["target_url"] else offered


OptionGetter = Callable[[str], Any]
