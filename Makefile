# Fazhi — the README's two set-up commands are `make site` and `make test`.
# Tests are built in the same (release) configuration as the binary, so one build serves both.
SWIFT ?= swift
CONFIG ?= release
BIN := .build/$(CONFIG)/fazhi

.PHONY: site test build deps preview bench clean

deps:
	@bash scripts/install-deps.sh

build: deps
	$(SWIFT) build -c $(CONFIG)

# Builds the site from the bundled corpus into public/.
site: build
	$(BIN) build

# Serves the site on http://127.0.0.1:1313/ with live reload.
preview: build
	$(BIN) serve

# Runs every test: the Swift suite and the end-to-end checks with real tools (they install what they need).
test: deps
	CONFIG=$(CONFIG) bash scripts/test-all.sh

# The benchmark against Hugo (not part of the tests; takes a while).
bench: deps
	bash bench/run.sh

clean:
	rm -rf .build public/* content/markdown .fazhi-cache
