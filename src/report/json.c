/* json.c — the JSON report: everything the HTML shows, for machines.
 *
 * Field names are stable (documented in the README); schema_version changes
 * only when a field changes meaning or disappears.  jansson requires UTF-8,
 * so every string is repaired first (invalid bytes → U+FFFD); a body excerpt
 * that was not valid UTF-8 (or held NUL) also gets a base64 copy of its raw
 * bytes.  Absent strings are JSON null, never "".
 */
#include "report/report.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "evidence.h"
#include "report/escape.h"
#include "util/xmalloc.h"

#define SCHEMA_VERSION 1

/* A repaired UTF-8 copy of p[0..n) as a new JSON string (NUL kept as \u0000). */
static json_t *jbytes(const void *p, size_t n)
{
    size_t len;
    char *s = esc_dup(p, n, ESC_UTF8, &len);
    json_t *j = json_stringn_nocheck(s, len);
    free(s);
    return j;
}

static json_t *jstr(const char *s)
{
    return s ? jbytes(s, strlen(s)) : json_null();
}

static json_t *jnum(double d)
{
    return json_real(isfinite(d) ? d : 0.0);
}

static void set(json_t *o, const char *key, json_t *v)
{
    json_object_set_new(o, key, v);
}

static json_t *jstrv(char *const *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, jstr(v[i]));
    return a;
}

static json_t *jkv(const struct kv *kv, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_pack("{s:o,s:o}", "name", jstr(kv[i].key),
                                           "value", jstr(kv[i].value)));
    return a;
}

static const char b64chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static json_t *jbase64(const unsigned char *p, size_t n)
{
    char *out = xmalloc((n + 2) / 3 * 4 + 1);
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)p[i] << 16;
        if (i + 1 < n) v |= (unsigned)p[i + 1] << 8;
        if (i + 2 < n) v |= p[i + 2];
        out[o++] = b64chars[(v >> 18) & 63];
        out[o++] = b64chars[(v >> 12) & 63];
        out[o++] = i + 1 < n ? b64chars[(v >> 6) & 63] : '=';
        out[o++] = i + 2 < n ? b64chars[v & 63] : '=';
    }
    out[o] = '\0';
    json_t *j = json_string(out);
    free(out);
    return j;
}

static json_t *probe_json(const struct probe_evidence *p)
{
    json_t *j = json_object();
    set(j, "method", jstr(p->method));
    set(j, "url", jstr(p->url));
    set(j, "remote_addr", jstr(p->remote_addr));
    set(j, "token", jstr(p->token));
    set(j, "trace_id", jstr(p->trace_id));
    set(j, "request_headers", jkv(p->request_headers, p->n_request_headers));
    set(j, "status", json_integer(p->status));
    set(j, "http_version", jstr(p->http_version));
    set(j, "response_headers", jkv(p->response_headers, p->n_response_headers));
    json_t *body = json_object();
    set(body, "text", p->body ? jbytes(p->body, p->body_len) : json_string(""));
    bool valid = !p->body || esc_utf8_valid(p->body, p->body_len);
    set(body, "valid_utf8", json_boolean(valid));
    set(body, "base64", valid ? json_null() : jbase64(p->body, p->body_len));
    set(body, "excerpt_bytes", json_integer((json_int_t)p->body_len));
    set(body, "total_bytes", json_integer((json_int_t)p->body_total));
    set(body, "truncated", json_boolean(p->body_truncated));
    set(j, "body", body);
    set(j, "timings_ms", json_pack("{s:o,s:o,s:o,s:o,s:o}", "dns", jnum(p->dns_ms),
                                   "connect", jnum(p->connect_ms), "tls", jnum(p->tls_ms),
                                   "first_byte", jnum(p->ttfb_ms), "total", jnum(p->total_ms)));
    set(j, "latency_budget_ms", p->max_ms > 0 ? json_integer(p->max_ms) : json_null());
    set(j, "origin", json_string(evidence_origin_name(p->origin)));
    set(j, "origin_detail", jstr(p->origin_detail));
    if (p->cert_subject || p->cert_issuer)
        set(j, "certificate", json_pack("{s:o,s:o,s:I,s:i}", "subject", jstr(p->cert_subject),
                                        "issuer", jstr(p->cert_issuer),
                                        "not_after_s", (json_int_t)p->cert_not_after_s,
                                        "days_left", p->cert_days_left));
    else
        set(j, "certificate", json_null());
    json_t *att = json_array();
    for (size_t i = 0; i < p->n_attempts; i++)
        json_array_append_new(att, json_pack("{s:i,s:o,s:o,s:o}", "status", p->attempts[i].status,
                                             "total_ms", jnum(p->attempts[i].total_ms),
                                             "error", jstr(p->attempts[i].error),
                                             "failure", jstr(p->attempts[i].failure)));
    set(j, "attempts", att);
    return j;
}

static json_t *log_json(const struct log_evidence *l)
{
    json_t *j = json_object();
    set(j, "token", jstr(l->token));
    set(j, "expected_group", jstr(l->expected_group));
    set(j, "found_group", jstr(l->found_group));
    set(j, "stream", jstr(l->stream));
    set(j, "task_id", jstr(l->task_id));
    set(j, "message", jstr(l->message));
    set(j, "event_ms", json_integer(l->event_ms));
    set(j, "ingestion_ms", l->ingestion_ms ? json_integer(l->ingestion_ms) : json_null());
    set(j, "delay_s", l->found_group ? jnum(l->delay_s) : json_null());
    set(j, "other_groups", jstrv(l->other_groups, l->n_other_groups));
    set(j, "searched_groups", jstrv(l->searched_groups, l->n_searched_groups));
    set(j, "window_start_ms", json_integer(l->window_start_ms));
    set(j, "window_end_ms", json_integer(l->window_end_ms));
    set(j, "pattern", jstr(l->pattern));
    set(j, "polls", json_integer(l->polls));
    return j;
}

static json_t *check_json(const struct check_result *c)
{
    json_t *j = json_object();
    set(j, "id", jstr(c->id));
    set(j, "kind", jstr(c->kind));
    set(j, "name", jstr(c->name));
    set(j, "group", jstr(c->group));
    set(j, "status", json_string(check_status_name(c->status)));
    set(j, "message", jstr(c->message));
    set(j, "hint", jstr(c->hint));
    set(j, "started_ms", json_integer(c->started_ms));
    set(j, "duration_s", jnum(c->duration_s));
    set(j, "details", jkv(c->details, c->n_details));
    set(j, "probe", c->probe ? probe_json(c->probe) : json_null());
    set(j, "log", c->log ? log_json(c->log) : json_null());
    return j;
}

static json_t *action_json(const struct topology *t, const struct rule_action *a)
{
    json_t *j = json_object();
    set(j, "type", jstr(a->type));
    json_t *tgs = json_array();
    for (size_t i = 0; i < a->n_targets; i++) {
        const struct target_group *tg = topology_tg_by_arn(t, a->targets[i].target_group_arn);
        json_array_append_new(tgs, json_pack("{s:o,s:o,s:i}",
                                             "name", jstr(tg ? tg->name : NULL),
                                             "arn", jstr(a->targets[i].target_group_arn),
                                             "weight", a->targets[i].weight));
    }
    set(j, "target_groups", tgs);
    set(j, "fixed_status", a->fixed_status ? json_integer(a->fixed_status) : json_null());
    set(j, "redirect_status", jstr(a->redirect_status));
    return j;
}

static json_t *topology_json(const struct topology *t)
{
    json_t *j = json_object();
    set(j, "region", jstr(t->region));
    set(j, "account_id", jstr(t->account_id));
    set(j, "discovery_s", jnum(t->discovery_s));
    set(j, "load_balancer", json_pack("{s:o,s:o,s:o,s:o,s:o,s:o}", "name", jstr(t->lb.name),
                                      "arn", jstr(t->lb.arn), "dns_name", jstr(t->lb.dns_name),
                                      "scheme", jstr(t->lb.scheme), "state", jstr(t->lb.state),
                                      "availability_zones",
                                      jstrv(t->lb.availability_zones, t->lb.n_availability_zones)));
    json_t *ls = json_array();
    for (size_t i = 0; i < t->n_listeners; i++) {
        const struct listener *l = &t->listeners[i];
        json_t *rules = json_array();
        for (size_t k = 0; k < l->n_rules; k++) {
            const struct rule *ru = &l->rules[k];
            json_t *conds = json_array(), *acts = json_array();
            for (size_t c = 0; c < ru->n_conditions; c++) {
                const struct rule_condition *rc = &ru->conditions[c];
                json_array_append_new(conds, json_pack("{s:o,s:o,s:o}", "field", jstr(rc->field),
                                                       "values", jstrv(rc->values, rc->n_values),
                                                       "header_name", jstr(rc->header_name)));
            }
            for (size_t a = 0; a < ru->n_actions; a++)
                json_array_append_new(acts, action_json(t, &ru->actions[a]));
            json_array_append_new(rules, json_pack("{s:o,s:o,s:b,s:o,s:o}", "arn", jstr(ru->arn),
                                                   "priority", ru->is_default ? json_null()
                                                                              : json_integer(ru->priority),
                                                   "is_default", ru->is_default,
                                                   "conditions", conds, "actions", acts));
        }
        json_array_append_new(ls, json_pack("{s:o,s:o,s:i,s:o}", "arn", jstr(l->arn),
                                            "protocol", jstr(l->protocol), "port", l->port,
                                            "rules", rules));
    }
    set(j, "listeners", ls);
    json_t *tgs = json_array();
    for (size_t i = 0; i < t->n_target_groups; i++) {
        const struct target_group *tg = &t->target_groups[i];
        json_t *ta = json_array();
        size_t healthy = 0;
        for (size_t k = 0; k < tg->n_targets; k++) {
            const struct target *x = &tg->targets[k];
            healthy += x->state && strcmp(x->state, "healthy") == 0;
            json_array_append_new(ta, json_pack("{s:o,s:i,s:o,s:o,s:o,s:o}", "id", jstr(x->id),
                                                "port", x->port, "availability_zone",
                                                jstr(x->availability_zone), "state", jstr(x->state),
                                                "reason", jstr(x->reason), "task_id", jstr(x->task_id)));
        }
        json_array_append_new(tgs, json_pack("{s:o,s:o,s:o,s:i,s:o,s:I,s:o}", "name", jstr(tg->name),
                                             "arn", jstr(tg->arn), "protocol", jstr(tg->protocol),
                                             "port", tg->port, "health_check_path", jstr(tg->hc_path),
                                             "healthy_targets", (json_int_t)healthy, "targets", ta));
    }
    set(j, "target_groups", tgs);
    json_t *ss = json_array();
    for (size_t i = 0; i < t->n_services; i++) {
        const struct ecs_service *s = &t->services[i];
        json_t *tgarns = json_array(), *logs = json_array();
        for (size_t k = 0; k < s->n_load_balancers; k++) {
            const struct target_group *tg = topology_tg_by_arn(t, s->load_balancers[k].target_group_arn);
            json_array_append_new(tgarns, jstr(tg ? tg->name : s->load_balancers[k].target_group_arn));
        }
        for (size_t k = 0; s->task_def && k < s->task_def->n_containers; k++)
            if (s->task_def->containers[k].log_group)
                json_array_append_new(logs, jstr(s->task_def->containers[k].log_group));
        json_array_append_new(ss, json_pack("{s:o,s:o,s:o,s:i,s:i,s:i,s:o,s:o,s:o,s:I}",
                                            "name", jstr(s->name), "arn", jstr(s->arn),
                                            "status", jstr(s->status), "desired", s->desired,
                                            "running", s->running, "pending", s->pending,
                                            "task_definition", jstr(s->task_definition),
                                            "target_groups", tgarns, "log_groups", logs,
                                            "deployments", (json_int_t)s->n_deployments));
    }
    set(j, "services", ss);
    json_t *calls = json_array();
    for (size_t i = 0; i < t->n_calls; i++)
        json_array_append_new(calls, json_pack("{s:o,s:i}", "operation", jstr(t->calls[i].operation),
                                               "calls", (int)t->calls[i].calls));
    set(j, "aws_calls", calls);
    return j;
}

int report_json_write(FILE *out, const struct run_result *r, const struct report_opts *o,
                      struct err *e)
{
    json_t *root = json_object();
    char started[40], finished[40];
    report_iso_time(r->started_ms, true, started, sizeof started);
    report_iso_time(r->finished_ms, true, finished, sizeof finished);

    set(root, "schema_version", json_integer(SCHEMA_VERSION));
    set(root, "tool", json_string("albcheck"));
    json_t *run = json_object();
    set(run, "id", jstr(r->run_id));
    set(run, "suite", json_pack("{s:o,s:o}", "name", jstr(report_suite_name(r, o)),
                                "path", jstr(report_suite_path(r, o))));
    set(run, "region", jstr(r->region));
    set(run, "started", *started ? json_string(started) : json_null());
    set(run, "finished", *finished ? json_string(finished) : json_null());
    set(run, "started_ms", json_integer(r->started_ms));
    set(run, "finished_ms", json_integer(r->finished_ms));
    set(run, "duration_s", jnum(report_run_seconds(r)));
    set(run, "interrupted", json_boolean(r->interrupted));
    set(run, "interrupt_reason", jstr(r->interrupt_reason));
    set(run, "fatal", jstr(r->fatal));
    set(root, "run", run);
    set(root, "load_balancer", json_pack("{s:o,s:o,s:o}", "name", jstr(r->alb_name),
                                         "arn", jstr(r->alb_arn), "dns_name", jstr(r->alb_dns)));
    set(root, "counts", json_pack("{s:I,s:I,s:I,s:I,s:I,s:I}", "total", (json_int_t)r->n_checks,
                                  "pass", (json_int_t)run_count(r, CHECK_PASS),
                                  "fail", (json_int_t)run_count(r, CHECK_FAIL),
                                  "error", (json_int_t)run_count(r, CHECK_ERROR),
                                  "skip", (json_int_t)run_count(r, CHECK_SKIP),
                                  "flaky", (json_int_t)run_count(r, CHECK_FLAKY)));
    char *vline = report_verdict_line(r);
    set(root, "verdict", json_string(report_verdict_word(r)));
    set(root, "verdict_text", jstr(vline));
    free(vline);
    set(root, "exit_status", json_integer(run_exit_status(r)));
    set(root, "topology", r->topology ? topology_json(r->topology) : json_null());
    json_t *checks = json_array();
    for (size_t i = 0; i < r->n_checks; i++)
        json_array_append_new(checks, check_json(&r->checks[i]));
    set(root, "checks", checks);
    json_t *timings = json_array();
    for (size_t i = 0; i < r->n_timings; i++)
        json_array_append_new(timings, json_pack("{s:s,s:o}", "phase", r->timings[i].phase,
                                                 "seconds", jnum(r->timings[i].seconds)));
    set(root, "timings", timings);

    int rc = 0;
    if (json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) < 0 || fputc('\n', out) == EOF)
        rc = err_set(e, ERR_IO, "writing JSON: %s", strerror(errno ? errno : EIO));
    json_decref(root);
    return rc;
}
