# carequality: `make report` renders the default report; `make test` runs every test.
# Both create .venv when it is missing and install everything they need.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PARAMS ?= params/york/2025-26-example.yaml
OUT ?= outputs

.PHONY: report test lab bench example clean venv
.DEFAULT_GOAL := report

venv: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || { \
	  echo "python venv module missing: installing it (Debian)"; \
	  apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null && $(PYTHON) -m venv $(VENV); }
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

report: $(STAMP)
	$(BIN)/carequality render $(PARAMS) --out $(OUT)

test: $(STAMP)
	$(BIN)/python -m pytest

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

example: $(STAMP)
	$(BIN)/carequality example --out data/example

clean:
	rm -rf $(VENV) .pytest_cache tests/_artefacts
