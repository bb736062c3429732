# Shimin — the two commands are `make run` and `make test`; the rest are their parts.
SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(PATH)
CARGO ?= cargo

.PHONY: run test setup ui app backend lint fmt clippy unit e2e fuzz clean-ui

## make run: install what is missing, build, start the backend with demo data, open the app.
run: setup ui app backend
	scripts/run.sh

## make test: install what is missing, build, then lint, fuzz the decoders for a bounded time, and
## run every test (unit, integration, E2E).
test: setup ui app lint fuzz
	$(CARGO) test --workspace --locked --no-fail-fast

setup:
	scripts/setup.sh

ui:
	scripts/build-ui.sh

app: ui
	$(CARGO) build --locked -p shimin-app

backend:
	$(CARGO) build --locked -p shimin-backend

lint: fmt clippy

fmt:
	$(CARGO) fmt --all --check

clippy: ui
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings

e2e: setup app
	$(CARGO) test --locked -p shimin-tests

# Each decoder target runs for a bounded time (FUZZ_SECONDS each); a crash fails the build and
# leaves the input under fuzz/artifacts/.
FUZZ_SECONDS ?= 45
fuzz: setup
	cd fuzz && $(CARGO) +nightly fuzz build -O
	cd fuzz && for t in presentation dcc; do \
	  $(CARGO) +nightly fuzz run -O $$t -- -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=4096 -print_final_stats=1 2>&1 \
	    | grep -E '^(stat::number_of_executed_units|==|SUMMARY|Done|INFO: Running with)' ; \
	  test $${PIPESTATUS[0]} -eq 0 || exit 1; \
	done

clean-ui:
	rm -rf ui/dist target/wasm
