"""Timeline geometry."""
from __future__ import annotations

from conformance.report import timeline

from .sample import make_report


def _process(points: list[tuple[float, int | None, str | None, float | None]]) -> dict:
    return {
        "id": 7, "monitor": "/process/7", "accepted_at": 10.0,
        "observations": [
            {"t": 10.0 + dt, "seq": i, "status": status, "state": state, "progress": progress}
            for i, (dt, status, state, progress) in enumerate(points)
        ],
    }


def test_healthy_process_has_no_flags() -> None:
    chart = timeline.chart(_process([(0.1, 200, "ready", None), (0.5, 200, "running", 0.5),
                                     (1.0, 200, "terminated", 1.0)]))
    assert chart.flags == []
    assert [m.kind for m in chart.marks] == ["hollow", "dot", "dot"]
    assert [b.css for b in chart.bands] == ["st-ready", "st-running", "st-terminated"]
    assert all(timeline.LEFT <= m.x <= timeline.WIDTH - timeline.RIGHT for m in chart.marks)
    assert chart.bands[-1].x + chart.bands[-1].w > chart.marks[-1].x  # final state visible


def test_regression_flap_and_bad_status_are_flagged() -> None:
    chart = timeline.chart(_process([(0.1, 200, "running", 0.6), (0.2, 200, "running", 0.3),
                                     (0.3, 200, "ready", None), (0.4, 500, None, None)]))
    assert "progress went down" in chart.flags
    assert "state went backwards" in chart.flags
    assert "1 poll(s) without a readable state" in chart.flags
    assert "not seen terminated" in chart.flags
    assert [s.bad for s in chart.segments] == [True]
    assert chart.marks[-1].kind == "bad"


def test_many_polls_are_thinned_but_keep_anomalies() -> None:
    points = [(i / 100, 200, "running", 0.5) for i in range(2000)]
    points[1234] = (12.34, 503, None, None)
    chart = timeline.chart(_process(points))
    assert chart.polls == 2000
    assert len(chart.marks) <= timeline.MAX_POLLS + 2
    assert any(m.kind == "bad" for m in chart.marks)


def test_charts_cap_and_put_odd_processes_first() -> None:
    processes = make_report(processes=40)["processes"]
    charts, omitted = timeline.charts(processes)
    assert len(charts) == timeline.MAX_PROCESSES and omitted == 10
    assert charts[0].flags  # an anomalous process comes first


def test_garbage_values_do_not_break_layout() -> None:
    process = {"id": "x", "monitor": None, "accepted_at": "soon",
               "observations": [{"t": "later", "seq": 1}, {"t": 3, "seq": 2, "status": 200, "progress": 7}]}
    chart = timeline.chart(process)
    assert chart.polls == 1 and chart.marks[0].y == timeline.TOP
    assert "progress outside 0..1" in chart.flags


def test_see_other_at_the_end_is_not_flagged() -> None:
    """The timeline agrees with the verdicts: a 303 at termination is a readable observation."""
    process = _process([(0.1, 200, "running", 0.5), (0.2, 303, "terminated", None)])
    process["observations"][-1]["usable"] = True
    chart = timeline.chart(process)
    assert not any("readable" in flag for flag in chart.flags)
    assert chart.bands[-1].css == "st-terminated"
