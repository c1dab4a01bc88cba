"""The observation log itself: views, ordering, regressions and their attribution."""

from dataclasses import replace

from conformance.observations import Expect, intrinsic_kinds, regressions
from conformance.model import State
from conformance.profiles import SEED, read_monitor

from .build import LogBuilder


def test_views_read_through_the_profile():
    b = LogBuilder()
    p = b.accept("/process")
    step = b.poll(p, "running", 0.25, product=None)
    view = b.log.monitor_view(step)
    assert (view.state, view.progress, view.progress_present, view.problems) == (State.RUNNING, 0.25, True, ())
    other = b.see_other(p, "../product")
    view = b.log.monitor_view(other)
    assert view.see_other and view.state is State.TERMINATED and view.product == "http://127.0.0.1:9/product"


def test_progress_outside_the_domain_is_no_progress():
    b = LogBuilder()
    p = b.accept()
    for bad in (1.5, -0.5, "0.5", True):
        view = b.log.monitor_view(b.poll(p, "running", bad))
        assert view.progress is None and view.progress_present and view.problems, bad


def test_progress_scale():
    b = LogBuilder()
    p = b.accept()
    ex = b.poll(p, "running", 40).ex
    assert read_monitor(replace(SEED, progress_scale=100.0), ex).progress == 0.4
    assert read_monitor(replace(SEED, progress_scale=100.0), b.poll(p, "running", 140).ex).progress is None


def test_states_skip_errors_and_unknown_states():
    b = LogBuilder()
    p = b.accept()
    b.poll(p, status=500)
    b.poll(p, "paused")
    b.poll(p, error="reset")
    b.poll(p, "ready")
    assert [v.state for _s, v in b.log.states(p)] == [State.READY]
    assert len(b.log.observations(p)) == 3  # the transport error never answered


def test_process_ids_and_acceptance_time():
    b = LogBuilder("multi")
    first, second = b.accept("/process/a"), b.accept("/process/b")
    assert (first, second) == (1, 2)
    assert b.log.step(b.log.processes[2].accept_seq).process == 2


def test_one_regression_per_backward_step():
    b = LogBuilder()
    p = b.accept()
    for state, progress in (("running", 0.5), ("running", None), ("running", 0.2), ("running", None), ("ready", None)):
        b.poll(p, state, progress)
    found = [(r.what, r.before.seq, r.after.seq) for r in regressions(b.log, p)]
    assert found == [("progress", 2, 4), ("state", 5, 6)]
    assert intrinsic_kinds(b.log) == {"progress", "state"}


def test_progress_not_compared_across_another_state():
    b = LogBuilder()
    p = b.accept()
    b.poll(p, "running", 0.5)
    b.poll(p, "ready")
    b.poll(p, "running", 0.1)
    assert [r.what for r in regressions(b.log, p)] == ["state"]  # one reset, reported once


def test_straddled_posts_are_those_that_may_have_been_handled_in_between():
    b = LogBuilder()
    p = b.accept()
    a = b.poll(p, "running", 0.5, duration=0.1)
    early = b.post(expect=Expect.CONFLICT, at=a.ex.started - 0.05, duration=0.06, process=p)  # overlaps a
    b.wait(0.2)
    between = b.post(expect=Expect.CONFLICT, process=p)
    c = b.poll(p, "running", 0.1)
    b.post(expect=Expect.CONFLICT, process=p)  # after c: irrelevant
    assert b.log.other_posts_between(p, a, c) == [early, between]
    (reg,) = regressions(b.log, p)
    assert reg.straddled == (early, between)
    assert intrinsic_kinds(b.log) == set()
