#!/usr/bin/env bash
# Tests the Linux packages and Windows code signing: the .deb's control data, dependencies and
# contents, the desktop file, `sohoa --version` from the .deb extracted into an empty root (and its
# cold start time), the .tar.xz contents, and Authenticode signing of a Windows executable with a
# throwaway code-signing certificate, verified by osslsigncode.
# Usage: scripts/package-test.sh DISTDIR [LINUX_BINARY]
set -uo pipefail
dist=${1:?usage: package-test.sh DISTDIR [BINARY]}
root=$(cd "$(dirname "$0")/.." && pwd)
pass=0 fail=0
ok() { echo "ok   $*"; pass=$((pass + 1)); }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }
check() { local what=$1; shift; if "$@" >/dev/null 2>&1; then ok "$what"; else bad "$what"; fi; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

deb=$(ls -t "$dist"/sohoa_*.deb 2>/dev/null | head -1)
tarball=$(ls -t "$dist"/sohoa-*-linux-*.tar.xz 2>/dev/null | head -1)
[ -n "$deb" ] && ok "a .deb was built ($(basename "$deb"), $(du -h "$deb" | cut -f1))" || bad "no .deb in $dist"
[ -n "$tarball" ] && ok "a .tar.xz was built ($(basename "$tarball"), $(du -h "$tarball" | cut -f1))" || bad "no .tar.xz in $dist"

if [ -n "$deb" ]; then
	info=$(dpkg-deb -I "$deb")
	check ".deb package name is sohoa" grep -q '^ Package: sohoa$' <<<"$info"
	depends=$(dpkg-deb -f "$deb" Depends)
	echo "     Depends: $depends"
	for dep in libgl1 libusb-1.0-0 libsane1 libc6 libx11-6; do
		check ".deb depends on $dep" grep -Eq "(^|, )$dep( |,|$)" <<<"$depends"
	done
	contents=$(dpkg-deb -c "$deb")
	for f in ./usr/bin/sohoa ./usr/share/applications/vn.sohoa.desk.desktop \
		./usr/share/icons/hicolor/512x512/apps/vn.sohoa.desk.png ./usr/share/doc/sohoa/copyright; do
		check ".deb contains $f" grep -q " $f\$" <<<"$contents"
	done
	check ".deb files are owned by root" bash -c "! grep -v ' root/root ' <<<\"\$1\" | grep -q ." _ "$contents"
	x="$tmp/root"
	dpkg-deb -x "$deb" "$x"
	check "desktop file is valid" desktop-file-validate "$x/usr/share/applications/vn.sohoa.desk.desktop"
	check "desktop file starts sohoa with its icon" grep -q '^Exec=sohoa$' "$x/usr/share/applications/vn.sohoa.desk.desktop"
	check "icon is a 512×512 PNG" bash -c "file '$x/usr/share/icons/hicolor/512x512/apps/vn.sohoa.desk.png' | grep -q '512 x 512'"
	# Every library the packaged binary needs resolves on this system (the Depends provide them).
	check "packaged binary's libraries all resolve" bash -c "! ldd '$x/usr/bin/sohoa' | grep -q 'not found'"
	ver=$(env -i HOME="$tmp" PATH=/usr/bin:/bin "$x/usr/bin/sohoa" --version 2>&1)
	check "packaged sohoa --version runs ($ver)" grep -qi 'version' <<<"$ver"
	# Cold start: the first run after dropping what we can of the page cache for this file.
	sync
	dd of="$x/usr/bin/sohoa" oflag=nocache conv=notrunc,fdatasync count=0 status=none 2>/dev/null || true
	start=$(date +%s%N)
	env -i HOME="$tmp" PATH=/usr/bin:/bin "$x/usr/bin/sohoa" --version >/dev/null 2>&1
	echo "     cold start of sohoa --version: $((($(date +%s%N) - start) / 1000000)) ms"
fi

if [ -n "$tarball" ]; then
	tc=$(tar -tJf "$tarball")
	for f in ./usr/local/bin/sohoa ./usr/local/share/applications/vn.sohoa.desk.desktop ./usr/local/share/pixmaps/vn.sohoa.desk.png ./Makefile; do
		check ".tar.xz contains $f" grep -qx "$f" <<<"$tc"
	done
	mkdir -p "$tmp/tarx" && tar -C "$tmp/tarx" -xJf "$tarball"
	check ".tar.xz installs with its Makefile into a staging root" make -C "$tmp/tarx" install DESTDIR="$tmp/staged"
	check "staged install has the binary" test -x "$tmp/staged/usr/local/bin/sohoa"
fi

# Code signing with a throwaway certificate, on a small Windows executable (the full GUI
# cross-build takes minutes; `make windows` signs bin/sohoa.exe the same way).
s="$tmp/sign"
mkdir -p "$s/hello"
cat >"$s/openssl.cnf" <<'CNF'
[req]
distinguished_name = dn
x509_extensions = ext
prompt = no
[dn]
CN = sohoa test code signing
O = sohoa CI
[ext]
keyUsage = critical, digitalSignature
extendedKeyUsage = codeSigning
basicConstraints = CA:FALSE
CNF
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -config "$s/openssl.cnf" -keyout "$s/key.pem" -out "$s/cert.pem" 2>/dev/null
openssl pkcs12 -export -in "$s/cert.pem" -inkey "$s/key.pem" -passout pass:test -out "$s/cert.p12" 2>/dev/null
printf 'package main\n\nfunc main() { println("sohoa") }\n' >"$s/hello/main.go"
printf 'module hello\n\ngo 1.21\n' >"$s/hello/go.mod"
(cd "$s/hello" && CGO_ENABLED=0 GOOS=windows GOARCH=amd64 go build -o "$s/hello.exe" .)
cp "$s/hello.exe" "$s/unsigned.exe"
check "sign.sh signs with a PKCS#12 certificate" env SIGN_PKCS12="$s/cert.p12" SIGN_PASS=test SIGN_CAFILE="$s/cert.pem" \
	bash "$root/packaging/sign.sh" "$s/hello.exe" "Sohoa"
check "osslsigncode verifies the signature against the test CA" osslsigncode verify -CAfile "$s/cert.pem" -in "$s/hello.exe"
check "the signer is the test certificate" bash -c "osslsigncode verify -CAfile '$s/cert.pem' -in '$s/hello.exe' 2>&1 | grep -q 'sohoa test code signing'"
check "an unsigned exe does not verify" bash -c "! osslsigncode verify -in '$s/unsigned.exe'"
cp "$s/unsigned.exe" "$s/pem.exe"
check "sign.sh signs with a PEM certificate and key" env SIGN_CERT="$s/cert.pem" SIGN_KEY="$s/key.pem" SIGN_CAFILE="$s/cert.pem" \
	bash "$root/packaging/sign.sh" "$s/pem.exe" "Sohoa"
# A tampered signed exe must fail verification.
cp "$s/hello.exe" "$s/tampered.exe"
printf 'X' | dd of="$s/tampered.exe" bs=1 seek=$(($(stat -c %s "$s/hello.exe") / 3)) conv=notrunc status=none
check "a tampered signed exe fails verification" bash -c "! osslsigncode verify -CAfile '$s/cert.pem' -in '$s/tampered.exe'"
if [ -f "$root/bin/sohoa.exe" ]; then
	check "bin/sohoa.exe is a Windows GUI executable" bash -c "file '$root/bin/sohoa.exe' | grep -q 'PE32+ executable (GUI) x86-64'"
	echo "     bin/sohoa.exe: $(du -h "$root/bin/sohoa.exe" | cut -f1)"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
