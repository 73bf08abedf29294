#!/bin/sh
# test_fuzz_regress.sh — replay every saved fuzz input through the ordinary
# build (issue 7): each tests/fuzz/fuzz_<name>.c is also linked with
# tests/fuzz/replay_main.c into $BUILDDIR/tests/tools/replay_<name> (see the
# Makefile), which runs the target's LLVMFuzzerTestOneInput() once per file.
# Inputs: tests/fuzz/regress/<name>/* (crashes found by fuzzing, each fixed at
# its root) and the seed corpus tests/fuzz/corpus/<name>/*.  One TAP case per
# input; a crash, an abort() from the target's own invariant checks, a
# sanitizer report (BUILD=asan), or more than 60 s is a failure.  No clang
# and no libFuzzer needed.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
tools=${BUILDDIR:-$root/build/debug}/tests/tools
n=0 bad=0

tap() { # tap OK|FAIL description
    n=$((n + 1))
    if [ "$1" = OK ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; bad=$((bad + 1)); fi
}

# The replayer itself must report failure: a missing input is an error.
if [ -x "$tools/replay_suite" ]; then
    if "$tools/replay_suite" "$root/tests/fuzz/regress/no-such-input" >/dev/null 2>&1; then
        tap FAIL "replayer exits non-zero on a missing input"
    else
        tap OK "replayer exits non-zero on a missing input"
    fi
fi

for src in "$root"/tests/fuzz/fuzz_*.c; do
    name=${src##*/fuzz_}
    name=${name%.c}
    bin=$tools/replay_$name
    if [ ! -x "$bin" ]; then
        tap FAIL "replay_$name is built (run make unit)"
        continue
    fi
    for dir in "$root/tests/fuzz/regress/$name" "$root/tests/fuzz/corpus/$name"; do
        [ -d "$dir" ] || continue
        for f in "$dir"/*; do
            [ -f "$f" ] || continue
            rel=${f#"$root"/}
            out=$(timeout 60 "$bin" "$f" 2>&1)
            rc=$?
            if [ "$rc" -eq 0 ]; then
                tap OK "$name: $rel"
            else
                tap FAIL "$name: $rel (status $rc)"
                printf '%s\n' "$out" | tail -n 25 | sed 's/^/# /'
            fi
        done
    done
done
echo "1..$n"
[ "$bad" -eq 0 ]
