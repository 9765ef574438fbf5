# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test test-fast setup browser clean bench bench-quick lock

setup: $(STAMP) browser

# Every third-party package (pip and setuptools too) at the exact version and hash of the lock,
# then the project itself, editable, built by the locked setuptools: a fresh machine next month
# installs what CI tested today.
$(STAMP): pyproject.toml requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --require-hashes --no-deps -r requirements.lock
	$(PY) -m pip install -q --no-deps --no-build-isolation -e .
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
# README's "How it compares" block from the results. Full: < 30 min on 2 cores once the real-page
# pairs exist (benchmarks/.cache/realpages: made on first use, about 1.5 h); bench-quick: < 5.
BENCH_ARGS ?=
SPEED_ARGS ?= $(filter --quick,$(BENCH_ARGS))

bench: setup
	$(PY) benchmarks/realpages.py
	$(PY) benchmarks/quality.py $(BENCH_ARGS)
	$(PY) benchmarks/speed.py $(SPEED_ARGS)
	$(PY) benchmarks/runtimes.py $(if $(SPEED_ARGS),--runs 3)
	$(PY) benchmarks/small_images.py $(SPEED_ARGS)
	$(PY) benchmarks/readme_tables.py

bench-quick:
	$(MAKE) bench BENCH_ARGS=--quick

# Re-resolve requirements.lock from pyproject.toml (every extra make installs), the build tools
# (requirements-build.in) and the bounds in constraints.txt, with uv, for CPython 3.11 on x86-64
# Linux (the project's machines); requirements-base.lock is its subset for the base install (no
# torch: what a CI job that only compares needs). Commit both; then make test on a fresh clone.
UV_VERSION := 0.13.8
lock: $(STAMP)
	$(PY) -m pip install -q uv==$(UV_VERSION)
	$(VENV)/bin/uv pip compile pyproject.toml requirements-build.in -c constraints.txt \
		--extra torch --extra test --extra bench --python-version 3.11 \
		--python-platform x86_64-manylinux_2_28 --generate-hashes --no-header -q -o requirements.lock
	$(VENV)/bin/uv pip compile pyproject.toml requirements-build.in -c requirements.lock \
		--python-version 3.11 --python-platform x86_64-manylinux_2_28 --generate-hashes --no-header -q \
		-o requirements-base.lock

clean:
	rm -rf $(VENV) demo-out report .pytest_cache
