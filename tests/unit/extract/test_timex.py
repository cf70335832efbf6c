"""Time expressions resolved against the publication date."""
from __future__ import annotations

from datetime import date

import pytest

from services.extract.core.timex import find_times, resolve


def one(text: str, pub: date, future: bool = False):
    found = find_times(text)
    assert found, text
    return found[0].text, resolve(found[0], pub, future)


@pytest.mark.parametrize("text,pub,start,end,gran,fuzzy", [
    ("On Monday, the president said", date(2024, 11, 11), "2024-11-11", "2024-11-11", "day", False),
    ("citing officials on Saturday", date(2024, 12, 30), "2024-12-28", "2024-12-28", "day", False),
    ("a call last Wednesday", date(2024, 11, 11), "2024-11-06", "2024-11-06", "day", False),
    ("strikes between Sunday and Monday", date(2024, 11, 11), "2024-11-10", "2024-11-11", "day", False),
    ("reported last week that", date(2024, 12, 30), "2024-12-23", "2024-12-29", "week", True),
    ("remarked last month that", date(2025, 3, 11), "2025-02-01", "2025-02-28", "month", False),
    ("as early as next month", date(2024, 12, 30), "2025-01-01", "2025-01-31", "month", False),
    ("in a surprise offensive last August", date(2024, 12, 30), "2024-08-01", "2024-08-31", "month", False),
    ("claimed in September that", date(2024, 11, 11), "2024-09-01", "2024-09-30", "month", False),
    ("an incursion that commenced in August", date(2025, 3, 11), "2024-08-01", "2024-08-31", "month", False),
    ("a surge into the region over the summer", date(2025, 1, 6), "2024-06-01", "2024-08-31", "season", False),
    ("might deploy 8,000 troops by next spring", date(2024, 12, 30), "2025-03-01", "2025-05-31", "season", True),
    ("During the night of June 1st, Russia launched 21 drones", date(2023, 6, 8), "2023-06-01", "2023-06-01", "day", False),
    ("an agreement reached in early 2024", date(2025, 4, 27), "2024-01-01", "2024-04-30", "season", True),
    ("In the last few days, soldiers regained", date(2025, 3, 11), "2025-03-08", "2025-03-11", "day", True),
    ("seized territory in August 2024", date(2025, 4, 27), "2024-08-01", "2024-08-31", "month", False),
    ("the invasion in 2022", date(2024, 11, 11), "2022-01-01", "2022-12-31", "year", False),
    ("talks in Riyadh on Feb. 18", date(2025, 3, 10), "2025-02-18", "2025-02-18", "day", False),
    ("after a weekend marked by drone attacks", date(2024, 11, 11), "2024-11-09", "2024-11-10", "day", True),
    ("talks currently taking place", date(2025, 3, 11), "2025-03-11", "2025-03-11", "day", False),
    ("launched an attack a week ago", date(2024, 8, 15), "2024-08-08", "2024-08-08", "week", True),
    # a month and day a few days on is still to come; further on, last year's
    ("a meeting in Kyiv on June 29", date(2022, 6, 27), "2022-06-29", "2022-06-29", "day", False),
    ("the strike on December 20", date(2024, 1, 5), "2023-12-20", "2023-12-20", "day", False),
    ("the offensive launched on July 30", date(2024, 7, 2), "2023-07-30", "2023-07-30", "day", False),
])
def test_resolution(text, pub, start, end, gran, fuzzy) -> None:
    _, (s, e, g, f) = one(text, pub)
    assert (s.isoformat(), e.isoformat(), g, f) == (start, end, gran, fuzzy)


def test_future_reading_of_weekdays() -> None:
    _, (s, e, _, _) = one("talks on Tuesday", date(2025, 3, 10), future=True)
    assert s == e == date(2025, 3, 11)
    _, (s, _, _, _) = one("talks on Tuesday", date(2025, 3, 10), future=False)
    assert s == date(2025, 3, 4)


@pytest.mark.parametrize("text", [
    "a conflict that has persisted for over two years",
    "the Ukrainian forces could lose the remainder within months",
    "Russia may fall back",  # 'fall' the verb, 'may' the modal
    "the fall of Avdiivka",
])
def test_durations_and_words_that_are_no_times(text) -> None:
    assert find_times(text) == []


def test_since_is_flagged() -> None:
    (t,) = find_times("Ukraine has held the area since August")
    assert t.since
