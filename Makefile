# supportkb: every setup step lives here so a fresh Debian machine with Python can run it all.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
ADDR ?= 127.0.0.1:8000

.PHONY: setup run build check test browser eval bench adopt-check clean

$(BIN)/kb: pyproject.toml
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { \
	  echo "python3-venv is missing; installing it (needs root)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv && $(PYTHON) -m venv $(VENV); }
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	@touch $(BIN)/kb

setup: $(BIN)/kb

## Build the sample help center and serve it on 127.0.0.1 (the main job).
run: setup
	$(BIN)/kb build
	$(BIN)/kb serve --dev-addr $(ADDR)

build: setup
	$(BIN)/kb build

check: setup
	$(BIN)/kb check

## Headless Chromium for the browser tests: Debian's package at /usr/bin/chromium (never
## `playwright install`). Playwright comes with the test extra; axe-core is vendored in tests/site/vendor/.
browser:
	@test -x /usr/bin/chromium || { \
	  echo "installing Debian's chromium for the browser tests (needs root)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core; }

## Set up and run the whole test suite.
test: setup browser
	$(BIN)/python -m pytest -q

## Accuracy on the dev datasets in ../shared/data (search, gaps, staleness), beside baselines.
eval: setup
	$(BIN)/python benchmarks/eval_search.py
	$(BIN)/python benchmarks/eval_gaps.py
	$(BIN)/python benchmarks/ceiling_gaps.py
	$(BIN)/python benchmarks/eval_staleness.py
	$(BIN)/python benchmarks/eval_site_search.py --limit 625

## Speed and size benchmarks (medians of >= 3 runs; JSON under benchmarks/results/). Takes a while.
bench: setup browser
	$(BIN)/python benchmarks/bench_build.py
	$(BIN)/python benchmarks/bench_site_search.py
	$(BIN)/python benchmarks/bench_search.py
	$(BIN)/python benchmarks/bench_api_load.py
	$(BIN)/python benchmarks/bench_gaps.py
	$(BIN)/python benchmarks/bench_staleness.py

## Bring your own help center: each fixture help center (plain folder, MkDocs, Docusaurus, GitBook,
## Obsidian) imported or adopted, checked and built; screenshots under /tmp/shots-adopt-check/.
adopt-check: setup browser
	$(BIN)/python benchmarks/adopt_check.py --shots /tmp/shots-adopt-check --json benchmarks/results/adopt_check.json

clean:
	rm -rf site .site.tmp-* .site.old-* .kb-cache
