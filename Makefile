# Shimin — the two commands are `make run` and `make test`; the rest are their parts.
SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(PATH)
CARGO ?= cargo

.PHONY: run test setup ui app backend lint fmt clippy unit e2e clean-ui

## make run: install what is missing, build, start the backend with demo data, open the app.
run: setup ui app backend
	scripts/run.sh

## make test: install what is missing, build, then lint and run every test (unit, integration, E2E).
test: setup ui app lint
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

clean-ui:
	rm -rf ui/dist target/wasm
