# Two commands: `make demo` (set up, then decide the shipped examples) and
# `make test` (set up, then ruff, mypy --strict, pytest and the rule cases' coverage).
#
# Setting up is one editable install of the project with its dev extra into .venv: source
# and rule edits take effect without reinstalling, so only a change to pyproject.toml (new
# dependencies, entry points) installs again.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-editable

.PHONY: demo test lint typecheck pytest rules-coverage bench clean

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

# The reference rules' cases must reach every rule x nation x verdict they reach today
# (100.0%, rounded down): a new rule, nation or verdict needs its cases.
RULES_COVERAGE ?= 100

rules-coverage: $(STAMP)
	$(BIN)/imsa-eligibility rules test --coverage --fail-under $(RULES_COVERAGE)

test: lint typecheck pytest rules-coverage

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) build dist *.egg-info .mypy_cache .pytest_cache .ruff_cache
