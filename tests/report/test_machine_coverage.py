"""The state machine's coverage: which (request kind x state) pairs it exercised, in the JSON report (valid
against the schema) and as a table in the HTML one; a live run against the reference server, both patterns."""
from __future__ import annotations

import pytest

from conformance.machine_coverage import PROCESS_STATES, RESOURCE_STATES, end_estimate, possible_pairs
from conformance.observations import Log
from conformance.profiles import PROFILES
from conformance.report.html import render_html
from conformance.result import validate_report
from fixtures.behaviour import TEST_BASE, Behaviour
from fixtures.launch import serve
from fixtures.selfproof import run_suite
from dataclasses import replace


def test_possible_pairs_follow_the_profile():
    seed = possible_pairs(Log(PROFILES["seed"], "multi"))
    assert ("cancel", "running, second half") in seed and ("get-product", "long terminated") in seed
    assert ("get-monitor", "long terminated, another in flight") in seed  # multi only
    assert ("get-product", "running, first half") not in seed  # the seed's product URI is not known before the end
    assert ("post", "idle, after a cancel") not in seed  # single only
    single = possible_pairs(Log(PROFILES["seed"], "single"))
    assert ("post", "idle, after a cancel") in single and ("get-monitor", "long terminated, another in flight") not in single
    ogc = possible_pairs(Log(PROFILES["ogc"], "multi"))
    assert ("get-product", "running, first half") in ogc  # {monitor}/results is known early
    azure = possible_pairs(Log(PROFILES["azure"], "single"))
    assert not any(k == "cancel" for k, _s in azure)  # Azure LROs have no cancel
    google = possible_pairs(Log(PROFILES["google"], "single"))
    assert not any(k.endswith("product") for k, _s in google)  # inline results only
    assert not any(s == "ready" for _k, s in google)  # done: false is all Google says in flight
    assert {s for _k, s in seed} | {s for _k, s in single} == {*RESOURCE_STATES, *PROCESS_STATES}


def test_single_pattern_product_uri_known_early_once_two_processes_shared_it():
    from tests.model.build import LogBuilder

    def early_get(products: list[str], pattern: str = "single") -> bool:
        b = LogBuilder(pattern)
        for i, product in enumerate(products):
            b.lifecycle("/process" if pattern == "single" else f"/process/{i}", product)
        return ("get-product", "running, first half") in possible_pairs(b.log)

    assert not early_get(["/product"])  # one process: nothing says the next one's product will be there
    assert early_get(["/product", "/product"])  # the seed's single pattern: one URI for every product
    assert not early_get(["/product/1", "/product/2"])  # a product URI per process
    assert not early_get(["/product", "/product"], "multi")


def test_a_process_first_seen_over_long_after_its_end_is_not_just_terminated():
    # followed closely: it ended between its last look in flight and its first look over
    assert 0.98 <= end_estimate(1.02, [0.5, 0.98], 0.0, 1.0) <= 1.02
    assert end_estimate(1.52, [0.5, 1.5], 0.0, 1.0) == 1.5
    # accepted at 0, seen ready at once, not looked at again until 3 s: it ended about one duration in
    assert end_estimate(3.0, [0.01], 0.0, 1.0) == 1.0
    # slower than the duration seen: not before its last look in flight
    assert end_estimate(2.6, [0.3, 2.5], 0.0, 1.0) == 2.5
    # a look in flight after the first one over (a restart) does not move the end
    assert end_estimate(3.0, [0.01, 3.5], 0.0, 1.0) == 1.0
    assert end_estimate(3.0, [], None, 1.0) == 3.0


@pytest.mark.parametrize("pattern", ["single", "multi"])
def test_coverage_in_report(pattern, tmp_path):
    with serve(replace(TEST_BASE, pattern=pattern)) as server:
        _rc, report, output = run_suite(server.resource_url, pattern, tmp_path, ["--hypothesis-examples", "5"],
                                        args=["--deadline", "3", "--conformance-seed", "7"])
    assert report is not None, output[-2000:]
    assert validate_report(report) == []
    machine = report["hypothesis"]
    cov = machine["coverage"]
    assert machine["seed"] == 7 and "--conformance-seed 7" in machine["replay"]
    assert cov["examples"] >= 5 and cov["possible"] == len(cov["pairs"]) > 0
    # the coverage-directed steps reach a good part of the pairs within the default number of examples
    assert cov["reached"] >= cov["possible"] // 3, [p for p in cov["pairs"] if not p["count"]]
    page = render_html(report)
    assert 'id="machine"' in page and "State machine coverage" in page and "long terminated" in page


def test_no_machine_no_coverage(tmp_path):
    with serve(Behaviour(duration=0.2, retry_after="0")) as server:
        _rc, report, _output = run_suite(server.resource_url, "single", tmp_path, ["--hypothesis-examples", "0"],
                                         args=["--deadline", "3"])
    assert report is not None and "hypothesis" not in report
    assert 'id="machine"' not in render_html(report)
