"""A wall-clock limit on one article's extraction.

The extractor is pure and normally takes milliseconds an article, but a parse the rules
never met can send it into a walk that does not end (webQR-05 once did: a repair made a
cycle in the dependency tree). One such article must not stall the stream: the faust
worker would stop heartbeating and lose its partitions, and the article would come back
to the next worker forever. So the handler runs the extractor under this limit and parks
an article that exceeds it on the dead-letter topic.

A limit on a CPU-bound Python call needs a signal: a thread cannot be stopped from outside.
SIGALRM's handler runs in the main thread between bytecodes and raises there. Every
extract loop (the faust agent, `extract replay`, the embedded mode) runs in the main
thread's event loop; elsewhere (another thread, a platform without SIGALRM) the call runs
without a limit rather than failing.
"""
from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class TimeLimitExceeded(Exception):
    """The call ran past its limit and was interrupted."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"took longer than its limit of {seconds:g} s")
        self.seconds = seconds


def can_limit() -> bool:
    """Whether `time_limit` can interrupt a call here (main thread, a platform with SIGALRM)."""
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise `TimeLimitExceeded` inside the block once it has run `seconds` of wall time.

    `None` or a non-positive value means no limit. Not reentrant: an outer timer is
    cancelled while the block runs, and restored (with its remaining time) after it.
    """
    if seconds is None or seconds <= 0 or not can_limit():
        yield
        return

    def interrupt(signum: int, frame: object) -> None:
        raise TimeLimitExceeded(seconds)

    previous_handler = signal.signal(signal.SIGALRM, interrupt)
    previous_delay, previous_interval = signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous_handler)
        if previous_delay:
            signal.setitimer(signal.ITIMER_REAL, previous_delay, previous_interval)
