/* probe.h — HTTP probes through the load balancer and their assertions.
 *
 * probe_run_all() fires every probe of a suite at the ALB's DNS name through
 * the curl multi interface (a cap on simultaneous transfers, connections
 * reused, a timeout per probe), each carrying a correlation token, and judges
 * each answer against its `struct expect`.  The result per probe is a
 * `struct probe_outcome`: a verdict, a message that says *why* (including
 * whether the load balancer itself answered), and the evidence
 * (`struct probe_evidence`, model/result.h).  probe_record() turns outcomes
 * into check results of kind "probe".
 *
 * Evidence conventions: timings (dns_ms … total_ms) are curl's *_TIME_T values,
 * each counted from the start of the transfer (like `curl -w`), tls_ms 0 over
 * HTTP; the evidence describes the last attempt, `attempts` lists them all;
 * the body is read and matched up to `body_cap` bytes (body_truncated when
 * the transfer was stopped there), the evidence keeps the first
 * `excerpt_cap` raw bytes of it (body_len), and body_total counts every byte
 * that arrived before the transfer ended or was stopped.
 *
 * The pure pieces (status ranges, body/header assertions, origin
 * classification, token and trace id formats, URL query appending,
 * --connect-to parsing, header redaction) are exported for unit tests and for
 * the log-correlation stage, which searches for PROBE_TOKEN_PREFIX.
 */
#ifndef ALBCHECK_PROBE_PROBE_H
#define ALBCHECK_PROBE_PROBE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/result.h"
#include "model/topology.h"
#include "suite/suite.h"
#include "util/err.h"

#define PROBE_CONCURRENCY_DEFAULT 16
#define PROBE_BODY_CAP_DEFAULT (64u * 1024u)
#define PROBE_EXCERPT_CAP_DEFAULT (8u * 1024u)
#define PROBE_HEADERS_CAP (64u * 1024u)     /* response header bytes kept at most */
#define PROBE_TOKEN_PREFIX "albcheck-"     /* tokens: albcheck-<run-id>-<n> */
#define PROBE_EXCERPT_SHOWN 200            /* body bytes shown in failure messages */

/* Where probes go: the ALB's DNS name and the listener's protocol and port. */
struct probe_target {
    const char *scheme;     /* "http" or "https" */
    const char *host;       /* ALB DNS name */
    int port;               /* 0: the scheme's default port */
};

/* What the route check knows about one probe, so that an answer from the load
 * balancer itself can be explained.  All fields borrowed; may be zeroed. */
struct probe_route {
    const char *target_group;       /* group the rules send the probe to, or NULL */
    int healthy_targets;            /* -1 when unknown */
    int registered_targets;         /* -1 when unknown */
    const struct rule_action *fixed;/* the fixed-response action the rules reach, or NULL */
};

struct probe_options {
    int concurrency;                /* at most this many transfers at once; 0: 16 */
    size_t body_cap;                /* body bytes read per answer (then the transfer
                                       stops) and matched; 0: 64 KiB */
    size_t excerpt_cap;             /* body bytes kept in the evidence; 0: 8 KiB */
    const char *const *connect_to;  /* "HOST:PORT:ADDR:PORT" (CURLOPT_CONNECT_TO) */
    size_t n_connect_to;
    const char *const *resolve;     /* "HOST:PORT:ADDR" (CURLOPT_RESOLVE) */
    size_t n_resolve;
    const char *cacert;             /* CA bundle file, or NULL for the system's */
    bool insecure;                  /* do not verify the peer's certificate */
    enum correlation_mode correlation;
    const char *query_param;        /* NULL: "albcheck" */
    const char *run_id;             /* NULL: correlation tokens are not sent */
    volatile sig_atomic_t *stop;    /* set by a signal handler: stop early, or NULL */
    int64_t deadline_ms;            /* epoch ms after which nothing more runs; 0: none */
};

struct probe_outcome {
    const struct probe_spec *spec;  /* borrowed */
    size_t index;                   /* n in the token, 1-based */
    enum check_status status;       /* PASS, FAIL, ERROR (no answer), SKIP, FLAKY */
    char *message;                  /* why (fail/error/skip) or a one-line summary */
    char *token;                    /* correlation token or NULL (copy of ev->token) */
    int64_t sent_ms;                /* epoch ms the first attempt was sent; 0: not sent */
    int64_t last_sent_ms;           /* epoch ms the last attempt was sent */
    struct probe_evidence *ev;      /* owned; NULL after probe_record() took it */
};

/* Run all n probes (spec[i] with route[i]; `routes` may be NULL) against
 * `target`.  *out receives a new array of n outcomes in spec order (free with
 * probe_outcomes_free()).  opt may be NULL (defaults).  Probes that had not finished when opt->stop was set
 * or opt->deadline_ms passed are CHECK_SKIP with the reason.  Returns 0, or -1
 * with e set when the run could not start (bad options, curl unusable). */
int probe_run_all(const struct probe_spec *specs, size_t n,
                  const struct probe_route *routes,
                  const struct probe_target *target,
                  const struct probe_options *opt,
                  struct probe_outcome **out, struct err *e);
void probe_outcomes_free(struct probe_outcome *o, size_t n);

/* Append one check of kind "probe" per outcome to r: id "probe:<spec id>",
 * name "probe <METHOD> <path>", group the service's name (from s, which may be
 * NULL) or "load-balancer".  Moves each outcome's evidence into its check. */
void probe_record(struct run_result *r, const struct suite *s,
                  struct probe_outcome *out, size_t n);

/* ------------------------------------------------------------ pieces */

/* A new short random run id: 8 lowercase hex digits (caller frees). */
char *probe_run_id_new(void);
/* "albcheck-<run_id>-<n>" (caller frees). */
char *probe_token(const char *run_id, size_t n);
/* "Root=1-<8 hex epoch seconds>-<24 random hex>" (caller frees). */
char *probe_trace_id_new(int64_t now_s);
/* path with "param=value" appended as a query parameter ('?' or '&' as the
 * path needs; a '#fragment' stays last); value is percent-encoded (caller frees). */
char *probe_url_add_query(const char *path, const char *param, const char *value);

/* Check one --connect-to (4 fields) or --resolve (3 fields) entry; IPv6
 * addresses in brackets.  0 when valid, -1 with e set (ERR_USAGE) otherwise. */
int probe_connect_to_valid(const char *entry, struct err *e);
int probe_resolve_valid(const char *entry, struct err *e);
/* Split the value of ALBCHECK_CONNECT_TO (entries separated by commas and/or
 * white space) into *out (new array of new strings, appended to *n).  Each
 * entry is validated.  value may be NULL (nothing added).  0 or -1 with e. */
int probe_connect_to_parse_list(const char *value, char ***out, size_t *n, struct err *e);
/* The same, reading the environment variable ALBCHECK_CONNECT_TO. */
int probe_connect_to_from_env(char ***out, size_t *n, struct err *e);

/* True when a header's value must never be shown (Authorization, Cookie,
 * Proxy-Authorization, X-Api-Key, names containing token/secret/key). */
bool probe_header_is_secret(const char *name);

/* True when status is in one of x's ranges (any status when x has none). */
bool probe_status_matches(const struct expect *x, int status);
/* Match re against len raw bytes (JIT when compiled with it).  1 match,
 * 0 no match, -1 error (e.g. invalid UTF-8 for a UTF pattern). */
int probe_regex_match(const pcre2_code *re, const unsigned char *p, size_t len);
/* A printable copy of at most max bytes of p: printable ASCII kept, \n \r \t
 * and others escaped as \xNN, "…" appended when cut (caller frees). */
char *probe_printable(const unsigned char *p, size_t len, size_t max);

/* Value of header `name` (case-insensitive) among n headers, or NULL. */
const char *probe_header_get(const struct kv *h, size_t n, const char *name);

/* Decide who answered: the service, the load balancer itself, or nobody
 * (status 0).  *detail receives a new sentence explaining it, e.g.
 * "503 from the load balancer: auth-tg has no healthy targets".  route may be
 * NULL. */
enum probe_origin probe_classify_origin(int status, const struct kv *headers, size_t n_headers,
                                        const unsigned char *body, size_t body_len,
                                        const struct probe_route *route, char **detail);

/* Judge a finished answer (ev filled: status, headers, body, timings, cert,
 * origin) against x.  all_headers are every response header received.
 * Returns NULL when every expectation holds, else a new message listing what
 * failed, led by the origin explanation when the load balancer answered.
 * now_s (epoch seconds) is the clock for the certificate's days to expiry;
 * 0 uses ev->cert_days_left as recorded. */
char *probe_assert(const struct expect *x, const struct probe_evidence *ev,
                   const struct kv *all_headers, size_t n_all_headers, int64_t now_s);

#endif
