#!/bin/sh
# The official SigV4 vectors (../shared/sigv4-test-suite/v4) through the
# vector runner, one TAP case per vector; then proof that the runner fails
# and names the stage when an expected signature is wrong.
set -u
tool="$BUILDDIR/tests/tools/sigv4_vectors"
vectors="${SHARED:-../shared}/sigv4-test-suite/v4"
if [ ! -d "$vectors" ]; then
    echo "ok 1 - sigv4 vectors # SKIP $vectors not found (the shared test data is not on this machine)"
    echo "1..1"
    exit 0
fi
"$tool" --tap "$vectors" | grep -v '^1\.\.' > "${TMPDIR:-/tmp}/sigv4-tap.$$"
rc=$?
cat "${TMPDIR:-/tmp}/sigv4-tap.$$"
n=$(grep -c '^\(not \)\?ok' "${TMPDIR:-/tmp}/sigv4-tap.$$")
rm -f "${TMPDIR:-/tmp}/sigv4-tap.$$"

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
out=$("$tool" "$tmp")
n=$((n + 1))
if echo "$out" | grep -q "header canonical request differs at line 1"; then
    echo "ok $n - a wrong canonical request is reported at its first differing line"
else
    echo "not ok $n - a wrong canonical request is reported at its first differing line"
    echo "$out" | sed 's/^/# /'
fi
echo "1..$n"
