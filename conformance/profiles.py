"""Profiles: a dialect's wire format as data, read onto the one protocol model.

A profile says how a dialect expresses the model of :mod:`conformance.model`:
which status accepts a request and where the monitor link is, which member
holds the state and how its words map onto ready / running / terminated and
the endings (succeeded, failed, cancelled), where progress is and on which
scale, where the product is (a link, a link relation, or inline), which status
means "conflict", and the error format. Requirement IDs never change per
profile, and no requirement check tests a profile's name: they read the fields
below.

Bundled dialects are TOML files in ``conformance/dialects/`` written in the
same form a user writes for their own API (``--profile-file``), validated
against ``schemas/profile.schema.json``. What needs code is a named template
variable (:data:`TEMPLATE_VARIABLES`), such as Google's API root, never a
branch in a check.
"""

from __future__ import annotations

import json
import re
import string
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping
from urllib.parse import urlsplit

from . import schemas
from .evidence import Exchange
from .links import resolve
from .model import Ending, State, ending_of

DIALECTS_DIR = Path(__file__).resolve().parent / "dialects"
MISSING = object()


class ProfileError(ValueError):
    """A profile that cannot be used; the message names the bad key."""


# -- template variables: the only code a dialect may need ------------------------------

_VERSION_SEGMENT = re.compile(r"^v\d+[a-z0-9]*$")


def api_root(url: str) -> str:
    """The API root of a URL: its origin and path up to and including the first version segment
    (``/v1``, ``/v1beta``, ``/v2alpha1``); the origin alone when there is none.

    Google's operations are resource names (``operations/123``) under the API's version
    prefix (AIP-151; AIP-122 on resource names), so the monitor of ``POST /v1/projects/p/books:export``
    returning ``operations/123`` is ``/v1/operations/123``.
    """
    parts = urlsplit(url)
    root = f"{parts.scheme}://{parts.netloc}"
    for segment in parts.path.split("/"):
        if not segment:
            continue
        root += "/" + segment
        if _VERSION_SEGMENT.match(segment):
            return root
    return f"{parts.scheme}://{parts.netloc}"


#: variables a link template may use, each computed from the URL of the response that carried the value
TEMPLATE_VARIABLES: Mapping[str, Callable[[str], str]] = {
    "api_root": api_root,
    "origin": lambda url: f"{urlsplit(url).scheme}://{urlsplit(url).netloc}",
    "url": lambda url: url,
}
#: filled from the observation itself: the raw value found, the monitor URL (product, cancel), a monitor
#: URL without its last segment and a client-chosen identifier (PUT)
DATA_VARIABLES = ("value", "monitor", "collection", "id")


def template_variables(template: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(template) if name}


def fill(template: str, base_url: str, **data: str) -> str:
    values = {name: fn(base_url) for name, fn in TEMPLATE_VARIABLES.items()}
    values.update(data)
    return template.format_map(values)


# -- where things are -------------------------------------------------------------------

def lookup(body: Any, path: str) -> Any:
    """The value at a dotted member path of a JSON body, or MISSING."""
    node = body
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return MISSING
        node = node[part]
    return node


@dataclass(frozen=True)
class Place:
    """Where a link lives: a body member (dotted path), a header, a link relation in the body's
    ``links`` array, or (products only) an inline member whose value is the product itself.
    With a template, the value found fills ``{value}`` to make the link."""

    member: str | None = None
    header: str | None = None
    link: str | None = None
    inline: str | None = None
    template: str | None = None

    @property
    def kind(self) -> str:
        return next(k for k in ("member", "header", "link", "inline") if getattr(self, k) is not None)

    @property
    def name(self) -> str:
        return getattr(self, self.kind)

    def describe(self) -> str:
        where = {"member": "body member", "header": "header", "link": "link relation",
                 "inline": "inline body member"}[self.kind]
        text = f"{where} '{self.name}'"
        return f"{text} as {self.template}" if self.template else text

    def raw(self, body: Any, ex: Exchange) -> str | None:
        """The link as written (before resolution), None when absent or not a non-empty string."""
        if self.header is not None:
            value: Any = ex.header(self.header)
        elif self.member is not None:
            value = lookup(body, self.member)
        elif self.link is not None:
            value = _link_rel(body, self.link)
        else:
            return None
        if not isinstance(value, str) or not value:
            return None
        return fill(self.template, ex.url, value=value) if self.template else value

    def find(self, body: Any, ex: Exchange) -> str | None:
        """The link resolved against the URL of the response that carried it (RFC 3986 section 5)."""
        link = self.raw(body, ex)
        return resolve(ex.url, link) if link else None


def _link_rel(body: Any, rel: str) -> Any:
    if not isinstance(body, dict) or not isinstance(body.get("links"), list):
        return None
    for link in body["links"]:
        if isinstance(link, dict) and link.get("rel") == rel and isinstance(link.get("href"), str):
            return link["href"]
    return None


@dataclass(frozen=True)
class EndingRule:
    """For raw states that say only 'ended': the ending, when the member is present (and equals)."""

    member: str
    ending: Ending
    equals: Any = MISSING

    def matches(self, body: Any) -> bool:
        value = lookup(body, self.member)
        if value is MISSING or value is None:
            return False
        return self.equals is MISSING or value == self.equals


@dataclass(frozen=True)
class Cancel:
    """The dialect's cancel (or dismiss) operation: a method on a URL made from the monitor's."""

    method: str
    url: str  # template over {monitor} and the TEMPLATE_VARIABLES
    first: frozenset[int] = frozenset({200, 202, 204})
    repeat: frozenset[int] = frozenset({204, 404, 410})
    unsupported: frozenset[int] = frozenset({405})

    def target(self, monitor: str) -> str:
        return fill(self.url, monitor, monitor=monitor)


@dataclass(frozen=True)
class PutCreate:
    """Starting a process with PUT on a monitor URI the client chooses."""

    url: str  # template over {collection} (a monitor's URL without its last segment) and {id}
    created: frozenset[int] = frozenset({201, 202})
    repeat: frozenset[int] = frozenset({200, 201, 202, 204})
    refused: frozenset[int] = frozenset({400, 409, 412, 422})
    unsupported: frozenset[int] = frozenset({405})

    def target(self, monitor: str, ident: str) -> str:
        return fill(self.url, monitor, collection=collection(monitor), id=ident)


def collection(url: str) -> str:
    """A URL without its query and its last path segment (a trailing slash does not count as one)."""
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    return f"{parts.scheme}://{parts.netloc}{path.rsplit('/', 1)[0]}"


@dataclass(frozen=True)
class Profile:
    name: str
    description: str
    accept_statuses: frozenset[int]
    monitor_link: Place
    accept_schema: str | None
    monitor_schema: str
    monitor_statuses: frozenset[int]
    state_member: str
    #: raw state (JSON text of non-strings: "true") -> a word of model.VOCABULARY
    states: Mapping[str, str]
    progress_member: str | None
    progress_scale: float
    product_link: Place | None
    title: str = ""
    source: str = ""
    patterns: tuple[str, ...] = ("single", "multi")
    request_headers: tuple[tuple[str, str], ...] = ()
    #: "required": the acceptance has a body valid against accept_schema; "optional": if it has one
    accept_body: str = "required"
    #: headers that, when the acceptance sends them, must name the monitor (accept/location-consistent)
    monitor_aliases: tuple[str, ...] = ("Location", "Content-Location")
    #: the product's URI, known from the acceptance already (e.g. Azure's Location)
    accept_product: Place | None = None
    #: the product's URI known before the end, from the monitor URL (e.g. OGC "{monitor}/results")
    product_early: str | None = None
    #: what the raw state means when the member is absent (proto3 JSON drops done=false)
    state_absent: str | None = None
    endings: tuple[EndingRule, ...] = ()
    #: member of a failed process's monitor that holds its error (None: the dialect puts it elsewhere)
    error_member: str | None = None
    error_schema: str = "problem.schema.json"
    conflict_status: int = 409
    #: what a monitor URI that was never handed out answers
    unknown_statuses: frozenset[int] = frozenset({404, 410})
    #: what a product URI known before the end answers until the process succeeded
    not_ready_statuses: frozenset[int] = frozenset({404})
    #: what a product link answers
    product_statuses: frozenset[int] = frozenset({200})
    #: the header that carries an idempotency key
    idempotency_header: str = "Idempotency-Key"
    #: what a reused key with another payload answers; what a POST without a required key answers
    key_mismatch_statuses: frozenset[int] = frozenset({422})
    key_missing_statuses: frozenset[int] = frozenset({400})
    #: the cancel (dismiss) operation, None where the dialect has none
    cancel: Cancel | None = None
    #: PUT on a client-chosen monitor URI, None where the dialect has no such operation
    put: PutCreate | None = None
    #: media types of error bodies (errors/problem-json)
    error_media_types: frozenset[str] = frozenset({"application/problem+json"})
    #: member of an error body that, when present, equals the HTTP status (None: the format has none)
    error_status_member: str | None = None
    #: statuses whose error body the dialect writes as plain text (the seed's 409)
    error_text_statuses: frozenset[int] = frozenset()
    #: JSON Schema of a valid POST body (the OpenAPI description's request body)
    request_schema: str = "request.schema.json"
    #: requirement ID -> why it does not carry over to this dialect
    not_applicable: Mapping[str, str] = field(default_factory=dict)
    path: str | None = None

    @property
    def expressible_endings(self) -> frozenset[Ending]:
        """The endings this dialect can say: the words its states map onto, and its ending rules (a bare
        'terminated' with no rules is the seed's one ending, succeeded)."""
        found = {ending_of(word)[1] for word in self.states.values()} | {r.ending for r in self.endings}
        if not self.endings and any(word == State.TERMINATED.value for word in self.states.values()):
            found.add(Ending.SUCCEEDED)
        return frozenset(e for e in found if e is not None)

    @property
    def monitor_links_product(self) -> bool:
        """Whether the monitor itself names a product link (not inline, not only a URI known early)."""
        return self.product_link is not None and self.product_link.inline is None

    @property
    def product_uri_early(self) -> bool:
        """Whether a process's product URI is known before its end: named by the acceptance, or derived from the
        monitor by a template (OGC's {monitor}/results)."""
        return bool(self.product_early or self.accept_product)

    @property
    def inline_product(self) -> bool:
        return self.product_link is not None and self.product_link.inline is not None

    def reads_state(self, raw: Any) -> tuple[State | None, Ending | None]:
        key = raw if isinstance(raw, str) else json.dumps(raw)
        word = self.states.get(key)
        if word is None:
            return None, None
        return ending_of(word)


# -- reading responses through a profile -------------------------------------------------

def parse_json(body: bytes) -> tuple[Any, str | None]:
    """Decode a body as JSON whatever its label; (value, None) or (None, reason)."""
    if not body:
        return None, "empty body"
    try:
        return json.loads(body), None
    except (ValueError, UnicodeDecodeError) as exc:
        return None, f"not JSON: {exc}"


@dataclass(frozen=True)
class AcceptView:
    """What an accepting response says, read through a profile."""

    body: Any
    problems: tuple[str, ...]  # schema violations or parse failure
    monitor: str | None  # resolved absolute URL
    product: str | None = None  # the product's URI, where the acceptance names it
    aliases: tuple[tuple[str, str], ...] = ()  # (header, resolved value) of the headers that must name the monitor


@dataclass(frozen=True)
class MonitorView:
    """One monitor observation, read through a profile."""

    status: int | None
    body: Any
    problems: tuple[str, ...]
    raw_state: Any
    state: State | None
    progress: float | None  # normalised to [0, 1] by the profile's scale; None when absent, not a number or out of range
    progress_present: bool
    product: str | None  # resolved absolute URL of a linked product
    see_other: bool = False
    ending: Ending | None = None
    error_present: bool = False
    inline: Any = None  # an inline product's value
    inline_present: bool = False

    @property
    def has_product(self) -> bool:
        return self.product is not None or self.inline_present

    @property
    def readable(self) -> bool:
        """The monitor answered with something to read: a 2xx, or a 303 See Other handing over the product (the
        process ended). Polls, probe looks and the checks read a state from these only."""
        return self.status is not None and (200 <= self.status < 300 or self.see_other)


def read_accept(profile: Profile, ex: Exchange) -> AcceptView:
    body, why = parse_json(ex.response_body)
    if why == "empty body" and profile.accept_body == "optional":
        problems: list[str] = []
    elif why:
        problems = [why]
    else:
        problems = schemas.errors(profile.accept_schema, body) if profile.accept_schema else []
    if ex.error:  # e.g. the body was over the cap and cut: say so before what the cut body looks like
        problems.insert(0, ex.error)
    monitor = profile.monitor_link.find(body, ex)
    aliases = tuple(
        (name, resolve(ex.url, value)) for name in profile.monitor_aliases
        if (value := ex.header(name)) is not None
    )
    product = profile.accept_product.find(body, ex) if profile.accept_product else None
    return AcceptView(
        body=body,
        problems=tuple(problems),
        monitor=monitor,
        product=product,
        aliases=aliases,
    )


def read_monitor(profile: Profile, ex: Exchange) -> MonitorView:
    if ex.status == 303:  # RFC 9110 section 15.4.4: the monitor hands over the product (monitor/see-other)
        loc = ex.header("location")
        return MonitorView(
            status=303, body=None, problems=(), raw_state=None, state=State.TERMINATED,
            progress=None, progress_present=False,
            product=resolve(ex.url, loc) if loc else None, see_other=True, ending=Ending.SUCCEEDED,
        )
    body, why = parse_json(ex.response_body)
    problems: list[str] = [why] if why else schemas.errors(profile.monitor_schema, body)
    if ex.error:  # e.g. the body was over the cap and cut: say so before what the cut body looks like
        problems.insert(0, ex.error)
    raw_state = lookup(body, profile.state_member) if isinstance(body, dict) else MISSING
    state: State | None = None
    ending: Ending | None = None
    if raw_state is MISSING:
        raw_state = None
        if profile.state_absent is not None and isinstance(body, dict):
            state, ending = ending_of(profile.state_absent)
    else:
        state, ending = profile.reads_state(raw_state)
    if state is State.TERMINATED and ending is None:
        rule = next((r for r in profile.endings if r.matches(body)), None)
        if rule is not None:
            ending = rule.ending
        elif not profile.endings:
            ending = Ending.SUCCEEDED  # a dialect with one word for 'ended' (the seed's terminated)
    progress = None
    present = False
    if profile.progress_member and isinstance(body, dict):
        value = lookup(body, profile.progress_member)
        if value is not MISSING:
            present = True
            if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value <= profile.progress_scale:
                progress = float(value) / profile.progress_scale
    product = inline = None
    inline_present = False
    place = profile.product_link
    if place is not None and place.inline is not None:
        found = lookup(body, place.inline) if isinstance(body, dict) else MISSING
        if found is not MISSING and found is not None:
            inline, inline_present = found, True
    elif place is not None:
        product = place.find(body, ex)
    error_present = bool(profile.error_member) and isinstance(body, dict) and (
        lookup(body, profile.error_member) not in (MISSING, None))
    return MonitorView(
        status=ex.status, body=body, problems=tuple(problems), raw_state=raw_state, state=state,
        progress=progress, progress_present=present, product=product, ending=ending,
        error_present=error_present, inline=inline, inline_present=inline_present,
    )


def read_error(profile: Profile, ex: Exchange) -> list[str]:
    """How an error response departs from the dialect's error format (empty: it is in the format):
    its media type, its body against the profile's error schema, and the member that repeats the
    HTTP status. Plain text is in the format for the statuses the dialect writes as text."""
    media = ex.media_type
    if ex.status in profile.error_text_statuses and media == "text/plain":
        return []
    if media not in profile.error_media_types:
        return [f"Content-Type {media or '(none)'}, not {' or '.join(sorted(profile.error_media_types))}"]
    body, why = parse_json(ex.response_body)
    if why:
        return [why]
    problems = schemas.errors(profile.error_schema, body)
    member = profile.error_status_member
    if member is not None and (value := lookup(body, member)) is not MISSING and value != ex.status:
        problems.append(f"'{member}' is {value!r}, not the response's status {ex.status}")
    return problems


# -- building profiles from data (bundled TOML files and user files alike) ----------------

def _place(data: Mapping[str, Any] | None) -> Place | None:
    if data is None:
        return None
    return Place(**{k: data[k] for k in ("member", "header", "link", "inline", "template") if k in data})


def _operation(cls: type, data: Mapping[str, Any] | None) -> Any:
    """A Cancel or PutCreate from its table (status lists become frozensets; absent keys keep defaults)."""
    if data is None:
        return None
    return cls(**{k: frozenset(v) if isinstance(v, list) else v for k, v in data.items()})


def from_data(data: Mapping[str, Any], path: str | None = None) -> Profile:
    """A profile from its data form (already valid against profile.schema.json)."""
    base = Path(path).parent if path else None

    def schema_ref(name: str | None) -> str | None:
        if name is None:
            return None
        if base is not None and (base / name).is_file():
            return str((base / name).resolve())
        if (schemas.schema_dir() / name).is_file():
            return name
        raise ProfileError(f"schema {name!r} is neither beside the profile nor bundled")

    accept, monitor = data["accept"], data["monitor"]
    errors = data.get("errors", {})
    progress = monitor.get("progress") or {}
    profile = Profile(
        name=data["name"],
        title=data.get("title", data["name"]),
        description=data.get("description", ""),
        source=data.get("source", ""),
        patterns=tuple(data.get("patterns", ("single", "multi"))),
        request_headers=tuple((k, str(v)) for k, v in data.get("request", {}).get("headers", {}).items()),
        accept_statuses=frozenset(accept["statuses"]),
        accept_body=accept.get("body", "required"),
        accept_schema=schema_ref(accept.get("schema")),
        monitor_link=_place(accept["monitor"]),
        monitor_aliases=tuple(accept.get("names_monitor", ("Location", "Content-Location"))),
        accept_product=_place(accept.get("product")),
        monitor_statuses=frozenset(monitor.get("statuses", (200,))),
        monitor_schema=schema_ref(monitor["schema"]),
        state_member=monitor["state"],
        state_absent=monitor.get("absent"),
        states=dict(monitor["states"]),
        endings=tuple(EndingRule(r["member"], Ending(r["ending"]), r.get("equals", MISSING))
                      for r in monitor.get("endings", ())),
        progress_member=progress.get("member"),
        progress_scale=float(progress.get("scale", 1)),
        product_link=_place(monitor.get("product")),
        product_early=monitor.get("product_early"),
        error_member=monitor.get("error"),
        error_schema=schema_ref(errors.get("schema", "problem.schema.json")),
        conflict_status=errors.get("conflict", 409),
        unknown_statuses=frozenset(errors.get("unknown", (404, 410))),
        not_ready_statuses=frozenset(errors.get("not_ready", (404,))),
        idempotency_header=data.get("request", {}).get("idempotency_header", "Idempotency-Key"),
        key_mismatch_statuses=frozenset(errors.get("key_mismatch", (422,))),
        key_missing_statuses=frozenset(errors.get("key_missing", (400,))),
        cancel=_operation(Cancel, data.get("cancel")),
        put=_operation(PutCreate, data.get("put")),
        error_media_types=frozenset(errors.get("media_types", ("application/problem+json",))),
        error_status_member=errors.get("status_member"),
        error_text_statuses=frozenset(errors.get("text", ())),
        request_schema=schema_ref(data.get("request", {}).get("schema", "request.schema.json")),
        not_applicable=dict(data.get("not_applicable", {})),
        path=path,
    )
    _check_templates(profile)
    return profile


def _check_templates(profile: Profile) -> None:
    places = {"accept.monitor": profile.monitor_link, "accept.product": profile.accept_product,
              "monitor.product": profile.product_link}
    templates = {f"{key}.template": p.template for key, p in places.items() if p is not None and p.template}
    if profile.product_early:
        templates["monitor.product_early"] = profile.product_early
    if profile.cancel:
        templates["cancel.url"] = profile.cancel.url
    if profile.put:
        templates["put.url"] = profile.put.url
    own = {"monitor.product_early": {"monitor"}, "cancel.url": {"monitor"}, "put.url": {"collection", "id"}}
    for key, template in templates.items():
        try:
            names = template_variables(template)
        except ValueError as exc:
            raise ProfileError(f"{key}: not a valid template ({exc})") from None
        allowed = set(TEMPLATE_VARIABLES) | own.get(key, {"value"})
        unknown = names - allowed
        if unknown:
            raise ProfileError(f"{key}: unknown template variable(s) {sorted(unknown)}; known: {sorted(allowed)}")


def parse(text: str, fmt: str, where: str, path: str | None = None, *, checked: bool = True) -> Profile:
    """A profile from TOML or JSON text; ProfileError naming the bad key when it is not valid.
    ``checked=False`` skips the schema (the bundled dialects: tests/model/test_bundled_data.py checks them;
    the rest of the checks, in from_data, still run)."""
    try:
        data = tomllib.loads(text) if fmt == "toml" else json.loads(text)
    except (tomllib.TOMLDecodeError, ValueError) as exc:
        raise ProfileError(f"{where}: not valid {fmt.upper()}: {exc}") from None
    problems = schemas.errors("profile.schema.json", data) if checked else []
    if problems:
        raise ProfileError(f"{where}: {problems[0]}")
    try:
        return from_data(data, path)
    except ProfileError as exc:
        raise ProfileError(f"{where}: {exc}") from None


def load_file(path: str | Path) -> Profile:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError(f"cannot read {path}: {exc.strerror if isinstance(exc, OSError) else exc}") from None
    fmt = "json" if p.suffix.lower() == ".json" else "toml"
    return parse(text, fmt, str(p), str(p))


def _bundled() -> dict[str, Profile]:
    """The bundled dialects, by name, in a stable order (seed first)."""
    found = {}
    for path in sorted(DIALECTS_DIR.glob("*.toml"), key=lambda p: (p.stem != "seed", p.stem)):
        profile = parse(path.read_text(encoding="utf-8"), "toml", path.name, checked=False)
        found[profile.name] = profile
    return found


#: the bundled dialects (conformance/dialects/*.toml), by name
PROFILES: Mapping[str, Profile] = _bundled()
SEED: Profile = PROFILES["seed"]


def _operations(p: Profile) -> str:
    ops = [f"`{p.cancel.method} {p.cancel.url}`" if p.cancel else "no cancel"]
    ops.append(f"`PUT {p.put.url}`" if p.put else "no PUT")
    return ", ".join(ops)


def markdown_table(profiles: list[Profile] | None = None) -> str:
    """The bundled dialects side by side, as the README shows them."""
    rows = ["| profile | patterns | accepted | monitor | states -> model | progress | product | conflict | cancel, PUT |",
            "|---|---|---|---|---|---|---|---|---|"]
    for p in profiles if profiles is not None else list(PROFILES.values()):
        states = ", ".join(f"{raw} -> {word}" for raw, word in p.states.items())
        if p.state_absent:
            states += f" (absent -> {p.state_absent})"
        if p.endings:
            states += "; ended: " + ", ".join(
                f"{r.member}{'' if r.equals is MISSING else ' = ' + json.dumps(r.equals)} -> {r.ending.value}"
                for r in p.endings)
        progress = f"`{p.progress_member}` 0..{p.progress_scale:g}" if p.progress_member else "none"
        products = [p.product_link.describe()] if p.product_link else []
        if p.accept_product:
            products.append(f"acceptance {p.accept_product.describe()}")
        if p.product_early:
            products.append(f"URI {p.product_early}")
        headers = "".join(f" + `{k}: {v}`" for k, v in p.request_headers)
        rows.append(
            f"| `{p.name}` | {', '.join(p.patterns)} | {'/'.join(map(str, sorted(p.accept_statuses)))}{headers} "
            f"| {p.monitor_link.describe()} | {states} | {progress} | {'; '.join(products) or 'none'} "
            f"| {p.conflict_status} | {_operations(p)} |")
    return "\n".join(rows)
