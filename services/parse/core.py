"""Pure parts of the parse stage: language detection and CoreNLP's JSON to a `ParsedArticle`.

No I/O: the HTTP call to the CoreNLP server lives in `corenlp.py`, so these functions are
tested on recorded parser output.
"""
from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from schemas.article import Article
from schemas.parse import PARSER_VERSION, SUPPORTED_LANGUAGES, ParsedArticle, ParsedSentence

# Below this many letters a language guess is noise; such texts are read as English.
_MIN_LETTERS_FOR_GUESS = 40
# The languages a guess may name: major languages of news about the war. py3langid knows 97,
# and on short English texts some small ones (Nigerian Pidgin, Scots) win by a hair.
CANDIDATE_LANGUAGES = ("en", "de", "fr", "es", "it", "pt", "nl", "pl", "ru", "uk", "be", "cs", "sk", "ro", "hu",
                       "bg", "sr", "hr", "sv", "da", "no", "fi", "et", "lv", "lt", "el", "tr", "ar", "fa", "he",
                       "hi", "ur", "zh", "ja", "ko", "vi", "th", "id", "ms", "ka", "hy", "az", "kk")


@lru_cache(maxsize=1)
def _identifier() -> Any:
    # py3langid ships its model inside the wheel; building the identifier takes ~0.3 s, so once.
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(CANDIDATE_LANGUAGES))
    return identifier


def detect_language(text: str, declared: str | None = None) -> str:
    """The article's language as an ISO 639-1 code: what the source declared, else a guess
    from the text (py3langid)."""
    if declared:
        return declared.strip().lower().split("-")[0].split("_")[0]
    sample = text[:4000]
    if sum(ch.isalpha() for ch in sample) < _MIN_LETTERS_FOR_GUESS:
        return "en"
    code, _ = _identifier().classify(sample)
    return str(code)


def is_supported(language: str) -> bool:
    return language in SUPPORTED_LANGUAGES


def unsupported(article: Article, language: str) -> ParsedArticle:
    return ParsedArticle(article=article, parser_version=PARSER_VERSION, language=language,
                         status="unsupported_language")


def from_corenlp(article: Article, doc: Mapping[str, Any], language: str = "en") -> ParsedArticle:
    """Convert the CoreNLP server's JSON (`outputFormat=json`) for `article.text`."""
    sentences = []
    for s in doc.get("sentences", ()):
        tokens = s["tokens"]
        n = len(tokens)
        if n == 0:
            continue
        heads = [0] * n
        deps = ["dep"] * n
        for d in s.get("basicDependencies", ()):
            i = d["dependent"] - 1
            if 0 <= i < n:
                heads[i] = d["governor"]
                deps[i] = d["dep"]
        sentences.append(ParsedSentence(
            start=tokens[0]["characterOffsetBegin"],
            end=tokens[-1]["characterOffsetEnd"],
            words=tuple(t["originalText"] if "originalText" in t else t["word"] for t in tokens),
            lemmas=tuple(t.get("lemma", t["word"]) for t in tokens),
            pos=tuple(t["pos"] for t in tokens),
            starts=tuple(t["characterOffsetBegin"] for t in tokens),
            ends=tuple(t["characterOffsetEnd"] for t in tokens),
            heads=tuple(heads),
            deps=tuple(deps),
        ))
    return ParsedArticle(article=article, parser_version=PARSER_VERSION, language=language,
                         sentences=tuple(sentences))
