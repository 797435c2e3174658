# sohoa — build, run and test. `make run` and `make test` do all the set-up on a fresh Debian/Ubuntu.
SHELL := /bin/bash
GO ?= go
export PATH := /usr/local/go/bin:$(PATH)
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X sohoa/cli.Version=$(VERSION)
BIN := bin/sohoa

# Debian packages: building the GUI (cgo: OpenGL, X11), SANE, USB, and the real tools the tests check with.
BUILD_PKGS := gcc pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev libxinerama-dev \
	libxi-dev libxxf86vm-dev libsane-dev libusb-1.0-0-dev make git
TEST_PKGS := sane-utils softhsm2 poppler-utils qpdf libnss3-tools xvfb xauth imagemagick tzdata openssl gnumeric
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run build test bench deps deps-test vet gui-smoke clean

deps:
	@missing=$$(for p in $(BUILD_PKGS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then echo "installing: $$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; fi

deps-test: deps
	@missing=$$(for p in $(TEST_PKGS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then echo "installing: $$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; fi

build: deps
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) .

# The app; in training mode when nothing is configured.
run: build
	./$(BIN) gui

vet:
	test -z "$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))" || (gofmt -l . && false)
	$(GO) vet ./...
	CGO_ENABLED=0 $(GO) build ./app/ ./cli/ ./dossier/... ./scanner/... ./signing/... ./storage/... ./portal/...

# The end-to-end tests run the binary built here.
test: deps-test vet build
	SOHOA_BIN=$(CURDIR)/$(BIN) $(GO) test -count=1 -timeout 40m ./...
	bash scripts/gui-smoke.sh $(BIN)
	$(MAKE) windows-vet package-test wine-smoke

# The whole-process page benchmark (scripts/bench-pages.sh) compares with these.
BENCH_PKGS := img2pdf tesseract-ocr tesseract-ocr-eng bc

bench: deps-test build
	@missing=$$(for p in $(BENCH_PKGS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; fi
	$(GO) test -run '^$$' -bench . -benchtime 3x -timeout 30m ./...
	bash scripts/bench-pages.sh

clean:
	rm -rf bin test-output

# Windows build and Linux packages (packaging/).
-include packaging/packaging.mk
