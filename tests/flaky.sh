#!/bin/sh
# flaky.sh — run the seed suite N times (default 50) on one local stack while
# another core is kept busy, and count passes (issue 7).  Not part of make test.
#
#   sh tests/flaky.sh [RUNS]        (ALBCHECK=path overrides ./albcheck)
#
# Starts its own stack in a temporary run dir and one bounded busy-loop process
# (killed by its pid at the end, and it stops by itself after 30 minutes), runs
# `albcheck run checks/microservices.json` RUNS times, prints each run's exit
# status and seconds, then "passed P/N, failed F; min/median/max seconds".
# Exit status 0 only when every run passed.  A failed run's output is kept in
# the run dir, which is then left in place and named.
set -u
cd "$(dirname "$0")/.."
RUNS=${1:-50}
ALBCHECK=${ALBCHECK:-./albcheck}
PY=${PYTHON:-python3}
dir=$(mktemp -d /tmp/albcheck-flaky.XXXXXX)
busy= keep=0
cleanup() {
    [ -n "$busy" ] && kill "$busy" 2>/dev/null
    "$PY" tests/stack/stackctl down --run-dir "$dir/stack" >/dev/null 2>&1
    [ "$keep" -eq 1 ] || rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[ -x "$ALBCHECK" ] || { echo "flaky.sh: $ALBCHECK is not built (make)" >&2; exit 2; }
if ! "$PY" tests/stack/stackctl up --run-dir "$dir/stack" >"$dir/stack-up.log" 2>&1; then
    cat "$dir/stack-up.log" >&2
    keep=1
    exit 2
fi
. "$dir/stack/env"

# Keep one core busy: a shell busy loop bounded to 30 minutes.
sh -c 'end=$(( $(date +%s) + 1800 )); while [ "$(date +%s)" -lt "$end" ]; do :; done' &
busy=$!

pass=0 fail=0
: >"$dir/times"
i=1
while [ "$i" -le "$RUNS" ]; do
    t0=$(date +%s%N)
    "$ALBCHECK" run checks/microservices.json --report-dir "$dir/rep$i" >"$dir/run$i.log" 2>&1
    rc=$?
    ms=$(( ($(date +%s%N) - t0) / 1000000 ))
    secs=$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))
    echo "$secs" >>"$dir/times"
    if [ "$rc" -eq 0 ]; then
        pass=$((pass + 1)); rm -rf "$dir/rep$i" "$dir/run$i.log"
    else
        fail=$((fail + 1)) keep=1
        echo "run $i: exit $rc (output: $dir/run$i.log)"
        grep -E '^(FAIL|ERROR)' "$dir/run$i.log" | head -5 | sed 's/^/    /'
    fi
    printf 'run %2d: exit %d, %s s\n' "$i" "$rc" "$secs"
    i=$((i + 1))
done
stats=$(sort -n "$dir/times" | awk '{a[NR]=$1} END {printf "min %.2f s, median %.2f s, max %.2f s", a[1], a[int((NR+1)/2)], a[NR]}')
echo "passed $pass/$RUNS, failed $fail; $stats"
[ "$fail" -eq 0 ] && exit 0
echo "kept: $dir (failed runs' output)"
exit 1
