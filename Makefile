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
.PHONY: help setup run serve ingest test test-slow bench check fmt clean

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

test: $(STAMP) ## Set up and run the whole test suite
	$(BIN)/pytest -m "not slow"

test-slow: $(STAMP) ## The slower checks kept out of `make test`
	# exit 5 means no test carries the marker yet, which is not a failure
	$(BIN)/pytest -m slow || [ $$? -eq 5 ]

bench: $(STAMP) ## Ingest throughput and ask latency (p50/p95) on this machine
	$(BIN)/python bench/bench.py --corpus $(CORPUS)

check: $(STAMP) ## ruff (lint + format check) and mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

fmt: $(STAMP) ## Apply ruff's formatting and safe fixes
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean: ## Remove the venv, the default index and caches
	rm -rf $(VENV) .cqa-index .pytest_cache .mypy_cache .ruff_cache artifacts
