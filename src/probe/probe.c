/* probe.c — the probe engine: every probe through one curl multi handle.
 *
 * One `struct job` per probe, linked to its easy handle with CURLOPT_PRIVATE.
 * The loop is curl's own parallel pattern (tool_operate.c): start transfers
 * while fewer than `concurrency` run, curl_multi_perform(), collect finished
 * ones with curl_multi_info_read(), refill the free slots, curl_multi_poll().
 * The multi handle keeps the connection cache, so consecutive probes to the
 * ALB reuse connections; CURLMOPT_MAX_TOTAL_CONNECTIONS holds the number of
 * sockets to the same cap.
 *
 * Answers are never buffered whole: the body callback keeps at most
 * `body_cap` bytes and then stops the transfer (a truncated body is not an
 * error), and the header callback stops at PROBE_HEADERS_CAP bytes, so a peer
 * that streams a gigabyte or never ends its headers costs bounded memory.
 *
 * A failed attempt is retried only when the spec asks; the retry waits
 * `retry_delay_ms` without holding a slot.  Every attempt is kept in the
 * evidence, and a probe that passes after failing is FLAKY, not PASS.
 */
#include <curl/curl.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "probe/probe.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/xmalloc.h"

#define TIMEOUT_DEFAULT_MS 5000

/* Response headers kept in the evidence besides those the expectations name. */
static const char *const selected_headers[] = {
    "Server", "Content-Type", "Content-Length", "Location", "X-Amzn-Trace-Id",
    "X-Request-Id", "Date", "Set-Cookie",
};

struct certcache {
    bool have;
    char *subject, *issuer;
    int64_t not_before_s, not_after_s;
};

struct job {
    const struct probe_spec *spec;
    const struct probe_route *route;
    struct probe_outcome *out;
    struct probe_evidence *ev;
    size_t body_cap;
    size_t excerpt_cap;
    int attempts_done;
    bool any_failed;
    bool running, done;
    int64_t not_before_ms;

    /* Per attempt. */
    CURL *easy;
    struct curl_slist *req_headers;
    struct buf body;
    size_t body_total;
    bool cap_hit;
    struct kv *hdrs;
    size_t n_hdrs, cap_hdrs;
    size_t hdr_bytes;
    bool hdr_overflow;
    bool headers_done;
    char errbuf[CURL_ERROR_SIZE];
};

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void hdrs_clear(struct job *j)
{
    for (size_t i = 0; i < j->n_hdrs; i++)
        kv_cleanup(&j->hdrs[i]);
    j->n_hdrs = 0;
}

static size_t on_body(char *p, size_t size, size_t nmemb, void *userdata)
{
    struct job *j = userdata;
    size_t n = size * nmemb;

    j->body_total += n;
    buf_append_trunc(&j->body, p, n);
    if (j->body.truncated) {
        /* Enough: stop the transfer rather than read what we would drop. */
        j->cap_hit = true;
        return 0;
    }
    return n;
}

static size_t on_header(char *p, size_t size, size_t nmemb, void *userdata)
{
    struct job *j = userdata;
    size_t n = size * nmemb, len = n;
    const char *colon;

    j->hdr_bytes += n;
    if (j->hdr_bytes > PROBE_HEADERS_CAP) {
        j->hdr_overflow = true;
        return 0;
    }
    while (len && (p[len - 1] == '\n' || p[len - 1] == '\r'))
        len--;
    if (len >= 5 && memcmp(p, "HTTP/", 5) == 0) {
        /* A new response (after 1xx): forget the previous headers. */
        hdrs_clear(j);
        j->headers_done = false;
        return n;
    }
    if (len == 0) {
        j->headers_done = true;
        return n;
    }
    colon = memchr(p, ':', len);
    if (!colon || colon == p)
        return n;
    {
        const char *v = colon + 1, *end = p + len;
        struct kv *kv;
        while (v < end && (*v == ' ' || *v == '\t'))
            v++;
        while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
            end--;
        kv = ARRAY_PUSH(j->hdrs, j->n_hdrs, j->cap_hdrs);
        kv->key = xstrndup(p, (size_t)(colon - p));
        kv->value = xstrndup(v, (size_t)(end - v));
    }
    return n;
}

static void kv_add(struct kv **arr, size_t *n, size_t *cap, const char *k, const char *v)
{
    struct kv *kv = xarray_push((void **)arr, n, cap, sizeof **arr);
    kv->key = xstrdup(k);
    kv->value = xstrdup(v);
}

static char *build_url(const struct probe_target *t, const char *path_q)
{
    const char *scheme = t->scheme && *t->scheme ? t->scheme : "http";
    int def = strcasecmp(scheme, "https") == 0 ? 443 : 80;

    if (t->port > 0 && t->port != def)
        return xasprintf("%s://%s:%d%s", scheme, t->host, t->port, path_q);
    return xasprintf("%s://%s%s", scheme, t->host, path_q);
}

/* Fill the parts of the evidence that do not change between attempts. */
static void prepare_evidence(struct job *j, const struct probe_target *t,
                             const struct probe_options *o, size_t index)
{
    struct probe_evidence *ev = xcalloc(1, sizeof *ev);
    const struct probe_spec *s = j->spec;
    const char *method = s->method && *s->method ? s->method : "GET";
    char *path_q;
    size_t cap = 0;
    enum correlation_mode mode = o->correlation;
    const char *param = o->query_param && *o->query_param ? o->query_param : "albcheck";
    const char *path = s->path && *s->path ? s->path : "/";
    char *host;

    ev->method = xstrdup(method);
    if (o->run_id && mode != CORR_OFF)
        ev->token = probe_token(o->run_id, index);
    ev->trace_id = probe_trace_id_new(now_ms() / 1000);
    if (ev->token && (mode == CORR_BOTH || mode == CORR_QUERY))
        path_q = probe_url_add_query(path, param, ev->token);
    else
        path_q = xstrdup(path);
    ev->url = build_url(t, path_q);
    free(path_q);

    if (s->host && *s->host)
        host = xstrdup(s->host);
    else {
        int def = t->scheme && strcasecmp(t->scheme, "https") == 0 ? 443 : 80;
        host = t->port > 0 && t->port != def ? xasprintf("%s:%d", t->host, t->port)
                                             : xstrdup(t->host);
    }
    kv_add(&ev->request_headers, &ev->n_request_headers, &cap, "Host", host);
    free(host);
    kv_add(&ev->request_headers, &ev->n_request_headers, &cap, "User-Agent",
           "albcheck/" "0.1");
    if (ev->token && (mode == CORR_BOTH || mode == CORR_HEADER))
        kv_add(&ev->request_headers, &ev->n_request_headers, &cap, "X-Request-Id", ev->token);
    kv_add(&ev->request_headers, &ev->n_request_headers, &cap, "X-Amzn-Trace-Id", ev->trace_id);
    for (size_t i = 0; i < s->n_headers; i++) {
        const char *k = s->headers[i].key;
        if (!k || strcasecmp(k, "Host") == 0)
            continue;
        kv_add(&ev->request_headers, &ev->n_request_headers, &cap, k,
               probe_header_is_secret(k) ? "(redacted)" : (s->headers[i].value ? s->headers[i].value : ""));
    }
    j->ev = ev;
}

static struct curl_slist *request_headers(const struct job *j)
{
    struct curl_slist *l = NULL;
    const struct probe_spec *s = j->spec;
    const struct probe_evidence *ev = j->ev;
    char *line;

    if (s->host && *s->host) {
        line = xasprintf("Host: %s", s->host);
        l = curl_slist_append(l, line);
        free(line);
    }
    if (probe_header_get(ev->request_headers, ev->n_request_headers, "X-Request-Id")) {
        line = xasprintf("X-Request-Id: %s", ev->token);
        l = curl_slist_append(l, line);
        free(line);
    }
    line = xasprintf("X-Amzn-Trace-Id: %s", ev->trace_id);
    l = curl_slist_append(l, line);
    free(line);
    l = curl_slist_append(l, "Expect:");
    for (size_t i = 0; i < s->n_headers; i++) {
        const char *k = s->headers[i].key, *v = s->headers[i].value;
        if (!k || strcasecmp(k, "Host") == 0)
            continue;
        /* "Name;" is curl's way to send a header with an empty value. */
        line = v && *v ? xasprintf("%s: %s", k, v) : xasprintf("%s;", k);
        l = curl_slist_append(l, line);
        free(line);
    }
    return l;
}

static int start_attempt(CURLM *multi, struct job *j, const struct probe_options *o,
                         struct curl_slist *connect_to, struct curl_slist *resolve)
{
    const struct probe_spec *s = j->spec;
    const char *method = j->ev->method;
    int timeout_ms = s->timeout_ms > 0 ? s->timeout_ms : TIMEOUT_DEFAULT_MS;
    CURL *h = curl_easy_init();

    if (!h)
        return -1;
    buf_init(&j->body, j->body_cap);
    j->body_total = 0;
    j->cap_hit = false;
    hdrs_clear(j);
    j->hdr_bytes = 0;
    j->hdr_overflow = false;
    j->headers_done = false;
    j->errbuf[0] = '\0';
    j->req_headers = request_headers(j);

    curl_easy_setopt(h, CURLOPT_URL, j->ev->url);
    curl_easy_setopt(h, CURLOPT_PRIVATE, j);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, j->errbuf);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, j);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, j);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, j->req_headers);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "albcheck/0.1");
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)timeout_ms);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, (long)timeout_ms);
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    /* Over HTTPS, wait for a connection that may multiplex (HTTP/2) rather
     * than open one per probe; plain HTTP/1.1 gets a connection per slot. */
    if (strncasecmp(j->ev->url, "https:", 6) == 0)
        curl_easy_setopt(h, CURLOPT_PIPEWAIT, 1L);
    curl_easy_setopt(h, CURLOPT_CERTINFO, 1L);
    if (connect_to)
        curl_easy_setopt(h, CURLOPT_CONNECT_TO, connect_to);
    if (resolve)
        curl_easy_setopt(h, CURLOPT_RESOLVE, resolve);
    if (o->cacert)
        curl_easy_setopt(h, CURLOPT_CAINFO, o->cacert);
    if (o->insecure) {
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    if (strcasecmp(method, "HEAD") == 0) {
        curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    } else {
        if (s->body) {
            curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(s->body));
            curl_easy_setopt(h, CURLOPT_POSTFIELDS, s->body);
        } else if (strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0 ||
                 strcmp(method, "PATCH") == 0) {
            /* No body: still a well-formed request with Content-Length: 0. */
            curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, 0L);
            curl_easy_setopt(h, CURLOPT_POSTFIELDS, "");
        }
        /* POSTFIELDS makes curl send POST; any other method is named. */
        if (strcmp(method, "POST") != 0 && (strcmp(method, "GET") != 0 || s->body))
            curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
    }
    j->easy = h;
    j->running = true;
    j->attempts_done++;
    {
        int64_t t = now_ms();
        if (!j->out->sent_ms)
            j->out->sent_ms = t;
        j->out->last_sent_ms = t;
    }
    if (curl_multi_add_handle(multi, h) != CURLM_OK) {
        curl_easy_cleanup(h);
        j->easy = NULL;
        curl_slist_free_all(j->req_headers);
        j->req_headers = NULL;
        buf_cleanup(&j->body);
        j->running = false;
        return -1;
    }
    return 0;
}

static void end_attempt(CURLM *multi, struct job *j)
{
    if (j->easy) {
        curl_multi_remove_handle(multi, j->easy);
        curl_easy_cleanup(j->easy);
        j->easy = NULL;
    }
    curl_slist_free_all(j->req_headers);
    j->req_headers = NULL;
    buf_cleanup(&j->body);
    j->running = false;
}

static int64_t parse_cert_date(const char *s)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    while (*s == ' ')
        s++;
    /* OpenSSL's ASN1_TIME_print: "Nov 28 12:00:00 2027 GMT". */
    if (!strptime(s, "%b %d %H:%M:%S %Y", &tm))
        return 0;
    return (int64_t)timegm(&tm);
}

static void read_certinfo(CURL *h, struct certcache *cc)
{
    struct curl_certinfo *ci = NULL;

    if (curl_easy_getinfo(h, CURLINFO_CERTINFO, &ci) != CURLE_OK || !ci || ci->num_of_certs < 1)
        return;
    for (struct curl_slist *l = ci->certinfo[0]; l; l = l->next) {
        const char *d = l->data;
        if (strncmp(d, "Subject:", 8) == 0) {
            free(cc->subject);
            cc->subject = xstrdup(d + 8);
        } else if (strncmp(d, "Issuer:", 7) == 0) {
            free(cc->issuer);
            cc->issuer = xstrdup(d + 7);
        } else if (strncmp(d, "Expire date:", 12) == 0) {
            cc->not_after_s = parse_cert_date(d + 12);
        } else if (strncmp(d, "Start date:", 11) == 0) {
            cc->not_before_s = parse_cert_date(d + 11);
        }
    }
    cc->have = cc->not_after_s != 0;
}

static char *http_version_name(long v)
{
    switch (v) {
    case CURL_HTTP_VERSION_1_0: return xstrdup("1.0");
    case CURL_HTTP_VERSION_1_1: return xstrdup("1.1");
    case CURL_HTTP_VERSION_2_0: return xstrdup("2");
#ifdef CURL_HTTP_VERSION_3
    case CURL_HTTP_VERSION_3: return xstrdup("3");
#endif
    default: return NULL;
    }
}

/* Why the transfer failed, in words a user can act on. */
static char *transport_error(const struct job *j, CURLcode rc, int timeout_ms)
{
    const char *detail = j->errbuf[0] ? j->errbuf : curl_easy_strerror(rc);

    if (j->hdr_overflow)
        return xasprintf("the response headers exceeded %u KiB without ending; gave up",
                         PROBE_HEADERS_CAP / 1024);
    switch (rc) {
    case CURLE_OPERATION_TIMEDOUT:
        if (!j->headers_done)
            return xasprintf("timed out after %d ms waiting for the response headers "
                             "(%zu header bytes received)", timeout_ms, j->hdr_bytes);
        return xasprintf("timed out after %d ms reading the body (%zu bytes received)",
                         timeout_ms, j->body_total);
    case CURLE_PARTIAL_FILE:
        return xasprintf("the connection closed mid-body after %zu bytes: %s",
                         j->body_total, detail);
    case CURLE_GOT_NOTHING:
        return xstrdup("the server closed the connection without answering");
    case CURLE_RECV_ERROR:
        if (j->headers_done)
            return xasprintf("the connection broke mid-body after %zu bytes: %s",
                             j->body_total, detail);
        return xasprintf("the connection broke before the answer was complete: %s", detail);
    case CURLE_PEER_FAILED_VERIFICATION:
        return xasprintf("TLS certificate verification failed: %s (give the CA with "
                         "--cacert FILE, or --insecure to skip verification)", detail);
    case CURLE_SSL_CONNECT_ERROR:
        return xasprintf("TLS handshake failed: %s", detail);
    case CURLE_COULDNT_RESOLVE_HOST:
        return xasprintf("could not resolve the host: %s (use --resolve or --connect-to to "
                         "send probes to an address)", detail);
    case CURLE_COULDNT_CONNECT:
        return xasprintf("could not connect: %s", detail);
    default:
        return xasprintf("%s: %s", curl_easy_strerror(rc), detail);
    }
}

static void select_headers(struct job *j)
{
    struct probe_evidence *ev = j->ev;
    const struct expect *x = &j->spec->expect;
    size_t cap = 0;

    for (size_t i = 0; i < ev->n_response_headers; i++)
        kv_cleanup(&ev->response_headers[i]);
    free(ev->response_headers);
    ev->response_headers = NULL;
    ev->n_response_headers = 0;
    for (size_t i = 0; i < j->n_hdrs; i++) {
        const char *k = j->hdrs[i].key;
        bool keep = false;
        for (size_t s = 0; s < sizeof selected_headers / sizeof selected_headers[0]; s++)
            if (strcasecmp(k, selected_headers[s]) == 0)
                keep = true;
        for (size_t s = 0; s < x->n_headers; s++)
            if (x->headers[s].name && strcasecmp(k, x->headers[s].name) == 0)
                keep = true;
        if (keep)
            kv_add(&ev->response_headers, &ev->n_response_headers, &cap, k,
                   probe_header_is_secret(k) ? "(redacted)" : j->hdrs[i].value);
    }
}

/* The attempt on j->easy finished with rc: fill the evidence, judge it, and
 * decide whether the probe is done.  Returns true when a retry is due. */
static bool finish_attempt(struct job *j, CURLcode rc, struct certcache *cc)
{
    struct probe_evidence *ev = j->ev;
    CURL *h = j->easy;
    long code = 0, ver = 0, port = 0;
    char *ip = NULL;
    curl_off_t t_dns = 0, t_conn = 0, t_tls = 0, t_fb = 0, t_total = 0;
    int timeout_ms = j->spec->timeout_ms > 0 ? j->spec->timeout_ms : TIMEOUT_DEFAULT_MS;
    bool transport_ok = rc == CURLE_OK || (rc == CURLE_WRITE_ERROR && j->cap_hit);
    struct probe_attempt *a;
    char *error = NULL, *failure = NULL;
    int64_t now_s = now_ms() / 1000;
    size_t cap_att = j->ev->n_attempts;

    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    curl_easy_getinfo(h, CURLINFO_HTTP_VERSION, &ver);
    curl_easy_getinfo(h, CURLINFO_PRIMARY_IP, &ip);
    curl_easy_getinfo(h, CURLINFO_PRIMARY_PORT, &port);
    curl_easy_getinfo(h, CURLINFO_NAMELOOKUP_TIME_T, &t_dns);
    curl_easy_getinfo(h, CURLINFO_CONNECT_TIME_T, &t_conn);
    curl_easy_getinfo(h, CURLINFO_APPCONNECT_TIME_T, &t_tls);
    curl_easy_getinfo(h, CURLINFO_STARTTRANSFER_TIME_T, &t_fb);
    curl_easy_getinfo(h, CURLINFO_TOTAL_TIME_T, &t_total);

    ev->status = (int)code;
    free(ev->http_version);
    ev->http_version = code ? http_version_name(ver) : NULL;
    free(ev->remote_addr);
    ev->remote_addr = NULL;
    if (ip && *ip)
        ev->remote_addr = strchr(ip, ':') ? xasprintf("[%s]:%ld", ip, port)
                                          : xasprintf("%s:%ld", ip, port);
    ev->dns_ms = (double)t_dns / 1000.0;
    ev->connect_ms = (double)t_conn / 1000.0;
    ev->tls_ms = (double)t_tls / 1000.0;
    ev->ttfb_ms = (double)t_fb / 1000.0;
    ev->total_ms = (double)t_total / 1000.0;
    free(ev->body);
    ev->body = xmalloc(j->body.len + 1);
    if (j->body.len)
        memcpy(ev->body, j->body.data, j->body.len);
    ev->body[j->body.len] = '\0';
    ev->body_len = j->body.len;
    ev->body_total = j->body_total;
    ev->body_truncated = j->cap_hit;
    select_headers(j);

    if (strncasecmp(ev->url, "https:", 6) == 0) {
        struct certcache fresh = { 0 };
        read_certinfo(h, &fresh);
        if (fresh.have) {
            free(cc->subject);
            free(cc->issuer);
            *cc = fresh;
        } else {
            free(fresh.subject);
            free(fresh.issuer);
        }
        /* A reused connection brings no certificate: use the one seen. */
        if (cc->have && code) {
            free(ev->cert_subject);
            free(ev->cert_issuer);
            ev->cert_subject = xstrdup(cc->subject);
            ev->cert_issuer = xstrdup(cc->issuer);
            ev->cert_not_after_s = cc->not_after_s;
            ev->cert_days_left = (int)((cc->not_after_s - now_s) / 86400);
            if (cc->not_after_s < now_s && ev->cert_days_left == 0)
                ev->cert_days_left = -1;
        }
    }

    free(ev->origin_detail);
    ev->origin_detail = NULL;
    if (transport_ok || (code && j->headers_done)) {
        ev->origin = probe_classify_origin(ev->status, j->hdrs, j->n_hdrs, ev->body,
                                           ev->body_len, j->route, &ev->origin_detail);
    } else {
        ev->origin = ORIGIN_NONE;
    }
    if (!transport_ok) {
        error = transport_error(j, rc, timeout_ms);
        if (!code || !j->headers_done) {
            free(ev->origin_detail);
            ev->origin_detail = code ? xasprintf("no complete answer (status line %ld, the "
                                                 "headers never ended)", code)
                                     : xstrdup("no answer");
            ev->origin = ORIGIN_NONE;
        }
    } else {
        failure = probe_assert(&j->spec->expect, ev, j->hdrs, j->n_hdrs, now_s);
        if (!failure && cc->have && ev->cert_not_after_s && cc->not_before_s > now_s)
            failure = xstrdup("the certificate is not valid yet");
    }

    /* The evidence keeps an excerpt; the assertions above saw the whole
     * capped body. */
    if (ev->body_len > j->excerpt_cap) {
        ev->body_len = j->excerpt_cap;
        ev->body = xrealloc(ev->body, ev->body_len + 1);
        ev->body[ev->body_len] = '\0';
    }

    a = xarray_push((void **)&ev->attempts, &ev->n_attempts, &cap_att, sizeof *a);
    a->status = ev->status;
    a->total_ms = ev->total_ms;
    a->error = error;
    a->failure = failure;
    if (!error && !failure)
        return false;
    j->any_failed = true;
    return j->attempts_done <= j->spec->retries;
}

static void conclude(struct job *j)
{
    struct probe_evidence *ev = j->ev;
    struct probe_outcome *o = j->out;
    const struct probe_attempt *last = &ev->attempts[ev->n_attempts - 1];
    const char *why = last->error ? last->error : last->failure;

    j->done = true;
    free(o->message);
    if (!why) {
        if (j->any_failed) {
            const struct probe_attempt *first = &ev->attempts[0];
            o->status = CHECK_FLAKY;
            o->message = xasprintf("flaky: passed on attempt %zu of %d allowed, after %zu "
                                   "failed (first: %s)", ev->n_attempts, j->spec->retries + 1,
                                   ev->n_attempts - 1,
                                   first->error ? first->error : first->failure);
        } else {
            o->status = CHECK_PASS;
            o->message = xasprintf("%s in %.0f ms", ev->origin_detail ? ev->origin_detail : "answered",
                                   ev->total_ms);
        }
        return;
    }
    o->status = CHECK_FAIL;
    if (ev->n_attempts > 1)
        o->message = xasprintf("failed all %zu attempts; last: %s", ev->n_attempts, why);
    else
        o->message = xstrdup(why);
}

static struct curl_slist *slist_of(const char *const *v, size_t n)
{
    struct curl_slist *l = NULL;
    for (size_t i = 0; i < n; i++)
        l = curl_slist_append(l, v[i]);
    return l;
}

int probe_run_all(const struct probe_spec *specs, size_t n,
                  const struct probe_route *routes,
                  const struct probe_target *target,
                  const struct probe_options *opt,
                  struct probe_outcome **out, struct err *e)
{
    struct probe_options o = { 0 };
    struct job *jobs = NULL;
    struct probe_outcome *outs = NULL;
    struct curl_slist *connect_to = NULL, *resolve = NULL;
    struct certcache cc = { 0 };
    CURLM *multi = NULL;
    const char *stop_reason = NULL;
    size_t next_new = 0, active = 0, finished = 0;
    int ret = -1;

    *out = NULL;
    if (opt)
        o = *opt;
    if (!target || !target->host || !*target->host) {
        err_set(e, ERR_USAGE, "probes: no target host (the load balancer's DNS name)");
        goto out;
    }
    for (size_t i = 0; i < o.n_connect_to; i++)
        if (probe_connect_to_valid(o.connect_to[i], e) < 0)
            goto out;
    for (size_t i = 0; i < o.n_resolve; i++)
        if (probe_resolve_valid(o.resolve[i], e) < 0)
            goto out;
    if (o.concurrency <= 0)
        o.concurrency = PROBE_CONCURRENCY_DEFAULT;
    if (o.body_cap == 0)
        o.body_cap = PROBE_BODY_CAP_DEFAULT;
    if (o.excerpt_cap == 0)
        o.excerpt_cap = PROBE_EXCERPT_CAP_DEFAULT;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        err_set(e, ERR_INTERNAL, "probes: libcurl could not be initialised");
        goto out;
    }
    multi = curl_multi_init();
    if (!multi) {
        err_set(e, ERR_INTERNAL, "probes: curl_multi_init failed");
        goto out;
    }
    curl_multi_setopt(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)o.concurrency);
    curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, (long)o.concurrency);
    connect_to = slist_of(o.connect_to, o.n_connect_to);
    resolve = slist_of(o.resolve, o.n_resolve);

    outs = xcalloc(n ? n : 1, sizeof *outs);
    jobs = xcalloc(n ? n : 1, sizeof *jobs);
    for (size_t i = 0; i < n; i++) {
        jobs[i].spec = &specs[i];
        jobs[i].route = routes ? &routes[i] : NULL;
        jobs[i].out = &outs[i];
        jobs[i].body_cap = o.body_cap;
        jobs[i].excerpt_cap = o.excerpt_cap;
        outs[i].spec = &specs[i];
        outs[i].index = i + 1;
        outs[i].status = CHECK_SKIP;
        prepare_evidence(&jobs[i], target, &o, i + 1);
        outs[i].token = xstrdup(jobs[i].ev->token);
    }

    while (finished < n) {
        int64_t t = now_ms();
        int running = 0;
        long wait_ms = o.stop ? 100 : 1000;
        CURLMsg *msg;
        int left;

        if (o.stop && *o.stop) {
            stop_reason = "interrupted";
            break;
        }
        if (o.deadline_ms && t >= o.deadline_ms) {
            stop_reason = "the deadline passed";
            break;
        }
        /* Refill free slots: retries that are due first, then new probes. */
        for (size_t i = 0; i < next_new && active < (size_t)o.concurrency; i++) {
            struct job *j = &jobs[i];
            if (!j->done && !j->running && j->not_before_ms && j->not_before_ms <= t) {
                j->not_before_ms = 0;
                if (start_attempt(multi, j, &o, connect_to, resolve) < 0) {
                    err_set(e, ERR_INTERNAL, "probes: could not start a transfer");
                    goto out;
                }
                active++;
            }
        }
        while (next_new < n && active < (size_t)o.concurrency) {
            if (start_attempt(multi, &jobs[next_new], &o, connect_to, resolve) < 0) {
                err_set(e, ERR_INTERNAL, "probes: could not start a transfer");
                goto out;
            }
            next_new++;
            active++;
        }
        curl_multi_perform(multi, &running);
        while ((msg = curl_multi_info_read(multi, &left))) {
            struct job *j = NULL;
            if (msg->msg != CURLMSG_DONE)
                continue;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&j);
            if (!j)
                continue;
            {
                CURLcode rc = msg->data.result;
                bool retry = finish_attempt(j, rc, &cc);
                end_attempt(multi, j);
                active--;
                if (retry) {
                    int d = j->spec->retry_delay_ms > 0 ? j->spec->retry_delay_ms : 0;
                    j->not_before_ms = now_ms() + d;
                    if (!j->not_before_ms)
                        j->not_before_ms = 1;
                    log_trace(2, "probe %s: attempt %d failed, retrying in %d ms",
                              j->spec->id ? j->spec->id : "?", j->attempts_done, d);
                } else {
                    conclude(j);
                    finished++;
                }
            }
        }
        if (finished >= n)
            break;
        /* Sleep until a socket is ready, a retry is due or the deadline. */
        t = now_ms();
        for (size_t i = 0; i < next_new; i++)
            if (!jobs[i].done && !jobs[i].running && jobs[i].not_before_ms) {
                int64_t d = jobs[i].not_before_ms - t;
                if (d < wait_ms)
                    wait_ms = d < 0 ? 0 : (long)d;
            }
        if (o.deadline_ms && o.deadline_ms - t < wait_ms)
            wait_ms = o.deadline_ms - t < 0 ? 0 : (long)(o.deadline_ms - t);
        if (active > 0 || wait_ms > 0)
            curl_multi_poll(multi, NULL, 0, (int)wait_ms, NULL);
    }

    /* Whatever did not finish is reported as not run, with the reason. */
    for (size_t i = 0; i < n; i++) {
        struct job *j = &jobs[i];
        if (j->done)
            continue;
        if (j->running)
            end_attempt(multi, j);
        outs[i].status = CHECK_SKIP;
        free(outs[i].message);
        if (j->attempts_done)
            outs[i].message = xasprintf("not finished: %s after %d attempt%s",
                                        stop_reason ? stop_reason : "stopped",
                                        j->attempts_done, j->attempts_done == 1 ? "" : "s");
        else
            outs[i].message = xasprintf("not run: %s", stop_reason ? stop_reason : "stopped");
        j->done = true;
    }
    ret = 0;

out:
    for (size_t i = 0; jobs && i < n; i++) {
        if (jobs[i].running)
            end_attempt(multi, &jobs[i]);
        hdrs_clear(&jobs[i]);
        free(jobs[i].hdrs);
        if (ret == 0)
            outs[i].ev = jobs[i].ev;
        else
            probe_evidence_free(jobs[i].ev);
    }
    free(jobs);
    if (ret == 0) {
        *out = outs;
    } else {
        probe_outcomes_free(outs, n);
    }
    if (multi)
        curl_multi_cleanup(multi);
    curl_slist_free_all(connect_to);
    curl_slist_free_all(resolve);
    free(cc.subject);
    free(cc.issuer);
    return ret;
}

void probe_outcomes_free(struct probe_outcome *o, size_t n)
{
    if (!o)
        return;
    for (size_t i = 0; i < n; i++) {
        free(o[i].message);
        free(o[i].token);
        probe_evidence_free(o[i].ev);
    }
    free(o);
}

void probe_record(struct run_result *r, const struct suite *s,
                  struct probe_outcome *out, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct probe_outcome *o = &out[i];
        const struct probe_spec *sp = o->spec;
        const struct probe_evidence *ev = o->ev;
        const char *group = "load-balancer";
        const char *method = sp->method && *sp->method ? sp->method : "GET";
        char *id = xasprintf("probe:%s", sp->id ? sp->id : "?");
        char *name = xasprintf("probe %s %s%s", method, sp->host ? sp->host : "", sp->path ? sp->path : "/");
        struct check_result *c;

        if (s && sp->service >= 0 && (size_t)sp->service < s->n_services &&
            s->services[sp->service].name)
            group = s->services[sp->service].name;
        c = run_check(r, run_add_check(r, "probe", group, id, name));
        free(id);
        free(name);
        check_set(c, o->status, "%s", o->message ? o->message : "");
        c->started_ms = o->sent_ms;
        if (ev) {
            double total = 0;
            for (size_t a = 0; a < ev->n_attempts; a++)
                total += ev->attempts[a].total_ms;
            c->duration_s = total / 1000.0;
            check_detail(c, "request", "%s %s", ev->method, ev->url);
            if (ev->token)
                check_detail(c, "token", "%s", ev->token);
            check_detail(c, "trace id", "%s", ev->trace_id);
            if (ev->status)
                check_detail(c, "status", "%d (HTTP/%s)", ev->status,
                             ev->http_version ? ev->http_version : "?");
            if (ev->origin_detail)
                check_detail(c, "origin", "%s", ev->origin_detail);
            if (ev->remote_addr)
                check_detail(c, "remote", "%s", ev->remote_addr);
            check_detail(c, "timings", "dns %.1f ms, connect %.1f ms, tls %.1f ms, "
                         "first byte %.1f ms, total %.1f ms", ev->dns_ms, ev->connect_ms,
                         ev->tls_ms, ev->ttfb_ms, ev->total_ms);
            if (ev->status || ev->body_total) {
                char *b = probe_printable(ev->body, ev->body_len, PROBE_EXCERPT_SHOWN);
                check_detail(c, "body", "%zu bytes%s: %s", ev->body_total,
                             ev->body_truncated ? " (truncated)" : "", b);
                free(b);
            }
            if (ev->cert_subject) {
                check_detail(c, "certificate", "subject %s; issuer %s; %d days left",
                             ev->cert_subject, ev->cert_issuer ? ev->cert_issuer : "?",
                             ev->cert_days_left);
            }
            for (size_t a = 0; ev->n_attempts > 1 && a < ev->n_attempts; a++) {
                const struct probe_attempt *pa = &ev->attempts[a];
                char key[32];
                snprintf(key, sizeof key, "attempt %zu", a + 1);
                check_detail(c, key, "%d in %.0f ms: %s", pa->status, pa->total_ms,
                             pa->error ? pa->error : pa->failure ? pa->failure : "passed");
            }
            if (ev->origin == ORIGIN_LOAD_BALANCER && o->status == CHECK_FAIL &&
                ev->status >= 500 && ev->status <= 504)
                check_hint(c, "look at the target group's health (albcheck discover shows "
                              "each target's state and reason)");
            else if (ev->origin == ORIGIN_NONE && o->status == CHECK_FAIL)
                check_hint(c, "is the load balancer reachable from here? --connect-to and "
                              "--resolve send probes to another address");
        }
        c->probe = o->ev;
        o->ev = NULL;
    }
}
