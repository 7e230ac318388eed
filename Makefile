# The two commands of the README: `make serve` and `make test`.
# Both set up everything first (Debian packages, virtual environment, pinned Python packages).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# chromium: browser tests; fonts-noto-cjk: PDF fonts; poppler-utils: PDF pages to PNG; pango: WeasyPrint
DEBIAN_PACKAGES := chromium fonts-noto-cjk poppler-utils libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
HOST ?= 127.0.0.1
PORT ?= 8000
export NO_MKDOCS_2_WARNING := 1

.PHONY: setup system-packages serve test validate build wheel-check clean

setup: system-packages $(VENV)/.installed

# Installs what is missing only, so a second run costs nothing.
system-packages:
	@missing=""; for p in $(DEBIAN_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "安装 Debian 软件包:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[test]"
	touch $@

serve: setup
	$(BIN)/casebook serve -a $(HOST):$(PORT)

# Lint and types first (seconds), then every test.
test: setup
	$(BIN)/ruff check src tests scripts
	$(BIN)/ruff format --check src tests scripts
	$(BIN)/mypy
	$(BIN)/python -m pytest

validate: setup
	$(BIN)/casebook validate

build: setup
	$(BIN)/casebook build

# The built wheel, installed in a fresh virtual environment elsewhere, builds the sample site from
# a folder with no schemas/ of its own (it uses the schemas inside the package).
wheel-check: setup
	rm -rf build/wheel && $(BIN)/python -m pip wheel -q --no-deps -w build/wheel .
	tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(PYTHON) -m venv "$$tmp/venv" && "$$tmp/venv/bin/python" -m pip install -q build/wheel/*.whl && \
	mkdir "$$tmp/sample" && cp -r cases docs overrides mkdocs.yml CONTRIBUTING.md "$$tmp/sample/" && \
	cd "$$tmp/sample" && "$$tmp/venv/bin/casebook" validate && \
	CASEBOOK_PDF=false "$$tmp/venv/bin/casebook" build -d "$$tmp/site" && test -f "$$tmp/site/cases/beijing-jiesu-jiban/index.html"

clean:
	rm -rf site build .pytest_cache
