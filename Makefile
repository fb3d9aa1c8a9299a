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
# Installed with apt when missing (as root, e.g. in CI); otherwise this fails, and so would
# those tests. KHABAR_SKIP_BROWSER_TESTS=1 skips both on a machine that cannot have a browser.
browser:
	@test -x /usr/bin/chromium || [ "$(KHABAR_SKIP_BROWSER_TESTS)" = 1 ] || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium \
	    && test -x /usr/bin/chromium || { echo "error: apt-get did not install /usr/bin/chromium" >&2; exit 1; }; \
	  else \
	    echo "error: the browser tests need /usr/bin/chromium; as root, with apt, make installs it:" >&2; \
	    echo "  sudo apt-get install chromium   (or KHABAR_SKIP_BROWSER_TESTS=1 make test to skip them)" >&2; \
	    exit 1; \
	  fi; }

# The site itself needs no browser.
demo: $(STAMP)
	$(VENV)/bin/khabar demo

run: $(STAMP)
	$(VENV)/bin/khabar run

serve: $(STAMP)
	$(VENV)/bin/khabar serve

worker: $(STAMP)
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
