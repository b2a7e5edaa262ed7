# Two commands: `make demo` (set up, then decide the shipped examples) and
# `make test` (set up with the dev extra, then ruff, mypy --strict and pytest).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEVSTAMP := $(VENV)/.installed-dev

.PHONY: demo test lint typecheck pytest bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The CLI is installed under the import name imsa_eligibility_cli (a path rewrite that
# editable installs cannot do), so the project is installed as a wheel and reinstalled
# whenever a source or rule file changes.
SOURCES := pyproject.toml $(shell find imsa_eligibility cli rules -name '*.py' -o -name '*.yaml' 2>/dev/null)

$(STAMP): $(SOURCES) | $(BIN)/python
	$(BIN)/python -m pip install --quiet .
	touch $(STAMP)

$(DEVSTAMP): $(SOURCES) | $(BIN)/python
	$(BIN)/python -m pip install --quiet '.[dev]'
	touch $(STAMP) $(DEVSTAMP)

demo: $(STAMP)
	$(BIN)/imsa-eligibility validate profiles/examples profiles/TEMPLATE.yaml
	$(BIN)/imsa-eligibility check profiles/examples; rc=$$?; \
	  if [ $$rc -eq 1 ] || [ $$rc -eq 2 ]; then exit $$rc; fi; \
	  echo "demo: decisions made (exit code $$rc reflects the most severe outcome)"

lint: $(DEVSTAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(DEVSTAMP)
	$(BIN)/mypy imsa_eligibility cli tests bench

pytest: $(DEVSTAMP)
	$(BIN)/pytest

test: lint typecheck pytest

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) build dist .mypy_cache .pytest_cache .ruff_cache
