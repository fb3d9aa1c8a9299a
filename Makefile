# Khabar: `make demo`, `make test`, `make run`. Each installs into .venv first if needed.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.khabar-installed
PYTEST_ARGS ?=

.PHONY: install demo run test serve worker clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

install: $(STAMP)

demo: install
	$(VENV)/bin/khabar demo

run: install
	$(VENV)/bin/khabar run

serve: install
	$(VENV)/bin/khabar serve

worker: install
	$(VENV)/bin/khabar worker

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

clean:
	rm -rf var .pytest_cache test-artifacts
