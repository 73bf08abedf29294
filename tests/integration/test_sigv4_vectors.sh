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

# Obsolete line folding, as in the upstream get-header-value-multiline case
# (not among the shared cases): each continuation line is one more value.
# The expected signature is upstream's (aws-c-auth, Apache-2.0).
rm -rf "$tmp"/*
mkdir "$tmp/multiline"
cp "$vectors/get-vanilla/context.json" "$tmp/multiline/"
printf 'GET / HTTP/1.1\nHost:example.amazonaws.com\nMy-Header1:value1\n  value2\n     value3\n' \
    > "$tmp/multiline/request.txt"
printf 'GET\n/\n\nhost:example.amazonaws.com\nmy-header1:value1,value2,value3\nx-amz-date:20150830T123600Z\n\nhost;my-header1;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' \
    > "$tmp/multiline/header-canonical-request.txt"
echo ba17b383a53190154eb5fa66a1b836cc297cc0a3d70a5d00705980573d8ff790 > "$tmp/multiline/header-signature.txt"
out=$("$tool" "$tmp")
status=$?
n=$((n + 1))
if [ "$status" -eq 0 ] && echo "$out" | tail -1 | grep -q "^1 passed, 0 failed$"; then
    echo "ok $n - folded header lines are comma-joined values (upstream multiline vector)"
else
    echo "not ok $n - folded header lines are comma-joined values (upstream multiline vector)"
    echo "$out" | sed 's/^/# /'
fi
echo "1..$n"
