# Commentary Q&A. `make help` lists the targets.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
CORPUS  ?= corpus
HOST    ?= 127.0.0.1
PORT    ?= 7860
EVAL_DATA ?= ../shared/eval-data
export HF_HUB_OFFLINE=1
export TRANSFORMERS_OFFLINE=1
export GRADIO_ANALYTICS_ENABLED=False

.DEFAULT_GOAL := help
.PHONY: help setup run serve ingest test test-slow bench load eval calibrate check fmt clean browser

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	# One pip command with torch pinned, so pip takes the CPU build on disk, not a CUDA one.
	$(BIN)/pip install --disable-pip-version-check -q -e '.[dev]' torch==2.13.0
	touch $(STAMP)

setup: $(STAMP) ## Create .venv and install the pinned dependencies

ingest: $(STAMP) ## Ingest corpus/ into the default index (incremental)
	$(BIN)/cqa ingest $(CORPUS)

run: $(STAMP) ## Set up, ingest corpus/ if missing or stale, serve the chat on http://127.0.0.1:7860
	$(BIN)/cqa ingest $(CORPUS)
	$(BIN)/cqa serve --host $(HOST) --port $(PORT)

serve: run ## Same as run

# Tests run in a network namespace with only loopback when this machine allows one (root with
# unshare), so any hidden download by the app, a model loader, Gradio or a test fails loudly.
NETNS := $(shell [ "$$(id -u)" = 0 ] && unshare -n true 2>/dev/null && command -v ip >/dev/null && echo yes)
ifeq ($(NETNS),yes)
OFFLINE := unshare -n sh -c 'ip link set lo up && exec "$$0" "$$@"'
endif

# Browser tests drive Debian's chromium (Playwright's own browser download cannot work offline).
browser:
	@command -v chromium >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } || \
	  { echo "chromium is missing: install Debian's chromium package (as root)"; exit 1; }

test: $(STAMP) browser ## Set up and run the whole test suite (offline: loopback only)
	$(OFFLINE) $(BIN)/pytest -m "not slow"

test-slow: $(STAMP) ## The slower checks kept out of `make test`
	# exit 5 means no test carries the marker yet, which is not a failure
	$(BIN)/pytest -m slow || [ $$? -eq 5 ]

bench: $(STAMP) ## Ingest throughput and ask latency (p50/p95) on this machine
	$(BIN)/python bench/bench.py --corpus $(CORPUS)

load: $(STAMP) ## Bounded loopback load test: 16 clients x 60 s on cqa serve, then cqa batch on 10,000 questions
	$(OFFLINE) $(BIN)/python bench/load.py

eval: $(STAMP) ## Quality vs. baselines on ../shared/eval-data (seed gold set, ClapNQ, Perspectrum)
	$(BIN)/cqa eval --data $(EVAL_DATA) --work .cqa-eval

calibrate: $(STAMP) ## Refit the strict answerer's support score on ClapNQ dev + seed gold (cross-validated)
	$(BIN)/python -m evaluation.calibrate --data $(EVAL_DATA) --work .cqa-eval

check: $(STAMP) ## ruff (lint + format check) and mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

fmt: $(STAMP) ## Apply ruff's formatting and safe fixes
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean: ## Remove the venv, the default index and caches
	rm -rf $(VENV) .cqa-index .cqa-eval .pytest_cache .mypy_cache .ruff_cache artifacts
