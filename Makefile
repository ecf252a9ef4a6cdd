# carequality: `make report` renders the default report; `make test` runs every test.
# Both create .venv when it is missing and install everything they need.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PARAMS ?= params/york/2025-26-example.yaml
OUT ?= outputs
FORMATS ?= html,pdf,xlsx,ods,docx
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
AXE := tests/js/node_modules/axe-core/axe.min.js
# command:Debian package. Chromium prints the PDF, pandoc writes the DOCX (both at run time); poppler-utils
# checks the PDF and npm installs axe-core (tests only). fonts-liberation is always added when missing.
REPORT_DEBS := chromium:chromium pandoc:pandoc
TEST_DEBS := $(REPORT_DEBS) pdfinfo:poppler-utils pdftoppm:poppler-utils npm:npm

.PHONY: report test lint lab bench example clean venv sysdeps sysdeps-report
.DEFAULT_GOAL := report

venv: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || { \
	  echo "python venv module missing: installing it (Debian)"; \
	  apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null && $(PYTHON) -m venv $(VENV); }
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

# Debian packages, installed only when a command is missing (apt-get needs root: sudo is used otherwise).
define apt_install
	@missing=""; for pair in $(1); do command -v $${pair%%:*} >/dev/null 2>&1 || missing="$$missing $${pair#*:}"; done; \
	[ -e /usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf ] || missing="$$missing fonts-liberation"; \
	if [ -n "$$missing" ]; then \
	  missing=$$(echo $$missing | tr ' ' '\n' | sort -u | tr '\n' ' '); \
	  echo "Installing Debian packages: $$missing"; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi
endef

sysdeps-report:
	$(call apt_install,$(REPORT_DEBS))

sysdeps:
	$(call apt_install,$(TEST_DEBS))

# axe-core from the npm registry, pinned by tests/js/package-lock.json, for the accessibility test.
$(AXE): tests/js/package.json tests/js/package-lock.json | sysdeps
	npm ci --prefix tests/js --no-audit --no-fund --loglevel=error
	@touch $@

report: $(STAMP) sysdeps-report
	$(BIN)/carequality render $(PARAMS) --out $(OUT) --to $(FORMATS)

# Every core, at most four (each worker renders the example once for the tests it runs): one test file per worker
# at a time (--dist loadfile), so a file's module- and session-scoped renders are built once and the notebook's
# cells (nbval) run in order in one kernel. TEST_WORKERS=0 runs the suite in one process.
TEST_WORKERS ?= auto
test: lint $(STAMP) sysdeps $(AXE)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --maxprocesses 4 --dist loadfile

# Lint, format check and types on the package (configured in pyproject.toml); make test runs them first.
lint: $(STAMP)
	$(BIN)/ruff check lib
	$(BIN)/ruff format --check lib
	$(BIN)/mypy

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

example: $(STAMP)
	$(BIN)/carequality example --out data/example

# The benchmark (docs/performance.md): heavy, minutes of both cores. The bench extra adds odfpy, pandas'
# default ODS engine, which the benchmark measures against. BENCH_ARGS, e.g. "--rows 30000 --councils 10", shrinks it.
BENCH_STAMP := $(VENV)/.bench-installed
BENCH_ARGS ?=

# The extra's packages alone (not `-e .[bench]`, which would reinstall carequality itself under running work).
$(BENCH_STAMP): $(STAMP) pyproject.toml
	$(BIN)/python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['optional-dependencies']['bench']))" \
	  | xargs $(BIN)/python -m pip install -q -c constraints.txt
	@touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache tests/_artefacts tests/js/node_modules
