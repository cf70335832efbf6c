# Claimline: developer entry points.  `make help` lists them.
#
#   make test              unit + integration tests against a real Kafka broker and Redis
#                          (the fixtures start both on free ports; nothing else needs to run)
#   make up / make down    Kafka + Redis + CoreNLP + the four services in the background (.run/)

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON_SYS ?= python3
VENV       ?= .venv
PY         := $(VENV)/bin/python
STAMP      := $(VENV)/.claimline-installed
PYTEST_ARGS ?=

KAFKA_PORT            ?= 9092
KAFKA_CONTROLLER_PORT ?= 9093
REDIS_PORT            ?= 6379
PARSER_PORT           ?= 9000

KAFKA_SH    := deploy/local/kafka.sh
REDIS_SH    := deploy/local/redis.sh
CORENLP_SH  := deploy/local/corenlp.sh
SERVICES_SH := deploy/local/services.sh

# What `make up` hands the services (CLAIMLINE_* are services.common.settings.Settings fields).
UP_ENV := CLAIMLINE_KAFKA_BOOTSTRAP=127.0.0.1:$(KAFKA_PORT) CLAIMLINE_REDIS_URL=redis://127.0.0.1:$(REDIS_PORT)/0 \
          CLAIMLINE_PARSER_URL=http://127.0.0.1:$(PARSER_PORT)

.PHONY: help venv deps lint test test-unit test-integration kafka-fetch kafka-up kafka-down kafka-status \
        redis-install redis-up redis-down redis-status parser-fetch parser-up parser-down parser-status up down status demo bench clean distclean \
        assets

help:
	@echo "make venv              create $(VENV) and install the project with its test extras"
	@echo "make lint              ruff, mypy and the import-linter layer contracts (all configured in pyproject.toml)"
	@echo "make assets            vendor the page's map libraries and basemap from npm (deploy/local/assets.sh)"
	@echo "make test              the whole test suite: unit + integration (real Kafka and Redis)"
	@echo "make test-unit         tests that need no broker, parser or browser (-m 'not integration and not browser and not parser')"
	@echo "make test-integration  tests against a real Kafka broker and Redis server"
	@echo "make kafka-up|kafka-down|kafka-status   local KRaft broker on 127.0.0.1:$(KAFKA_PORT)"
	@echo "make redis-up|redis-down|redis-status   local redis-server on 127.0.0.1:$(REDIS_PORT)"
	@echo "make parser-fetch|parser-up|parser-down|parser-status   Stanford CoreNLP server on 127.0.0.1:$(PARSER_PORT)"
	@echo "make up|down|status    infrastructure + ingest, parse, extract, timeline in the background (.run/)"
	@echo "make demo [PORT=8000] [HOST=127.0.0.1] [DATA_DIR=.claimline]   run 'claimline demo' (embedded, web page)"
	@echo "make bench             run every bench/*.py"
	@echo "make clean             stop everything and remove .run/ and build leftovers (distclean: also $(VENV), .cache/)"

# ---- Python environment ---------------------------------------------------------------
# Re-installs only when pyproject.toml changed (or the venv is new).
venv: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON_SYS) -m venv $(VENV) || { \
	  echo "python3 -m venv failed; installing python3-venv"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null; \
	  rm -rf $(VENV); $(PYTHON_SYS) -m venv $(VENV); }
	$(PY) -m pip install -q --disable-pip-version-check --upgrade pip
	$(PY) -m pip install -q --disable-pip-version-check -e ".[test]"
	@touch $@

# System pieces the integration tests need: the broker's and the parser's jars (Maven Central,
# cached in .cache/kafka-libs, .cache/corenlp-libs and ~/.m2) and redis-server (apt when missing).
deps: kafka-fetch parser-fetch redis-install

# The web page's map and chart libraries and its basemap (npm, pinned by
# deploy/assets/package-lock.json), copied into services/timeline/web/static/vendor/.
assets:
	@bash deploy/local/assets.sh build

# ---- Static checks ---------------------------------------------------------------------
# Each gate runs even when an earlier one failed, so one run reports everything; the target
# fails when any of them did.
LINT_PATHS := schemas services tests bench

lint: venv
	@rc=0; \
	echo "== ruff"; $(VENV)/bin/ruff check $(LINT_PATHS) || rc=1; \
	echo "== mypy"; $(VENV)/bin/mypy || rc=1; \
	echo "== lint-imports"; $(VENV)/bin/lint-imports || rc=1; \
	exit $$rc

# ---- Tests ----------------------------------------------------------------------------
test: venv deps assets
	$(PY) -m pytest -q $(PYTEST_ARGS)

test-unit: venv
	$(PY) -m pytest -q -m "not integration and not browser and not parser" $(PYTEST_ARGS)

test-integration: venv deps
	$(PY) -m pytest -q -m integration $(PYTEST_ARGS)

# ---- Infrastructure -------------------------------------------------------------------
kafka-fetch:
	@bash $(KAFKA_SH) fetch

kafka-up: kafka-fetch
	@bash $(KAFKA_SH) start $(KAFKA_PORT) $(KAFKA_CONTROLLER_PORT)

kafka-down:
	@bash $(KAFKA_SH) stop

kafka-status:
	@bash $(KAFKA_SH) status

redis-install:
	@bash $(REDIS_SH) install

redis-up:
	@bash $(REDIS_SH) start $(REDIS_PORT)

redis-down:
	@bash $(REDIS_SH) stop

redis-status:
	@bash $(REDIS_SH) status

parser-fetch:
	@bash $(CORENLP_SH) fetch

parser-up: parser-fetch
	@bash $(CORENLP_SH) start $(PARSER_PORT)

parser-down:
	@bash $(CORENLP_SH) stop

parser-status:
	@bash $(CORENLP_SH) status

# ---- The whole system in the background -----------------------------------------------
up: venv assets kafka-up redis-up parser-up
	@$(UP_ENV) bash $(SERVICES_SH) start
	@echo "up: Kafka 127.0.0.1:$(KAFKA_PORT), Redis 127.0.0.1:$(REDIS_PORT), CoreNLP 127.0.0.1:$(PARSER_PORT); logs in .run/ ('make down' stops it all)"

down:
	@bash $(SERVICES_SH) stop
	@bash $(KAFKA_SH) stop
	@bash $(REDIS_SH) stop
	@bash $(CORENLP_SH) stop

status:
	@bash $(SERVICES_SH) status || true
	@bash $(KAFKA_SH) status || true
	@bash $(REDIS_SH) status || true
	@bash $(CORENLP_SH) status || true

# ---- Other entry points ---------------------------------------------------------------
# `make demo PORT=8080 HOST=0.0.0.0 DATA_DIR=/tmp/claimline`: each is passed on when set
# (claimline demo's defaults: 127.0.0.1, 8000, CLAIMLINE_DATA_DIR or .claimline).
DEMO_ARGS := $(if $(HOST),--host $(HOST)) $(if $(PORT),--port $(PORT)) $(if $(DATA_DIR),--data-dir $(DATA_DIR))

demo: venv assets parser-fetch
	$(VENV)/bin/claimline demo $(DEMO_ARGS)

bench: venv
	@shopt -s nullglob; scripts=(bench/*.py); \
	if (( $${#scripts[@]} == 0 )); then echo "bench: no bench/*.py yet"; exit 0; fi; \
	for s in "$${scripts[@]}"; do case "$$s" in */__init__.py|*/common.py) continue;; esac; \
	  echo "== $$s"; $(PY) "$$s"; done

clean: down
	rm -rf .run .pytest_cache build dist test-output
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) .cache *.egg-info
