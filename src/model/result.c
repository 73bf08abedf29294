/* result.c — the run's check results (see result.h). */
#include "model/result.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "util/xmalloc.h"

struct run_result *run_result_new(const char *run_id)
{
    struct run_result *r = xcalloc(1, sizeof *r);
    r->run_id = xstrdup(run_id);
    pthread_mutex_init(&r->lock, NULL);
    return r;
}

void probe_evidence_free(struct probe_evidence *p)
{
    if (!p)
        return;
    free(p->method);
    free(p->url);
    free(p->remote_addr);
    free(p->token);
    free(p->trace_id);
    for (size_t i = 0; i < p->n_request_headers; i++)
        kv_cleanup(&p->request_headers[i]);
    free(p->request_headers);
    free(p->http_version);
    for (size_t i = 0; i < p->n_response_headers; i++)
        kv_cleanup(&p->response_headers[i]);
    free(p->response_headers);
    free(p->body);
    free(p->origin_detail);
    free(p->cert_subject);
    free(p->cert_issuer);
    for (size_t i = 0; i < p->n_attempts; i++) {
        free(p->attempts[i].error);
        free(p->attempts[i].failure);
    }
    free(p->attempts);
    free(p);
}

void log_evidence_free(struct log_evidence *l)
{
    if (!l)
        return;
    free(l->token);
    free(l->expected_group);
    free(l->found_group);
    free(l->stream);
    free(l->task_id);
    free(l->message);
    strv_free(l->other_groups, l->n_other_groups);
    strv_free(l->searched_groups, l->n_searched_groups);
    free(l->pattern);
    free(l);
}

static void check_cleanup(struct check_result *c)
{
    free(c->id);
    free(c->kind);
    free(c->name);
    free(c->group);
    free(c->message);
    free(c->hint);
    for (size_t i = 0; i < c->n_details; i++)
        kv_cleanup(&c->details[i]);
    free(c->details);
    probe_evidence_free(c->probe);
    log_evidence_free(c->log);
}

void run_result_free(struct run_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_checks; i++)
        check_cleanup(&r->checks[i]);
    free(r->checks);
    free(r->run_id);
    free(r->suite_name);
    free(r->suite_path);
    free(r->region);
    free(r->alb_name);
    free(r->alb_arn);
    free(r->alb_dns);
    free(r->interrupt_reason);
    free(r->fatal);
    pthread_mutex_destroy(&r->lock);
    free(r);
}

size_t run_add_check(struct run_result *r, const char *kind, const char *group,
                     const char *id, const char *name)
{
    pthread_mutex_lock(&r->lock);
    struct check_result *c = ARRAY_PUSH(r->checks, r->n_checks, r->cap_checks);
    c->kind = xstrdup(kind);
    c->group = xstrdup(group);
    c->id = xstrdup(id);
    c->name = xstrdup(name);
    c->status = CHECK_PASS;
    size_t i = r->n_checks - 1;
    pthread_mutex_unlock(&r->lock);
    return i;
}

struct check_result *run_check(struct run_result *r, size_t i)
{
    return i < r->n_checks ? &r->checks[i] : NULL;
}

void check_set(struct check_result *c, enum check_status st, const char *fmt, ...)
{
    c->status = st;
    free(c->message);
    va_list ap;
    va_start(ap, fmt);
    c->message = xvasprintf(fmt, ap);
    va_end(ap);
}

void check_hint(struct check_result *c, const char *fmt, ...)
{
    free(c->hint);
    va_list ap;
    va_start(ap, fmt);
    c->hint = xvasprintf(fmt, ap);
    va_end(ap);
}

void check_detail(struct check_result *c, const char *key, const char *fmt, ...)
{
    size_t cap = c->n_details; /* exact-size growth: details are few */
    struct kv *kv = ARRAY_PUSH(c->details, c->n_details, cap);
    kv->key = xstrdup(key);
    va_list ap;
    va_start(ap, fmt);
    kv->value = xvasprintf(fmt, ap);
    va_end(ap);
}

void run_add_timing(struct run_result *r, const char *phase, double seconds)
{
    for (size_t i = 0; i < r->n_timings; i++)
        if (strcmp(r->timings[i].phase, phase) == 0) {
            r->timings[i].seconds += seconds;
            return;
        }
    if (r->n_timings < sizeof r->timings / sizeof r->timings[0])
        r->timings[r->n_timings++] = (struct phase_timing){phase, seconds};
}

size_t run_count(const struct run_result *r, enum check_status st)
{
    size_t n = 0;
    for (size_t i = 0; i < r->n_checks; i++)
        n += r->checks[i].status == st;
    return n;
}

int run_exit_status(const struct run_result *r)
{
    if (r->fatal)
        return r->fatal_exit ? r->fatal_exit : EXIT_AWS;
    if (run_count(r, CHECK_FAIL) || r->interrupted)
        return EXIT_FAIL;
    if (run_count(r, CHECK_ERROR))
        return EXIT_AWS;
    return EXIT_PASS;
}

const char *check_status_name(enum check_status st)
{
    switch (st) {
    case CHECK_PASS: return "pass";
    case CHECK_FAIL: return "fail";
    case CHECK_ERROR: return "error";
    case CHECK_SKIP: return "skip";
    case CHECK_FLAKY: return "flaky";
    }
    return "unknown";
}
