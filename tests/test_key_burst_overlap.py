"""Multi pattern: the Idempotency-Key probe's burst does not wait for the processes its earlier POSTs started.

Against a target that ignores keys and has no cancel (the `bare` variant), the late replay and the POST with
another payload each start a process, which the probe follows to its end. Processes of the multi pattern are
independent, so the burst with one shared key goes out beside those ends, not after them (it once waited a
whole duration in series). The test reads the order of the wire: the burst's POSTs come before either of
those processes is seen ended.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from fixtures.behaviour import TEST_BASE
from fixtures.launch import serve_variant
from fixtures.selfproof import run_suite


def test_the_key_burst_goes_beside_the_ends_of_the_earlier_keyed_processes(tmp_path: Path) -> None:
    with serve_variant("bare@multi", replace(TEST_BASE, duration=1.5)) as server:
        rc, report, output = run_suite(server.resource_url, "multi", tmp_path, ["--hypothesis-examples", "0"],
                                       args=["--deadline", "10"])
    assert report is not None and rc == 0, output[-2000:]
    keyed = {p["id"] for p in report["processes"] if p["scenario"] == "idempotency-key"}
    exchanges = report["exchanges"]
    burst = [ex["seq"] for ex in exchanges if ex["method"] == "POST" and "simultaneous" in ex["purpose"]
             and ex["process"] in keyed]
    later = [ex for ex in exchanges if ex["method"] == "POST" and ex["process"] in keyed
             and ("after the process ended" in ex["purpose"] or "another payload" in ex["purpose"])]
    assert burst and later, "the set-up did not give a late replay, a mismatch and a keyed burst"
    ends = [ex["seq"] for ex in exchanges if ex["process"] in {p["process"] for p in later} and ex["method"] == "GET"
            and '"terminated"' in ((ex.get("response") or {}).get("body") or "")]
    assert ends, "those processes were not followed to their end"
    assert min(burst) < min(ends), "the keyed burst waited for the earlier keyed processes to end"
