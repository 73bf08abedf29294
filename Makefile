# albcheck — build, test and demo.
#
#   make                 build ./albcheck (debug variant)
#   make BUILD=release   optimised build;  make BUILD=asan  ASan + UBSan build
#   make test            install what is missing, build, run every test
#   make demo            install what is missing, run albcheck on the local stack
#   make valgrind        the demo suite under valgrind memcheck (no errors, no leaks)
#   sh tests/flaky.sh    50 runs of the seed suite with another core busy (not in make test)
#   make bench           albcheck beside aws-cli and boto3 scripts, and the
#                        1,000-probe scale run (tests/bench/run.py; minutes)
#   make deps            install missing Debian packages (apt-get), or say which
#   make install PREFIX=/usr/local
#
# Objects live under build/<variant>/; ./albcheck is a copy of the last variant
# built.  Sources are found by globbing, so adding a module needs no edit here.

BUILD    ?= debug
PREFIX   ?= /usr/local
SHARED   ?= $(abspath ../shared)
CC       ?= cc
PYTHON   ?= python3

BUILDDIR := build/$(BUILD)
VERSION  := 0.1.0
GITREV   := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
PKGS     := libcurl jansson libpcre2-8 libxml-2.0 libcrypto

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
ifeq ($(strip $(PKG_LIBS)),)
PKG_CFLAGS := -I/usr/include/libxml2
PKG_LIBS   := -lcurl -ljansson -lpcre2-8 -lxml2 -lcrypto
endif

WARN := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
        -Wmissing-prototypes -Wformat=2 -Wwrite-strings -Wno-format-nonliteral \
        -Wnull-dereference -Wvla -Wimplicit-fallthrough
ifeq ($(CI),true)
WARN += -Werror
endif

CPPFLAGS_ALL := -Iinclude -D_GNU_SOURCE $(PKG_CFLAGS)
CFLAGS_ALL   := -std=c11 $(WARN) -MMD -MP -pthread
LDLIBS_ALL   := $(PKG_LIBS) -pthread -lm

ifeq ($(BUILD),debug)
CFLAGS_ALL += -O0 -g3
else ifeq ($(BUILD),release)
CFLAGS_ALL += -O2 -g -DNDEBUG
else ifeq ($(BUILD),asan)
SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
CFLAGS_ALL += -O1 -g3 $(SAN)
LDFLAGS    += $(SAN)
# A sanitizer report aborts (SIGABRT) so that no test can take it for one of
# albcheck's own exit statuses (ASan's default exit code 1 is "a check failed").
export ASAN_OPTIONS  ?= detect_leaks=1:abort_on_error=1:exitcode=86
export UBSAN_OPTIONS ?= print_stacktrace=1:halt_on_error=1:abort_on_error=1
else ifeq ($(BUILD),fuzz)
# libFuzzer: the library is instrumented; each target links -fsanitize=fuzzer.
CC := clang
SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
CFLAGS_ALL += -O1 -g $(SAN) -fsanitize=fuzzer-no-link
LDFLAGS    += $(SAN)
else
$(error BUILD must be debug, release, asan or fuzz, not '$(BUILD)')
endif

SRCS      := $(shell find src -name '*.c' | LC_ALL=C sort)
LIB_SRCS  := $(filter-out src/main.c,$(SRCS))
LIB_OBJS  := $(LIB_SRCS:%.c=$(BUILDDIR)/%.o)
MAIN_OBJ  := $(BUILDDIR)/src/main.o
LIB       := $(BUILDDIR)/libalbcheck.a
BIN       := $(BUILDDIR)/albcheck

UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILDDIR)/tests/unit/%)
TOOL_SRCS := $(sort $(wildcard tests/tools/*.c))
TOOL_BINS := $(TOOL_SRCS:tests/tools/%.c=$(BUILDDIR)/tests/tools/%)
# Each fuzz target also links with tests/fuzz/replay_main.c into an ordinary
# tool, replay_<name>, so saved inputs replay in every variant without clang.
FUZZ_SRCS := $(sort $(wildcard tests/fuzz/fuzz_*.c))
REPLAY_BINS := $(FUZZ_SRCS:tests/fuzz/fuzz_%.c=$(BUILDDIR)/tests/tools/replay_%)

.PHONY: all deps test unit demo install clean sigv4-vectors stack-up stack-down \
        bench fuzz fuzz-build valgrind

all: albcheck

albcheck: $(BIN)
	@cp -f $(BIN) $@

$(BIN): $(MAIN_OBJ) $(LIB)
	$(CC) $(CFLAGS_ALL) $(LDFLAGS) -o $@ $(MAIN_OBJ) $(LIB) $(LDLIBS_ALL)

$(LIB): $(LIB_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILDDIR)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS_ALL) $(CPPFLAGS) $(CFLAGS_ALL) $(CFLAGS) -c -o $@ $<

# Only main.o embeds the version and git revision.
$(MAIN_OBJ): CPPFLAGS_ALL += -DALBCHECK_VERSION=\"$(VERSION)\" -DALBCHECK_GITREV=\"$(GITREV)\"

$(BUILDDIR)/tests/unit/%: tests/unit/%.c $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS_ALL) -Itests/unit $(CFLAGS_ALL) $(LDFLAGS) -o $@ $< $(LIB) -lcmocka $(LDLIBS_ALL)

$(BUILDDIR)/tests/tools/%: tests/tools/%.c $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS_ALL)

$(BUILDDIR)/tests/tools/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay_main.c $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) $(LDFLAGS) -o $@ $< tests/fuzz/replay_main.c $(LIB) $(LDLIBS_ALL)

unit: $(UNIT_BINS) $(TOOL_BINS) $(REPLAY_BINS)

# ---------------------------------------------------------------- fuzzing

# make fuzz FUZZ_SECONDS=N: build every tests/fuzz/fuzz_<name>.c with libFuzzer
# (clang, ASan + UBSan) and run each for N seconds on tests/fuzz/corpus/<name>/.
# Crashes land in build/fuzz/artifacts/; each becomes a regression test.
# A tests/fuzz/<name>.dict is passed as the target's dictionary.
FUZZ_SECONDS ?= 60
FUZZ_BINS := $(FUZZ_SRCS:tests/fuzz/%.c=build/fuzz/tests/fuzz/%)

build/fuzz/tests/fuzz/%: tests/fuzz/%.c build/fuzz/libalbcheck.a
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) -fsanitize=fuzzer $(LDFLAGS) -o $@ $< build/fuzz/libalbcheck.a $(LDLIBS_ALL)

fuzz-build: $(FUZZ_BINS)

fuzz:
	@$(MAKE) --no-print-directory BUILD=fuzz fuzz-build
	@mkdir -p build/fuzz/artifacts
	@for f in $(FUZZ_BINS); do \
	  n=$${f##*/fuzz_}; mkdir -p tests/fuzz/corpus/$$n build/fuzz/corpus/$$n; \
	  echo "== $$n ($(FUZZ_SECONDS) s)"; \
	  d=; [ -f tests/fuzz/$$n.dict ] && d=-dict=tests/fuzz/$$n.dict; \
	  $$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 -artifact_prefix=build/fuzz/artifacts/$$n- $$d \
	     build/fuzz/corpus/$$n tests/fuzz/corpus/$$n 2>build/fuzz/$$n.log || { tail -30 build/fuzz/$$n.log; exit 1; }; \
	  grep -E 'stat::number_of_executed_units|stat::peak_rss_mb' build/fuzz/$$n.log | sed 's/^/   /'; \
	done

# ---------------------------------------------------------------- set-up

deps:
	@sh tests/tools/deps.sh

# ---------------------------------------------------------------- tests

# Every test prints TAP; tests/run-tests counts the cases and ends with
# "N passed, N failed".  Unit binaries run first, then the script tests
# (sigv4 vectors, integration against loopback servers and the local stack).
test: deps
	@$(MAKE) --no-print-directory albcheck unit
	@ALBCHECK=$(abspath $(BIN)) BUILDDIR=$(abspath $(BUILDDIR)) SHARED=$(SHARED) \
	  PYTHON=$(PYTHON) sh tests/run-tests $(UNIT_BINS) \
	  $(sort $(wildcard tests/integration/test_*))

# make valgrind: the demo suite (checks/microservices.json) under valgrind
# memcheck against a local stack the script starts and stops, plus a failing
# run and an unreachable-AWS run; tests/valgrind.supp documents suppressions.
valgrind: deps
	@$(MAKE) --no-print-directory albcheck
	@ALBCHECK=$(abspath $(BIN)) PYTHON=$(PYTHON) sh tests/tools/valgrind.sh

# Run the SigV4 vector runner over any directory in the aws-c-auth v4 layout.
sigv4-vectors: $(BUILDDIR)/tests/tools/sigv4_vectors
	@test -n "$(VECTORS)" || { echo "usage: make sigv4-vectors VECTORS=DIR" >&2; exit 2; }
	@$(BUILDDIR)/tests/tools/sigv4_vectors $(VECTORS)

# ---------------------------------------------------------------- local stack

stack-up: deps
	@$(PYTHON) tests/stack/stackctl up $(if $(TEMPLATE),--template $(TEMPLATE))

stack-down:
	@$(PYTHON) tests/stack/stackctl down

# ---------------------------------------------------------------- demo

demo: deps
	@$(MAKE) --no-print-directory albcheck
	@PYTHON=$(PYTHON) sh tests/tools/demo.sh

# ---------------------------------------------------------------- benchmarks

# Release build; the runner brings its own stacks up and always stops them.
# BENCH_ARGS passes options through, e.g. BENCH_ARGS="--runs 20 --skip-scale".
bench: deps
	@$(MAKE) --no-print-directory BUILD=release albcheck
	@$(PYTHON) tests/bench/run.py --albcheck build/release/albcheck $(BENCH_ARGS)

install: albcheck
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 albcheck $(DESTDIR)$(PREFIX)/bin/albcheck

clean:
	rm -rf build albcheck

-include $(shell find build -name '*.d' 2>/dev/null)
