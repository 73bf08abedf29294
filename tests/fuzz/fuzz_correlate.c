/* fuzz_correlate.c — libFuzzer target: the correlator's token scanning and a
 * whole correlate_run() over log events made of the input.
 *
 * Input layout (tests/fuzz/corpus/correlate/ has examples):
 *   byte 0      low 3 bits + 1: number of probes (tokens albcheck-fz01-1 …);
 *               8 Logs Insights (fetch_all) instead of FilterLogEvents,
 *               16 the source fails on the first round, 32 duplicate event
 *               ids, 64 probe 2 unanswered
 *   then lines, one event each: the first byte picks the log group, then
 *   "stream|message" (no '|': the whole line is the message).
 * The first line is also used as a token against the rest of the input with
 * correlate_token_in().  The fake clock makes the run finish in a few rounds.
 * Checked: one logs check per probe, a passing check's evidence holds the
 * token in its message, and the run never calls the source more often than
 * rounds × groups.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "logs/correlate.h"
#include "model/result.h"
#include "util/xmalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define N_GROUPS 3
static const char *const groups[N_GROUPS] = {"/ecs/auth", "/ecs/orders", "/ecs/products"};

struct fake {
    struct corr_event *ev;
    size_t n;
    uint8_t flags;
    int fetch_calls;
};

static int64_t fake_now;
static int64_t clock_ms(void) { return fake_now; }
static void sleep_ms(long ms) { fake_now += ms; }

static int fetch_group(void *ctx, const char *group, const char *pattern, int64_t start_ms,
                       int64_t end_ms, corr_emit_fn *emit, void *emit_ctx, unsigned *calls,
                       struct err *e)
{
    struct fake *f = ctx;
    (void)pattern;
    (void)start_ms;
    (void)end_ms;
    (*calls)++;
    if ((f->flags & 16) && f->fetch_calls++ < N_GROUPS)
        return err_set(e, ERR_AWS, "FilterLogEvents: ThrottlingException: slow down");
    for (size_t i = 0; i < f->n; i++)
        if (strcmp(f->ev[i].group, group) == 0)
            emit(emit_ctx, &f->ev[i]);
    return 0;
}

static int fetch_all(void *ctx, const char *const *g, size_t n_groups, const char *token_prefix,
                     int64_t start_ms, int64_t end_ms, corr_emit_fn *emit, void *emit_ctx,
                     unsigned *calls, struct err *e)
{
    struct fake *f = ctx;
    (void)g;
    (void)n_groups;
    (void)token_prefix;
    (void)start_ms;
    (void)end_ms;
    (*calls)++;
    if ((f->flags & 16) && f->fetch_calls++ < 1)
        return err_set(e, ERR_AWS, "StartQuery: ThrottlingException: slow down");
    for (size_t i = 0; i < f->n; i++)
        emit(emit_ctx, &f->ev[i]);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t flags = data[0];
    size_t n_probes = (size_t)(flags & 7) + 1;
    char *text = xstrndup((const char *)data + 1, size - 1);
    struct fake f = {.flags = flags};
    size_t cap = 0;
    char **ids = NULL;
    size_t n_ids = 0, cap_ids = 0;
    const char *first = NULL, *rest = "";

    for (char *line = text; line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        if (!first) {
            first = line;
            rest = nl ? nl + 1 : "";
        }
        struct corr_event *ev = ARRAY_PUSH(f.ev, f.n, cap);
        memset(ev, 0, sizeof *ev);
        ev->group = groups[(unsigned char)line[0] % N_GROUPS];
        char *msg = line + 1;
        char *bar = strchr(msg, '|');
        if (bar) {
            *bar = '\0';
            ev->stream = msg;
            ev->message = bar + 1;
        } else {
            ev->stream = "ecs/app/0123456789abcdef";
            ev->message = msg;
        }
        char *id = xasprintf("%zu", (flags & 32) ? (size_t)0 : f.n);
        *ARRAY_PUSH(ids, n_ids, cap_ids) = id;
        ev->event_id = id;
        ev->timestamp_ms = 1000 + (int64_t)f.n * 10;
        ev->ingestion_ms = (f.n & 1) ? ev->timestamp_ms + 5 : 0;
        line = nl ? nl + 1 : NULL;
    }

    /* token scanning on raw text: the first line as the token */
    if (first) {
        (void)correlate_token_in(rest, first);
        (void)correlate_token_in(first, "albcheck-fz01-1");
    }
    char *pat = correlate_filter_pattern(first ? first : "");
    free(pat);
    for (size_t i = 0; i < f.n; i++)
        (void)correlate_stream_task(f.ev[i].stream);

    char tokens[8][48], names[8][48];
    struct corr_probe probes[8];
    for (size_t i = 0; i < n_probes; i++) {
        snprintf(tokens[i], sizeof tokens[i], "albcheck-fz01-%zu", i + 1);
        snprintf(names[i], sizeof names[i], "probe:p%zu", i + 1);
        probes[i] = (struct corr_probe){tokens[i], groups[i % N_GROUPS], "svc", names[i],
                                        "GET /x", 1000, !((flags & 64) && i == 1)};
    }
    struct corr_source src = {fetch_group, (flags & 8) ? fetch_all : NULL, &f};
    fake_now = 1000;
    struct corr_opts o = {
        .token_prefix = "albcheck-fz01-",
        .groups = groups,
        .n_groups = N_GROUPS,
        .start_ms = 0,
        .wait_s = 3,
        .insights = (flags & 8) != 0,
        .now_ms = clock_ms,
        .sleep_ms = sleep_ms,
    };
    struct run_result *run = run_result_new("fz01");
    struct corr_stats st;
    memset(&st, 0, sizeof st);
    (void)correlate_run(&src, &o, probes, n_probes, run, &st);
    if (run->n_checks != n_probes) {
        fprintf(stderr, "%zu checks for %zu probes\n", run->n_checks, n_probes);
        abort();
    }
    for (size_t i = 0; i < run->n_checks; i++) {
        const struct check_result *c = &run->checks[i];
        if (c->status == CHECK_PASS &&
            (!c->log || !c->log->message || !correlate_token_in(c->log->message, tokens[i]))) {
            fprintf(stderr, "check %zu passed without its token\n", i);
            abort();
        }
    }
    if (st.calls > (unsigned)(st.rounds * N_GROUPS + N_GROUPS)) {
        fprintf(stderr, "%u calls in %d rounds\n", st.calls, st.rounds);
        abort();
    }
    run_result_free(run);

    for (size_t i = 0; i < n_ids; i++)
        free(ids[i]);
    free(ids);
    free(f.ev);
    free(text);
    return 0;
}
