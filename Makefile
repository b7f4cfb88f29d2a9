# gigawatt: `make demo` runs the main job, `make test` runs the checks. Each bootstraps .venv.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HASH := $(shell sha256sum pyproject.toml | cut -c1-16)
STAMP := $(VENV)/.installed-$(HASH)
EXTRAS ?= all,dev

.PHONY: demo test lint typecheck pytest bench venv clean

venv: $(STAMP)

# (Re)install when .venv is missing or pyproject.toml changed since the last install.
$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[$(EXTRAS)]'
	@rm -f $(VENV)/.installed-*
	@touch $@

# The Altman audit's file name is the one the outlook report links to (report/outlook_html.py).
ALTMAN_REPORT = $(shell $(PY) -c "from gigawatt.report.outlook_html import AUDIT_REPORT; print(AUDIT_REPORT[1])")

demo: $(STAMP)
	@echo "== gigawatt audit edunov-2023 =="
	@$(VENV)/bin/gigawatt audit edunov-2023 --report reports/edunov-2023.html
	@echo
	@echo "== gigawatt audit altman-2024-breakthrough =="
	@$(VENV)/bin/gigawatt audit altman-2024-breakthrough --report reports/$(ALTMAN_REPORT)
	@echo
	@echo "== gigawatt outlook =="
	@$(VENV)/bin/gigawatt outlook --report reports/outlook.html

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests bench

typecheck: $(STAMP)
	$(VENV)/bin/mypy

# pytest exits 5 when it collects no tests; that is not a failure of the code under test.
pytest: $(STAMP)
	@$(PY) -m pytest; rc=$$?; if [ $$rc -eq 5 ]; then echo "pytest collected no tests"; exit 0; fi; exit $$rc

test: lint typecheck pytest

bench: $(STAMP)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[all,dev,bench]'
	@for script in bench/bench_*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

clean:
	rm -rf $(VENV) reports .pytest_cache .mypy_cache .ruff_cache
