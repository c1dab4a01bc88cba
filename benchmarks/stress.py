"""Stress: conformant targets never flake.

Runs the suite (``pytest --pyargs conformance`` in a subprocess, through
:func:`fixtures.selfproof.run_suite`) many times against conformant reference
configurations -- the valid variants of :mod:`fixtures.behaviour` at several
process durations, both patterns -- optionally with the CPU cores kept busy.
Every run has a fresh random ``--conformance-seed`` (printed), so a false
failure can be replayed.

    python -m benchmarks.stress                        # 50 runs, 0/0.05/0.5/3 s, both patterns
    python -m benchmarks.stress --load 2 --runs 100
    python benchmarks/stress.py --runs 1 --durations 0.5 --patterns multi \\
        --variants headers@multi --seed 1234           # replay one run

A *false failure* is a run whose exit status is not 0, or whose report has a
fail or error outcome, or a warn the variant does not knowingly earn
(:data:`fixtures.selfproof.EXPECTED_VALID`). Inconclusive is allowed; it is
counted per requirement. Exit status 1 when any false failure was seen.

The module is also imported by ``tests/stress/test_no_flake.py``.
"""

from __future__ import annotations

import argparse
import contextlib
import fnmatch
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterator, Sequence

if __package__ in (None, ""):  # run as a file: python benchmarks/stress.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from conformance.options import OPTIONS  # noqa: E402
from fixtures.behaviour import PATTERNS, VALID_VARIANTS, Behaviour  # noqa: E402
from fixtures.launch import serve  # noqa: E402
from fixtures.selfproof import RUN_TIMEOUT, expected_for, run_suite  # noqa: E402

DURATIONS: tuple[float, ...] = (0.0, 0.05, 0.5, 3.0)
DEFAULT_RUNS = 50
#: the suite's own default number of state-machine examples (the stress keeps the suite's defaults)
DEFAULT_EXAMPLES: int = next(o.default for o in OPTIONS if o.dest == "hypothesis_examples")
#: outcomes that never count against a conformant target
HARMLESS = frozenset({"pass", "info", "not-applicable", "inconclusive"})
BURNER = "while True: pass"


def deadline_for(duration: float) -> float:
    """--deadline comfortably above the process duration."""
    return max(10.0, 5.0 * duration)


def variants_for(pattern: str, globs: Sequence[str] = ()) -> list[str]:
    """Valid variants of one pattern, in every dialect, whose duration the stress may set (so not 'instant')."""
    names = [n for n, v in VALID_VARIANTS.items() if v.pattern == pattern and "duration" not in v.overrides]
    if globs:
        names = [n for n in names if any(fnmatch.fnmatchcase(n, g) for g in globs)]
    return names


@dataclass(frozen=True)
class Plan:
    """One run: which variant, at which duration, in which pattern, with which seed."""

    index: int
    variant: str
    duration: float
    pattern: str
    seed: int

    @property
    def config(self) -> str:
        return config_label(self.duration, self.pattern)

    def replay(self, load: int) -> str:
        return (f"python -m benchmarks.stress --runs 1 --durations {self.duration:g} --patterns {self.pattern} "
                f"--variants {self.variant} --seed {self.seed} --load {load}")


def config_label(duration: float, pattern: str) -> str:
    return f"{duration:g}s/{pattern}"


def plan_runs(runs: int, durations: Sequence[float] = DURATIONS, patterns: Sequence[str] = PATTERNS, *,
              seed: int | None = None, variants: Sequence[str] = (), rng: random.Random | None = None) -> list[Plan]:
    """Spread ``runs`` round-robin over durations x patterns; rotate the variants within each configuration.

    Every run gets ``seed`` if given, else a fresh random seed.
    """
    rng = rng or random.SystemRandom()
    configs = [(d, p) for d in durations for p in patterns if variants_for(p, variants)]
    if not configs:
        raise ValueError("no configuration left: check --patterns and --variants")
    plans = []
    for i in range(runs):
        d, p = configs[i % len(configs)]
        names = variants_for(p, variants)
        name = names[(i // len(configs) + i % len(configs)) % len(names)]
        plans.append(Plan(i + 1, name, d, p, seed if seed is not None else rng.randrange(2**32)))
    return plans


def suite_args(plan: Plan, examples: int = DEFAULT_EXAMPLES) -> list[str]:
    """Arguments appended after run_suite's own, so they win: the suite's defaults except the deadline."""
    return ["--hypothesis-examples", str(examples), "--deadline", f"{deadline_for(plan.duration):g}",
            "--conformance-seed", str(plan.seed)]


@dataclass
class Result:
    plan: Plan
    status: int | None
    seconds: float
    out_dir: Path
    report: dict | None = None
    output: str = ""
    error: str | None = None  # the run did not complete (timeout, server did not start)
    false: list[dict] = field(default_factory=list)
    inconclusive: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.false

    def explain(self, load: int = 0) -> str:
        """The evidence of a false failure: requirement, message, the exchanges it cites, how to replay."""
        p = self.plan
        lines = [f"run {p.index}: {p.variant} at {p.duration:g} s, seed {p.seed}, exit {self.status}, "
                 f"{self.seconds:.1f} s; report {self.out_dir}", f"  replay: {p.replay(load)}"]
        exchanges = {ex["seq"]: ex for ex in (self.report or {}).get("exchanges", [])}
        for f in self.false:
            lines.append(f"  {f['id']}: {f['outcome']}: {f.get('message')}")
            if f.get("expected") or f.get("observed"):
                lines.append(f"    expected {f.get('expected')!r}; observed {f.get('observed')!r}")
            for seq in f.get("evidence") or []:
                if seq in exchanges:
                    lines.append("    " + exchange_line(exchanges[seq]))
        if self.error or (self.status not in (0, None) and not self.report):
            lines.append("  output tail: " + self.output[-1500:].replace("\n", "\n    "))
        return "\n".join(lines)


def exchange_line(ex: dict) -> str:
    resp = ex.get("response") or {}
    headers = {k.lower(): v for k, v in resp.get("headers") or []}
    extra = "".join(f" {h}={headers[h]!r}" for h in ("retry-after", "location") if h in headers)
    return (f"#{ex['seq']} {ex['started']:.3f}-{ex['ended']:.3f}s {ex['method']} {ex['url']} "
            f"[{ex.get('purpose')}] -> {resp.get('status', ex.get('error'))}{extra} {str(resp.get('body', ''))[:120]}")


def judge(plan: Plan, status: int | None, report: dict | None, error: str | None) -> tuple[list[dict], list[str]]:
    """(false failures, inconclusive requirement IDs) of one run."""
    false: list[dict] = []
    if error:
        false.append({"id": "(run)", "outcome": "error", "message": error})
    elif report is None:
        false.append({"id": "(run)", "outcome": "error", "message": f"no JSON report (exit {status})"})
    _kind, allowed = expected_for(plan.variant)
    inconclusive = []
    for e in (report or {}).get("requirements", []):
        outcome = e["outcome"]
        if outcome == "inconclusive":
            inconclusive.append(e["id"])
        if outcome in HARMLESS or allowed.get(e["id"]) == outcome:
            continue
        false.append(e)
    if not error and status != 0 and report is not None and not false:
        false.append({"id": "(run)", "outcome": "error", "message": f"exit status {status} with no failing requirement",
                      "observed": "; ".join(report.get("notes") or [])})
    return false, inconclusive


def run_once(plan: Plan, base: Behaviour, out_root: Path, *, examples: int = DEFAULT_EXAMPLES) -> Result:
    """Start the variant's server and run the suite against it once (bounded by RUN_TIMEOUT)."""
    behaviour = replace(VALID_VARIANTS[plan.variant].behaviour(base), duration=plan.duration)
    out_dir = Path(tempfile.mkdtemp(prefix=f"run{plan.index:03d}-", dir=out_root))
    status, report, output, error = None, None, "", None
    start = time.monotonic()
    try:
        with serve(behaviour) as server:
            start = time.monotonic()
            status, report, output = run_suite(server.resource_url, plan.pattern, out_dir, suite_args(plan, examples),
                                               profile=VALID_VARIANTS[plan.variant].dialect)
    except subprocess.TimeoutExpired as exc:
        error = f"the suite did not finish within {RUN_TIMEOUT} s"
        output = _text(exc.stdout) + _text(exc.stderr)
    except (TimeoutError, RuntimeError) as exc:  # the reference server did not start
        error = f"{type(exc).__name__}: {exc}"
    seconds = time.monotonic() - start
    false, inconclusive = judge(plan, status, report, error)
    return Result(plan, status, seconds, out_dir, report, output, error, false, inconclusive)


def _text(data: bytes | str | None) -> str:
    if data is None:
        return ""
    return data.decode("utf-8", "replace") if isinstance(data, bytes) else data


@contextlib.contextmanager
def cpu_load(n: int) -> Iterator[list[subprocess.Popen]]:
    """Keep ``n`` busy-looping processes running; each is its own process group, killed on the way out."""
    procs: list[subprocess.Popen] = []
    try:
        for _ in range(n):
            procs.append(subprocess.Popen([sys.executable, "-c", BURNER], start_new_session=True,
                                          stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL))
        yield procs
    finally:
        for proc in procs:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)  # the group is the burner's own (start_new_session)
        for proc in procs:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(5)


def run_many(plans: Sequence[Plan], base: Behaviour, out_root: Path, *, load: int = 0,
             examples: int = DEFAULT_EXAMPLES, keep: bool = False, progress=None) -> list[Result]:
    """Run every plan in turn under ``load`` busy processes; passing runs' reports are removed unless ``keep``."""
    results = []
    with cpu_load(load):
        for plan in plans:
            result = run_once(plan, base, out_root, examples=examples)
            if result.ok and not keep:
                shutil.rmtree(result.out_dir, ignore_errors=True)
            results.append(result)
            if progress:
                progress(result)
    return results


# -- the summary -------------------------------------------------------------------

def summary(results: Sequence[Result], load: int = 0) -> str:
    lines = [f"runs: {len(results)} (load: {load} busy process(es))"]
    bad = [r for r in results if not r.ok]
    lines.append(f"false failures: {len(bad)}")
    for r in bad:
        lines.append(r.explain(load))
    configs = list(dict.fromkeys(r.plan.config for r in results))
    counts: dict[str, Counter] = defaultdict(Counter)
    runs_per = Counter(r.plan.config for r in results)
    for r in results:
        for rid in r.inconclusive:
            counts[rid][r.plan.config] += 1
    lines.append("inconclusive per requirement (runs with that outcome, per configuration):")
    if counts:
        width = max(len(rid) for rid in counts)
        cw = max(len(c) for c in configs)
        lines.append(f"  {'requirement':{width}}  " + "  ".join(f"{c:>{cw}}" for c in configs) + "  total")
        for rid in sorted(counts):
            cells = "  ".join(f"{f'{counts[rid][c]}/{runs_per[c]}':>{cw}}" for c in configs)
            lines.append(f"  {rid:{width}}  {cells}  {sum(counts[rid].values())}")
    else:
        lines.append("  none")
    lines.append("wall time of the suite per configuration (s): runs, median, min, max")
    for c in configs:
        secs = [r.seconds for r in results if r.plan.config == c]
        lines.append(f"  {c:>12}: {len(secs):3d}  {statistics.median(secs):6.1f}  {min(secs):6.1f}  {max(secs):6.1f}")
    return "\n".join(lines)


def _progress_line(r: Result) -> str:
    verdict = "ok  " if r.ok else "FALSE"
    flagged = ", ".join(f"{f['id']}={f['outcome']}" for f in r.false)
    inc = f" inconclusive: {', '.join(r.inconclusive)}" if r.inconclusive else ""
    return (f"{verdict} #{r.plan.index:<3} {r.plan.config:>10} {r.plan.variant:28} seed {r.plan.seed:<10} "
            f"exit {r.status} {r.seconds:6.1f} s{(' ' + flagged) if flagged else ''}{inc}")


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.stress", description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=DEFAULT_RUNS, help="runs in total, spread over the configurations")
    ap.add_argument("--durations", type=float, nargs="+", default=list(DURATIONS), metavar="SECONDS")
    ap.add_argument("--patterns", nargs="+", choices=PATTERNS, default=list(PATTERNS))
    ap.add_argument("--variants", nargs="+", default=[], metavar="GLOB",
                    help="valid variants to use (default: all but 'instant', which fixes its own duration)")
    ap.add_argument("--load", type=int, default=0, metavar="N", help="busy-looping processes to run alongside")
    ap.add_argument("--seed", type=int, default=None, help="--conformance-seed for every run (default: fresh per run)")
    ap.add_argument("--examples", type=int, default=DEFAULT_EXAMPLES, help="--hypothesis-examples (default: the suite's)")
    ap.add_argument("--out", type=Path, default=None, help="folder for the reports (default: a new temporary one)")
    ap.add_argument("--keep", action="store_true", help="keep the reports of passing runs too")
    args = ap.parse_args(argv)
    if args.runs < 1 or args.load < 0 or any(d < 0 for d in args.durations):
        ap.error("--runs must be positive, --load and --durations not negative")
    try:
        plans = plan_runs(args.runs, args.durations, args.patterns, seed=args.seed, variants=args.variants)
    except ValueError as exc:
        ap.error(str(exc))
    out_root = args.out or Path(tempfile.mkdtemp(prefix="stress-"))
    out_root.mkdir(parents=True, exist_ok=True)
    # SIGTERM unwinds like Ctrl-C, so the burners and servers are stopped by the finally blocks.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    print(f"{len(plans)} runs, load {args.load}, reports under {out_root}, per-run timeout {RUN_TIMEOUT} s",
          flush=True)
    started = time.monotonic()
    results = run_many(plans, Behaviour(), out_root, load=args.load, examples=args.examples, keep=args.keep,
                       progress=lambda r: print(_progress_line(r), flush=True))
    print(summary(results, args.load))
    print(f"total: {time.monotonic() - started:.0f} s")
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
