"""Which sentences of an article lie inside a quotation that runs over several sentences.

News quotes a speaker for a paragraph and names them once, at its start or its end:
'"The situation remains difficult. The enemy is shelling Myrnohrad with aerial bombs," the
military's statement added.' The sentences in the middle carry no quotation mark and no speech
tag of their own; they are still the speaker's.
"""
from __future__ import annotations

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
    inside = False
    pos = 0
    out: list[QuoteSpan] = []
    for start, end in bounds:
        inside = _scan(text, pos, start, inside)
        at_start = inside
        inside = _scan(text, start, end, inside)
        out.append(QuoteSpan(at_start, inside))
        pos = end
    return _drop_unclosed(out)


def _scan(text: str, lo: int, hi: int, inside: bool) -> bool:
    for ch in text[lo:hi]:
        if ch in _OPEN:
            inside = True
        elif ch in _CLOSE:
            inside = False
        elif ch in _TOGGLE:
            inside = not inside
    return inside


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
