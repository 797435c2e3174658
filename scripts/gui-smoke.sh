#!/usr/bin/env bash
# Real-window smoke test of the desk GUI: runs the autopilot through the whole training flow in a
# real Fyne window under Xvfb and checks that it exits 0 and leaves a screenshot of every screen.
# Usage: scripts/gui-smoke.sh [path/to/sohoa]   (builds ./sohoa into a temp dir when no binary is given)
# Env: SHOTS=dir keeps the screenshots there; TIMEOUT=seconds (default 240).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

bin="${1:-}"
if [[ -z "$bin" ]]; then
	bin="$work/sohoa"
	(cd "$root" && go build -o "$bin" .)
fi
bin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"
[[ -x "$bin" ]] || { echo "gui-smoke: $bin is not an executable" >&2; exit 2; }
command -v xvfb-run >/dev/null || { echo "gui-smoke: xvfb-run is missing (Debian package xvfb)" >&2; exit 2; }

data="$work/data"
shots="${SHOTS:-$work/shots}"
mkdir -p "$shots"
rm -f "$shots"/*.png

# A 1366×768 screen: the smallest laptop the desk must work on. Mesa renders OpenGL in software.
# (Mesa picks its software renderer by itself under Xvfb)
status=0
timeout "${TIMEOUT:-240}" xvfb-run -a -s "-screen 0 1366x768x24" \
	"$bin" gui --training --data "$data" --autopilot "$shots" >"$work/out.log" 2>&1 || status=$?
if [[ $status -ne 0 ]]; then
	echo "gui-smoke: sohoa gui --autopilot exited with $status" >&2
	tail -n 40 "$work/out.log" >&2
	exit 1
fi

want=(home new-dossier capture check signed authorized submitted receipt queue settings)
missing=0
for w in "${want[@]}"; do
	f=$(ls "$shots"/*-"$w".png 2>/dev/null | head -n 1 || true)
	if [[ -z "$f" || ! -s "$f" ]]; then
		echo "gui-smoke: no screenshot of $w" >&2
		missing=1
	fi
done
if ls "$shots"/*-zz-failure.png >/dev/null 2>&1; then
	echo "gui-smoke: the autopilot saved a failure screenshot" >&2
	missing=1
fi
[[ $missing -eq 0 ]] || { tail -n 40 "$work/out.log" >&2; exit 1; }
echo "gui-smoke: ok, $(ls "$shots"/*.png | wc -l) screenshots in $shots"
