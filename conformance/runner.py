"""One run: drive the target through a pattern's scenarios and state machine, then judge."""

from __future__ import annotations

import asyncio
import functools
import time
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from .beside import run_beside
from .driver import Driver, DriverConfig, TargetUnreachable
from .evidence import hide_secrets
from .observations import Log
from .profiles import Profile
from .result import build_report
from .session import Session, SessionConfig
from . import scenarios


@dataclass(frozen=True)
class RunConfig:
    target_url: str
    pattern: str
    profile: Profile
    body: bytes = b"{}"
    #: the valid POST's media type, and values the reports mask (form fields)
    content_type: str = "application/json"
    secrets: tuple[str, ...] = ()
    headers: tuple[tuple[str, str], ...] = ()
    deadline: float = 30.0
    request_timeout: float = 10.0
    max_body_bytes: int = 1 << 20
    allowed_origins: frozenset[str] = field(default_factory=frozenset)
    budget: float = 300.0
    burst_size: int = 8
    race_rounds: int = 2
    hypothesis_examples: int = 5
    hypothesis_steps: int = 12
    hypothesis_seed: int | None = None
    requirements: tuple[str, ...] = ()
    #: capabilities the user declares the target has (--expect)
    expect: frozenset[str] = frozenset()
    #: the target's own OpenAPI document (--target-openapi), an own_openapi.OwnDocument
    own_openapi: Any = None
    strict: bool = False
    bundled: bool = False
    label: str | None = None
    fuzz_examples: int = 20

    def public_options(self) -> dict:
        """Options as they appear in reports (no header values: they may be credentials)."""
        out = asdict(replace(self, own_openapi=None))
        out["own_openapi"] = self.own_openapi.source if self.own_openapi is not None else None
        out["profile"] = self.profile.name
        out["headers"] = [name for name, _ in self.headers]
        out["body"] = hide_secrets(self.body.decode("utf-8", errors="replace")[:500], self.secrets)
        out["secrets"] = len(self.secrets)
        out["allowed_origins"] = sorted(self.allowed_origins)
        out["requirements"] = list(self.requirements)
        out["expect"] = sorted(self.expect)
        return out


#: how long past --budget the scenarios may run before they are cancelled (every request and wait is
#: already bounded by the budget; this is the backstop)
BUDGET_GRACE = 2.0


def _fatal(driver: Driver, stopped: str | None = None) -> str | None:
    """A run-level failure (the run stopped early because the target never gave a single HTTP
    response): the judge turns every check into an error."""
    if stopped:
        return stopped
    if not driver.exchanges:
        return "the suite sent no request (nothing to observe)"
    if driver.answered:
        return _wrong_url(driver)
    return (f"the target never answered over HTTP ({driver.exchanges[0].error}); is a server running at "
            f"{driver.config.target_url}?")


def _wrong_url(driver: Driver) -> str | None:
    """The first POST says the URL is not a resource that takes POSTs, and no POST was ever accepted."""
    posts = [ex for ex in driver.exchanges if ex.method == "POST" and ex.status is not None]
    if not posts or any(200 <= ex.status < 300 for ex in posts) or posts[0].status not in (404, 405, 410):
        return None
    return (f"POST {posts[0].url} answered {posts[0].status}: --target-url must be the URL of the resource "
            "that accepts the POST")


def _monitors_silent(session: Session) -> bool:
    """Every process the scenarios followed was given up without one usable look at its monitor: the
    state machine would only wait out the same failure again, process after process."""
    log = session.log
    if not session.lost or any(log.states(pid) for pid in log.processes):
        return False
    session.note("the state machine did not run: no monitor of the scenarios' processes gave a usable response")
    return True


async def _bounded(flow, session: Session, cfg: "RunConfig") -> str | None:
    """Run the scenarios within the budget; a run-level fatal message if the target never answered."""
    try:
        await asyncio.wait_for(flow(session), timeout=cfg.budget + BUDGET_GRACE)
    except TargetUnreachable as exc:
        return str(exc)
    except asyncio.TimeoutError:
        session.note(f"the run's time budget (--budget {cfg.budget:g} s) was spent: the scenarios were stopped")
        for ex in session.driver.exchanges:
            if ex.status is None and ex.error is None:
                ex.error, ex.ended = "cancelled: the run's time budget (--budget) was spent", session.now()
    return None


def run(cfg: RunConfig) -> dict:
    """Run the suite against one target in one pattern and return the report document."""
    wall_start = time.time()
    t0 = time.monotonic()
    driver = Driver(DriverConfig(cfg.target_url, cfg.headers, cfg.request_timeout, cfg.max_body_bytes,
                                 cfg.allowed_origins, budget=cfg.budget, body_type=cfg.content_type), t0)
    log = Log(cfg.profile, cfg.pattern, expected=cfg.expect, wire=driver.exchanges, own_openapi=cfg.own_openapi)
    session = Session(driver, log, SessionConfig(cfg.target_url, cfg.body, cfg.deadline, cfg.budget,
                                                 cfg.burst_size, cfg.race_rounds, cfg.fuzz_examples))
    loop = asyncio.new_event_loop()
    stopped = None

    def may_go_on() -> bool:
        """Whether the state machine may run (after the scenarios, or on from beside them)."""
        return not session.stuck and _fatal(driver, stopped) is None and session.budget_left() > 0 \
            and not _monitors_silent(session)

    beside = cfg.pattern == "multi" and cfg.hypothesis_examples > 0
    try:
        flow = scenarios.run_single if cfg.pattern == "single" else scenarios.run_multi
        if beside:  # the machine explores beside the scenarios, then alone for a short tail
            flow = functools.partial(run_beside, cfg=cfg, flow=flow, may_go_on=may_go_on)
        stopped = loop.run_until_complete(_bounded(flow, session, cfg))
        if cfg.hypothesis_examples > 0 and not beside and may_go_on():
            from .machines import run_machine

            try:
                run_machine(session, loop, cfg)
            except TargetUnreachable as exc:  # cannot happen after an answer, but never crash the run
                stopped = str(exc)
    finally:
        loop.run_until_complete(driver.aclose())
        loop.close()
    wall_end = time.time()
    undecided = None
    if session.budget_left() <= 0:
        # checks the budget left undecided are errors, not inconclusive: the gate must not pass on them
        undecided = f"the run's time budget (--budget {cfg.budget:g} s) was spent before this could be decided"
    secret = frozenset(name.lower() for name, _ in cfg.headers)
    return build_report(
        log, driver.exchanges, target_url=cfg.target_url, bundled=cfg.bundled, label=cfg.label,
        started=wall_start, ended=wall_end, options=cfg.public_options(), globs=list(cfg.requirements),
        strict=cfg.strict, secret_headers=secret, secret_values=cfg.secrets, fatal=_fatal(driver, stopped), undecided=undecided,
    )
