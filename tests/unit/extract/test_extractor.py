"""Behaviour of the parser-based extractor on hand-made texts, parsed by the real CoreNLP
server (the session's `parse_cache` fixture); the extraction itself is pure."""
from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from schemas.article import Article
from schemas.parse import ParsedArticle
from services.extract.core import EXTRACTOR_VERSION, extract
from services.offline import extract_file

DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.fixture
def events(parse_cache):
    def run(text: str, pub: str = "2024-11-11", **kw):
        article = Article(id=kw.pop("id", "t1"), text=text, published_at=date.fromisoformat(pub), **kw)
        return extract(parse_cache.parse(article))
    return run


def one(evs, etype: str):
    found = [e for e in evs if e.type == etype]
    assert len(found) == 1, [(e.type, e.actor, [x.sentence for x in e.evidence]) for e in evs]
    return found[0]


def test_envelope_is_copied_from_the_article(events) -> None:
    now = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
    e = one(events("Russia launched a new offensive in the Kharkiv region on Friday.", source="Example Wire",
                   ingested_at=now), "offensive_launched")
    assert (e.article, e.published_at, e.source, e.ingested_at) == ("t1", date(2024, 11, 11), "Example Wire", now)
    assert e.extractor_version == EXTRACTOR_VERSION and e.schema_version == 1
    assert e.actor == "RUS" and e.time.start == date(2024, 11, 8)


def test_ids_are_deterministic_and_evidence_points_into_the_text(events) -> None:
    text = ("North Korea has sent about 11,000 soldiers to Russia, the Pentagon said on Monday. "
            "Ukrainian forces captured the village of Malaya Loknya, Kyiv said.")
    first, again = events(text), events(text)
    assert [e.event_id for e in first] == [e.event_id for e in again]
    assert len({e.event_id for e in first}) == len(first) >= 2
    for e in first:
        for ev in e.evidence:
            assert text[ev.start:ev.end] == ev.sentence


def test_other_languages_give_no_events() -> None:
    german = Article(id="de1", text="Die ukrainische Armee ist in die russische Region Kursk vorgedrungen.",
                     published_at=date(2024, 8, 10), language="de")
    assert extract(ParsedArticle(article=german, parser_version="x", language="de",
                                 status="unsupported_language")) == []


def test_claimed_by_a_named_speaker(events) -> None:
    e = one(events("Russia is bringing more and more soldiers to the Kursk region, Ukraine's top commander "
                   "said on Monday."), "troops_deployed")
    assert (e.actor, e.modality, [c.party for c in e.claimants]) == ("RUS", "claimed", ["UKR"])


def test_denials_and_expectations(events) -> None:
    assert one(events("Kyiv denied that Russia had recaptured Sudzha."), "territory_claimed").modality == "denied"
    assert one(events("North Korea plans to send more troops to Russia next year."),
               "troops_deployed").modality == "expected"


def test_questions_conditions_and_history_give_no_events(events) -> None:
    assert events("Will Russia launch a new offensive in Kursk?") == []
    assert events("If Russia attacks the Baltic states, NATO will respond.") == []
    assert events("Russia annexed the Amur region in 1858.", pub="2025-03-13") == []


def test_casualty_figures_from_their_head_noun(events) -> None:
    e = one(events("Ukraine says its forces have killed or wounded about 3,000 North Korean soldiers."),
            "casualties_claimed")
    assert e.actor == "PRK"
    assert [(q.kind, q.value, q.approx) for q in e.quantities] == [("killed_or_wounded", 3000, True)]


def test_extract_file_writes_one_event_per_line(tmp_path: Path, parse_cache) -> None:
    out = tmp_path / "events.jsonl"
    n = extract_file(DATA / "seed-articles.jsonl", out, parses=parse_cache)
    lines = out.read_text().splitlines()
    assert n == len(lines) > 20
    assert all(json.loads(line)["type"] for line in lines)


def test_a_country_named_as_a_party_is_not_where_the_event_was(events) -> None:
    """'support from Pyongyang', 'strikes by Russia': a party, not a place of the offensive."""
    e = one(events("Ukraine launched a surprise offensive in August, while Russia relied on support from Pyongyang."),
            "offensive_launched")
    assert "Pyongyang" not in [loc.name for loc in e.locations]


def test_a_quotation_is_said_by_the_speaker_named_where_it_closes(events) -> None:
    evs = events("Ukrainian forces are holding Myrnohrad. \u201cThe situation in the Myrnohrad area remains difficult. "
                 "The enemy is actively shelling Myrnohrad with aerial bombs. Defence forces are destroying enemy "
                 "assault groups using all available means,\u201d the Ukrainian military said.", pub="2025-12-09")
    strike = one(evs, "strike")
    assert strike.modality == "claimed" and [c.party for c in strike.claimants] == ["UKR"]


def test_a_speaker_named_again_keeps_the_party_the_article_gave_them(events) -> None:
    evs = events("Ukraine's Deputy Defence Minister Hanna Maliar said the situation was difficult. "
                 "Ukraine's forces have liberated the village of Robotyne, Maliar said.", pub="2023-08-28")
    e = one(evs, "territory_claimed")
    assert [(c.party, c.name) for c in e.claimants] == [("UKR", "Maliar")]


def test_a_speech_participle_on_a_reported_clause_is_the_reporters(events) -> None:
    evs = events("The ministry said fighting continues, noting that over the past day Ukrainian troops launched "
                 "six attacks in the Kursk region.", pub="2024-08-31")
    e = one(evs, "offensive_launched")
    assert [c.name for c in e.claimants] == ["The ministry"]


def test_a_note_mark_after_a_sentence_does_not_make_it_a_headline(events) -> None:
    """'... a proposed ceasefire.1': a sentence with a footnote's number still ends as a sentence;
    read as headline lines, the opening sentences' events would be left out (no body told them)."""
    text = ("Following talks in Jeddah, the United States has agreed to resume military aid to Ukraine.1\n"
            "Ukraine has agreed to a U.S. proposal for a 30-day ceasefire.2\n"
            "President Donald Trump addressed the proposal at a White House event on Tuesday.")
    evs = events(text, pub="2025-03-12")
    assert one(evs, "military_aid").actor == "USA"
