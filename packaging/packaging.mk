# Windows build and Linux packages; included from the top-level Makefile (which defines GO,
# VERSION, BIN, SUDO and the `build` target).
#   make windows        bin/sohoa.exe: cgo cross-build with mingw-w64, icon and version from
#                       FyneApp.toml, Authenticode-signed when SIGN_PKCS12 or SIGN_CERT is set
#   make windows-vet    go vet of the non-GUI packages and the Windows backends for GOOS=windows
#   make package        dist/sohoa_<ver>_<arch>.deb and dist/sohoa-<ver>-linux-<arch>.tar.xz
#   make package-test   checks the packages (dependencies, contents, sohoa --version from the
#                       extracted .deb) and the code signing with a throwaway certificate
WINDOWS_PKGS := gcc-mingw-w64-x86-64 osslsigncode
PACKAGE_PKGS := binutils xz-utils desktop-file-utils openssl file
DIST := dist
WINDOWS_EXE := bin/sohoa.exe
# Packages whose code is the same on Windows (no GUI, no cgo); the Windows-only backends too.
WINDOWS_VET := ./app/vnkey/ ./dossier/... ./signing/... ./storage/... ./portal/... ./scanner/... \
	./cli/

.PHONY: windows windows-vet package package-test deps-windows deps-package

deps-windows:
	@missing=$$(for p in $(WINDOWS_PKGS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then echo "installing: $$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; fi

deps-package:
	@missing=$$(for p in $(PACKAGE_PKGS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then echo "installing: $$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; fi

windows: deps-windows
	GO=$(GO) bash packaging/windows.sh $(WINDOWS_EXE) $(VERSION)

windows-vet:
	CGO_ENABLED=0 GOOS=windows GOARCH=amd64 $(GO) vet $(WINDOWS_VET)

package: deps-package build
	bash packaging/package.sh $(BIN) $(DIST) $(VERSION)

package-test: deps-package deps-windows package
	bash scripts/package-test.sh $(DIST) $(BIN)
