# Two commands: `make demo` (set up, then decide the shipped examples) and
# `make test` (set up, then ruff, mypy --strict and pytest).
#
# Setting up is one editable install of the project with its dev extra into .venv: source
# and rule edits take effect without reinstalling, so only a change to pyproject.toml (new
# dependencies, entry points) installs again.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-editable

.PHONY: demo test lint typecheck pytest bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/imsa-eligibility validate profiles/examples profiles/TEMPLATE.yaml
	$(BIN)/imsa-eligibility check profiles/examples; rc=$$?; \
	  if [ $$rc -eq 1 ] || [ $$rc -eq 2 ]; then exit $$rc; fi; \
	  echo "demo: decisions made (exit code $$rc reflects the most severe outcome)"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy imsa_eligibility cli tests bench

pytest: $(STAMP)
	$(BIN)/pytest -n auto

test: lint typecheck pytest

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) build dist *.egg-info .mypy_cache .pytest_cache .ruff_cache
