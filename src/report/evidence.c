/* evidence.c — a check's evidence as ordered lines (see evidence.h). */
#include "evidence.h"

#include <stdarg.h>
#include <stdlib.h>

#include "util/xmalloc.h"

static void add(struct evidence *ev, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void add(struct evidence *ev, const char *key, const char *fmt, ...)
{
    struct ev_line *l = ARRAY_PUSH(ev->lines, ev->n, ev->cap);
    va_list ap;
    va_start(ap, fmt);
    l->key = key;
    l->value = xvasprintf(fmt, ap);
    va_end(ap);
}

const char *evidence_origin_name(enum probe_origin o)
{
    switch (o) {
    case ORIGIN_SERVICE: return "service";
    case ORIGIN_LOAD_BALANCER: return "load-balancer";
    case ORIGIN_NONE: return "none";
    case ORIGIN_UNKNOWN: break;
    }
    return "unknown";
}

void evidence_init(struct evidence *ev, const struct check_result *c)
{
    *ev = (struct evidence){0};
    if (c->hint)
        add(ev, "hint", "%s", c->hint);
    for (size_t i = 0; i < c->n_details; i++)
        add(ev, c->details[i].key ? c->details[i].key : "detail", "%s",
            c->details[i].value ? c->details[i].value : "");
    const struct probe_evidence *p = c->probe;
    if (p) {
        add(ev, "request", "%s %s", p->method ? p->method : "GET", p->url ? p->url : "");
        for (size_t i = 0; i < p->n_request_headers; i++)
            add(ev, "request header", "%s: %s", p->request_headers[i].key ? p->request_headers[i].key : "",
                p->request_headers[i].value ? p->request_headers[i].value : "");
        if (p->remote_addr)
            add(ev, "connected to", "%s", p->remote_addr);
        if (p->token)
            add(ev, "correlation token", "%s", p->token);
        if (p->trace_id)
            add(ev, "trace id", "%s", p->trace_id);
        if (p->status)
            add(ev, "status", "%s %d", p->http_version ? p->http_version : "HTTP", p->status);
        else
            add(ev, "status", "no answer");
        for (size_t i = 0; i < p->n_response_headers; i++)
            add(ev, "response header", "%s: %s", p->response_headers[i].key ? p->response_headers[i].key : "",
                p->response_headers[i].value ? p->response_headers[i].value : "");
        add(ev, "answered by", "%s%s%s", evidence_origin_name(p->origin),
            p->origin_detail ? ": " : "", p->origin_detail ? p->origin_detail : "");
        add(ev, "timing", "dns %.1f ms, connect %.1f ms, tls %.1f ms, first byte %.1f ms, total %.1f ms",
            p->dns_ms, p->connect_ms, p->tls_ms, p->ttfb_ms, p->total_ms);
        if (p->max_ms > 0)
            add(ev, "latency budget", "%d ms", p->max_ms);
        if (p->cert_subject)
            add(ev, "certificate", "%s, issued by %s, %d days left", p->cert_subject,
                p->cert_issuer ? p->cert_issuer : "?", p->cert_days_left);
        for (size_t i = 0; i < p->n_attempts; i++) {
            const struct probe_attempt *a = &p->attempts[i];
            add(ev, "attempt", "#%zu: status %d in %.1f ms%s%s%s%s", i + 1, a->status, a->total_ms,
                a->error ? "; error: " : "", a->error ? a->error : "",
                a->failure ? "; failed: " : "", a->failure ? a->failure : "");
        }
        add(ev, "body", "%zu of %zu bytes%s", p->body_len, p->body_total,
            p->body_truncated ? " (truncated)" : "");
    }
    const struct log_evidence *l = c->log;
    if (l) {
        if (l->token)
            add(ev, "token", "%s", l->token);
        if (l->expected_group)
            add(ev, "expected log group", "%s", l->expected_group);
        add(ev, "found in", "%s", l->found_group ? l->found_group : "(not found)");
        if (l->stream)
            add(ev, "log stream", "%s", l->stream);
        if (l->task_id)
            add(ev, "task", "%s", l->task_id);
        if (l->message)
            add(ev, "log line", "%s", l->message);
        if (l->found_group)
            add(ev, "delivery delay", "%.1f s", l->delay_s);
        for (size_t i = 0; i < l->n_other_groups; i++)
            add(ev, "also found in", "%s", l->other_groups[i]);
        for (size_t i = 0; i < l->n_searched_groups; i++)
            add(ev, "searched", "%s", l->searched_groups[i]);
        if (l->pattern)
            add(ev, "pattern", "%s", l->pattern);
        if (l->polls)
            add(ev, "polls", "%d", l->polls);
    }
}

void evidence_cleanup(struct evidence *ev)
{
    for (size_t i = 0; i < ev->n; i++)
        free(ev->lines[i].value);
    free(ev->lines);
    *ev = (struct evidence){0};
}
