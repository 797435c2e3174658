#!/usr/bin/env bash
# Builds the Windows installer dist/sohoa-<version>.msi from bin/sohoa.exe with Debian's wixl
# (packaging/sohoa.wxs), the icon from FyneApp.toml, and Authenticode-signs it like the exe.
# Usage: packaging/msi.sh OUT.msi EXE [MSI_VERSION]   (MSI_VERSION: a.b.c, default from FyneApp.toml)
set -euo pipefail
out=${1:?usage: msi.sh OUT.msi EXE [a.b.c]}
exe=${2:?usage: msi.sh OUT.msi EXE [a.b.c]}
root=$(cd "$(dirname "$0")/.." && pwd)
toml() { sed -n "s/^$1 *= *\"\{0,1\}\([^\"]*\)\"\{0,1\} *$/\1/p" "$root/FyneApp.toml" | head -1; }
version=${3:-$(toml Version)}
command -v wixl >/dev/null || { echo "msi.sh: wixl not found: apt-get install wixl" >&2; exit 1; }
command -v convert >/dev/null || { echo "msi.sh: convert not found: apt-get install imagemagick" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
convert "$root/$(toml Icon)" -define icon:auto-resize=256,48,32,16 "$tmp/sohoa.ico"
mkdir -p "$(dirname "$out")"
out=$(readlink -f "$out")
# wixl finds sources by paths relative to the .wxs: everything goes beside it in the temp folder.
cp "$exe" "$tmp/sohoa.exe"
cp "$root/packaging/sohoa.wxs" "$tmp/"
(cd "$tmp" && wixl -a x64 -D Version="$version" -D Exe=sohoa.exe -D Icon=sohoa.ico -o "$out" sohoa.wxs)
bash "$root/packaging/sign.sh" "$out" "$(toml Name)"
ls -l "$out"
