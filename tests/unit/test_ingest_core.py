"""Ingest's pure parsing and validation: every problem named by item and field."""
from datetime import UTC, datetime

from schemas.article import MAX_TEXT_CHARS, derive_article_id
from services.ingest.core import parse_submission
from services.ingest.files import read_items, txt_article

NOW = datetime(2025, 5, 1, 12, 0, tzinfo=UTC)


def test_one_json_article_gets_a_content_id_and_the_ingestion_time():
    sub = parse_submission(b'{"text": "Russia said it captured Kurakhove.", "published_at": "2025-01-06"}',
                           "application/json", now=NOW)
    assert sub.problems == []
    [article] = sub.articles
    assert article.id == derive_article_id("Russia said it captured Kurakhove.")
    assert article.published_at.isoformat() == "2025-01-06" and article.ingested_at == NOW


def test_same_text_with_other_whitespace_gets_the_same_id():
    assert derive_article_id("a  b\n c") == derive_article_id(" a b c ")
    assert derive_article_id("a b c") != derive_article_id("a b d")


def test_missing_date_falls_back_to_ingestion_day_and_says_so():
    [article] = parse_submission(b'{"text": "x"}', "application/json", now=NOW).articles
    assert article.published_at == NOW.date() and article.published_at_inferred is True


def test_timestamps_are_accepted_as_dates():
    [article] = parse_submission(b'{"text": "x", "published_at": "2025-01-06T10:00:00Z"}', "application/json",
                                 now=NOW).articles
    assert article.published_at.isoformat() == "2025-01-06"


def test_ndjson_and_arrays_give_many():
    body = b'{"text": "a"}\n\n{"text": "b", "id": "my-id"}\n'
    sub = parse_submission(body, "application/x-ndjson", now=NOW)
    assert [a.id for a in sub.articles][1] == "my-id" and len(sub.articles) == 2
    assert len(parse_submission(b'[{"text": "a"}, {"text": "b"}]', "application/json", now=NOW).articles) == 2


def test_problems_name_item_and_field():
    body = b'{"text": "ok"}\n{"title": "no text"}\n{"text": "x", "published_at": "soon"}\n'
    sub = parse_submission(body, "application/x-ndjson", now=NOW)
    assert [(p.item, p.field) for p in sub.problems] == [(1, "text"), (2, "published_at")]


def test_broken_json_and_wrong_shapes_are_named():
    assert "not valid JSON" in parse_submission(b"{nope", "application/json", now=NOW).problems[0].message
    assert "expected a JSON object" in parse_submission(b"[1]", "application/json", now=NOW).problems[0].message
    assert parse_submission(b"", "application/json", now=NOW).problems[0].message == "body is empty"
    assert parse_submission(b'{"text": "   "}', "application/json", now=NOW).problems[0].field == "text"
    assert parse_submission(b'{"text": "x", "id": "has space"}', "application/json", now=NOW).problems[0].field == "id"


def test_overlong_text_is_too_large_not_invalid():
    body = ('{"text": "' + "a" * (MAX_TEXT_CHARS + 1) + '"}').encode()
    sub = parse_submission(body, "application/json", now=NOW)
    assert sub.too_large and sub.problems[0].field == "text"


def test_txt_pages_take_the_first_non_empty_line_as_title(tmp_path):
    assert txt_article("\n\nHeadline here\nBody.")["title"] == "Headline here"
    (tmp_path / "a.txt").write_text("Title\nText.")
    (tmp_path / "b.jsonl").write_text('{"text": "one"}\nnot json\n')
    (tmp_path / "c.json").write_text('[{"text": "two"}]')
    (tmp_path / "ignored.csv").write_text("x")
    items = list(read_items(tmp_path))
    assert [w.rsplit("/", 1)[-1] for w, _ in items] == ["a.txt", "b.jsonl:1", "b.jsonl:2", "c.json[0]"]
    assert isinstance(items[2][1], ValueError)
