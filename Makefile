# `make run` starts the bot; `make test` runs the checks. Both work from a fresh clone:
# they create .venv with Python 3.12 and install the project with its dev extras first.
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint typecheck pytest bench clean

run: $(STAMP)
	$(BIN)/groundswell run

test: $(STAMP)
	@./scripts/ensure-postgres
	@./scripts/ensure-chromium
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/pytest

$(BIN)/python:
	@PY=$$(./scripts/find-python312) || exit 1; "$$PY" -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
