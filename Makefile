# Foundry's entry points. Every target installs missing Debian packages first
# (scripts/install-deps.sh; needs root when something is missing).
.PHONY: all deps build test demo bench sanitize fuzz fuzz-long clean

JOBS ?= 2
BUILD := build

all: build

deps:
	@scripts/install-deps.sh --check >/dev/null 2>&1 || scripts/install-deps.sh

$(BUILD)/build.ninja: | deps
	cmake --preset default

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j$(JOBS)

# The whole suite: unit, real-peer and end-to-end tests, then a short fuzz run.
test: build
	ctest --test-dir $(BUILD) --output-on-failure -j$(JOBS) --timeout 600
	@scripts/fuzz.sh smoke

# Starts foundryd on loopback with a throw-away data dir, loads examples/ and
# shows it through the CLI.
demo: build
	scripts/demo.sh

bench: deps
	cmake --preset default -DFOUNDRY_BUILD_BENCH=ON
	cmake --build $(BUILD) -j$(JOBS) --target bench_api
	$(BUILD)/bench/bench_api --results bench/RESULTS.md

sanitize: deps
	cmake --preset sanitize
	cmake --build build-sanitize -j$(JOBS)
	ctest --test-dir build-sanitize --output-on-failure -j$(JOBS) --timeout 900

fuzz: deps
	scripts/fuzz.sh long

clean:
	rm -rf build build-sanitize build-fuzz .foundry-demo
