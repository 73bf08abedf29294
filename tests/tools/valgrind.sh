#!/bin/sh
# make valgrind: run the demo suite (checks/microservices.json) under valgrind
# memcheck against a local stack this script starts in a temporary run dir and
# always stops.  Fails on any memcheck error or any leak (definite, indirect,
# possible or still reachable) that tests/valgrind.supp does not explain.
#
# Three runs: the healthy demo suite (expects exit 0; --error-exitcode=1), then
# two error paths with a distinct --error-exitcode=97 so albcheck's own exit
# statuses stay readable: a failing check (kill-task, exit 1) and an unreachable
# AWS endpoint (exit 3).  Prints valgrind's summary lines of each run.
set -u
cd "$(dirname "$0")/../.." || exit 1
PY=${PYTHON:-python3}
BIN=${ALBCHECK:-./albcheck}
dir=$(mktemp -d /tmp/albcheck-valgrind.XXXXXX)
cleanup() {
    "$PY" tests/stack/stackctl down --run-dir "$dir/stack" >/dev/null 2>&1
    rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
command -v valgrind >/dev/null || { echo "valgrind is not installed (apt-get install valgrind)" >&2; exit 2; }

"$PY" tests/stack/stackctl up --run-dir "$dir/stack" >"$dir/up.log" 2>&1 || { cat "$dir/up.log" >&2; exit 2; }
# shellcheck disable=SC1091
. "$dir/stack/env"

VG="valgrind --leak-check=full --show-leak-kinds=all --errors-for-leak-kinds=all
    --suppressions=tests/valgrind.supp --track-fds=no --num-callers=30"
status=0

# one NAME WANT_EXIT ERROR_EXIT [albcheck args...]
one() {
    name=$1 want=$2 ecode=$3
    shift 3
    start=$(date +%s)
    # shellcheck disable=SC2086
    $VG --error-exitcode="$ecode" --log-file="$dir/$name.vg" "$BIN" "$@" \
        --report-dir "$dir/rep-$name" >"$dir/$name.out" 2>&1
    rc=$?
    secs=$(( $(date +%s) - start ))
    summary=$(grep -E 'ERROR SUMMARY|in use at exit|definitely lost|All heap blocks' "$dir/$name.vg" | sed 's/^==[0-9]*== *//' | tr '\n' ';')
    if [ "$rc" -eq "$want" ] && grep -q 'ERROR SUMMARY: 0 errors' "$dir/$name.vg"; then
        echo "ok   $name: exit $rc in ${secs}s; $summary"
    else
        echo "FAIL $name: exit $rc (want $want) in ${secs}s; $summary"
        sed -n '/HEAP SUMMARY/,$p;/Invalid\|uninitialised\|Conditional/,+15p' "$dir/$name.vg" | head -80
        tail -5 "$dir/$name.out"
        status=1
    fi
}

one demo 0 1 run checks/microservices.json --log-wait 30
"$PY" tests/stack/fault --run-dir "$dir/stack" kill-task auth-service >/dev/null
one failing-check 1 97 run checks/microservices.json --log-wait 30
"$PY" tests/stack/fault --run-dir "$dir/stack" clear >/dev/null
one aws-unreachable 3 97 --endpoint-url http://127.0.0.1:9 run checks/microservices.json
exit $status
