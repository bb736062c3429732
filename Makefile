# Shimin — the two commands are `make run` and `make test`; the rest are their parts.
SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(PATH)
CARGO ?= cargo

.PHONY: run test setup ui build app backend lint fmt clippy cycles unit e2e fuzz clean-ui

# The one build both commands share: the whole workspace with its test targets, so that cargo
# resolves every package's features the same way for `make run` and for `make test` (a build of
# `-p shimin-app` alone, or without the tests' dev-dependencies, would unify features
# differently and recompile much of the dependency tree). After either command, the other
# rebuilds nothing that did not change.
BUILD := $(CARGO) build --workspace --lib --bins --tests --locked

## make run: install what is missing, build, start the backend with demo data, open the app.
run: setup build
	scripts/run.sh

## make test: install what is missing, build, then lint, fuzz the decoders for a bounded time, and
## run every test (unit, integration, E2E).
test: setup build lint fuzz
	$(CARGO) test --workspace --locked --no-fail-fast

setup:
	scripts/setup.sh

ui:
	scripts/build-ui.sh

build: ui
	$(BUILD)

# The app and the backend are parts of the one build.
app backend: build

lint: fmt clippy cycles

fmt:
	$(CARGO) fmt --all --check

# No import cycles between the modules of any crate (scripts/module-cycles.py says how it reads them).
cycles:
	scripts/module-cycles.py core/src wire/src ui/src src-tauri/src store/src client/src backend/src \
	  cli/src face/src facematch/src testkit/src catalogue-seed/src search/src tests

clippy: ui
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings

e2e: setup build
	$(CARGO) test --workspace --locked --no-fail-fast --test 'e2e_*'

# Each decoder target runs for a bounded time (FUZZ_SECONDS each: 20 s within `make test`, five
# minutes when `make fuzz` is run by itself); a crash fails the build and leaves the input under
# fuzz/artifacts/. frame_batch starts from the golden signed batch (core/tests/golden, made by
# `SHIMIN_BLESS=1 cargo test -p shimin-core --test golden`), written into its corpus as bytes.
FUZZ_TARGETS := presentation dcc lists wire frame_batch
FUZZ_SECONDS ?= 300
test: FUZZ_SECONDS = 20
fuzz: setup
	cd fuzz && $(CARGO) +nightly fuzz build -O
	mkdir -p fuzz/corpus/frame_batch
	perl -0777 -ne 's/\s+//g; print pack("H*", $$_)' core/tests/golden/liveness-frames/batch.cose.hex \
	  > fuzz/corpus/frame_batch/golden-batch
	cd fuzz && for t in $(FUZZ_TARGETS); do \
	  $(CARGO) +nightly fuzz run -O $$t -- -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=4096 -print_final_stats=1 2>&1 \
	    | grep -E '^(stat::number_of_executed_units|==|SUMMARY|Done|INFO: Running with)' ; \
	  test $${PIPESTATUS[0]} -eq 0 || exit 1; \
	done

clean-ui:
	rm -rf ui/dist target/wasm
