# The two commands of the README, and the steps they are made of.
#   make run    build (release) and serve on http://127.0.0.1:3000
#   make test   every test: unit, integration (real built-in servers, SQLite), the API's
#               contract (schemathesis), generated API clients and browser
.PHONY: run test setup build build-release test-rust test-contract test-clients test-browser fmt lint

TARGET_DIR ?= $(or $(CARGO_TARGET_DIR),target)
ARGS ?=

run: build-release
	$(TARGET_DIR)/release/tandem --site-root site $(ARGS)

test: test-rust test-contract test-clients test-browser

setup:
	scripts/setup.sh

build-release: setup
	scripts/build.sh --release

build: setup
	scripts/build.sh

# Where PostgreSQL is installed, its tests run against a fresh database (skipped otherwise);
# the Kea tests run on a Kea 2.2 pair and on Kea 3.0 pairs from the root kea3-root.sh keeps.
test-rust:
	scripts/setup.sh --test
	url=$$(scripts/test-postgres.sh) && kea3=$$(scripts/kea3-root.sh) && \
	  TANDEM_TEST_POSTGRES_URL="$$url" TANDEM_KEA3_ROOT="$$kea3" cargo test --workspace --exclude frontend

# The REST API against its OpenAPI description (schemathesis), with the binary `cargo test` built.
test-contract: test-rust
	scripts/contract.sh $(TARGET_DIR)/debug/tandem

# Python and TypeScript clients generated from the description (no generator warning), each
# running its example script in examples/clients/ against a Tandem.
test-clients: test-rust
	scripts/clients.sh $(TARGET_DIR)/debug/tandem

# Uses the `tandem` binary that `cargo test` built (same features: no second build).
test-browser: test-rust
	scripts/build.sh --site-only
	kea3=$$(scripts/kea3-root.sh) && cd end2end && TANDEM_KEA3_ROOT="$$kea3" npx playwright test

fmt:
	cargo fmt --all

lint:
	cargo fmt --all --check
	cargo clippy --workspace --exclude frontend --all-targets -- -D warnings
	cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings
