# Claimline services image: `claimline ingest serve`, `claimline parse run`,
# `claimline extract run`, `claimline timeline serve` (see deploy/docker-compose.yml).
# The parser (Stanford CoreNLP) runs in its own image: deploy/local/corenlp/Dockerfile.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Dependencies first, so editing the code does not reinstall them.
COPY pyproject.toml README.md* ./
RUN mkdir -p services schemas && touch services/__init__.py schemas/__init__.py \
    && pip install . \
    && pip uninstall -y claimline \
    && rm -rf services schemas build *.egg-info

COPY services ./services
COPY schemas ./schemas
RUN pip install --no-deps . && rm -rf build *.egg-info

RUN useradd --create-home --uid 10001 claimline \
    && mkdir -p /data && chown claimline /data
USER claimline
ENV CLAIMLINE_DATA_DIR=/data

EXPOSE 8000 8001 6066 6067
CMD ["claimline", "--help"]
