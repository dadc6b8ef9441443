# Fazhi — the README's two set-up commands are `make site` and `make test`.
# Tests are built in the same (release) configuration as the binary, so one build serves both.
SWIFT ?= swift
CONFIG ?= release
BIN := .build/$(CONFIG)/fazhi

.PHONY: site test build deps clean

deps:
	@bash scripts/install-deps.sh

build: deps
	$(SWIFT) build -c $(CONFIG)

# Builds the site from the bundled corpus into public/.
site: build
	$(BIN) build

# Runs every test: unit and end-to-end (the e2e scripts install what they need).
test: deps
	$(SWIFT) build -c $(CONFIG) --build-tests
	$(SWIFT) test -c $(CONFIG) --skip-build

clean:
	rm -rf .build public/* content/markdown
