#!/usr/bin/env bash
# Clean-room proof that the project stands on its own: makes a fresh Debian 12 root with
# debootstrap (minbase + build-essential, git, ca-certificates; Go copied from the host's
# /usr/local/go), clones the project alone into it at a given commit (nothing beside it: the tests
# can read only what the clone holds), and runs `make test` inside it under chroot with /proc, /dev
# and /dev/shm mounted.
# `make test` itself must install every Debian package its tests need; this script installs none.
#
# Usage (as root): nice -n 19 scripts/clean-room.sh [COMMIT]     (default: HEAD of this repo)
# Env:  CLEAN_ROOM=dir  where the root goes (default: a new /var/tmp/sohoa-clean-room.XXXXXX)
#       MIRROR=url      Debian mirror (default http://deb.debian.org/debian)
#       GOROOT_HOST=dir the Go to copy in (default /usr/local/go)
#       TARGET=...      make target(s) to run (default: test)
#       KEEP=1          keep the root afterwards (it is removed on success otherwise)
# The log of the whole run is CLEAN_ROOM.log beside the root; the last lines say the outcome and
# the time of each phase. Not run by `make test` (it takes tens of minutes).
set -euo pipefail

[ "$(id -u)" = 0 ] || { echo "clean-room: run as root (debootstrap and chroot need it)" >&2; exit 2; }
command -v debootstrap >/dev/null || { echo "clean-room: debootstrap is missing: apt-get install debootstrap" >&2; exit 2; }
src=$(cd "$(dirname "$0")/.." && pwd)
commit=$(git -C "$src" rev-parse --verify "${1:-HEAD}^{commit}")
mirror=${MIRROR:-http://deb.debian.org/debian}
goroot=${GOROOT_HOST:-/usr/local/go}
target=${TARGET:-test}
[ -x "$goroot/bin/go" ] || { echo "clean-room: no Go at $goroot" >&2; exit 2; }
root=${CLEAN_ROOM:-$(mktemp -d /var/tmp/sohoa-clean-room.XXXXXX)}
mkdir -p "$root"
root=$(cd "$root" && pwd)
log="$root.log"
exec > >(tee -a "$log") 2>&1

mounted=()
cleanup() {
	local status=$?
	for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount -l "${mounted[$i]}" 2>/dev/null || true; done
	if [ "$status" = 0 ] && [ -z "${KEEP:-}" ]; then
		rm -rf --one-file-system "$root"
	else
		echo "clean-room: root kept in $root"
	fi
}
trap cleanup EXIT
mnt() { mount "$@"; mounted+=("${!#}"); }

t0=$(date +%s)
phase() { echo "== $(date -u +%H:%M:%S) [$(($(date +%s) - t0)) s] $*"; }

phase "commit $commit of $src; root $root"
if [ ! -x "$root/usr/bin/git" ]; then
	phase "debootstrap bookworm (minbase + build-essential, git, ca-certificates) from $mirror"
	debootstrap --variant=minbase --include=build-essential,git,ca-certificates bookworm "$root" "$mirror"
else
	phase "reusing the Debian root already in $root"
fi
t_boot=$(($(date +%s) - t0))

phase "Go from $goroot ($("$goroot/bin/go" version))"
rm -rf "$root/usr/local/go"
cp -a "$goroot" "$root/usr/local/go"
cp /etc/resolv.conf "$root/etc/resolv.conf"
# The host's network, not the project: name servers, and the local CA certificates a
# TLS-inspecting egress needs (the Go module proxy is reached over HTTPS).
if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
	mkdir -p "$root/usr/local/share/ca-certificates"
	cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
	chroot "$root" update-ca-certificates >/dev/null
fi
# No daemon starts inside the root when a package is installed.
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d" && chmod +x "$root/usr/sbin/policy-rc.d"

phase "clone of the project alone into /build/sohoa"
rm -rf "$root/build"
mkdir -p "$root/build"
git clone -q --no-checkout "$src" "$root/build/sohoa"
git -C "$root/build/sohoa" checkout -q --detach "$commit"
ls -A "$root/build"

mnt -t proc proc "$root/proc"
mnt --bind /dev "$root/dev"
mnt -t tmpfs -o mode=1777 shm "$root/dev/shm"

phase "make $target inside the root"
t1=$(date +%s)
status=0
chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
	PATH=/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	${GOPROXY:+GOPROXY=$GOPROXY} \
	bash -c "cd /build/sohoa && nice -n 19 make $target" || status=$?
t_make=$(($(date +%s) - t1))

phase "done"
echo "clean-room: debootstrap ${t_boot} s, make $target ${t_make} s, total $(($(date +%s) - t0)) s"
if [ "$status" = 0 ]; then
	echo "clean-room: PASS make $target at $commit in a fresh Debian 12 root"
else
	echo "clean-room: FAIL make $target exited $status at $commit"
fi
exit "$status"
