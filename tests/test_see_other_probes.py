"""A monitor that answers 303 See Other at the end (RFC 9110 section 15.4.4) tells every probe that the process
ended, as it tells a poll.

The probes that look at a process until it ends (the cancel probe's other process, the Idempotency-Key probe's
original before its late replay) once read only a 2xx as a state: against the see-other variant they took a 303
for "no state yet" and looked again until the deadline, 30 s of a run that otherwise takes a few seconds. The
test runs the suite against that variant (multi pattern, both probes run there) with the default deadline and
counts the looks at each monitor after its first 303: a handful (the probes' "look again" steps), not a poll loop.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from fixtures.behaviour import TEST_BASE
from fixtures.launch import serve_variant
from fixtures.selfproof import run_suite

#: looks at one monitor after it first answered 303 that a run may take (each probe looks again once or twice)
MOST_LOOKS_AFTER_THE_END = 6


def test_a_303_at_the_end_ends_every_probes_wait(tmp_path: Path) -> None:
    with serve_variant("see-other@multi", replace(TEST_BASE, duration=0.3)) as server:
        rc, report, output = run_suite(server.resource_url, "multi", tmp_path, ["--hypothesis-examples", "0"],
                                       args=["--deadline", "30"])
    assert report is not None, output[-2000:]
    assert rc == 0, output[-2000:]
    after: dict[str, int] = {}
    ended: set[str] = set()
    for ex in report["exchanges"]:
        status = (ex.get("response") or {}).get("status")
        if ex["method"] != "GET" or ex["process"] is None:
            continue
        if ex["url"] in ended:
            after[ex["url"]] = after.get(ex["url"], 0) + 1
        if status == 303:
            ended.add(ex["url"])
    assert ended, "the variant never answered 303: the test saw nothing to judge"
    busiest = max(after.values(), default=0)
    assert busiest <= MOST_LOOKS_AFTER_THE_END, f"a monitor was looked at {busiest} times after its 303: {after}"
