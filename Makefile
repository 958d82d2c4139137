# Fanzha: two commands, `make demo` and `make test`. Everything they need is installed from here.
SHELL := /bin/bash
PY_BOOT ?= python3
VENV := .venv
UV := $(VENV)/bin/uv
UV_VERSION := 0.13.9
export UV_PROJECT_ENVIRONMENT := $(abspath $(VENV))
export UV_LINK_MODE := copy
DEBIAN_PACKAGES := chromium fonts-noto-cjk nats-server wrk

.PHONY: demo test setup deps assets system bench lint clean

## Python packages into .venv from uv.lock (the same versions on every clone).
$(UV):
	$(PY_BOOT) -m venv $(VENV)
	$(VENV)/bin/pip install -q "uv==$(UV_VERSION)"

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --inexact --all-groups
	touch $@

deps: $(VENV)/.synced

## htmx, ECharts and Cytoscape.js from npm, copied beside the app: the center's network has no CDN.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

fanzha/web/static/vendor/.copied: node_modules/.package-lock.json scripts/vendor_assets.sh
	bash scripts/vendor_assets.sh
	touch $@

assets: fanzha/web/static/vendor/.copied

## Debian packages the tests and benches need (Chromium, CJK fonts, nats-server, wrk); installed only where missing.
system:
	@missing=""; for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else echo "Missing Debian packages:$$missing (run: sudo apt-get install$$missing); browser tests will skip."; fi; \
	fi

setup: deps assets

demo: setup
	$(VENV)/bin/fanzha demo

## Two workers (pytest-xdist), a test file's tests kept together and in order on one of them.
TEST_WORKERS ?= 2

test: setup system
	$(VENV)/bin/ruff check fanzha tests bench
	$(VENV)/bin/python -m pytest -n $(TEST_WORKERS) --dist loadfile --durations=15 $(PYTEST_ARGS)

bench: setup
	$(VENV)/bin/python bench/run_all.py

lint: deps
	$(VENV)/bin/ruff check fanzha tests bench

clean:
	rm -rf $(VENV) node_modules fanzha/web/static/vendor
