# Two commands a newcomer needs: `make run` and `make test`. Both install what they need.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501

.PHONY: run test lint bench screenshots format clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Stamp files: reinstall only when a requirements file changes.
$(VENV)/.runtime-installed: requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

run: $(VENV)/.runtime-installed  ## open the workbench on its built-in examples
	$(PY) -m streamlit run app.py --server.port $(PORT)

lint: $(VENV)/.dev-installed  ## ruff (style, imports, docstrings) and mypy on the library
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

test: lint  ## lint, then unit, property, doctest, AppTest and browser tests
	$(PY) -m pytest -n auto --dist loadgroup

bench: $(VENV)/.dev-installed  ## benchmarks against baselines measured in the same run
	$(PY) -m bench

screenshots: $(VENV)/.dev-installed  ## retake the README's screenshots in Chromium
	$(PY) docs/take_screenshots.py

format: $(VENV)/.dev-installed
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache .hypothesis
