#!/bin/bash
# The whole-process page benchmark: a folder of page images through sohoa's capture pipeline
# (decode, clean-up, encode) and assembly into one PDF, timed as a process against ImageMagick
# (`convert -quality 75`, one process per page) + img2pdf on the same pages; one core each
# (taskset, GOMAXPROCS=1, MAGICK_THREAD_LIMIT=1), then all cores (sohoa's pool; ImageMagick as
# one convert per core with xargs -P); JPEG, PNG and raw PPM input; runs interleaved; medians of
# wall and CPU time. Then, for the colour pages, bytes per page and Tesseract word accuracy of
# sohoa's pages and of ImageMagick q75's, against Tesseract's reading of the input page.
#
#   scripts/bench-pages.sh [PAGES_DIR]     (default: $SOHOA_BENCH_PAGES, else testdata/pages)
#   RUNS=5 OCR=0 scripts/bench-pages.sh    (runs per configuration; OCR=0 skips the OCR table)
#
# What it measures: sohoa also crops, deskews, orients and tunes the JPEG size of each page,
# which `convert -quality 75` does not; both include reading the input and writing one PDF.
set -euo pipefail
cd "$(dirname "$0")/.."
PAGES=${1:-${SOHOA_BENCH_PAGES:-testdata/pages}}
RUNS=${RUNS:-3}
OCR=${OCR:-1}
NCPU=$(nproc)
for t in convert img2pdf taskset; do command -v $t >/dev/null || { echo "bench-pages: $t is missing (make deps-test)"; exit 1; }; done
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
go build -o "$W/pagebench" ./internal/pagebench

# Inputs as a scanner or a hot folder hands them: JPEG (what eSCL sends), PNG, raw PPM; 200 dpi.
mkdir -p "$W/in-jpeg" "$W/in-png" "$W/in-raw"
n=0
for f in "$PAGES"/*.jpg "$PAGES"/*.jpeg "$PAGES"/*.png; do
	[ -e "$f" ] || continue
	b=$(basename "${f%.*}")
	convert "$f" -quality 92 -density 200 -units PixelsPerInch "$W/in-jpeg/$b.jpg"
	convert "$f" -density 200 -units PixelsPerInch "$W/in-png/$b.png"
	convert "$f" -type TrueColor "$W/in-raw/$b.ppm"
	n=$((n + 1))
done
[ "$n" -gt 0 ] || { echo "bench-pages: no pages in $PAGES"; exit 1; }
echo "pages: $n from $PAGES; $NCPU cores; $RUNS interleaved runs per configuration"

timeit() { # timeit LABEL CMD...: appends "LABEL wall cpu" to $W/times
	local label=$1; shift
	/usr/bin/time -f "%e %U %S" -o "$W/t" "$@" >/dev/null 2>"$W/err" || { cat "$W/err"; exit 1; }
	read -r wall u s <"$W/t"
	echo "$label $wall $(echo "$u + $s" | bc)" >>"$W/times"
}
sohoa() { # sohoa CORES FMT
	if [ "$1" = 1 ]; then
		timeit "$2 1 sohoa" env GOMAXPROCS=1 taskset -c 0 "$W/pagebench" -o "$W/s.pdf" "$W/in-$2"
	else
		timeit "$2 $1 sohoa" "$W/pagebench" -o "$W/s.pdf" "$W/in-$2"
	fi
}
magick() { # magick CORES FMT
	rm -rf "$W/im" && mkdir "$W/im"
	local conv='convert "$1" -quality 75 -density 200 -units PixelsPerInch "$0/$(basename "${1%.*}").jpg"'
	if [ "$1" = 1 ]; then
		timeit "$2 1 magick" env MAGICK_THREAD_LIMIT=1 taskset -c 0 sh -c "ls '$W/in-$2'/* | xargs -n1 sh -c '$conv' '$W/im' && img2pdf '$W/im'/*.jpg -o '$W/im.pdf'"
	else
		timeit "$2 $1 magick" sh -c "ls '$W/in-$2'/* | xargs -P $1 -n1 sh -c '$conv' '$W/im' && img2pdf '$W/im'/*.jpg -o '$W/im.pdf'"
	fi
}
: >"$W/times"
for run in $(seq "$RUNS"); do
	for fmt in jpeg png raw; do
		for cores in 1 "$NCPU"; do
			sohoa "$cores" "$fmt"
			magick "$cores" "$fmt"
		done
	done
done

echo
echo "whole process, $n pages, medians of $RUNS runs (wall and CPU in seconds; pages/min from wall)"
printf "%-6s %-5s | %-22s | %-22s | %s\n" input cores "sohoa wall/cpu p/min" "magick wall/cpu p/min" "sohoa÷magick (wall, cpu)"
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
for fmt in jpeg png raw; do
	for cores in 1 "$NCPU"; do
		sw=$(awk -v k="$fmt $cores sohoa" '$1" "$2" "$3==k {print $4}' "$W/times" | median)
		sc=$(awk -v k="$fmt $cores sohoa" '$1" "$2" "$3==k {print $5}' "$W/times" | median)
		mw=$(awk -v k="$fmt $cores magick" '$1" "$2" "$3==k {print $4}' "$W/times" | median)
		mc=$(awk -v k="$fmt $cores magick" '$1" "$2" "$3==k {print $5}' "$W/times" | median)
		printf "%-6s %-5s | %5.2f %5.2f %8.0f | %5.2f %5.2f %8.0f | speed ×%.2f wall, ×%.2f cpu\n" "$fmt" "$cores" \
			"$sw" "$sc" "$(echo "$n*60/$sw" | bc -l)" "$mw" "$mc" "$(echo "$n*60/$mw" | bc -l)" \
			"$(echo "$mw/$sw" | bc -l)" "$(echo "$mc/$sc" | bc -l)"
	done
done
echo "(speed ×k: sohoa is k times as fast as ImageMagick + img2pdf; sohoa also crops, deskews, orients and sizes each page)"

[ "$OCR" = 1 ] || exit 0
command -v tesseract >/dev/null || { echo "no tesseract: OCR table skipped (make deps-test)"; exit 0; }
# Per page: bytes and Tesseract word accuracy of sohoa's page and of ImageMagick q75's, each
# against Tesseract's reading of the input page (words found / words in the reference).
mkdir -p "$W/sp" "$W/imq"
"$W/pagebench" -pages-out "$W/sp" -o "$W/s.pdf" "$W/in-png" >/dev/null
i=0
for f in "$W/in-png"/*.png; do
	b=$(basename "${f%.*}")
	convert "$f" -quality 75 "$W/imq/$b.jpg"
	printf "%s\t%s\t%s\n" "$f" "$(ls "$W/sp"/$(printf %03d $i).* )" "$W/imq/$b.jpg"
	i=$((i + 1))
done >"$W/triples"
cut -f1-3 "$W/triples" | tr '\t' '\n' | xargs -P "$NCPU" -I{} sh -c 'tesseract "{}" "{}" -l eng quiet >/dev/null 2>&1 || true'
python3 - "$W/triples" <<'PY'
import collections, os, re, statistics, sys
def words(p):
    try:
        t = open(p + ".txt", encoding="utf-8", errors="replace").read()
    except OSError:
        return collections.Counter()
    return collections.Counter(w.lower() for w in re.findall(r"\w{2,}", t))
def acc(ref, got):
    n = sum(ref.values())
    return None if n == 0 else sum((ref & got).values()) / n
rows = []
for line in open(sys.argv[1]):
    src, ours, im = line.rstrip("\n").split("\t")
    ref = words(src)
    rows.append((os.path.basename(src), sum(ref.values()), os.path.getsize(ours), os.path.getsize(im), acc(ref, words(ours)), acc(ref, words(im))))
print()
print("per page (colour, 200 dpi): bytes and Tesseract word accuracy against the input page's reading")
print(f"{'page':44} {'words':>5} {'sohoa KB':>8} {'q75 KB':>7} {'sohoa acc':>9} {'q75 acc':>8}")
f = lambda a: "-" if a is None else f"{a*100:.1f}%"
for r in rows:
    print(f"{r[0][:44]:44} {r[1]:5d} {r[2]/1024:8.0f} {r[3]/1024:7.0f} {f(r[4]):>9} {f(r[5]):>8}")
dense = [r for r in rows if r[1] >= 150]
if dense:
    print(f"dense text pages (≥150 words): {len(dense)}; median KB sohoa {statistics.median(r[2] for r in dense)/1024:.0f}, q75 {statistics.median(r[3] for r in dense)/1024:.0f}; "
          f"mean accuracy sohoa {statistics.mean(r[4] for r in dense)*100:.1f}%, q75 {statistics.mean(r[5] for r in dense)*100:.1f}%; "
          f"pages ≤150 KB: sohoa {sum(r[2] <= 150*1024 for r in dense)}, q75 {sum(r[3] <= 150*1024 for r in dense)}")
PY
