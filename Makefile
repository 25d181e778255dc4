# Quick start: `make site` builds the site, `make test` runs every test.
# Both set everything up first, idempotently, on a fresh clone.
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
PYTHON ?= python3

.PHONY: site test test-long serve extract check bench system clean

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

site: $(STAMP)
	$(VENV)/bin/build-site

extract: $(STAMP)
	$(VENV)/bin/feedsite extract

serve: $(STAMP)
	$(VENV)/bin/feedsite serve

check: $(STAMP)
	$(VENV)/bin/feedsite check

test: $(STAMP) system
	$(PY) -m ruff check src tests bench
	$(PY) -m pytest

# The long trials (load on serve, kill -9 during a 2,000-article build) and the property
# tests with 10 times the examples; `make test` leaves these out (pytest's addopts: -m "not long").
test-long: $(STAMP) system
	$(PY) -m pytest -m long -s
	$(PY) -m pytest tests/unit/test_fuzz.py --hypothesis-profile=long --hypothesis-show-statistics

bench: $(STAMP)
	$(PY) bench/run.py

clean:
	rm -rf public .public.* .pytest_cache .hypothesis
