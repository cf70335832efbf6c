"""Which sentences of an article lie inside a quotation that runs over several sentences.

News quotes a speaker for a paragraph and names them once, at its start or its end:
'"The situation remains difficult. The enemy is shelling Myrnohrad with aerial bombs," the
military's statement added.' The sentences in the middle carry no quotation mark and no speech
tag of their own; they are still the speaker's.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

_OPEN = frozenset("“«")
_CLOSE = frozenset("”»")
_TOGGLE = frozenset('"')
# A quotation left open longer than this is a stray mark, not a quotation: nothing is inside it.
MAX_QUOTED_SENTENCES = 8


class QuoteSpan(NamedTuple):
    starts_inside: bool  # the sentence begins inside a quotation opened before it
    ends_inside: bool  # the quotation is still open where the sentence ends


def quotation_spans(text: str, bounds: Sequence[tuple[int, int]]) -> list[QuoteSpan]:
    """For each sentence (its start and end offsets in `text`), whether it begins and ends inside
    a quotation. Curly marks open and close; a straight double quote toggles.

    >>> t = '"One. Two. Three," he said. Four.'
    >>> quotation_spans(t, [(0, 5), (6, 10), (11, 26), (27, 32)])
    [QuoteSpan(starts_inside=False, ends_inside=True), QuoteSpan(starts_inside=True, ends_inside=True), \
QuoteSpan(starts_inside=True, ends_inside=False), QuoteSpan(starts_inside=False, ends_inside=False)]
    """
    marks = [(m.start(), m.group()) for m in _MARKS.finditer(text)]
    if not marks:  # most articles quote nobody
        return [QuoteSpan(False, False)] * len(bounds)
    inside = False
    k = 0
    out: list[QuoteSpan] = []
    for start, end in bounds:
        k, inside = _scan(marks, k, start, inside)
        at_start = inside
        k, inside = _scan(marks, k, end, inside)
        out.append(QuoteSpan(at_start, inside))
    return _drop_unclosed(out)


_MARKS = re.compile("[" + "".join(sorted(_OPEN | _CLOSE | _TOGGLE)) + "]")


def _scan(marks: list[tuple[int, str]], k: int, upto: int, inside: bool) -> tuple[int, bool]:
    """Reads the quotation marks from the k-th up to offset `upto`: the next mark's index and
    whether a quotation is open there."""
    while k < len(marks) and marks[k][0] < upto:
        ch = marks[k][1]
        inside = True if ch in _OPEN else False if ch in _CLOSE else not inside
        k += 1
    return k, inside


def _drop_unclosed(spans: list[QuoteSpan]) -> list[QuoteSpan]:
    """Runs of sentences inside a quotation that never closes, or that runs on too long, are
    taken for stray marks."""
    out = list(spans)
    k = 0
    while k < len(out):
        if not out[k].ends_inside:
            k += 1
            continue
        j = k + 1
        while j < len(out) and out[j].ends_inside:
            j += 1
        # sentences k..j-1 end inside; j (if any) closes the quotation
        if j >= len(out) or j - k + 1 > MAX_QUOTED_SENTENCES:
            for x in range(k, min(j + 1, len(out))):
                out[x] = QuoteSpan(out[x].starts_inside if x == k else False, False)
        k = j + 1
    return out
