/* client.h — calling AWS: transport, signing, retries, errors, call counts.
 *
 * One struct aws_client serves every service and may be used from several
 * threads at once (discovery runs independent calls concurrently): each call
 * takes a curl easy handle from a locked pool, connections and DNS are shared
 * per host through a locked CURLSH, and the retry quota and call counters are
 * locked.  Credentials are fetched from the source before every attempt (the
 * source caches and refreshes; see aws.h).
 *
 * Two protocol entry points: aws_query_call() (ELBv2, STS, CloudFormation —
 * form-encoded POST, XML answer parsed with libxml2) and aws_json_call() (ECS,
 * CloudWatch Logs — JSON 1.1 with X-Amz-Target, jansson).  Both sign with
 * SigV4, retry as the SDKs' standard mode does, cap the answer's size, and on
 * failure fill struct err with the operation, AWS's code, message, HTTP
 * status and request id:
 *   "DescribeRules: Throttling: Rate exceeded (HTTP 400, request id 1a2b…)".
 * Pagination is the caller's (the typed calls in elbv2.h, ecs.h, logs.h).
 */
#ifndef ALBCHECK_AWS_CLIENT_H
#define ALBCHECK_AWS_CLIENT_H

#include <jansson.h>
#include <libxml/tree.h>
#include <stdbool.h>
#include <stddef.h>

#include "aws/aws.h"
#include "util/err.h"

enum aws_retry_mode {
    AWS_RETRY_STANDARD = 0,   /* default */
    AWS_RETRY_LEGACY,
    AWS_RETRY_ADAPTIVE,       /* treated as standard (no client-side rate limiting) */
};

struct aws_client_opts {
    const char *region;                       /* required */
    /* Full endpoint URL per service (scheme://host[:port][/path]) or NULL for
     * the regional default https://<prefix>.<region>.amazonaws.com. */
    const char *endpoints[AWS_SVC_COUNT];
    struct aws_creds_source creds;
    int max_attempts;                         /* total attempts; 0 → 3 */
    enum aws_retry_mode retry_mode;
    long connect_timeout_ms;                  /* 0 → 5000 */
    long timeout_ms;                          /* per attempt; 0 → 30000 */
    size_t max_response_bytes;                /* 0 → 32 MiB */
    const char *ca_file;                      /* extra CA bundle, or NULL */
    bool insecure;                            /* do not verify TLS (tests only) */
    /* Test hooks: the clock (epoch seconds) used for signing, and a sleep used
     * between retries; NULL → time() and nanosleep(). */
    long (*clock_s)(void);
    void (*sleep_ms)(long ms);
};

struct aws_client;

/* Returns a new client (caller frees with aws_client_free) or NULL with e set. */
struct aws_client *aws_client_new(const struct aws_client_opts *opts, struct err *e);
void aws_client_free(struct aws_client *c);
const char *aws_client_region(const struct aws_client *c);
/* The endpoint URL used for svc (borrowed), for messages. */
const char *aws_client_endpoint(const struct aws_client *c, enum aws_service svc);
/* The credentials source's ctx as given in the options (borrowed), so the
 * owner of the source can free it after aws_client_free(). */
void *aws_client_creds_ctx(const struct aws_client *c);

/* Ordered key/value list for Query requests. Keys and values are copied. */
struct aws_query {
    struct aws_qparam { char *key, *value; } *items;
    size_t n, cap;
};
void aws_query_init(struct aws_query *q);
void aws_query_add(struct aws_query *q, const char *key, const char *value);
/* Key from a format, e.g. aws_query_addf(q, arn, "Names.member.%zu", i + 1). */
void aws_query_addf(struct aws_query *q, const char *value, const char *keyfmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A list parameter: name.member.1=values[0], name.member.2=values[1], … */
void aws_query_add_list(struct aws_query *q, const char *name, const char *const *values,
                        size_t n);
void aws_query_cleanup(struct aws_query *q);

/* Query protocol: POST Action=<action>&Version=<svc version>&<params>.
 * On success *out is the parsed answer (caller frees with xmlFreeDoc). */
int aws_query_call(struct aws_client *c, enum aws_service svc, const char *action,
                   const struct aws_query *params, xmlDocPtr *out, struct err *e);

/* JSON 1.1: POST with X-Amz-Target: <prefix>.<operation>; input borrowed (NULL
 * sends {}).  On success *out is a new reference (json_decref), {} when the
 * answer body was empty. */
int aws_json_call(struct aws_client *c, enum aws_service svc, const char *operation,
                  json_t *input, json_t **out, struct err *e);

/* Per-operation counters: requests made (attempts), calls, failures. */
struct aws_call_stat {
    char operation[64];       /* "ELBv2.DescribeRules" */
    unsigned calls;           /* logical calls */
    unsigned attempts;        /* HTTP requests, retries included */
    unsigned failures;        /* calls that failed after all attempts */
    double total_ms;
};
/* Copies up to max entries into out; returns how many exist. */
size_t aws_client_stats(struct aws_client *c, struct aws_call_stat *out, size_t max);
/* Total HTTP requests made so far. */
unsigned aws_client_total_attempts(struct aws_client *c);

#endif
