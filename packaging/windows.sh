#!/usr/bin/env bash
# Cross-builds the Windows GUI (cgo through Debian's mingw-w64) with the icon and version resource
# from FyneApp.toml, and Authenticode-signs it with osslsigncode when a code-signing certificate is
# configured. Usage: packaging/windows.sh OUT.exe VERSION
# Signing: see packaging/sign.sh (SIGN_PKCS12/SIGN_PASS or SIGN_CERT/SIGN_KEY).
set -euo pipefail
out=${1:?usage: windows.sh OUT.exe VERSION}
version=${2:-dev}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
GO=${GO:-go}
CC=${CC_WINDOWS:-x86_64-w64-mingw32-gcc}
command -v "$CC" >/dev/null || { echo "windows.sh: $CC not found: apt-get install gcc-mingw-w64-x86-64" >&2; exit 1; }

toml() { sed -n "s/^$1 *= *\"\{0,1\}\([^\"]*\)\"\{0,1\} *$/\1/p" FyneApp.toml | head -1; }
name=$(toml Name); appver=$(toml Version); build=$(toml Build); icon=$(toml Icon)
filever="$appver.$build"

tmp=$(mktemp -d)
syso="$root/rsrc_windows_amd64.syso"
trap 'rm -rf "$tmp" "$syso"' EXIT

# Icon, version info and a manifest (per-monitor DPI awareness, common controls v6) as a .syso
# linked into the main package; removed again when the build ends.
"$GO" run github.com/tc-hib/go-winres@v0.3.3 simply --arch amd64 --out "$tmp/rsrc" \
	--icon "$icon" --manifest gui --product-name "$name" --file-description "$name — số hóa hồ sơ một cửa" \
	--product-version "$filever" --file-version "$filever" --original-filename sohoa.exe \
	--copyright "sohoa contributors"
mv "$tmp/rsrc_windows_amd64.syso" "$syso"

# SANE and gousb's cgo files say `//go:build cgo && !windows` themselves: the Windows build uses
# their no-cgo stubs, which report the backend as unavailable.
mkdir -p "$(dirname "$out")"
CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC="$CC" "$GO" build -trimpath \
	-ldflags "-H=windowsgui -s -w -X sohoa/cli.Version=$version" -o "$out.unsigned" .

mv "$out.unsigned" "$out"
bash packaging/sign.sh "$out" "$name"
ls -l "$out"
