"""Delta debugging over a failing example's actions (conformance.machine_shrink), without a target: ``fails``
stands for a replay."""
from __future__ import annotations

from conformance.machine_shrink import Action, Ref, ddmin, first_candidates


def test_finds_the_two_actions_that_matter() -> None:
    tried: list[list[int]] = []

    def fails(candidate: list[int]) -> bool:
        tried.append(candidate)
        return 3 in candidate and 7 in candidate  # e.g. a malformed POST in flight, then a POST after the end

    best, count = ddmin(list(range(10)), fails, lambda: True)
    assert best == [3, 7] and count == len(tried)


def test_keeps_order_and_stops_when_time_is_up() -> None:
    budget = iter([True, True, False])
    best, count = ddmin(list(range(8)), lambda c: 5 in c, lambda: next(budget, False))
    assert count == 1 and 5 in best and best == sorted(best)  # one replay allowed: the first half went


def test_a_single_action_is_left_as_it_is() -> None:
    assert ddmin([4], lambda c: True, lambda: True) == ([4], 0)


def test_nothing_smaller_reproduces() -> None:
    best, count = ddmin([1, 2, 3, 4], lambda c: len(c) == 4, lambda: True)
    assert best == [1, 2, 3, 4] and count > 0


def test_actions_read_as_rules() -> None:
    assert Action("head_monitor", {"p": Ref(2)}).text() == "head_monitor(p=process of step 3)"
    assert Action("cover", {"at": 0.65}, ("head-monitor", "running, second half")).text() == \
        "cover(at=0.65) -> ('head-monitor', 'running, second half')"


def test_first_the_whole_then_its_end() -> None:
    assert first_candidates([1, 2, 3, 4, 5, 6]) == [[1, 2, 3, 4, 5, 6], [6], [5, 6], [3, 4, 5, 6]]
    assert first_candidates([1, 2, 3, 4]) == [[1, 2, 3, 4], [4], [3, 4]]
    assert first_candidates([1, 2]) == [[1, 2], [2]]
    assert first_candidates([1]) == [[1]]
