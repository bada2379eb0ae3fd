# The shared vocabulary: `make run`, `make test`, `make bench`, `make fmt`, `make lint`.
BUILD ?= build
JOBS ?= $(shell nproc)
PREFIX ?= /usr/local
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=RelWithDebInfo

.PHONY: all setup build run test test-cpp test-cli bench fmt lint install sanitize clean

all: build

setup:
	@scripts/setup.sh

$(BUILD)/build.ninja: CMakeLists.txt
	@scripts/setup.sh
	cmake -S . -B $(BUILD) -G Ninja $(CMAKE_FLAGS)

build: $(BUILD)/build.ninja
	@scripts/setup.sh
	cmake --build $(BUILD) -j $(JOBS)

# Installs what is missing, builds, and runs the quickstart of the README.
run: build
	@scripts/quickstart.sh $(BUILD)/lakota

test: build
	@scripts/setup.sh --with-python
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	LAKOTA_BIN=$(abspath $(BUILD)/lakota) .venv/bin/python -m pytest -q tests

test-cpp: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

test-cli: build
	@scripts/setup.sh --with-python
	LAKOTA_BIN=$(abspath $(BUILD)/lakota) .venv/bin/python -m pytest -q tests

bench: build
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

sanitize:
	$(MAKE) build BUILD=build-asan CMAKE_FLAGS="-DCMAKE_BUILD_TYPE=Debug -DLAKOTA_SANITIZE=ON"
	cd build-asan && ctest --output-on-failure -j $(JOBS)

clean:
	rm -rf $(BUILD) build-asan
