"""The observation log: exchanges plus what the suite meant by each.

The driver records *what happened* (an :class:`~conformance.evidence.Exchange`);
the scenarios add *why it was sent* (a :class:`Step`: kind, expectation,
process). Requirement checks read only this log, so they run the same on a
live run and on a hand-written sequence in a unit test.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Iterator

from .evidence import Exchange
from .model import PROGRESSING, State, in_flight, may_follow  # noqa: F401  (State: for readers of the log)
from .profiles import AcceptView, MonitorView, Profile, read_accept, read_monitor


class Kind(str, Enum):
    POST = "post"  # a valid POST on the resource
    MALFORMED = "malformed"  # a POST whose body is not valid for the resource
    POLL = "poll"  # GET of a monitor
    HEAD = "head"  # HEAD of a monitor or product (through the HTTP client)
    RAW_HEAD = "raw-head"  # HEAD over a raw socket; response_body holds any bytes after the head
    PRODUCT = "product"  # GET of a product
    METHOD = "method"  # a method the resource probably does not allow
    UNKNOWN = "unknown"  # GET of a monitor URI that was never handed out
    EARLY = "early"  # GET of a product URI known before the end, while the process was last seen in flight
    # the idempotence probes (conformance.capabilities); Step.role says which request of the probe it was
    CANCEL = "cancel"  # the cancel operation, and the looks at a process after it was cancelled
    KEYED = "keyed"  # a POST carrying an idempotency key (or, where keys are required, deliberately none)
    PUT = "put"  # PUT on a client-chosen monitor URI, and the looks at that process in between
    FUZZ = "fuzz"  # a generated request that is odd but not certainly invalid (e.g. a wrong content type)


#: the idempotence probes' kinds: their GETs of a monitor are looks at a process, like polls
PROBE_KINDS = frozenset({Kind.CANCEL, Kind.KEYED, Kind.PUT})
#: besides the POSTs on the resource (valid or not), the kinds whose POSTs and PUTs may start a process when they
#: are taken (a keyed POST, a PUT on a client-chosen URI, an odd but valid generated request): what another
#: process's step backwards may be blamed on
STARTING_KINDS = frozenset({Kind.KEYED, Kind.PUT, Kind.FUZZ})


class Expect(str, Enum):
    """What the suite knew about the target when it sent a POST."""

    ACCEPT = "accept"  # nothing in flight that the suite knows of (single) / any time (multi)
    CONFLICT = "conflict"  # single: a process was observed in flight after the POST was sent
    REACCEPT = "reaccept"  # single: the previous process was observed terminated before this POST
    RACE = "race"  # one of N simultaneous POSTs on an idle resource
    PREFER = "prefer"  # carries an unknown Prefer token on an idle resource
    PROBE = "probe"  # single: the POST right after a malformed one on an idle resource
    AFTER_CANCEL = "after-cancel"  # single: a POST once the cancelled process was seen gone or ended
    ANY = "any"  # the suite cannot tell whether the target is idle (e.g. before the first 202)


@dataclass
class Step:
    kind: Kind
    ex: Exchange
    scenario: str
    process: int | None = None
    expect: Expect | None = None
    burst: int | None = None
    #: within an idempotence probe: which request this was ("first", "repeat", "after", "replay", ...)
    role: str | None = None

    @property
    def seq(self) -> int:
        return self.ex.seq


@dataclass
class ProcessRecord:
    """A process the suite started (or saw started) and follows."""

    id: int
    scenario: str
    accept_seq: int
    monitor: str | None
    accepted_at: float
    timed_out: bool = False  # the suite waited the whole deadline without seeing terminated
    deadline: float | None = None
    #: the product's URI where it is known before the end (from the acceptance, or the profile's template)
    product_uri: str | None = None
    #: a part it plays in a probe beyond its scenario: "get-safe-fast" (the polling-rate probe's dense
    #: side), "cancelled", "bystander" (the idempotence probes, conformance.capabilities)
    role: str | None = None


@dataclass
class Log:
    profile: Profile
    pattern: str
    steps: list[Step] = field(default_factory=list)
    processes: dict[int, ProcessRecord] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    hypothesis: dict | None = None
    #: capabilities the user declared the target has (--expect): "delete", "idempotency-key", ...
    expected: frozenset[str] = frozenset()
    #: the target's own OpenAPI document (--target-openapi), an own_openapi.OwnDocument
    own_openapi: Any = None
    #: every exchange of the run, also those no step names (redirect hops): the driver's record
    wire: list[Exchange] = field(default_factory=list)
    _accept_cache: dict[int, AcceptView] = field(default_factory=dict, repr=False)
    _monitor_cache: dict[int, MonitorView] = field(default_factory=dict, repr=False)
    #: per-process looks and the POSTs, indexed once per state of ``steps`` (its identity and length: steps are
    #: only ever appended, or the list replaced); the checks ask for them per process and per pair of looks
    _index: tuple[tuple[int, int], dict[int, list[Step]], list[Step]] | None = field(default=None, repr=False)

    # -- building -----------------------------------------------------------
    def add(self, step: Step) -> Step:
        if step.process is not None and step.ex.process is None:
            step.ex.process = step.process
        self.steps.append(step)
        return step

    def new_process(self, scenario: str, accept: Step, monitor: str | None) -> ProcessRecord:
        pid = len(self.processes) + 1
        rec = ProcessRecord(pid, scenario, accept.seq, monitor, accept.ex.ended)
        self.processes[pid] = rec
        accept.process = pid
        accept.ex.process = pid
        return rec

    # -- reading -------------------------------------------------------------
    def accept_view(self, step: Step) -> AcceptView:
        view = self._accept_cache.get(step.seq)
        if view is None:
            view = self._accept_cache[step.seq] = read_accept(self.profile, step.ex)
        return view

    def monitor_view(self, step: Step) -> MonitorView:
        view = self._monitor_cache.get(step.seq)
        if view is None:
            view = self._monitor_cache[step.seq] = read_monitor(self.profile, step.ex)
        return view

    def readable_view(self, step: Step) -> MonitorView | None:
        """What a look at a monitor shows, read as a poll reads it, where it shows something (a 2xx, or a 303 See
        Other handing over the product: the process ended); else None."""
        view = self.monitor_view(step)
        return view if view.readable else None

    def of(self, *kinds: Kind) -> Iterator[Step]:
        return (s for s in self.steps if s.kind in kinds)

    def roles(self, kind: Kind, *roles: str) -> list[Step]:
        """Steps of an idempotence probe of ``kind``, optionally only those in ``roles``."""
        return [s for s in self.steps if s.kind is kind and (not roles or s.role in roles)]

    def posts(self, *expects: Expect) -> list[Step]:
        return [s for s in self.steps if s.kind is Kind.POST and (not expects or s.expect in expects)]

    def accepted_posts(self) -> list[Step]:
        """POSTs the target answered with a success status (valid or not for the profile)."""
        return [s for s in self.posts() if s.ex.status is not None and 200 <= s.ex.status < 300]

    def subset(self, scenario: str) -> "Log":
        """A log of one scenario's own steps and processes (same profile and pattern)."""
        part = Log(self.profile, self.pattern, expected=self.expected, own_openapi=self.own_openapi)
        part.steps = [s for s in self.steps if s.scenario == scenario]
        part.processes = {pid: p for pid, p in self.processes.items() if p.scenario == scenario}
        part._accept_cache, part._monitor_cache = self._accept_cache, self._monitor_cache
        return part

    def traffic(self) -> list[Exchange]:
        """Every exchange of the run, in order: the driver's record and every step's exchange."""
        found = {ex.seq: ex for ex in self.wire}
        found.update((s.seq, s.ex) for s in self.steps if s.seq not in found)
        return [found[seq] for seq in sorted(found)]

    def step(self, seq: int) -> Step:
        for s in self.steps:
            if s.seq == seq:
                return s
        raise KeyError(seq)

    def _indexed(self) -> tuple[dict[int, list[Step]], list[Step]]:
        key = (id(self.steps), len(self.steps))
        if self._index is None or self._index[0] != key:
            looks: dict[int, list[Step]] = {}
            posts = []
            for s in self.steps:
                if s.kind is Kind.POLL and s.process is not None and s.ex.status is not None:
                    looks.setdefault(s.process, []).append(s)
                elif _may_start(s):
                    posts.append(s)
            self._index = (key, looks, posts)
        return self._index[1], self._index[2]

    def observations(self, pid: int) -> list[tuple[Step, MonitorView]]:
        """GETs of this process's monitor that answered, in the order they were sent."""
        return [(s, self.monitor_view(s)) for s in self._indexed()[0].get(pid, [])]

    def states(self, pid: int) -> list[tuple[Step, MonitorView]]:
        """Observations that carry a readable state (2xx with a known state, or 303)."""
        return [
            (s, v) for s, v in self.observations(pid)
            if v.state is not None and v.readable
        ]

    def durations_seen(self) -> list[float]:
        """Acceptance to the first look that saw it terminated, for every process seen to end by itself."""
        out = []
        for pid, rec in self.processes.items():
            end = next((s for s, v in self.states(pid) if v.state is State.TERMINATED), None)
            if end is not None and rec.accepted_at is not None:
                out.append(max(0.0, end.ex.started - rec.accepted_at))
        return out

    def lasted_at_least(self, pid: int) -> float | None:
        """How long an ended process was at least in flight: from its acceptance's answer to the last look that
        saw it in flight (None: not seen to end, or never seen in flight)."""
        obs = self.states(pid)
        if not obs or obs[-1][1].state is not State.TERMINATED:
            return None
        live = [s for s, v in obs if in_flight(v.state)]
        return (live[-1].ex.started - self.processes[pid].accepted_at) if live else None

    def first_end(self, pid: int) -> tuple[Step, str | None] | None:
        """The first look at this process's monitor that showed it over, and the product link it showed
        (None: none, or gone): a poll that saw it terminated, or a look the idempotence probes took (their
        own steps, not polls) that saw it terminated, or gone after a cancel."""
        ends = [(s, v.product) for s, v in self.states(pid) if v.state is State.TERMINATED]
        for s in self.steps:
            if s.process != pid or s.ex.method != "GET" or s.kind not in PROBE_KINDS or s.ex.status is None:
                continue
            if s.kind is Kind.CANCEL and s.ex.status in self.profile.unknown_statuses:
                ends.append((s, None))
            elif (v := self.monitor_view(s)).readable and v.state is State.TERMINATED:
                ends.append((s, v.product))
        return min(ends, key=lambda end: end[0].seq, default=None)

    def other_posts_between(self, pid: int, a: Step, b: Step, besides: Step | None = None) -> list[Step]:
        """Requests that may have started a process (:func:`_may_start`), other than this process's own
        acceptance (and ``besides``), that the server may have handled after it produced observation ``a`` and
        before ``b``."""
        skip = {self.processes[pid].accept_seq, besides.seq if besides is not None else None}
        return [s for s in self._indexed()[1]
                if s.seq not in skip and s.ex.ended > a.ex.started and s.ex.started < b.ex.ended]

    def own_requests_between(self, pid: int, a: Step, b: Step) -> list[Step]:
        """Requests about process ``pid`` other than GETs and those that may start a process (a HEAD of its
        monitor, a method probe, a cancel), that the server may have handled after it produced observation ``a``
        and before ``b``."""
        return [s for s in self.steps
                if s.process == pid and s.ex.method != "GET" and not _may_start(s)
                and s.ex.ended > a.ex.started and s.ex.started < b.ex.ended]


def _may_start(s: Step) -> bool:
    """Whether ``s`` may have started a process: a POST on the resource (valid or not), or a POST or PUT of
    STARTING_KINDS that was taken (or not answered)."""
    if s.kind in (Kind.POST, Kind.MALFORMED):
        return True
    return (s.kind in STARTING_KINDS and s.ex.method in ("POST", "PUT")
            and (s.ex.status is None or 200 <= s.ex.status < 300))


@dataclass(frozen=True)
class Regression:
    """Two ordered observations of one process where the later one went backwards."""

    pid: int
    before: Step
    after: Step
    what: str  # "state" or "progress"
    detail: str
    straddled: tuple[Step, ...]  # other POSTs that fell between them (none where a request about it did too)


def regressions(log: Log, pid: int) -> list[Regression]:
    """Backward steps between observations that certainly happened one after the other."""
    found = []
    obs = log.states(pid)
    for i, (a, va) in enumerate(obs):
        skipping = False
        for b, vb in obs[i + 1:]:
            if b.ex.started < a.ex.ended:  # overlapping requests: order unknown
                continue
            if skipping and vb.state is not PROGRESSING:
                break  # a state change is judged from the observation just before it
            what = detail = None
            if not may_follow(va.state, vb.state):
                what, detail = "state", f"{va.state.value} then {vb.state.value}"
            elif va.state is vb.state is PROGRESSING and va.progress is not None:
                if vb.progress is None:
                    skipping = True  # running without a progress value: compare with the next one that has one
                    continue
                if vb.progress < va.progress - 1e-9:
                    what, detail = "progress", f"progress {va.progress:g} then {vb.progress:g}"
            if what:
                # a request about this very process between the two looks (a HEAD of its monitor, say) may as well
                # be the cause as another POST: then the step back is not put down to the others
                others = () if log.own_requests_between(pid, a, b) else tuple(log.other_posts_between(pid, a, b))
                found.append(Regression(pid, a, b, what, detail, others))
            break  # compare each observation with the next ordered one only
    return found


def intrinsic_kinds(log: Log) -> set[str]:
    """Kinds of regression ("state", "progress") the target shows with no other POST in between.

    When a target goes backwards on its own, a regression that happens to straddle
    another POST cannot be blamed on that POST.
    """
    return {r.what for pid in log.processes for r in regressions(log, pid) if not r.straddled}


def blamed_on_others(log: Log) -> list[Regression]:
    """Step backs that fell between two looks across another request that may have started a process, of a
    kind the target was never seen to take with no such request in between: what multi/independent and
    single/conflict-no-effect put down to those requests. Where the target goes back on its own and every
    step back it took happened to straddle another request, this is ambiguous; a process watched alone
    (conformance.overlap.watch_alone) decides it."""
    own = intrinsic_kinds(log)
    return [r for pid in log.processes for r in regressions(log, pid) if r.straddled and r.what not in own]
