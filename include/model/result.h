/* result.h — what a run found: one check_result per check instance.
 *
 * Checks (static, probe, logs) append results to a struct run_result; the
 * report writers (console, JUnit, HTML, JSON, GitHub) read only this and the
 * topology.  Each check instance has a stable id (the same across runs of the
 * same suite) and a human name; `group` is the service it belongs to, or
 * "load-balancer" — one JUnit <testsuite> per group.
 */
#ifndef ALBCHECK_MODEL_RESULT_H
#define ALBCHECK_MODEL_RESULT_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/topology.h"

enum check_status {
    CHECK_PASS = 0,
    CHECK_FAIL,             /* the check ran and what it verifies is false */
    CHECK_ERROR,            /* the check could not run (AWS refused, timeout) */
    CHECK_SKIP,             /* not run: --no-logs, interrupted, deadline … (message says why) */
    CHECK_FLAKY,            /* passed only after retries; counts as passed for the exit status */
};

enum probe_origin {
    ORIGIN_UNKNOWN = 0,
    ORIGIN_SERVICE,         /* a target answered */
    ORIGIN_LOAD_BALANCER,   /* the ALB answered itself (fixed response, 502/503/504) */
    ORIGIN_NONE,            /* no answer (connect error, timeout) */
};

struct probe_attempt {
    int status;             /* 0 when no answer */
    double total_ms;
    char *error;            /* transport error, or NULL */
    char *failure;          /* why this attempt failed its assertions, or NULL */
};

struct probe_evidence {
    char *method;
    char *url;
    char *remote_addr;      /* "ip:port" actually connected to */
    char *token;            /* correlation token, NULL when correlation is off */
    char *trace_id;         /* the X-Amzn-Trace-Id sent */
    struct kv *request_headers;   /* as sent, credentials never included */
    size_t n_request_headers;
    int status;             /* 0 when no answer */
    char *http_version;
    struct kv *response_headers;  /* selected; Set-Cookie and the like redacted */
    size_t n_response_headers;
    unsigned char *body;    /* excerpt: raw bytes, may hold NUL or invalid UTF-8 */
    size_t body_len;        /* bytes in the excerpt */
    size_t body_total;      /* bytes received in all (capped reads) */
    bool body_truncated;
    double dns_ms, connect_ms, tls_ms, ttfb_ms, total_ms;
    enum probe_origin origin;
    char *origin_detail;    /* "503 from the load balancer: auth-tg has no healthy targets" */
    char *cert_subject, *cert_issuer;
    int64_t cert_not_after_s;
    int cert_days_left;
    struct probe_attempt *attempts;
    size_t n_attempts;
    int max_ms;             /* latency budget from the suite, 0 = none (reports) */
};

struct log_evidence {
    char *token;
    char *expected_group;
    char *found_group;      /* where the token was found (expected or not), or NULL */
    char *stream;           /* log stream, so the task that served the probe */
    char *task_id;          /* from the stream name's last segment */
    char *message;          /* the matched log line */
    int64_t event_ms;       /* event timestamp */
    int64_t ingestion_ms;   /* ingestion time, 0 when unknown */
    double delay_s;         /* event (or ingestion) time minus the probe's send time */
    char **other_groups;    /* other service groups the token was found in */
    size_t n_other_groups;
    char **searched_groups;
    size_t n_searched_groups;
    int64_t window_start_ms, window_end_ms;
    char *pattern;          /* the filter pattern / query used */
    int polls;              /* poll rounds made */
};

struct check_result {
    char *id;               /* stable, e.g. "probe:auth:GET /auth/login" */
    char *kind;             /* alb | route | health | ecs | probe | logs | lint | run */
    char *name;             /* human, e.g. "probe GET /auth/login" */
    char *group;            /* service name or "load-balancer" */
    enum check_status status;
    char *message;          /* the reason (fail/error/skip) or a one-line summary (pass) */
    char *hint;             /* what to look at, or NULL */
    int64_t started_ms;
    double duration_s;
    struct kv *details;     /* ordered evidence lines for reports */
    size_t n_details;
    struct probe_evidence *probe;  /* owned; probe checks only */
    struct log_evidence *log;      /* owned; logs checks only */
};

struct phase_timing {
    const char *phase;      /* static string: "discovery", "static", "probes", "logs", "reports" */
    double seconds;
};

struct run_result {
    char *run_id;
    char *suite_name;
    char *suite_path;
    char *region;
    char *alb_name, *alb_arn, *alb_dns;
    int64_t started_ms, finished_ms;
    const struct topology *topology;  /* borrowed; NULL when discovery failed */
    struct check_result *checks;
    size_t n_checks, cap_checks;
    struct phase_timing timings[8];
    size_t n_timings;
    bool interrupted;
    char *interrupt_reason; /* "SIGINT", "deadline of 30 s reached" */
    char *fatal;            /* a run-level error (AWS unreachable …) or NULL */
    int fatal_exit;         /* exit status for `fatal` (2 or 3) */
    pthread_mutex_t lock;   /* run_add_check may be called from several threads */
};

struct run_result *run_result_new(const char *run_id);
void run_result_free(struct run_result *r);

/* Append a check (thread-safe); returns its index.  The id, name and group are
 * copied; the status starts as CHECK_PASS with no message. */
size_t run_add_check(struct run_result *r, const char *kind, const char *group,
                     const char *id, const char *name);
/* Borrowed pointer to check i (valid until the next run_add_check). */
struct check_result *run_check(struct run_result *r, size_t i);
/* Set status and message (printf-style; replaces the previous message). */
void check_set(struct check_result *c, enum check_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void check_hint(struct check_result *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append an evidence line "key: value". */
void check_detail(struct check_result *c, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void probe_evidence_free(struct probe_evidence *p);
void log_evidence_free(struct log_evidence *l);
void run_add_timing(struct run_result *r, const char *phase, double seconds);

/* Counts by status.  run_exit_status(): fatal_exit when a run-level error was
 * recorded; else 1 when a check failed or the run was interrupted; else 3 when
 * a check could not run (CHECK_ERROR: AWS unreachable or refusing); else 0.
 * Flaky counts as passed. */
size_t run_count(const struct run_result *r, enum check_status st);
int run_exit_status(const struct run_result *r);
const char *check_status_name(enum check_status st); /* "pass", "fail", … */

#endif
