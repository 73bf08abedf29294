#!/bin/sh
# The official SigV4 vectors (../shared/sigv4-test-suite/v4) through the
# vector runner, one TAP case per vector; then proof that the runner fails
# and names the stage when an expected signature is wrong.
set -u
tool="$BUILDDIR/tests/tools/sigv4_vectors"
vectors="${SHARED:-../shared}/sigv4-test-suite/v4"
if [ ! -d "$vectors" ]; then
    echo "ok 1 - sigv4 vectors # SKIP $vectors not found"
    echo "1..1"
    exit 0
fi
out=$("$tool" --tap "$vectors")
rc=$?
echo "$out" | grep -v '^1\.\.'
n=$(echo "$out" | grep -c '^\(not \)\?ok')
# Every case directory must have been run: a crash midway would lose cases.
cases=$(ls "$vectors"/*/context.json 2>/dev/null | wc -l)
n=$((n + 1))
if [ "$n" -eq $((cases + 1)) ] && [ "$cases" -gt 0 ] && { [ "$rc" -eq 0 ] || echo "$out" | grep -q '^not ok'; }; then
    echo "ok $n - the runner ran all $cases cases (exit $rc)"
else
    echo "not ok $n - the runner ran all $cases cases (exit $rc, $((n - 1)) reported)"
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r "$vectors/get-vanilla" "$tmp/"
echo 0000000000000000000000000000000000000000000000000000000000000000 > "$tmp/get-vanilla/header-signature.txt"
out=$("$tool" "$tmp")
status=$?
n=$((n + 1))
if [ "$status" -eq 1 ] && echo "$out" | grep -q "FAIL get-vanilla: header signature differs" &&
   echo "$out" | tail -1 | grep -q "^0 passed, 1 failed$"; then
    echo "ok $n - a wrong expected signature fails and names the stage"
else
    echo "not ok $n - a wrong expected signature fails and names the stage"
    echo "$out" | sed 's/^/# /'
fi
cp "$vectors/get-vanilla/header-signature.txt" "$tmp/get-vanilla/"
sed -i 's/^GET/PUT/' "$tmp/get-vanilla/header-canonical-request.txt"
mkdir "$tmp/empty-case" && cp "$vectors/get-vanilla/context.json" "$vectors/get-vanilla/request.txt" "$tmp/empty-case/"
out=$("$tool" "$tmp")
n=$((n + 1))
if echo "$out" | grep -q "FAIL get-vanilla: header canonical request differs at line 1: got 'GET', want 'PUT'"; then
    echo "ok $n - a wrong canonical request is reported at its first differing line"
else
    echo "not ok $n - a wrong canonical request is reported at its first differing line"
    echo "$out" | sed 's/^/# /'
fi
n=$((n + 1))
if echo "$out" | grep -q "FAIL empty-case: no expected files" && echo "$out" | tail -1 | grep -q "^0 passed, 2 failed$"; then
    echo "ok $n - a case without expected files fails"
else
    echo "not ok $n - a case without expected files fails"
    echo "$out" | sed 's/^/# /'
fi
echo "1..$n"
