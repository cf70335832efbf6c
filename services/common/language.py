"""Which language an article is in: read by ingest (to say so when an article will give no
events) and by the parse stage (to parse only what the rules can read). Pure: the model ships
inside the py3langid wheel."""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from schemas.parse import SUPPORTED_LANGUAGES

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
