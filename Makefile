# Quick start: `make site` builds the site, `make test` runs every test.
# Both set everything up first, idempotently, on a fresh clone.
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
PYTHON ?= python3

NODE_STAMP := node_modules/.installed-stamp
MATHJAX_SRC := src/feedsite/build/mathjax
MATHJAX := $(VENV)/share/feedsite/mathjax
MATHJAX_STAMP := $(MATHJAX)/.built-stamp
BENCH_STAMP := $(VENV)/.bench-stamp

.PHONY: site test test-long serve extract check bench system node mathjax clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

# Outside checkers the tests run on the built site (axe-core, vnu, Lighthouse), pinned
# by package-lock.json. Install scripts are skipped: vnu's only fetches a Java runtime,
# which `system` installs from Debian instead.
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	@touch $(NODE_STAMP)

# MathJax 3.2.2's own TypeScript compiled for ES2020, pinned by its package-lock.json,
# into the environment (typeset.py's COMPILED). The build typesets with it a third
# faster than with the es5 components, to the same bytes. Without it (Debian's nodejs
# comes without npm, or the install failed) the build runs the es5 components: this
# says so and goes on, and the next make tries again. `make test` checks it is there.
# MathJax compiled for this Node into MATHJAX (by default inside the venv, where
# typeset.py looks: sys.prefix/share/feedsite/mathjax). The deploy workflow runs
# `make mathjax MATHJAX=<its Python's prefix>/share/feedsite/mathjax`.
mathjax: $(MATHJAX_STAMP)

$(MATHJAX_STAMP): $(MATHJAX_SRC)/package.json $(MATHJAX_SRC)/package-lock.json $(MATHJAX_SRC)/tsconfig.json
	@rm -rf $(MATHJAX)
	@if ! command -v npm >/dev/null 2>&1; then \
		echo "npm is not installed: MathJax typesets from its es5 components, about a third slower"; \
	elif ! (mkdir -p $(MATHJAX) && cp $^ $(MATHJAX)/ && cd $(MATHJAX) && \
		npm ci --no-audit --no-fund --ignore-scripts --loglevel=error && \
		node_modules/.bin/tsc -p tsconfig.json && touch .built-stamp); then \
		echo "warning: MathJax was not compiled; it typesets from its es5 components, about a third slower"; \
	fi

# Debian packages the tests need: Chromium (a Playwright browser download cannot work
# here), a CJK font so pages render Chinese, not boxes, and Java for the W3C checker.
system:
	@if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi 'WenQuanYi Micro Hei' \
		|| ! command -v java >/dev/null 2>&1; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei \
			default-jre-headless >/dev/null; \
	fi

# Node.js runs MathJax at build time. Machines here come with it; elsewhere
# Debian's nodejs will do.
node:
	@if ! command -v node >/dev/null 2>&1 && ! command -v nodejs >/dev/null 2>&1; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs >/dev/null; \
	fi

site: $(STAMP) node $(MATHJAX_STAMP)
	$(VENV)/bin/build-site

extract: $(STAMP)
	$(VENV)/bin/feedsite extract

serve: $(STAMP) node $(MATHJAX_STAMP)
	$(VENV)/bin/feedsite serve

check: $(STAMP)
	$(VENV)/bin/feedsite check

# Besides the tests: lint, the deploy workflow against GitHub's schema, and the
# site's own content/ checked as CI should (a strict build into a scratch folder).
test: $(STAMP) node $(MATHJAX_STAMP) $(NODE_STAMP) system
	$(PY) -m ruff check src tests bench
	$(VENV)/bin/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/site.yml
	$(VENV)/bin/feedsite check --content
	$(PY) -m pytest

# The long trials (load on serve, kill -9 during a 2,000-article build) and the property
# tests with 10 times the examples; `make test` leaves these out (pytest's addopts: -m "not long").
test-long: $(STAMP) system
	$(PY) -m pytest -m long -s
	$(PY) -m pytest tests/unit/test_fuzz.py --hypothesis-profile=long --hypothesis-show-statistics

$(BENCH_STAMP): $(STAMP) pyproject.toml
	$(PY) -m pip install -q --disable-pip-version-check -e '.[test,bench]'
	@touch $(BENCH_STAMP)

bench: $(BENCH_STAMP) node $(MATHJAX_STAMP) $(NODE_STAMP) system
	$(PY) bench/run.py

clean:
	rm -rf public .public.* .pytest_cache .hypothesis test-artifacts
