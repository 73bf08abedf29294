#!/bin/sh
# Build one libFuzzer target with clang (ASan + UBSan) and run it.
#   tests/fuzz/run.sh elbv2_xml|aws_json [SECONDS]
# The target links only the parsers and their helpers (no network code).
# Runs from the repository root; builds under build/fuzz/; the seed corpus is
# tests/fuzz/corpus/<name>/ and new inputs go to build/fuzz/corpus-<name>/.
set -eu
name=${1:?usage: tests/fuzz/run.sh elbv2_xml|aws_json [SECONDS]}
secs=${2:-60}
out=build/fuzz
mkdir -p "$out/corpus-$name"
srcs="src/aws/elbv2_parse.c src/aws/ecs_parse.c src/aws/logs_parse.c src/aws/cfn_parse.c
      src/aws/typed_util.c src/aws/xml.c src/model/topology.c src/util/err.c
      src/util/xmalloc.c src/util/buf.c"
cflags=$(pkg-config --cflags libxml-2.0 jansson 2>/dev/null || echo -I/usr/include/libxml2)
libs=$(pkg-config --libs libxml-2.0 jansson 2>/dev/null || echo -lxml2 -ljansson)
clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -std=c11 -D_GNU_SOURCE -Iinclude $cflags \
    -o "$out/fuzz_$name" "tests/fuzz/fuzz_$name.c" $srcs $libs -lm
exec "$out/fuzz_$name" -max_total_time="$secs" -max_len=16384 -timeout=10 \
    "$out/corpus-$name" "tests/fuzz/corpus/$name"
