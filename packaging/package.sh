#!/usr/bin/env bash
# Builds the Linux packages from a built binary: a .tar.xz (the layout `fyne package` makes, with
# its install Makefile) and a .deb whose Depends are worked out from the libraries the binary
# links (libGL, libusb, SANE, X11), so installing it on a clean Debian pulls them in.
# Usage: packaging/package.sh BINARY OUTDIR VERSION
set -euo pipefail
bin=${1:?usage: package.sh BINARY OUTDIR VERSION}
outdir=${2:?}
version=${3:-0.0.0}
root=$(cd "$(dirname "$0")/.." && pwd)
id=vn.sohoa.desk
arch=$(dpkg --print-architecture)
# Debian versions must start with a digit: v0.1.0-3-gabc → 0.1.0-3-gabc; a bare commit → 0~gabc.
debver=${version#v}
[[ $debver =~ ^[0-9] ]] || debver="0~g$debver"
debver=${debver//-dirty/+dirty}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$outdir"

# .deb
d="$tmp/deb"
install -D -m 0755 "$bin" "$d/usr/bin/sohoa"
install -D -m 0644 "$root/packaging/sohoa.desktop" "$d/usr/share/applications/$id.desktop"
install -D -m 0644 "$root/packaging/icon.png" "$d/usr/share/icons/hicolor/512x512/apps/$id.png"
install -D -m 0644 "$root/packaging/copyright" "$d/usr/share/doc/sohoa/copyright"

# Depends: the package owning each shared library the binary needs (as dpkg-shlibdeps would).
deps=()
for lib in $(objdump -p "$bin" | awk '/NEEDED/ {print $2}'); do
	# awk reads to the end (no early exit): under pipefail an early exit makes ldconfig die of SIGPIPE (141).
	path=$(ldconfig -p | awk -v l="$lib" '$1 == l && !found {print $NF; found = 1}')
	[ -n "$path" ] || { echo "package.sh: $lib not found on this system" >&2; exit 1; }
	pkg=$(dpkg -S "$(readlink -f "$path")" 2>/dev/null | awk -F: 'NR == 1 {print $1}') ||
		pkg=$(dpkg -S "$path" | awk -F: 'NR == 1 {print $1}')
	deps+=("$pkg")
done
depends=$(printf '%s\n' "${deps[@]}" | sort -u | paste -sd, | sed 's/,/, /g')
size=$(du -sk "$d" | cut -f1)
mkdir -p "$d/DEBIAN"
sed -e "s/@VERSION@/$debver/" -e "s/@ARCH@/$arch/" -e "s/@DEPENDS@/$depends/" -e "s/@SIZE@/$size/" \
	"$root/packaging/control.in" >"$d/DEBIAN/control"
install -m 0755 "$root/packaging/postinst" "$d/DEBIAN/postinst"
install -m 0755 "$root/packaging/postinst" "$d/DEBIAN/postrm"
deb="$outdir/sohoa_${debver}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$d" "$deb" >/dev/null

# .tar.xz in fyne package's layout (usr/local/...; `sudo make install` from inside it).
t="$tmp/tar"
install -D -m 0755 "$bin" "$t/usr/local/bin/sohoa"
install -D -m 0644 "$root/packaging/sohoa.desktop" "$t/usr/local/share/applications/$id.desktop"
install -D -m 0644 "$root/packaging/icon.png" "$t/usr/local/share/pixmaps/$id.png"
cat >"$t/Makefile" <<'MK'
# Installs sohoa under /usr/local (run as root); `make user-install` installs under ~/.local.
PREFIX ?= /usr/local
install:
	install -Dm755 usr/local/bin/sohoa $(DESTDIR)$(PREFIX)/bin/sohoa
	install -Dm644 usr/local/share/applications/vn.sohoa.desk.desktop $(DESTDIR)$(PREFIX)/share/applications/vn.sohoa.desk.desktop
	install -Dm644 usr/local/share/pixmaps/vn.sohoa.desk.png $(DESTDIR)$(PREFIX)/share/pixmaps/vn.sohoa.desk.png
user-install:
	$(MAKE) install PREFIX=$(HOME)/.local
uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/sohoa $(DESTDIR)$(PREFIX)/share/applications/vn.sohoa.desk.desktop $(DESTDIR)$(PREFIX)/share/pixmaps/vn.sohoa.desk.png
MK
tarball="$outdir/sohoa-${debver}-linux-${arch}.tar.xz"
tar -C "$t" --owner=0 --group=0 -cJf "$tarball" .
ls -l "$deb" "$tarball"
