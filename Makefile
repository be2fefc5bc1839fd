# tdxkit: the top-level driver. CMake does the building; this file names the jobs.
#   make          build everything (build/)
#   make check    every test, plain and under ASan+UBSan, plus bounded fuzzing
#   make demo     the main job: example TD programs under tdx-run
#   make bench    benchmarks (ratios against baselines measured in the same run)
#   make coverage line coverage of src/ by tests, seeds and bounded fuzzing (clang)
#   make fuzz-bench  fuzz_tdcall inputs per second, ASan+UBSan and plain, vs libFuzzer alone
#   make fuzz-long HOURS=N  a long fuzzing campaign on every core (README)
#   make fuzz-corpus regenerate the committed seeds fuzz/corpus/ (fuzz/gen_corpus.c)
#   make install PREFIX=DIR
PREFIX ?= /usr/local
JOBS ?= $(shell nproc)
FUZZ_RUNS ?= 20000
CMAKE_FLAGS ?=

BUILD := build
BUILD_ASAN := build-asan
BUILD_FUZZ := build-fuzz
BUILD_BENCH := build-bench
BUILD_COV := build-cov
BUILD_FUZZ_FAST := build-fuzz-fast
HOURS ?= 1

.PHONY: all deps check test test-asan fuzz fuzz-build fuzz-corpus fuzz-bench fuzz-long coverage \
	demo bench install clean

all: deps
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS) >/dev/null
	cmake --build $(BUILD) -j $(JOBS)

deps:
	@scripts/install-deps.sh

# Each test program writes its case counts to TU_COUNTS_DIR (tests/testutil.h).
COUNTS = rm -rf $(1)/test-counts && mkdir -p $(1)/test-counts && cd $(1) && TU_COUNTS_DIR=$(CURDIR)/$(1)/test-counts

test: all
	$(call COUNTS,$(BUILD)) ctest --output-on-failure -j $(JOBS)
	@scripts/test-counts.sh $(BUILD)/test-counts "tests ($(BUILD))"

test-asan: deps
	cmake -S . -B $(BUILD_ASAN) -DTDXKIT_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug $(CMAKE_FLAGS) >/dev/null
	cmake --build $(BUILD_ASAN) -j $(JOBS)
	$(call COUNTS,$(BUILD_ASAN)) ASAN_OPTIONS=detect_leaks=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j $(JOBS)
	@scripts/test-counts.sh $(BUILD_ASAN)/test-counts "tests ($(BUILD_ASAN))"

# Optimised (-O2 -g): at -O0 every loop test is a libFuzzer comparison
# callback, which made fuzzing three times slower.
fuzz-build: deps
	CC=clang cmake -S . -B $(BUILD_FUZZ) -DTDXKIT_FUZZ=ON -DTDXKIT_SANITIZE=ON -DTDXKIT_TESTS=OFF \
		-DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS) >/dev/null
	cmake --build $(BUILD_FUZZ) -j $(JOBS) --target fuzzers

fuzz: fuzz-build
	scripts/run-fuzzers.sh $(BUILD_FUZZ)/fuzz $(FUZZ_RUNS)

fuzz-corpus: fuzz-build	# the generated seeds; regress-* reproducers stay
	find fuzz/corpus -type f ! -name 'regress-*' -delete 2>/dev/null || true
	$(BUILD_FUZZ)/fuzz/gen_corpus fuzz/corpus

# Inputs per second of fuzz_tdcall from its seeds, sanitised and plain.
fuzz-bench: fuzz-build
	CC=clang cmake -S . -B $(BUILD_FUZZ_FAST) -DTDXKIT_FUZZ=ON -DTDXKIT_TESTS=OFF \
		-DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS) >/dev/null
	cmake --build $(BUILD_FUZZ_FAST) -j $(JOBS) --target fuzzers
	scripts/fuzz-bench.sh $(BUILD_FUZZ)/fuzz $(BUILD_FUZZ_FAST)/fuzz

fuzz-long: fuzz-build
	scripts/fuzz-long.sh $(BUILD_FUZZ)/fuzz $(HOURS)

coverage: fuzz-build
	KEEP_CORPUS=$(CURDIR)/$(BUILD_COV)/fuzz-found scripts/run-fuzzers.sh $(BUILD_FUZZ)/fuzz $(FUZZ_RUNS)
	CC=clang cmake -S . -B $(BUILD_COV) -DTDXKIT_COVERAGE=ON -DTDXKIT_FUZZ=ON \
		-DCMAKE_BUILD_TYPE=Debug $(CMAKE_FLAGS) >/dev/null
	cmake --build $(BUILD_COV) -j $(JOBS)
	scripts/coverage.sh $(BUILD_COV) $(BUILD_COV)/fuzz-found

check: test test-asan fuzz
	@echo "make check: all suites passed"

demo: all
	scripts/demo.sh $(BUILD)

bench: deps
	cmake -S . -B $(BUILD_BENCH) -DCMAKE_BUILD_TYPE=Release -DTDXKIT_TESTS=OFF $(CMAKE_FLAGS) >/dev/null
	cmake --build $(BUILD_BENCH) -j $(JOBS)
	scripts/run-bench.sh $(BUILD_BENCH)

install: all
	cmake --install $(BUILD) --prefix $(PREFIX)

clean:
	rm -rf $(BUILD) $(BUILD_ASAN) $(BUILD_FUZZ) $(BUILD_BENCH) $(BUILD_COV) $(BUILD_FUZZ_FAST)
