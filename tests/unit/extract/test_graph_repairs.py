"""The graph repairs never make a token its own ancestor: a cycle in the heads would make every walk
up or down the tree, and the extraction of the whole article with it, run forever (a news article
did, in `_reattach_listed_subjects`)."""
from __future__ import annotations

import pytest

import services.extract.core.graph as graph
from schemas.parse import ParsedSentence
from services.extract.core.graph import Graph, Token, _cyclic, _reattach_listed_subjects

# (word, pos, head, dep) of 'The army has more men, and a Kremlin determined to force Kyiv.', as the
# parser may give it: 'determined' an auxiliary of 'force', 'force' a clause on 'Kremlin', and
# 'Kremlin' a conjunct of 'men' right before that auxiliary
_ROWS = [("The", "DT", 1, "det"), ("army", "NN", 2, "nsubj"), ("has", "VBZ", -1, "ROOT"), ("more", "JJR", 4, "amod"),
         ("men", "NNS", 2, "obj"), (",", ",", 4, "punct"), ("and", "CC", 8, "cc"), ("a", "DT", 8, "det"),
         ("Kremlin", "NNP", 4, "conj"), ("determined", "VBD", 11, "aux"), ("to", "TO", 11, "mark"),
         ("force", "VB", 8, "acl"), ("Kyiv", "NNP", 11, "obj"), (".", ".", 2, "punct")]


def _tokens() -> list[Token]:
    return [Token(i, w, w.lower(), p, i, i + 1, h, d, d.split(":")[0], p.startswith("VB"), p.startswith("NN"))
            for i, (w, p, h, d) in enumerate(_ROWS)]


def _sentence() -> ParsedSentence:
    return ParsedSentence(start=0, end=len(_ROWS), words=tuple(r[0] for r in _ROWS),
                          lemmas=tuple(r[0].lower() for r in _ROWS), pos=tuple(r[1] for r in _ROWS),
                          starts=tuple(range(len(_ROWS))), ends=tuple(range(1, len(_ROWS) + 1)),
                          heads=tuple(r[2] + 1 for r in _ROWS), deps=tuple(r[3] for r in _ROWS))


def test_cyclic_finds_a_loop_and_only_a_loop() -> None:
    tokens = _tokens()
    assert not _cyclic(tokens)
    looped = list(tokens)
    looped[8] = tokens[8]._replace(head=11)  # 'Kremlin' under 'force', which is under 'Kremlin'
    assert _cyclic(looped)


def test_a_name_above_the_verb_is_not_made_its_subject() -> None:
    assert not _cyclic(_reattach_listed_subjects(_tokens()))


def test_a_repair_that_would_loop_the_tree_is_not_applied(monkeypatch: pytest.MonkeyPatch) -> None:
    def looping(tokens: list[Token]) -> list[Token]:
        out = list(tokens)
        out[8] = tokens[8]._replace(head=11)
        return out

    monkeypatch.setattr(graph, "_REPAIRS", (looping,))
    g = Graph(_sentence(), 0, " " * len(_ROWS))
    assert not _cyclic(g.tokens)
    assert g.tokens[8].head == 4
    assert set(g.subtree(2)) == set(range(len(_ROWS)))  # the walk down ends, over every token
