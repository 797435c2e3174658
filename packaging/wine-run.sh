#!/usr/bin/env bash
# Runs a command inside the Wine root made by wine-root.sh, with /proc and /dev mounted in a
# private mount namespace (nothing stays mounted on the host when it ends).
# Usage: packaging/wine-run.sh ROOT COMMAND [ARGS...]
set -euo pipefail
root=${1:?usage: wine-run.sh ROOT COMMAND...}
shift
exec unshare --mount --propagation private bash -c '
	set -e; r=$1; shift
	mount -t proc proc "$r/proc"
	mount --rbind /dev "$r/dev"
	mkdir -p "$r/dev/shm" && mount -t tmpfs shm "$r/dev/shm" 2>/dev/null || true
	exec chroot "$r" env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/root LANG=C.UTF-8 TERM=dumb "$@"
' _ "$root" "$@"
