"""The protocol model: everything that affects the lifecycle and its transitions lives here.

This module is the one place that says what an asynchronous request *is*,
whatever wire a dialect speaks: the states a process goes through, which
changes between two observations are legal, how a process may end, what an
ended process may carry, and what a POST on the resource may get in each state
of the target, per pattern. It holds tables, not branches, and does no I/O.

Who reads it (nothing else keeps a copy):

- the profiles (:mod:`conformance.profiles`) map each dialect's vocabulary onto
  :class:`State` and :class:`Ending`;
- the observation log and the requirement checks judge regressions and endings
  with :func:`may_follow`, :data:`RANK` and :data:`CARRIES`;
- the session tags what it knew when it sent a POST from :func:`post_answer`;
- the report timeline orders and colours states by :data:`RANK`;
- the reference server (``fixtures/process.py``) and the model-test generators
  walk :data:`TRANSITIONS`.

A dialect never changes this table. Where a dialect cannot express a state (a
Google operation has no "ready"), an observer simply never sees it; polling is
discrete, so skipped states are legal and only order matters.
"""

from __future__ import annotations

from enum import Enum
from typing import Mapping


class State(str, Enum):
    """Where a process is in its lifecycle, as an observer sees it."""

    READY = "ready"  # accepted, not started
    RUNNING = "running"  # started, not ended
    TERMINATED = "terminated"  # ended (absorbing): see Ending for how


class Ending(str, Enum):
    """How a terminated process ended. The seed's ``terminated`` is SUCCEEDED."""

    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


#: position of each state along the lifecycle; an observation never ranks below an earlier one
RANK: Mapping[State, int] = {State.READY: 0, State.RUNNING: 1, State.TERMINATED: 2}

#: the lifecycle as a transition table: from each state, the states a LATER observation may show.
#: Observers may skip states (ready -> terminated is legal), never go back, and terminated is absorbing.
TRANSITIONS: Mapping[State, frozenset[State]] = {
    State.READY: frozenset({State.READY, State.RUNNING, State.TERMINATED}),
    State.RUNNING: frozenset({State.RUNNING, State.TERMINATED}),
    State.TERMINATED: frozenset({State.TERMINATED}),
}

#: states in which a process is "in flight" (the single pattern refuses a new POST then)
IN_FLIGHT: frozenset[State] = frozenset(s for s in State if TRANSITIONS[s] != frozenset({s}))

#: the only state in which progress is meaningful and must not decrease
PROGRESSING: State = State.RUNNING


class Carry(str, Enum):
    """What an ended process's monitor may or must carry."""

    PRODUCT_ALLOWED = "product allowed"  # optional: a shutdown has none
    ERROR_REQUIRED = "error required, no product"
    NOTHING = "no product"


#: what each ending carries (monitor/outcome-consistent reads this)
CARRIES: Mapping[Ending, Carry] = {
    Ending.SUCCEEDED: Carry.PRODUCT_ALLOWED,
    Ending.FAILED: Carry.ERROR_REQUIRED,
    Ending.CANCELLED: Carry.NOTHING,
}


class PostAnswer(str, Enum):
    """What a valid POST on the resource must get."""

    ACCEPT = "accept"  # the profile's acceptance status, and a new process
    CONFLICT = "conflict"  # the profile's conflict status, and nothing changes


#: what a valid POST gets, per pattern and per state of the process the target holds
#: (None: the target holds no process, or only ended ones).
POST_ANSWERS: Mapping[tuple[str, State | None], PostAnswer] = {
    ("single", None): PostAnswer.ACCEPT,
    ("single", State.READY): PostAnswer.CONFLICT,
    ("single", State.RUNNING): PostAnswer.CONFLICT,
    ("single", State.TERMINATED): PostAnswer.ACCEPT,
    ("multi", None): PostAnswer.ACCEPT,
    ("multi", State.READY): PostAnswer.ACCEPT,
    ("multi", State.RUNNING): PostAnswer.ACCEPT,
    ("multi", State.TERMINATED): PostAnswer.ACCEPT,
}

PATTERNS: tuple[str, ...] = ("single", "multi")


def may_follow(before: State, after: State) -> bool:
    """Whether ``after`` may be observed after ``before`` in one process."""
    return after in TRANSITIONS[before]


def in_flight(state: State | None) -> bool:
    return state in IN_FLIGHT


def post_answer(pattern: str, state: State | None) -> PostAnswer:
    """What a valid POST must get while the target's process is in ``state``."""
    return POST_ANSWERS[(pattern, state)]


def ending_of(value: str) -> tuple[State, Ending | None]:
    """The model's reading of a word a profile maps a raw state onto (a State or an Ending name)."""
    try:
        return State.TERMINATED, Ending(value)
    except ValueError:
        return State(value), None


#: the words a profile may map raw states onto
VOCABULARY: tuple[str, ...] = (*(s.value for s in State), *(e.value for e in Ending))
