/* suite.h — the validated suite: what a run must check (DESIGN §5).
 *
 * Loaded from a JSON suite file (suite_load_file) or derived from the
 * topology when no suite is given (zero config).  Every value is validated at
 * load time, regexes are compiled (PCRE2, JIT where available), and defaults
 * are applied, so later stages read plain values and never re-validate.
 * All probes — those listed under services and the top-level ones — are in
 * one flat array in file order; each knows its service (or none).
 */
#ifndef ALBCHECK_SUITE_SUITE_H
#define ALBCHECK_SUITE_SUITE_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdbool.h>
#include <stddef.h>

#include "model/topology.h" /* struct kv */
#include "util/err.h"

enum lb_selector_kind {
    LB_SEL_NONE = 0,
    LB_SEL_NAME,
    LB_SEL_ARN,
    LB_SEL_TAGS,
    LB_SEL_STACK,           /* CloudFormation stack name */
};

struct lb_selector {
    enum lb_selector_kind kind;
    char *value;            /* name, ARN or stack name */
    struct kv *tags;        /* LB_SEL_TAGS: every tag must match */
    size_t n_tags;
};

struct status_range {
    int lo, hi;             /* inclusive; a single status has lo == hi */
};

struct header_expect {
    char *name;             /* case-insensitive header name */
    bool absent;            /* the header must not be present */
    char *equals;           /* exact value, or NULL */
    char *regex_src;        /* PCRE2 pattern, or NULL */
    pcre2_code *regex;
};

enum expect_from {
    FROM_ANY = 0,
    FROM_SERVICE,           /* the answer must come from a target */
    FROM_LOAD_BALANCER,     /* the answer must come from the ALB itself */
};

struct expect {
    struct status_range *status;   /* any of these; never empty after load */
    size_t n_status;
    char *body_src;                /* PCRE2 pattern matched against the body */
    pcre2_code *body_re;
    struct header_expect *headers;
    size_t n_headers;
    int max_ms;                    /* latency budget; 0 = none */
    enum expect_from from;
    int cert_min_days;             /* HTTPS: minimum days to expiry; -1 = not checked */
};

enum correlation_mode {
    CORR_BOTH = 0,          /* query parameter and X-Request-Id header (default) */
    CORR_QUERY,
    CORR_HEADER,
    CORR_OFF,
};

struct probe_spec {
    char *id;               /* stable: "<service>:<METHOD> <path>" or "probe:<name>" */
    char *name;             /* human: "GET /auth/login" or the suite's name */
    int service;            /* index into suite.services, -1 for a top-level probe */
    char *method;           /* default GET */
    char *path;             /* must start with '/'; may carry a query string */
    char *host;             /* Host header override, or NULL (the ALB DNS name) */
    struct kv *headers;
    size_t n_headers;
    char *body;             /* request body or NULL */
    int timeout_ms;
    int retries;            /* extra attempts on failure; 0 = none */
    int retry_delay_ms;
    bool check_logs;        /* a logs check follows this probe */
    char *expect_target_group; /* route check: where the rules must send it.
                                  After load it is the service's group for a
                                  probe of a service (unless the probe names
                                  another), "" for "no group: the ALB answers
                                  itself" (default for expect.from
                                  load_balancer), NULL: not checked (a
                                  top-level probe with no service). */
    struct expect expect;
    int line, column;       /* where the probe is defined in the suite file */
};

struct service_spec {
    char *name;
    char *target_group;     /* target group name */
    char *cluster;          /* ECS cluster name or ARN, or NULL */
    char *ecs_service;      /* ECS service name, or NULL */
    char *log_group;        /* CloudWatch log group, or NULL */
    char *container_name;   /* optional: the container the target group serves */
    int container_port;     /* optional: 0 = not checked */
    int min_healthy;        /* default 1 */
    char *image;            /* optional expected image (tag or digest) */
    int line, column;
};

struct listener_expect {
    char *protocol;
    int port;
};

enum logs_mode {
    LOGS_FILTER = 0,        /* FilterLogEvents per group (default) */
    LOGS_INSIGHTS,          /* one Logs Insights query over all groups */
};

struct logs_settings {
    bool enabled;           /* default true */
    int wait_s;             /* default 60 */
    enum logs_mode mode;
    enum correlation_mode correlation;
    int skew_s;             /* clock skew margin before the run's start; default 60 */
    char *query_param;      /* query parameter name; default "albcheck" */
};

struct suite {
    char *path;             /* file it came from, NULL when derived */
    char *name;
    char *region;           /* NULL: from the environment */
    struct lb_selector lb;
    char *expect_scheme;    /* optional: internet-facing | internal */
    struct listener_expect *listeners;  /* optional expected listeners */
    size_t n_listeners;
    struct service_spec *services;
    size_t n_services;
    struct probe_spec *probes;
    size_t n_probes;
    struct logs_settings logs;
    /* Defaults already applied to each probe; kept for reports. */
    int default_timeout_ms;
    bool derived;           /* built from the topology (zero config) */
    char **notes;           /* derived suites: why a rule got no probe, etc. */
    size_t n_notes;
};

/* Load and validate a suite file.  On error *out is NULL and e holds a message
 * "FILE:LINE:COLUMN: what is wrong" (code ERR_SUITE, or ERR_IO). */
int suite_load_file(const char *path, struct suite **out, struct err *e);
/* The same from memory; `name` stands in for the file name in messages. */
int suite_load_buffer(const char *text, size_t len, const char *name,
                      struct suite **out, struct err *e);
void suite_free(struct suite *s);
/* Free what a selector owns (not the struct); accepts NULL. */
void lb_selector_cleanup(struct lb_selector *sel);
/* Deep copy src into an empty dst. */
void lb_selector_copy(struct lb_selector *dst, const struct lb_selector *src);

/* A new empty suite with every default applied (caller frees). */
struct suite *suite_new_defaults(void);

/* Zero config (src/suite/derive.c): a suite derived from the topology — a
 * service per forwarded target group, a probe per forward rule of the
 * listener probes go to (the lowest-port HTTP listener, else the first), each
 * verified against the rule evaluator, and a probe for a fixed-response
 * default action.  Rules that yield no probe are explained in out->notes.
 * Returns 0 and a new suite (caller frees), or -1 with e set (ERR_NOTFOUND
 * when the topology has no listener). */
int suite_derive(const struct topology *t, struct suite **out, struct err *e);

/* The release helpers for the parts, for code that builds suites by hand. */
void probe_spec_cleanup(struct probe_spec *p);
void service_spec_cleanup(struct service_spec *s);
void expect_cleanup(struct expect *x);

#endif
