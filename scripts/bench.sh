#!/usr/bin/env bash
# Whole-command benchmark: on corpora of generated workbooks (nianbao sample),
# times `nianbao consolidate` (read + validate + write), the scripts a bureau
# analyst would otherwise write with openpyxl (scripts/openpyxl_read_all.py)
# and with SheetJS (scripts/sheetjs_read_all.js), which only read every cell,
# and the minimal archive/zip + encoding/xml reader (the floor), then
# consolidate with a store (--db, SQLite: a first run, 10 new files among the
# others stored, nothing new; SKIP_STORE=1 leaves them out; SKIP_BASELINES=1
# leaves the peers and the floor out), several runs
# each in the same session — consolidate and the peers in rounds, one run of
# each after the other, so that a drift of the machine's speed hits them
# alike; prints medians and peak memory. Corpora are made
# once and kept in $BENCH_WORK, and SheetJS (npm `xlsx`) is installed there.
#
#   scripts/bench.sh              # 1,000 and 10,000 workbooks, 3 runs each
#   RUNS=5 scripts/bench.sh 1000
#   BASELINE_RUNS=1 scripts/bench.sh 10000   # the openpyxl baseline takes minutes a run
#
# Needs GNU time (/usr/bin/time) and, for the baselines, python3 with openpyxl
# and node with npm (SKIP_SHEETJS=1 leaves SheetJS out).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-3}
baseline_runs=${BASELINE_RUNS:-$runs}
work=${BENCH_WORK:-/tmp/nianbao-bench}
mkdir -p "$work"
go build -o "$work/nianbao" ./cmd/nianbao
go build -o "$work/minread" ./internal/minread/cmd/minread
py=/usr/bin/python3
[ -x "$py" ] || py=python3
if [ -z "${SKIP_SHEETJS:-}" ] && [ ! -d "$work/sheetjs/node_modules/xlsx" ]; then
  mkdir -p "$work/sheetjs"
  (cd "$work/sheetjs" && npm install --silent --no-audit --no-fund xlsx >/dev/null)
fi
export NODE_PATH=$work/sheetjs/node_modules

# sample NAME CMD...: runs CMD once and keeps its wall time, CPU time (user +
# system) and peak RSS among NAME's samples.
sample() {
  local name=$1; shift
  local tf=$work/time.txt
  if ! /usr/bin/time -o "$tf" -f '%e %U %S %M' "$@" >/dev/null 2>"$work/stderr.txt"; then
    echo "$name failed:" >&2; cat "$work/stderr.txt" >&2; return 1
  fi
  read -r wall user sys rss <"$tf"
  echo "$wall $(awk -v u="$user" -v s="$sys" 'BEGIN {print u + s}') $rss" >>"$work/samples/$name"
}

# report NAME: prints the median wall time, the median CPU time and the
# largest peak RSS of NAME's samples.
report() {
  local f=$work/samples/$1 mw mc peak k
  [ -f "$f" ] || return 0
  median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
  k=$(wc -l <"$f")
  mw=$(cut -d' ' -f1 "$f" | median)
  mc=$(cut -d' ' -f2 "$f" | median)
  peak=$(cut -d' ' -f3 "$f" | sort -g | tail -1)
  printf '| %-7s | %-34s | %8s s | %8s s | %6d MB | %d |\n' "$n" "$1" "$mw" "$mc" $((peak / 1024)) "$k"
}

# measure NAME TIMES CMD...: runs CMD TIMES times, then reports.
measure() {
  local name=$1 times=$2; shift 2
  for _ in $(seq "$times"); do sample "$name" "$@" || return 1; done
  report "$name"
}

printf '| files   | command                            | wall (median) | CPU (median) | peak RSS | runs |\n'
printf '| ------- | ---------------------------------- | ------------- | ------------ | -------- | ---- |\n'
for n in ${@:-1000 10000}; do
  corpus=$work/corpus-$n
  if [ ! -f "$corpus/manifest.json" ]; then
    "$work/nianbao" sample -n "$n" --seed 1 --via-libreoffice 0 -o "$corpus" --force >/dev/null
  fi
  # consolidate and its peers in rounds, one run of each after the other:
  # a shared machine's speed drifts, by a quarter on this one from minute
  # to minute, and runs side by side see the same drift
  rm -rf "$work/samples" && mkdir -p "$work/samples"
  for r in $(seq "$runs"); do
    sample "nianbao consolidate" "$work/nianbao" consolidate --force -o "$work/out-$n.xlsx" "$corpus"
    [ -n "${SKIP_BASELINES:-}" ] && continue
    if [ "$r" -le "$baseline_runs" ]; then
      sample "openpyxl read-only, every cell" "$py" scripts/openpyxl_read_all.py "$corpus"
      [ -n "${SKIP_SHEETJS:-}" ] || sample "SheetJS (npm xlsx), every cell" node scripts/sheetjs_read_all.js "$corpus"
    fi
    sample "minimal zip+xml reader (floor)" "$work/minread" "$corpus"
  done
  for name in "nianbao consolidate" "openpyxl read-only, every cell" "SheetJS (npm xlsx), every cell" "minimal zip+xml reader (floor)"; do
    report "$name"
  done
  # the store (SQLite): a first run storing every school's every value; a
  # run finding 10 new files among those stored; a run finding nothing new
  [ -n "${SKIP_STORE:-}" ] && continue
  db=$work/store-$n
  rm -rf "$db" && mkdir -p "$db/older"
  ls "$corpus"/*.xlsx | tail -n +11 | xargs -I{} ln {} "$db/older/"
  "$work/nianbao" consolidate --db "$db/base.db" -o "$db/out.xlsx" --force "$db/older" >/dev/null
  measure "consolidate --db, first run" "$runs" sh -c "rm -f '$db/first.db'* && '$work/nianbao' consolidate --db '$db/first.db' -o '$db/out.xlsx' --force '$corpus'"
  measure "consolidate --db, 10 new files" "$runs" sh -c "cp '$db/base.db' '$db/run.db' && '$work/nianbao' consolidate --db '$db/run.db' -o '$db/out.xlsx' --force '$corpus'"
  measure "consolidate --db, nothing new" "$runs" "$work/nianbao" consolidate --db "$db/first.db" -o "$db/out.xlsx" --force "$corpus"
done
