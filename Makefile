# The README's two commands: `make demo` and `make test`. Both set everything up from scratch.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: install demo test lint typecheck pytest postgres bench console serve clean

$(STAMP): pyproject.toml
	python=$$(bash scripts/ensure-python.sh) && "$$python" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

demo: install
	$(VENV)/bin/pulse demo

console: install
	$(VENV)/bin/pulse console

serve: install
	$(VENV)/bin/pulse serve

postgres:
	@bash scripts/ensure-postgres.sh

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/vulture
	$(VENV)/bin/deptry .

typecheck: install
	$(VENV)/bin/mypy .

pytest: install postgres
	@$(VENV)/bin/pytest -q -p no:cacheprovider; status=$$?; \
	if [ $$status -eq 5 ]; then echo "make test: pytest collected no tests: failing" >&2; exit 1; fi; \
	exit $$status

test: lint typecheck pytest

bench: install postgres
	$(PY) -m bench

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache pulse.db pulse.db-* pulse-report
