#!/usr/bin/env bash
# Builds (once) a Debian 13 "trixie" root with Wine 10, Xvfb, Mesa and xwd, in which the Windows
# smoke test runs sohoa.exe. Debian 12's Wine 8 cannot start Go 1.26 binaries (no ProcessPrng);
# trixie's Wine 10 can. The root is cached outside the clone (CI on the same machine reuses it) and
# made again when the package list or ROOT_VERSION below changes; about 5 minutes from scratch.
# Usage: packaging/wine-root.sh [CACHE]   (default $SOHOA_WINE_CACHE or /var/cache/sohoa-wine);
# prints the root's path on stdout. Run commands inside it with packaging/wine-run.sh.
set -euo pipefail
cache=${1:-${SOHOA_WINE_CACHE:-/var/cache/sohoa-wine}}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
here=$(cd "$(dirname "$0")" && pwd)
ROOT_VERSION=1
pkgs="wine wine64 xvfb xauth x11-apps libgl1 libgl1-mesa-dri libglx-mesa0 fonts-dejavu-core"
key=$(echo "trixie $ROOT_VERSION $pkgs" | sha256sum | cut -c1-12)
root="$cache/trixie-$key"
if [ -f "$root/.sohoa-ready" ]; then echo "$root"; exit 0; fi

command -v debootstrap >/dev/null || { echo "wine-root.sh: debootstrap not found: apt-get install debootstrap" >&2; exit 1; }
[ -f /usr/share/debootstrap/scripts/trixie ] || { echo "wine-root.sh: this debootstrap does not know trixie" >&2; exit 1; }
start=$(date +%s)
mkdir -p "$cache"
# Roots made for another package list, and half-made ones, go.
find "$cache" -mindepth 1 -maxdepth 1 -name 'trixie-*' ! -name "trixie-$key" -exec rm -rf {} + 2>/dev/null || true
rm -rf "$root.tmp"
debootstrap --variant=minbase --keyring=/usr/share/keyrings/debian-archive-keyring.gpg \
	trixie "$root.tmp" "$mirror" >&2
cp /etc/resolv.conf "$root.tmp/etc/resolv.conf" 2>/dev/null || true
# shellcheck disable=SC2086
bash "$here/wine-run.sh" "$root.tmp" env DEBIAN_FRONTEND=noninteractive \
	apt-get install -y -q --no-install-recommends $pkgs >&2
bash "$here/wine-run.sh" "$root.tmp" apt-get clean >&2
# A 64-bit prefix made once, so that each test starts from a copy instead of wineboot's minute.
bash "$here/wine-run.sh" "$root.tmp" env WINEPREFIX=/opt/wineprefix WINEDEBUG=-all wineboot --init >&2
# X11 only: Wine 10's Wayland driver prints "XDG_RUNTIME_DIR is invalid or not set" on every start
# (that warning is Wine's, not the program's: real Windows never shows it).
bash "$here/wine-run.sh" "$root.tmp" env WINEPREFIX=/opt/wineprefix WINEDEBUG=-all /usr/lib/wine/wine64 \
	reg add 'HKCU\Software\Wine\Drivers' /v Graphics /d x11 /f >&2
bash "$here/wine-run.sh" "$root.tmp" env WINEPREFIX=/opt/wineprefix wineserver -w >&2
bash "$here/wine-run.sh" "$root.tmp" /usr/lib/wine/wine64 --version >&2
mv "$root.tmp" "$root"
touch "$root/.sohoa-ready"
echo "wine-root.sh: built $root in $(( $(date +%s) - start )) s" >&2
echo "$root"
