# Quick start: `make site` builds the site, `make test` runs every test.
# Both set everything up first, idempotently, on a fresh clone.
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
BENCH_STAMP := $(VENV)/.bench-stamp
PYTHON ?= python3
# npm tools, never needed to build a site: axe-core for the browser tests
# (dependencies), Lighthouse for the benchmarks (devDependencies).
NODE_TEST  := node_modules/axe-core/axe.min.js
NODE_BENCH := node_modules/lighthouse/package.json
NPM_CI     := npm ci --no-audit --no-fund --loglevel=error

.PHONY: site test serve extract check bench system clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

# Benchmarks also run the peers they are compared with (Pagefind, jieba).
$(BENCH_STAMP): pyproject.toml $(STAMP)
	$(PY) -m pip install -q --disable-pip-version-check -e '.[test,bench]'
	@touch $@

$(NODE_TEST): package.json package-lock.json
	$(NPM_CI) --omit=dev
	@touch $@

$(NODE_BENCH): package.json package-lock.json
	$(NPM_CI)
	@touch $@

# Debian packages the browser tests need: Chromium (a Playwright browser download
# cannot work here) and a CJK font so pages render Chinese, not boxes.
system:
	@if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi 'WenQuanYi Micro Hei'; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; \
	fi

site: $(STAMP)
	$(VENV)/bin/build-site

extract: $(STAMP)
	$(VENV)/bin/feedsite extract

serve: $(STAMP)
	$(VENV)/bin/feedsite serve

check: $(STAMP)
	$(VENV)/bin/feedsite check

test: $(STAMP) system $(NODE_TEST)
	$(PY) -m ruff check src tests bench
	$(PY) -m pytest

bench: $(BENCH_STAMP) $(NODE_BENCH) system
	$(PY) bench/run.py

clean:
	rm -rf public .public.* .pytest_cache .hypothesis
