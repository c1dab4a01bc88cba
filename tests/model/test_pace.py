"""Reasoning from the observed pace: was a process in flight when a POST arrived? (single/conflict-409)

A target that accepts a POST in flight and starts over hides the conflict: the look after the POST
shows a fresh process. The session decides from the look just before the POST instead: at the
pace the process had shown, could it have ended in the window between that look and the POST's
answer? Only when it plainly could not does the accepted POST count as one sent in flight.
"""

from conformance.session import Session

from .build import LogBuilder


def session_with(b: LogBuilder) -> Session:
    return Session(driver=None, log=b.log, cfg=None)  # far_from_end reads the log only


def look_then_post(progress, *, elapsed: float, window: float = 0.004, earlier: float | None = None):
    b = LogBuilder(duration=0.001, gap=0.0)
    if earlier is not None:  # an earlier process of this target, seen in flight until `earlier` s
        q = b.accept()
        b.wait(earlier)
        b.poll(q, "running", 0.5)
        b.poll(q, "terminated", product="/product")
    p = b.accept()
    b.wait(elapsed)
    look = b.poll(p, "running" if progress is not None else "ready", progress)
    post = b.post(status=202, body={"monitor": "/process"}, duration=window)
    return session_with(b), b.log.processes[p], look, b.log.monitor_view(look), post


def test_far_from_its_end_at_the_observed_pace():
    s, p, look, view, post = look_then_post(0.2, elapsed=0.1)  # ~0.4 s to go, a 4 ms window
    assert s.far_from_end(p, look, view, post)


def test_close_to_its_end_is_not_judged():
    s, p, look, view, post = look_then_post(0.98, elapsed=0.5)  # ~10 ms to go: it may have ended
    assert not s.far_from_end(p, look, view, post)


def test_without_progress_the_target_s_earlier_processes_give_the_pace():
    s, p, look, view, post = look_then_post(None, elapsed=0.01, earlier=0.5)
    assert s.far_from_end(p, look, view, post)
    s, p, look, view, post = look_then_post(None, elapsed=0.01)
    assert not s.far_from_end(p, look, view, post)  # nothing known: nothing assumed
