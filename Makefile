# screengraph: the two commands are `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
SG := $(VENV)/bin/screengraph
FRONTEND := webapp/frontend
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup run test test-fast frontend browser neo4j-start neo4j-stop bench clean smoke-package

## setup: virtual environment with screengraph and its test tools, plus the built front-end
setup: $(VENV)/.installed frontend

$(VENV)/.installed: pyproject.toml scripts/find-python
	@python=$$(scripts/find-python) && echo "Using $$python" && \
	  { [ -x $(PY) ] || $$python -m venv $(VENV); }
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

frontend: webapp/static/dist/.built

# npm writes node_modules/.package-lock.json: a missing node_modules is reinstalled.
$(FRONTEND)/node_modules/.package-lock.json: $(FRONTEND)/package.json $(FRONTEND)/package-lock.json
	cd $(FRONTEND) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

webapp/static/dist/.built: $(FRONTEND)/node_modules/.package-lock.json $(wildcard $(FRONTEND)/src/*) $(wildcard $(FRONTEND)/vite.config.*)
	cd $(FRONTEND) && npm run build
	@touch $@

## run: set up, load the bundled sample listings into the embedded store, serve the app
run: setup
	$(SG) --backend embedded init
	$(SG) --backend embedded load samples/
	$(SG) --backend embedded serve --host $(HOST) --port $(PORT)

## browser: Debian's Chromium for the end-to-end tests (browser downloads fail here)
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  $$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get update -qq && \
	  $$( [ "$$(id -u)" = 0 ] || echo sudo ) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

## test: set up, start a local Neo4j (no Docker needed), run every test on both backends
test: setup browser
	cd $(FRONTEND) && npm test --silent
	@scripts/neo4j-local start
	@eval "$$(scripts/neo4j-local env)" && \
	  $(PY) -m pytest $(PYTEST_ARGS); status=$$?; \
	  scripts/neo4j-local stop; \
	  if [ $$status -eq 5 ]; then echo "pytest collected no tests: the suite is broken." >&2; fi; \
	  exit $$status

## test-fast: the tests against the embedded store only (no Neo4j, no browser)
# The published package, installed from its wheel in a fresh venv, used from outside the clone.
smoke-package: frontend
	scripts/smoke-package

test-fast: setup
	$(PY) -m pytest -m "not e2e" -k "not neo4j" $(PYTEST_ARGS)

neo4j-start:
	scripts/neo4j-local start
neo4j-stop:
	scripts/neo4j-local stop

## bench: load, query and web benchmarks on both backends (prints figures beside their baselines)
bench: setup
	@scripts/neo4j-local start
	@eval "$$(scripts/neo4j-local env)" && \
	  $(PY) -m benchmarks.load_throughput && \
	  $(PY) -m benchmarks.query_latency && \
	  $(PY) -m benchmarks.web_load; status=$$?; scripts/neo4j-local stop; exit $$status

clean:
	rm -rf $(VENV) webapp/static/dist $(FRONTEND)/node_modules .pytest_cache
