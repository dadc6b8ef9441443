# The README's two set-up commands are `make site` and `make test`.
.PHONY: site test deps

deps:
	@bash scripts/install-deps.sh

site: deps
	swift build -c release
	.build/release/fazhi convert

test: deps
	swift build --build-tests
	swift test --skip-build
