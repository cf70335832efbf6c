"""Sentences with character offsets, page-noise removal, headline and summary flags."""
from __future__ import annotations

import re
from dataclasses import dataclass

from services.extract.core.resources import Resources

_TERMINAL = re.compile(r"[.!?…][\"”’')\]]*\s*$")
_BOUNDARY = re.compile(r"[.!?](?:[\"”’)\]]+)?(?=\s+[\"“‘(\[]?[A-Z0-9])|(?<=[a-z]{2}[.!?])(?=[A-Z][a-z])|(?<=[.!?][”\"])(?=[A-Z][a-z])")


@dataclass(frozen=True)
class Sentence:
    index: int
    start: int
    end: int
    text: str
    paragraph: int
    headline: bool = False  # a heading or title line: its mentions only support events found elsewhere
    summary: bool = False  # a closing "In summary ..." paragraph: restates earlier events
    quote_open: bool = False  # the sentence starts inside an open quotation


def _lines(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for line in text.split("\n"):
        out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def _is_noise(line: str, res: Resources) -> bool:
    return any(rx.search(line) for rx in res.rx["noise_list"]) or bool(res.rx["bio"].search(line))


def _ends_open(line: str, res: Resources) -> bool:
    """A line broken in the middle of a sentence ('... under President')."""
    s = line.rstrip()
    if not s or _TERMINAL.search(s):
        return False
    last = s.split()[-1].lower()
    return last in res.lex["non_final"]


def _split_block(text: str, start: int, end: int, res: Resources) -> list[tuple[int, int]]:
    block = text[start:end]
    cuts = [0]
    for m in _BOUNDARY.finditer(block):
        cut = m.end()
        head = block[max(0, m.start() - 12): m.start() + 1]
        w = re.search(r"([\w.]+)[.!?]$", head)
        if w:
            word = w.group(1).lower().rstrip(".")
            if word in res.lex["abbrev"] or (len(word) == 1 and word.isalpha()):
                continue
            if re.fullmatch(r"(?:[a-z]\.)+[a-z]", word):  # U.S, U.N
                continue
        cuts.append(cut)
    cuts.append(len(block))
    spans = []
    for a, b in zip(cuts, cuts[1:]):
        seg = block[a:b]
        lead = len(seg) - len(seg.lstrip())
        trail = len(seg) - len(seg.rstrip())
        if b - trail > a + lead:
            spans.append((start + a + lead, start + b - trail))
    return spans


def split_sentences(text: str, title: str | None, res: Resources) -> list[Sentence]:
    lines = _lines(text)
    blocks: list[tuple[int, int, int]] = []  # (start, end, paragraph)
    para = 0
    i = 0
    summary_paras: set[int] = set()
    title_norm = re.sub(r"\s+", " ", title or "").strip().casefold()
    headline_blocks: set[int] = set()
    first_content = True
    while i < len(lines):
        s, e = lines[i]
        line = text[s:e]
        if not line.strip():
            para += 1
            i += 1
            continue
        if _is_noise(line, res):
            para += 1
            i += 1
            continue
        # Join a line broken inside a sentence with the next content line.
        while _ends_open(text[s:e], res) and i + 1 < len(lines) and text[lines[i + 1][0]:lines[i + 1][1]].strip():
            i += 1
            e = lines[i][1]
        block = text[s:e]
        stripped = block.strip()
        is_heading = stripped.startswith("#") or (not _TERMINAL.search(stripped) and len(stripped.split()) <= 25)
        if first_content and title_norm and re.sub(r"\s+", " ", stripped).casefold() == title_norm and not _TERMINAL.search(stripped):
            is_heading = True
        first_content = False
        low = stripped.lower()
        if any(low.startswith(o) for o in res.lex["summary_openers"]):
            summary_paras.add(para)
        blocks.append((s, e, para))
        if is_heading:
            headline_blocks.add(len(blocks) - 1)
        para += 1
        i += 1

    sentences: list[Sentence] = []
    for bi, (s, e, p) in enumerate(blocks):
        in_summary = False
        for a, b in _split_block(text, s, e, res):
            st = text[a:b]
            if any(st.lower().startswith(o) for o in res.lex["summary_openers"]):
                in_summary = True
            sentences.append(Sentence(len(sentences), a, b, st, p, bi in headline_blocks, in_summary or p in summary_paras))
    # Quotation state at each sentence start (curly quotes, or straight quotes by parity).
    out: list[Sentence] = []
    depth = 0
    for snt in sentences:
        open_at_start = depth > 0
        t = snt.text
        lo, lc = t.rfind("“"), t.rfind("”")
        if lo > lc:
            depth = 1
        elif lc >= 0:
            depth = 0
        if t.count('"') % 2:
            depth = 0 if depth else 1
        out.append(Sentence(snt.index, snt.start, snt.end, snt.text, snt.paragraph, snt.headline, snt.summary,
                            open_at_start))
        if out[-1].index + 1 < len(sentences) and sentences[out[-1].index + 1].paragraph != snt.paragraph:
            depth = 0
    return out
