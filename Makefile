# Two commands a treasurer or maintainer needs on a fresh machine:
#   make serve   set up, then run Fava with the Funds page on the embedded demo books
#   make test    set up (Python packages and Debian's chromium, hledger, ledger), then run every test
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# Root needs no sudo (CI runs as root); a developer's machine may.
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: setup system-deps run serve test lint bench mutate clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# Browser tests drive Debian's chromium (never `playwright install`: nothing downloads at run time);
# differential tests and benchmarks compare with Debian's hledger and ledger.
system-deps:
	@missing=""; \
	for p in chromium:/usr/bin/chromium hledger:/usr/bin/hledger ledger:/usr/bin/ledger; do \
	  [ -x "$${p#*:}" ] || missing="$$missing $${p%%:*}"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q $$missing; \
	fi

# A quick look without a browser: check the demo books and summarise their funds.
run: setup
	$(BIN)/fundledger check

serve: setup
	$(BIN)/fundledger serve --host $(HOST) --port $(PORT)

test: setup system-deps
	BEANCOUNT_DISABLE_LOAD_CACHE=1 $(BIN)/python -m pytest -q

lint: setup
	$(BIN)/ruff check .

bench: setup system-deps
	$(BIN)/python bench/run.py

# Mutation testing of the money and privacy code, module by module (minutes each; not CI).
# The modules and their tests are listed in tools/mutate.py; `make mutate MODULES=ledger/plugin.py`
# runs one. Figures and every survivor's explanation: docs/testing.md.
mutate: setup
	$(BIN)/pip install --quiet -e '.[test,mutate]'
	$(BIN)/python tools/mutate.py $(MODULES)

clean:
	rm -rf $(VENV) .pytest_cache test-output mutate-output
