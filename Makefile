# The shared vocabulary: `make run`, `make test`, `make bench`, `make fmt`, `make lint`.
BUILD ?= build
JOBS ?= $(shell nproc)
PREFIX ?= /usr/local
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLAKOTA_PYTHON=ON -DPython_EXECUTABLE=$(abspath .venv/bin/python)

.PHONY: all setup build run test test-suites test-python-old-suites test-cpp test-cli test-python test-python-old test-reference test-wheel test-fuzz fuzz bench bench-plot bench-engine fmt lint install sanitize clean

all: build

setup:
	@scripts/setup.sh

$(BUILD)/build.ninja: CMakeLists.txt
	@scripts/setup.sh --with-python
	cmake -S . -B $(BUILD) -G Ninja $(CMAKE_FLAGS)

# Builds the engine, the command line, the tests and the Python extension (in place, in
# python/lakota), and installs the package into .venv in development mode (a .pth entry
# and the `lakota` command), so that .venv/bin/python runs `import lakota` on this build.
build: $(BUILD)/build.ninja
	@scripts/setup.sh --with-python
	cmake --build $(BUILD) -j $(JOBS)
	@scripts/develop.sh $(BUILD)

# Installs what is missing, builds, and runs the quickstarts: the seed's Python script,
# the command line, the C++ API.
run: build
	@scripts/quickstart.sh $(BUILD)/lakota

# Every test, with the S3 servers the tests need (MinIO, built once, and moto) started on
# 127.0.0.1 by tests/servers.py for the whole run and stopped by their pids afterwards.
test: build
	@scripts/setup.sh --with-minio
	.venv/bin/python tests/servers.py run -- $(MAKE) --no-print-directory test-suites

# The suites themselves (make test runs them beside the servers).
test-suites:
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	LAKOTA_BIN=$(abspath $(BUILD)/lakota) PYTHONPATH=$(abspath python) .venv/bin/python -m pytest -q tests
	scripts/reference-tests.sh -q
	$(MAKE) --no-print-directory test-python-old-suites
	scripts/fuzz.sh check

test-python: build
	.venv/bin/python tests/servers.py run -- env LAKOTA_BIN=$(abspath $(BUILD)/lakota) PYTHONPATH=$(abspath python) .venv/bin/python -m pytest -q tests -k "py_"

# The package with the oldest numpy and pandas it supports (1.24, 1.5: .venv-old; polars
# and duckdb, which need newer ones, are tested in .venv only).
test-python-old:
	.venv/bin/python tests/servers.py run -- $(MAKE) --no-print-directory test-python-old-suites

test-python-old-suites:
	PYTHONPATH=$(abspath python) LAKOTA_TEST_PYTHON=$(abspath .venv-old/bin/python) \
	  .venv-old/bin/python -m pytest -q -p no:cacheprovider -k "not polars and not duckdb" \
	  tests/test_py_api.py tests/test_py_engine.py tests/test_py_differential.py
	PYTHON=.venv-old/bin/python scripts/reference-tests.sh -q

# The reference's own test suite against our package (../shared/reference-tests).
test-reference: build
	.venv/bin/python tests/servers.py run -- scripts/reference-tests.sh -q

# The wheel: built, made self-contained (auditwheel), installed into a fresh virtual
# environment, and run there.
test-wheel:
	scripts/test-wheel.sh

test-cpp: build
	@scripts/setup.sh --with-minio
	.venv/bin/python tests/servers.py run -- sh -c 'cd $(BUILD) && ctest --output-on-failure -j $(JOBS)'

test-cli: build
	LAKOTA_BIN=$(abspath $(BUILD)/lakota) PYTHONPATH=$(abspath python) .venv/bin/python -m pytest -q tests

# The fuzz targets: regression inputs, then a fixed number of runs from a fixed seed.
test-fuzz:
	scripts/fuzz.sh check

# The fuzz targets for as long as you like: make fuzz FUZZ_SECONDS=600 (each target).
fuzz:
	scripts/fuzz.sh run

# The benchmark of issue 9: every peer (the reference Lakota, ArcticDB, PostgreSQL, Parquet
# with pyarrow and DuckDB, and ourselves three ways) on the same data in one run; prints one
# table per workload and writes build/bench/results.json (bench/suite.py). Installs the peers
# (.venv-peers, Debian's postgresql) and MinIO when missing. BENCH_FLAGS: --quick (1 M rows),
# --peers a,b, --tasks a,b, --rows N.
bench: build
	@scripts/setup.sh --with-bench
	@scripts/setup.sh --with-minio
	.venv/bin/python bench/suite.py $(BENCH_FLAGS)

# The charts of the last `make bench`: one PNG per workload in docs/bench/.
bench-plot:
	@.venv/bin/python -c "import matplotlib" 2>/dev/null || scripts/setup.sh --with-bench
	.venv/bin/python bench/plot.py

# The engine's own figures: bench/bench.cc, the reference's and the Python package's
# equivalents, and S3 on MinIO (scripts/bench.sh).
bench-engine: build
	@scripts/setup.sh --with-python
	scripts/bench.sh $(BUILD)

install: build
	install -D -m 755 $(BUILD)/lakota $(DESTDIR)$(PREFIX)/bin/lakota

fmt:
	@command -v clang-format >/dev/null || (apt-get update -q && apt-get install -y -q clang-format)
	clang-format -i $$(git ls-files '*.cc' '*.h')

lint: $(BUILD)/build.ninja
	@command -v clang-tidy >/dev/null || (apt-get update -q && apt-get install -y -q clang-tidy)
	clang-tidy -p $(BUILD) $$(git ls-files 'src/*.cc')

# ASan and UBSan: the C++ tests, the fuzz regression inputs, and the CLI tests run with the
# sanitized binary.
sanitize:
	$(MAKE) build BUILD=build-asan CMAKE_FLAGS="-DCMAKE_BUILD_TYPE=Debug -DLAKOTA_SANITIZE=ON"
	cd build-asan && UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ctest --output-on-failure -j $(JOBS)
	FUZZ_RUNS=1 scripts/fuzz.sh check
	@scripts/setup.sh --with-python
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	  LAKOTA_BIN=$(abspath build-asan/lakota) .venv/bin/python -m pytest -q tests

clean:
	rm -rf $(BUILD) build-asan build-fuzz
