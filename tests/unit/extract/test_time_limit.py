"""One article's extraction has a wall-clock limit: a runaway extraction is interrupted and its
article parked on the dead-letter topic, and the stream goes on. No broker."""
from __future__ import annotations

import signal
import threading
import time
from datetime import date

import pytest

import services.extract.handler as handler
from schemas.article import Article
from schemas.parse import ParsedArticle
from services.extract.time_limit import TimeLimitExceeded, can_limit, time_limit
from services.parse.core import unsupported

pytestmark = pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="needs SIGALRM")


def spin(seconds: float) -> int:
    """Pure-Python busy work for `seconds` (what a runaway tree walk looks like to the limit)."""
    end, turns = time.monotonic() + seconds, 0
    while time.monotonic() < end:
        turns += 1
    return turns


def test_a_call_past_its_limit_is_interrupted() -> None:
    started = time.monotonic()
    with pytest.raises(TimeLimitExceeded, match=r"limit of 0\.05 s"), time_limit(0.05):
        spin(5.0)
    assert time.monotonic() - started < 1.0


@pytest.mark.parametrize("seconds", [None, 0, 0.5])
def test_a_call_within_its_limit_or_without_one_runs_to_its_end(seconds: float | None) -> None:
    with time_limit(seconds):
        assert spin(0.06) > 0
    time.sleep(0.5)  # a timer left running would fire here and fail the test


def test_the_limit_restores_the_handler_and_an_outer_timer() -> None:
    fired: list[int] = []
    previous = signal.signal(signal.SIGALRM, lambda signum, frame: fired.append(signum))
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.3)
        with time_limit(0.05):
            spin(0.01)
        assert signal.getsignal(signal.SIGALRM) is not previous
        time.sleep(0.6)
        assert fired == [signal.SIGALRM]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_outside_the_main_thread_the_call_runs_without_a_limit() -> None:
    seen: dict[str, object] = {}

    def work() -> None:
        seen["can_limit"] = can_limit()
        with time_limit(0.01):
            seen["turns"] = spin(0.05)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert seen["can_limit"] is False and int(seen["turns"]) > 0  # type: ignore[call-overload]


def message(article_id: str) -> bytes:
    article = Article(id=article_id, text="Kiew sagte am Montag, man habe einen Angriff abgewehrt.",
                      published_at=date(2025, 3, 10))
    return unsupported(article, "de").model_dump_json().encode()


def test_a_runaway_extraction_is_parked_and_the_next_article_goes_through(monkeypatch: pytest.MonkeyPatch) -> None:
    def runaway(parsed: ParsedArticle) -> list:
        return [] if parsed.article.id == "fine" else [spin(60.0)]

    monkeypatch.setattr(handler, "extract", runaway)
    started = time.monotonic()
    stuck = handler.handle_parsed(message("stuck"), b"stuck", topic="t.articles.parsed", partition=0, offset=7,
                                  now_ms=1, time_limit_s=0.1)
    assert time.monotonic() - started < 5.0
    assert stuck.marker is None and stuck.events == []
    letter = stuck.dead_letter
    assert letter is not None and letter.stage == "extract" and letter.source_offset == 7
    assert "longer than its limit of 0.1 s" in letter.reason
    assert ParsedArticle.model_validate_json(letter.original_value()).article.id == "stuck"  # the whole message is kept

    fine = handler.handle_parsed(message("fine"), b"fine", topic="t.articles.parsed", partition=0, offset=8,
                                 now_ms=2, time_limit_s=0.1)
    assert fine.dead_letter is None and fine.marker is not None and fine.marker.article == "fine"
