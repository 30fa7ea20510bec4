# newsaudit: `make demo` and `make test` are the two commands a fresh clone needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8808

.PHONY: install demo serve-demo test lint format bench schemas clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Re-install only when the dependency list changes: idempotent and fast otherwise.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Serve the bundled demo site, crawl and audit it into output/<run-id>/, stop the server.
demo: install
	$(BIN)/newsaudit demo --port $(PORT)

# Only serve the demo site on 127.0.0.1:$(PORT) (Ctrl-C stops it).
serve-demo: install
	$(BIN)/newsaudit serve-demo --port $(PORT)

test: install
	$(BIN)/python -m pytest -q

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install
	$(BIN)/python bench/extraction.py
	$(BIN)/python bench/audit_speed.py
	$(BIN)/python bench/cpu_pool.py
	$(BIN)/python bench/crawl.py

# Rebuild schemas/bundle.json (every schema in one file) after changing schemas/.
schemas: install
	$(BIN)/python -m audit.schema_bundle

clean:
	rm -rf $(VENV) build *.egg-info
