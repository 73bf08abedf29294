/* client.c — calling AWS: endpoints, signing, the retry loop, call counts
 * (see client.h).
 *
 * One logical call = up to max_attempts HTTP attempts.  Each attempt fetches
 * fresh credentials from the source (so a refresh is picked up), signs with
 * SigV4 at the current clock, posts through the pooled transport (http.c),
 * and reads the answer with the protocol's parser (query.c, errors.c).  The
 * retry decision, backoff and quota are the pure policy of retry.c; this file
 * only applies it.  Traces (-v) name the operation, endpoint, status,
 * attempt and duration — never credentials or the Authorization header.
 */
#include "aws/client.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "aws/http.h"
#include "aws/protocol.h"
#include "aws/retry.h"
#include "aws/sigv4.h"
#include "util/log.h"
#include "util/xmalloc.h"

#define CLIENT_MAX_STATS 64

struct endpoint {
    char *url;      /* as posted to */
    char *host;     /* Host header value: host[:port] when the port is not the default */
    char *path;     /* request path for signing, "/" at least */
};

struct aws_client {
    char *region;
    struct endpoint endpoints[AWS_SVC_COUNT];
    struct aws_creds_source creds;
    int max_attempts;
    enum aws_retry_mode retry_mode;
    long (*clock_s)(void);
    void (*sleep_ms)(long ms);
    size_t max_response_bytes;
    struct aws_http *http;

    pthread_mutex_t lock;       /* guards everything below */
    struct aws_retry_quota quota;
    uint64_t rng;
    struct aws_call_stat stats[CLIENT_MAX_STATS];
    size_t n_stats;
    unsigned total_attempts;
};

static long default_clock_s(void)
{
    return (long)time(NULL);
}

static void default_sleep_ms(long ms)
{
    if (ms <= 0)
        return;
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0)
        ;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* Split an endpoint URL into what is posted to, the Host header and the path. */
static int endpoint_init(struct endpoint *ep, const char *url, struct err *e)
{
    int rc = -1;
    char *host = NULL, *port = NULL, *path = NULL, *scheme = NULL;
    CURLU *u = curl_url();
    if (!u)
        return err_set(e, ERR_INTERNAL, "out of memory");
    if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
        err_set(e, ERR_USAGE, "invalid endpoint URL '%s'", url);
        goto out;
    }
    if (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0) {
        err_set(e, ERR_USAGE, "endpoint URL '%s' must use http:// or https://", url);
        goto out;
    }
    if (curl_url_get(u, CURLUPART_PORT, &port, CURLU_NO_DEFAULT_PORT) != CURLUE_OK)
        port = NULL;
    if (curl_url_get(u, CURLUPART_PATH, &path, 0) != CURLUE_OK)
        path = NULL;
    ep->url = xstrdup(url);
    ep->host = port ? xasprintf("%s:%s", host, port) : xstrdup(host);
    ep->path = xstrdup(path && *path ? path : "/");
    rc = 0;
out:
    curl_free(scheme);
    curl_free(host);
    curl_free(port);
    curl_free(path);
    curl_url_cleanup(u);
    return rc;
}

static void endpoint_cleanup(struct endpoint *ep)
{
    free(ep->url);
    free(ep->host);
    free(ep->path);
    memset(ep, 0, sizeof *ep);
}

struct aws_client *aws_client_new(const struct aws_client_opts *opts, struct err *e)
{
    if (!opts->region || !*opts->region) {
        err_set(e, ERR_USAGE, "no AWS region");
        return NULL;
    }
    struct aws_client *c = xcalloc(1, sizeof *c);
    pthread_mutex_init(&c->lock, NULL);
    c->region = xstrdup(opts->region);
    c->creds = opts->creds;
    c->retry_mode = opts->retry_mode;
    c->max_attempts = opts->max_attempts > 0 ? opts->max_attempts
                                             : aws_retry_default_attempts(opts->retry_mode);
    c->clock_s = opts->clock_s ? opts->clock_s : default_clock_s;
    c->sleep_ms = opts->sleep_ms ? opts->sleep_ms : default_sleep_ms;
    c->max_response_bytes = opts->max_response_bytes ? opts->max_response_bytes
                                                     : 32u * 1024u * 1024u;
    aws_retry_quota_init(&c->quota);
    c->rng = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32) ^ (uint64_t)(uintptr_t)c;
    if (!c->rng)
        c->rng = 0x9e3779b97f4a7c15ull;

    for (int s = 0; s < AWS_SVC_COUNT; s++) {
        const struct aws_service_info *si = aws_service_info((enum aws_service)s);
        char *dflt = NULL;
        const char *url = opts->endpoints[s];
        if (!url || !*url)
            url = dflt = xasprintf("https://%s.%s.amazonaws.com/", si->endpoint_prefix, c->region);
        int rc = endpoint_init(&c->endpoints[s], url, e);
        free(dflt);
        if (rc < 0) {
            aws_client_free(c);
            return NULL;
        }
    }
    struct aws_http_opts ho = {
        .connect_timeout_ms = opts->connect_timeout_ms > 0 ? opts->connect_timeout_ms : 5000,
        .timeout_ms = opts->timeout_ms > 0 ? opts->timeout_ms : 30000,
        .max_response_bytes = c->max_response_bytes,
        .ca_file = opts->ca_file,
        .insecure = opts->insecure,
    };
    c->http = aws_http_new(&ho, e);
    if (!c->http) {
        aws_client_free(c);
        return NULL;
    }
    return c;
}

void aws_client_free(struct aws_client *c)
{
    if (!c)
        return;
    aws_http_free(c->http);
    for (int s = 0; s < AWS_SVC_COUNT; s++)
        endpoint_cleanup(&c->endpoints[s]);
    free(c->region);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

const char *aws_client_region(const struct aws_client *c)
{
    return c->region;
}

void *aws_client_creds_ctx(const struct aws_client *c)
{
    return c->creds.ctx;
}

const char *aws_client_endpoint(const struct aws_client *c, enum aws_service svc)
{
    if ((unsigned)svc >= AWS_SVC_COUNT)
        return NULL;
    return c->endpoints[svc].url;
}

/* A draw in [0, 1) from the client's xorshift64* generator (under c->lock). */
static double next_rand01(struct aws_client *c)
{
    uint64_t x = c->rng;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    c->rng = x;
    return (double)((x * 0x2545F4914F6CDD1Dull) >> 11) * (1.0 / 9007199254740992.0);
}

static void record_stat(struct aws_client *c, const char *name, int attempts, bool failed,
                        double ms)
{
    pthread_mutex_lock(&c->lock);
    c->total_attempts += (unsigned)attempts;
    struct aws_call_stat *st = NULL;
    for (size_t i = 0; i < c->n_stats; i++)
        if (strcmp(c->stats[i].operation, name) == 0)
            st = &c->stats[i];
    if (!st && c->n_stats < CLIENT_MAX_STATS) {
        st = &c->stats[c->n_stats++];
        snprintf(st->operation, sizeof st->operation, "%s", name);
    }
    if (st) {
        st->calls++;
        st->attempts += (unsigned)attempts;
        st->failures += failed ? 1u : 0u;
        st->total_ms += ms;
    }
    pthread_mutex_unlock(&c->lock);
}

size_t aws_client_stats(struct aws_client *c, struct aws_call_stat *out, size_t max)
{
    pthread_mutex_lock(&c->lock);
    size_t n = c->n_stats;
    for (size_t i = 0; i < n && i < max; i++)
        out[i] = c->stats[i];
    pthread_mutex_unlock(&c->lock);
    return n;
}

unsigned aws_client_total_attempts(struct aws_client *c)
{
    pthread_mutex_lock(&c->lock);
    unsigned n = c->total_attempts;
    pthread_mutex_unlock(&c->lock);
    return n;
}

/* What one protocol needs from the call loop. */
struct call_spec {
    enum aws_service svc;
    const char *op;
    const char *content_type;
    char *target;               /* X-Amz-Target value or NULL */
    const char *body;
    size_t len;
    /* Read a 2xx answer into *out. */
    int (*parse)(const char *op, const struct aws_answer *a, void *out, struct err *e);
    void *out;
};

/* One attempt: credentials, signing, the POST.  Fills r; returns 0 when an
 * HTTP answer came, -1 with e set otherwise. */
static int attempt(struct aws_client *c, const struct call_spec *cs, struct aws_http_response *r,
                   struct err *e)
{
    const struct aws_service_info *si = aws_service_info(cs->svc);
    const struct endpoint *ep = &c->endpoints[cs->svc];
    struct aws_creds cr;
    struct sigv4_signed sig;
    memset(&cr, 0, sizeof cr);
    memset(&sig, 0, sizeof sig);
    char *lines[8];
    size_t nl = 0;
    int rc = -1;

    lines[nl++] = xasprintf("Host: %s", ep->host);
    lines[nl++] = xasprintf("Content-Type: %s", cs->content_type);
    if (cs->target)
        lines[nl++] = xasprintf("X-Amz-Target: %s", cs->target);

    if (c->creds.get) {
        if (c->creds.get(c->creds.ctx, &cr, e) < 0) {
            if (e && e->code == ERR_OK)
                e->code = ERR_CONFIG;
            goto out;
        }
        struct sigv4_header sh[3] = {
            {"Host", ep->host},
            {"Content-Type", cs->content_type},
            {"X-Amz-Target", cs->target},
        };
        struct sigv4_request req = {
            .method = "POST",
            .path = ep->path,
            .query = NULL,
            .headers = sh,
            .n_headers = cs->target ? 3 : 2,
            .body = cs->body,
            .body_len = cs->len,
        };
        struct sigv4_params p = {
            .access_key_id = cr.access_key_id,
            .secret_access_key = cr.secret_access_key,
            .session_token = cr.session_token,
            .region = c->region,
            .service = si->signing_name,
            .now = (time_t)c->clock_s(),
            .normalize_path = true,
        };
        if (sigv4_sign_headers(&req, &p, &sig, e) < 0) {
            err_prefix(e, "%s: signing", cs->op);
            goto out;
        }
        lines[nl++] = xasprintf("X-Amz-Date: %s", sig.amz_date);
        if (sig.security_token)
            lines[nl++] = xasprintf("X-Amz-Security-Token: %s", sig.security_token);
        lines[nl++] = xasprintf("Authorization: %s", sig.authorization);
    }
    rc = aws_http_post(c->http, cs->op, ep->url, (const char *const *)lines, nl, cs->body,
                       cs->len, r, e);
out:
    for (size_t i = 0; i < nl; i++) {
        /* The Authorization and token lines are secrets: wipe before freeing. */
        memset(lines[i], 0, strlen(lines[i]));
        free(lines[i]);
    }
    sigv4_signed_cleanup(&sig);
    aws_creds_cleanup(&cr);
    return rc;
}

static int call(struct aws_client *c, const struct call_spec *cs, struct err *e)
{
    const struct aws_service_info *si = aws_service_info(cs->svc);
    const char *url = c->endpoints[cs->svc].url;
    char name[64];
    snprintf(name, sizeof name, "%s.%s", si->short_name, cs->op);
    struct err local;
    struct err *ee = e ? e : &local;
    err_clear(ee);
    double t0 = now_ms();
    int attempts = 0, last_cost = 0, rc = -1;
    bool quota_mode = c->retry_mode != AWS_RETRY_LEGACY;

    for (;;) {
        struct aws_http_response r;
        aws_http_response_init(&r, c->max_response_bytes);
        double a0 = now_ms();
        attempts++;
        err_clear(ee);
        int arc = attempt(c, cs, &r, ee);
        if (arc == 0) {
            struct aws_answer a = {
                .http_status = r.status,
                .body = r.body.data,
                .len = r.body.len,
                .content_type = r.content_type,
                .request_id = r.request_id,
                .error_type = r.error_type,
            };
            if (r.status >= 200 && r.status < 300)
                arc = cs->parse(cs->op, &a, cs->out, ee);
            else
                arc = aws_error_from_answer(cs->op, &a, ee);
        }
        double ams = now_ms() - a0;
        if (arc == 0) {
            log_trace(1, "%s %s -> HTTP %d, attempt %d/%d, %.0f ms", name, url, r.status,
                      attempts, c->max_attempts, ams);
            aws_http_response_cleanup(&r);
            if (quota_mode) {
                pthread_mutex_lock(&c->lock);
                aws_retry_quota_release(&c->quota, last_cost);
                pthread_mutex_unlock(&c->lock);
            }
            rc = 0;
            break;
        }
        struct aws_attempt_failure f = {
            .code = ee->code,
            .http_status = r.status,
            .aws_code = ee->aws_code,
            .timed_out = r.timed_out,
            .permanent = r.permanent,
        };
        enum aws_retry_class cls = aws_retry_classify(c->retry_mode, &f);
        char what[160];
        if (ee->aws_code[0])
            snprintf(what, sizeof what, "HTTP %d %s", r.status, ee->aws_code);
        else if (r.status && ee->code == ERR_AWS)
            snprintf(what, sizeof what, "HTTP %d", r.status);
        else if (r.status)
            snprintf(what, sizeof what, "HTTP %d, %s error", r.status, err_code_name(ee->code));
        else
            snprintf(what, sizeof what, "%s error", err_code_name(ee->code));
        aws_http_response_cleanup(&r);

        const char *stop = NULL;
        int cost = 0;
        if (cls == AWS_RETRY_NONE)
            stop = "not retryable";
        else if (attempts >= c->max_attempts)
            stop = "no attempts left";
        long delay_ms = 0;
        if (!stop) {
            pthread_mutex_lock(&c->lock);
            if (quota_mode)
                cost = aws_retry_quota_acquire(&c->quota, cls);
            double draw = next_rand01(c);
            pthread_mutex_unlock(&c->lock);
            if (quota_mode && !cost)
                stop = "retry quota exhausted";
            else
                delay_ms = aws_retry_delay_ms(c->retry_mode, attempts, draw);
        }
        if (stop) {
            log_trace(1, "%s %s -> %s, attempt %d/%d, %.0f ms (%s)", name, url, what, attempts,
                      c->max_attempts, ams, stop);
            break;
        }
        last_cost = cost;
        log_trace(1, "%s %s -> %s, attempt %d/%d, %.0f ms; retrying in %ld ms", name, url, what,
                  attempts, c->max_attempts, ams, delay_ms);
        c->sleep_ms(delay_ms);
    }
    ee->attempts = attempts;
    record_stat(c, name, attempts, rc != 0, now_ms() - t0);
    return rc;
}

static int parse_query(const char *op, const struct aws_answer *a, void *out, struct err *e)
{
    return aws_query_parse_answer(op, a, out, e);
}

static int parse_json(const char *op, const struct aws_answer *a, void *out, struct err *e)
{
    return aws_json_parse_answer(op, a, out, e);
}

int aws_query_call(struct aws_client *c, enum aws_service svc, const char *action,
                   const struct aws_query *params, xmlDocPtr *out, struct err *e)
{
    *out = NULL;
    const struct aws_service_info *si = aws_service_info(svc);
    if (!si || si->protocol != AWS_PROTO_QUERY)
        return err_set(e, ERR_INTERNAL, "%s: not a Query service", action);
    struct buf body;
    buf_init(&body, c->max_response_bytes);
    int rc = -1;
    if (aws_query_encode(action, si->api_version, params, &body) < 0) {
        err_set(e, ERR_LIMIT, "%s: request too large", action);
        goto out;
    }
    struct call_spec cs = {
        .svc = svc,
        .op = action,
        .content_type = "application/x-www-form-urlencoded; charset=utf-8",
        .body = buf_str(&body),
        .len = body.len,
        .parse = parse_query,
        .out = out,
    };
    rc = call(c, &cs, e);
out:
    buf_cleanup(&body);
    return rc;
}

int aws_json_call(struct aws_client *c, enum aws_service svc, const char *operation,
                  json_t *input, json_t **out, struct err *e)
{
    *out = NULL;
    const struct aws_service_info *si = aws_service_info(svc);
    if (!si || si->protocol != AWS_PROTO_JSON11)
        return err_set(e, ERR_INTERNAL, "%s: not a JSON service", operation);
    char *body = input ? json_dumps(input, JSON_COMPACT) : xstrdup("{}");
    if (!body)
        return err_set(e, ERR_INTERNAL, "%s: cannot serialise the request", operation);
    struct call_spec cs = {
        .svc = svc,
        .op = operation,
        .content_type = "application/x-amz-json-1.1",
        .target = xasprintf("%s.%s", si->json_target_prefix, operation),
        .body = body,
        .len = strlen(body),
        .parse = parse_json,
        .out = out,
    };
    int rc = call(c, &cs, e);
    free(cs.target);
    free(body);
    return rc;
}
