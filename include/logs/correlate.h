/* correlate.h — finding each probe's token in CloudWatch Logs (DESIGN §4).
 *
 * Every probe carries a token "albcheck-<run-id>-<n>"; all tokens of a run
 * share the prefix "albcheck-<run-id>-".  After the probes, the correlator
 * polls each service log group once per round (FilterLogEvents with the
 * common prefix as a quoted filter pattern, or one Logs Insights query over
 * all groups), so a round costs O(log groups) calls, never O(probes).  Every
 * event is matched client-side — token boundaries included, so ...-1 never
 * matches ...-10 — because a lax server-side filter must never make a pass.
 *
 * A token is settled as soon as it is seen in any watched group (a request
 * reaches exactly one target); polling stops when every token is settled or
 * the wait runs out, with backoff between rounds.
 */
#ifndef ALBCHECK_LOGS_CORRELATE_H
#define ALBCHECK_LOGS_CORRELATE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/result.h"
#include "util/err.h"

/* One log event as the correlator sees it (borrowed strings). */
struct corr_event {
    const char *group;
    const char *stream;
    const char *message;
    const char *event_id;   /* for de-duplication across rounds; may be NULL */
    int64_t timestamp_ms;
    int64_t ingestion_ms;   /* 0 when unknown */
};

typedef void corr_emit_fn(void *emit_ctx, const struct corr_event *ev);

/* Where events come from: the AWS calls (logs/source.c) or a test double.
 * fetch_group: every event of `group` in [start_ms, end_ms] matching the
 * filter pattern, all pages.  fetch_all (may be NULL): one query over all
 * groups (Logs Insights).  Each returns 0 or -1 with e set; `calls` is
 * incremented by the number of API calls made. */
struct corr_source {
    int (*fetch_group)(void *ctx, const char *group, const char *pattern, int64_t start_ms,
                       int64_t end_ms, corr_emit_fn *emit, void *emit_ctx, unsigned *calls,
                       struct err *e);
    int (*fetch_all)(void *ctx, const char *const *groups, size_t n_groups, const char *token_prefix,
                     int64_t start_ms, int64_t end_ms, corr_emit_fn *emit, void *emit_ctx,
                     unsigned *calls, struct err *e);
    void *ctx;
};

struct corr_probe {
    const char *token;          /* the probe's correlation token */
    const char *expected_group; /* the log group it must reach */
    const char *service;        /* report group (service name) */
    const char *probe_id;       /* the probe check's id, for the logs check's id */
    const char *probe_name;     /* e.g. "GET /auth/login" */
    int64_t sent_ms;            /* when the probe was sent */
    bool answered;              /* the probe got an answer from a target (else: skip) */
};

struct corr_opts {
    const char *token_prefix;   /* "albcheck-<run-id>-" */
    const char *const *groups;  /* every service log group to watch (expected and others) */
    size_t n_groups;
    int64_t start_ms;           /* window start: run start minus the skew margin */
    int wait_s;                 /* give up after this long */
    bool insights;              /* one Logs Insights query per round instead of FilterLogEvents */
    volatile sig_atomic_t *stop;/* set on SIGINT/SIGTERM */
    int64_t deadline_ms;        /* --deadline, 0 = none */
    int parallel;               /* group fetches in flight at once in a round; 0 or 1 =
                                 * one after the other.  Above 1, fetch_group must be
                                 * safe to call from several threads at once (emit
                                 * calls are serialised by correlate_run). */
    /* Test hooks (NULL → real clock / sleep). */
    int64_t (*now_ms)(void);
    void (*sleep_ms)(long ms);
};

struct corr_stats {
    int rounds;
    unsigned calls;             /* API calls made in all */
    unsigned max_calls_per_round;
    double seconds;
};

/* Poll and then append one `logs` check per probe to `run` (in probe order).
 * Probes whose `answered` is false get a skipped check.  A source error that
 * persists through the wait makes the remaining checks CHECK_ERROR with the
 * AWS error.  Returns 0, or -1 when interrupted (remaining checks skipped). */
int correlate_run(const struct corr_source *src, const struct corr_opts *o,
                  const struct corr_probe *probes, size_t n, struct run_result *run,
                  struct corr_stats *stats);

/* Does `message` contain `token` as a whole token (not followed by another
 * digit, letter or '-')?  Exposed for tests. */
bool correlate_token_in(const char *message, const char *token);
/* The filter pattern used for FilterLogEvents: the prefix in double quotes. */
char *correlate_filter_pattern(const char *token_prefix);
/* The task id from an awslogs stream "prefix/container/task-id" (borrowed tail). */
const char *correlate_stream_task(const char *stream);

#endif
