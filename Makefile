# Khabar: `make demo`, `make test`, `make run`. Each installs into .venv first if needed.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.khabar-installed
PYTEST_ARGS ?=

.PHONY: install browser demo run test lint serve worker clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

install: $(STAMP) browser

# The browser tests (tests/test_browser.py) drive Debian's Chromium at /usr/bin/chromium.
# Installed with apt when missing (as root, e.g. in CI); otherwise those tests are skipped.
browser:
	@test -x /usr/bin/chromium || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium; \
	  else echo "note: /usr/bin/chromium missing (sudo apt-get install chromium); browser tests will be skipped"; fi; }

demo: install
	$(VENV)/bin/khabar demo

run: install
	$(VENV)/bin/khabar run

serve: install
	$(VENV)/bin/khabar serve

worker: install
	$(VENV)/bin/khabar worker

# Style (ruff) and import contracts (import-linter, [tool.importlinter] in pyproject.toml).
lint: $(STAMP)
	$(VENV)/bin/ruff check khabar tests bench
	$(VENV)/bin/ruff format --check khabar tests bench
	$(VENV)/bin/lint-imports

test: install lint
	$(PY) -m pytest $(PYTEST_ARGS)

clean:
	rm -rf var .pytest_cache test-artifacts
