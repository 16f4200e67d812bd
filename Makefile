# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: install run sandbox test lint format bench clean messages move-english

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "Samenspraak needs Python 3.11 or newer (found: $$($(PYTHON) --version))."; exit 2; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

run: install
	$(VENV)/bin/samenspraak run --or-sandbox

sandbox: install
	$(VENV)/bin/samenspraak sandbox $(if $(Q),--questionnaire $(Q))

# The suite in parallel: two pytest workers per CPU, at least four (most end-to-end tests
# wait on the network far more than they compute), each with its own databases; a worker
# that runs out of tests takes some of another's (worksteal). `make test TEST_WORKERS=0`
# runs it in one process. Then, alone, the few tests that count when messages reach the fake
# Bot API (marker `pacing`): another test's CPU would move their sends by more than the
# few hundredths of a second of headroom the budget keeps (bot/core/budget.py HEADROOM).
TEST_WORKERS ?= $(shell $(PYTHON) -c 'import os; print(max(4, 2 * (os.cpu_count() or 1)))')

test: install
	$(PY) -m pytest -n $(TEST_WORKERS) --dist worksteal -m 'not pacing'
	$(PY) -m pytest -m pacing

# ruff (style), mypy (types) and import-linter (the layers, pyproject.toml [tool.importlinter])
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: install
	$(PY) -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

# The gettext catalogs (flows/locales): add new and changed Dutch texts of flows/texts to
# every language's .po, then check them as the bot does at start.
messages: install
	$(PY) -m flows.texts.catalogs extract
	$(PY) -m flows.texts.catalogs check

# English lives in flows/locales/en only; a text that still has "en" next to "nl" in
# flows/texts (the old format, from an older branch) stops `make messages` until this moves
# it into the English catalog and cuts it from the Python source. Does nothing otherwise.
move-english: install
	$(PY) -m flows.texts.catalogs move-english
