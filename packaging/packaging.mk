# Windows build and Linux packages; included from the top-level Makefile (which defines GO,
# VERSION, BIN, SUDO and the `build` target).
#   make windows        bin/sohoa.exe: cgo cross-build with mingw-w64, icon and version from
#                       FyneApp.toml, Authenticode-signed when SIGN_PKCS12 or SIGN_CERT is set
#   make windows-vet    go vet of the non-GUI packages and the Windows backends for GOOS=windows
#   make package        dist/sohoa_<ver>_<arch>.deb and dist/sohoa-<ver>-linux-<arch>.tar.xz
#   make msi            dist/sohoa-<ver>.msi (wixl): per machine, Start-menu entry, in-place upgrade,
#                       Authenticode-signed like the exe
#   make wine-smoke     bin/sohoa.exe under Wine 10 in a Debian 13 root (packaging/wine-root.sh,
#                       cached in $(WINE_CACHE)): --version, the training demo with its data on D:,
#                       the training window at 1366×768 (test-output/wine/), Windows file semantics
#   make package-test   checks the packages (dependencies, contents, sohoa --version from the
#                       extracted .deb) and the code signing with a throwaway certificate
WINDOWS_PKGS := gcc-mingw-w64-x86-64 osslsigncode
WINE_PKGS := debootstrap imagemagick poppler-utils qpdf libnss3-tools wixl
WINE_CACHE ?= /var/cache/sohoa-wine
PACKAGE_PKGS := binutils xz-utils desktop-file-utils openssl file
DIST := dist
WINDOWS_EXE := bin/sohoa.exe
# Packages whose code is the same on Windows (no GUI, no cgo); the Windows-only backends too.
WINDOWS_VET := ./app/vnkey/ ./dossier/... ./signing/... ./storage/... ./portal/... ./scanner/... \
	./cli/

.PHONY: windows windows-vet msi wine-smoke package package-test deps-windows deps-wine deps-package

deps-windows:
	@missing=$$(for p in $(WINDOWS_PKGS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then echo "installing: $$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; fi

deps-wine:
	@missing=$$(for p in $(WINE_PKGS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then echo "installing: $$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; fi

deps-package:
	@missing=$$(for p in $(PACKAGE_PKGS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then echo "installing: $$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; fi

windows: deps-windows
	GO=$(GO) bash packaging/windows.sh $(WINDOWS_EXE) $(VERSION)

msi: deps-wine windows
	bash packaging/msi.sh $(DIST)/sohoa-$$(sed -n 's/^Version *= *"\(.*\)"/\1/p' FyneApp.toml).msi $(WINDOWS_EXE)

# The Wine root is built once (about 5 minutes) and kept in $(WINE_CACHE) for later runs.
wine-smoke: deps-wine windows build
	root=$$($(SUDO) bash packaging/wine-root.sh $(WINE_CACHE)) && \
	SOHOA_WINE_ROOT=$$root SOHOA_EXE=$(CURDIR)/$(WINDOWS_EXE) SOHOA_BIN=$(CURDIR)/$(BIN) \
	  $(SUDO) env PATH="$$PATH" $(GO) test -count=1 -v -timeout 30m ./packaging/winesmoke/

windows-vet:
	CGO_ENABLED=0 GOOS=windows GOARCH=amd64 $(GO) vet $(WINDOWS_VET)

package: deps-package build
	bash packaging/package.sh $(BIN) $(DIST) $(VERSION)

package-test: deps-package deps-windows package
	bash scripts/package-test.sh $(DIST) $(BIN)
