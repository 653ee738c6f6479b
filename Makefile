# Quick start:  make demo   (set up, then validate/plan/apply/plan on the bundled lab)
#               make test   (the whole test suite; what CI runs)
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin

.PHONY: setup demo test lint clean

$(BIN)/reconciler: pyproject.toml
	scripts/setup.sh $(PYTHON) $(VENV)

setup: $(BIN)/reconciler

demo: setup
	$(BIN)/python scripts/demo.py

test: setup
	$(BIN)/python -m pytest -q -n 2 --dist worksteal

lint: setup
	$(BIN)/ruff check reconciler tests
	$(BIN)/mypy reconciler

clean:
	rm -rf $(VENV) .lab .pytest_cache .mypy_cache .ruff_cache
