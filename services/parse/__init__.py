"""The parse stage: articles in, parsed articles (tokens, lemmas, POS, dependencies) out."""
