# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test test-fast setup browser clean bench bench-quick

setup: $(STAMP) browser

$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c constraints.txt -e '.[test]'
	touch $(STAMP)

browser: $(STAMP)
	bash tools/ensure-chromium.sh $(PY)

# Capture the demo site (release 1 = references, release 2 = candidates), compare, report.
demo: setup
	rm -rf demo-out
	$(VENV)/bin/layoutcheck capture fixtures/demo/layoutcheck.toml --update
	$(VENV)/bin/layoutcheck capture fixtures/demo/layoutcheck.toml --css fixtures/demo/release-2.css
	$(VENV)/bin/layoutcheck compare demo-out/baseline demo-out/current --out report || test $$? -eq 1
	@echo "open report/index.html"

# The whole suite, browser and slow tests included; two workers on CI's 2 cores.
test: setup
	$(PY) -m pytest -n 2 -p no:cacheprovider

# Without browser tests, for a quick loop.
test-fast: $(STAMP)
	$(PY) -m pytest -n 2 -m "not browser and not slow"

# Quality and speed beside the pixel-diff peers (npm, installed into benchmarks/.peers), then the
# README's "How it compares" block from the results. Full: < 30 min on 2 cores; bench-quick: < 5.
BENCH_ARGS ?=
SPEED_ARGS ?= $(filter --quick,$(BENCH_ARGS))
BENCH_STAMP := $(VENV)/.bench-installed

$(BENCH_STAMP): $(STAMP)
	$(PY) -m pip install -q -c constraints.txt -e '.[test,bench]'
	touch $(BENCH_STAMP)

bench: setup $(BENCH_STAMP)
	$(PY) benchmarks/quality.py $(BENCH_ARGS)
	$(PY) benchmarks/speed.py $(SPEED_ARGS)
	$(PY) benchmarks/small_images.py $(SPEED_ARGS)
	$(PY) benchmarks/readme_tables.py

bench-quick:
	$(MAKE) bench BENCH_ARGS=--quick

clean:
	rm -rf $(VENV) demo-out report .pytest_cache
