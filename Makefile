# Quick start: `make site` builds the site, `make test` runs every test.
# Both set everything up first, idempotently, on a fresh clone.
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
PYTHON ?= python3

NPM_STAMP := node_modules/.installed-stamp
BENCH_NPM := bench/node_modules/.installed-stamp

.PHONY: site test serve extract check bench system node clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

# Debian packages the browser tests need: Chromium (a Playwright browser download
# cannot work here) and a CJK font so pages render Chinese, not boxes.
system:
	@if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi 'WenQuanYi Micro Hei'; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; \
	fi

# Node.js runs MathJax at build time. Machines here come with it; elsewhere
# Debian's nodejs will do.
node:
	@if ! command -v node >/dev/null 2>&1 && ! command -v nodejs >/dev/null 2>&1; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs >/dev/null; \
	fi

# npm tools the tests use, into node_modules/ (git-ignored): the W3C HTML checker,
# which runs on Java. Install scripts are skipped: vnu-jar's would fetch a JRE.
$(NPM_STAMP): package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; }
	@command -v java >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null; }
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $(NPM_STAMP)

site: $(STAMP) node
	$(VENV)/bin/build-site

extract: $(STAMP)
	$(VENV)/bin/feedsite extract

serve: $(STAMP) node
	$(VENV)/bin/feedsite serve

check: $(STAMP)
	$(VENV)/bin/feedsite check

test: $(STAMP) node system $(NPM_STAMP)
	$(PY) -m ruff check src tests bench
	$(PY) -m pytest

# Lighthouse, for bench/lighthouse.py only: into bench/node_modules/ (git-ignored).
$(BENCH_NPM): bench/package.json bench/package-lock.json
	npm ci --prefix bench --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $(BENCH_NPM)

bench: $(STAMP) node system $(BENCH_NPM)
	$(PY) bench/run.py

clean:
	rm -rf public .public.* .pytest_cache .hypothesis test-artifacts
