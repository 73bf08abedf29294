/* derive.c — zero config: a suite derived from the discovered topology.
 *
 * `albcheck run --alb NAME` without a suite file still checks every route:
 * each forward rule of the listener gets a probe whose request satisfies the
 * rule's conditions (a concrete path from the path pattern, a host from the
 * host-header pattern, the method, headers and query the rule asks for) and
 * that must reach the rule's target group and be answered by the service.
 * Each derived probe is run through the rule evaluator before it is kept: a
 * probe that would land elsewhere (the rule is shadowed, say) is dropped
 * with a note, so a derived suite never fails because of its own guesswork.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "checks/rules.h"
#include "suite/suite.h"
#include "util/buf.h"
#include "util/xmalloc.h"

#define DERIVE_WORD "albcheck-probe"

static void add_note(struct suite *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add_note(struct suite *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = xvasprintf(fmt, ap);
    va_end(ap);
    s->notes = xreallocarray(s->notes, s->n_notes + 1, sizeof *s->notes);
    s->notes[s->n_notes++] = msg;
}

/* A concrete string from a glob: '*' → word, '?' → 'a'. */
static char *concrete(const char *pattern, const char *word)
{
    struct buf b;
    buf_init(&b, 64 * 1024);
    for (const char *p = pattern; *p; p++) {
        if (*p == '*')
            buf_appends(&b, word);
        else if (*p == '?')
            buf_appendc(&b, 'a');
        else
            buf_appendc(&b, *p);
    }
    return buf_steal(&b);
}

/* The listener probes go to: the lowest-port HTTP listener, else the first. */
static const struct listener *pick_listener(const struct topology *t)
{
    const struct listener *best = NULL;
    for (size_t i = 0; i < t->n_listeners; i++) {
        const struct listener *l = &t->listeners[i];
        if (l->protocol && strcmp(l->protocol, "HTTP") == 0 && (!best || l->port < best->port))
            best = l;
    }
    return best ? best : t->n_listeners ? &t->listeners[0] : NULL;
}

/* The target group a forward action sends to: its first group with
 * traffic.  *several: more than one group shares the traffic. */
static const char *forward_tg(const struct rule_action *a, bool *several)
{
    const char *first = NULL;
    size_t n = 0;
    *several = false;
    if (!a || !a->type || strcmp(a->type, "forward") != 0)
        return NULL;
    for (size_t i = 0; i < a->n_targets; i++) {
        if (!a->targets[i].target_group_arn || (a->n_targets > 1 && a->targets[i].weight <= 0))
            continue;
        if (!first)
            first = a->targets[i].target_group_arn;
        n++;
    }
    *several = n > 1;
    return first;
}

static const char *last_segment(const char *arn)
{
    const char *slash = arn ? strrchr(arn, '/') : NULL;
    return slash ? slash + 1 : arn;
}

/* Index of the derived service for target group arn, adding it if new. */
static int service_for_tg(struct suite *s, const struct topology *t, const char *arn)
{
    const struct target_group *tg = topology_tg_by_arn(t, arn);
    const char *tg_name = tg && tg->name ? tg->name : last_segment(arn);
    for (size_t i = 0; i < s->n_services; i++)
        if (strcmp(s->services[i].target_group, tg_name) == 0)
            return (int)i;
    s->services = xreallocarray(s->services, s->n_services + 1, sizeof *s->services);
    struct service_spec *sv = &s->services[s->n_services];
    memset(sv, 0, sizeof *sv);
    sv->target_group = xstrdup(tg_name);
    sv->min_healthy = 1;
    const struct ecs_service *es = topology_service_for_tg(t, arn);
    char *name = xstrdup(es && es->name ? es->name : tg_name);
    /* names must be unique: two groups served by one ECS service */
    for (size_t i = 0; i < s->n_services; i++)
        if (strcmp(s->services[i].name, name) == 0) {
            char *n2 = xasprintf("%s-%s", name, tg_name);
            free(name);
            name = n2;
            break;
        }
    sv->name = name;
    if (es) {
        sv->ecs_service = xstrdup(es->name);
        sv->cluster = xstrdup(es->cluster_arn);
        const struct ecs_service_lb *lb = NULL;
        for (size_t i = 0; i < es->n_load_balancers; i++)
            if (es->load_balancers[i].target_group_arn &&
                strcmp(es->load_balancers[i].target_group_arn, arn) == 0)
                lb = &es->load_balancers[i];
        if (lb) {
            sv->container_name = xstrdup(lb->container_name);
            sv->container_port = lb->container_port;
        }
        const struct task_def *td = es->task_def;
        const struct container_def *cd = NULL;
        for (size_t i = 0; td && i < td->n_containers; i++) {
            const struct container_def *c = &td->containers[i];
            if (lb && lb->container_name && c->name && strcmp(c->name, lb->container_name) == 0)
                cd = c;
            else if (!cd && c->log_group)
                cd = c;
        }
        if (cd && cd->log_group)
            sv->log_group = xstrdup(cd->log_group);
    }
    s->n_services++;
    return (int)s->n_services - 1;
}

static void probe_init(struct probe_spec *p, const struct suite *s)
{
    memset(p, 0, sizeof *p);
    p->service = -1;
    p->timeout_ms = s->default_timeout_ms;
    p->retry_delay_ms = 500;
    p->expect.cert_min_days = -1;
    p->expect.status = xcalloc(1, sizeof *p->expect.status);
    p->expect.n_status = 1;
}

/* Fill p's request from the rule's conditions.  Returns NULL, or why no
 * request can satisfy the rule. */
static const char *request_for_rule(const struct rule *r, struct probe_spec *p)
{
    char *path = NULL;
    struct buf query;
    buf_init(&query, 64 * 1024);
    size_t hcap = 0;
    const char *why = NULL;
    for (size_t i = 0; i < r->n_conditions && !why; i++) {
        const struct rule_condition *c = &r->conditions[i];
        const char *f = c->field ? c->field : "";
        const char *v0 = c->n_values ? c->values[0] : NULL;
        if (strcmp(f, "path-pattern") == 0) {
            if (!v0)
                why = "a path-pattern condition with regex values only";
            else
                path = concrete(v0, DERIVE_WORD);
        } else if (strcmp(f, "host-header") == 0) {
            if (!v0)
                why = "a host-header condition with regex values only";
            else
                p->host = concrete(v0, "albcheck");
        } else if (strcmp(f, "http-request-method") == 0) {
            if (!v0)
                why = "an empty http-request-method condition";
            else
                p->method = xstrdup(v0);
        } else if (strcmp(f, "http-header") == 0) {
            if (!v0 || !c->header_name) {
                why = "an http-header condition with regex values only";
            } else {
                struct kv *kv = ARRAY_PUSH(p->headers, p->n_headers, hcap);
                kv->key = xstrdup(c->header_name);
                kv->value = concrete(v0, DERIVE_WORD);
            }
        } else if (strcmp(f, "query-string") == 0) {
            if (!c->n_query) {
                why = "an empty query-string condition";
            } else {
                char *k = c->query[0].key ? concrete(c->query[0].key, "albcheck")
                                          : xstrdup("albcheck-q");
                char *v = concrete(c->query[0].value ? c->query[0].value : "", "albcheck");
                buf_printf(&query, "%s%s=%s", query.len ? "&" : "", k, v);
                free(k);
                free(v);
            }
        } else if (strcmp(f, "source-ip") == 0) {
            why = "a source-ip condition (the probe cannot choose its client address)";
        } else {
            why = "a condition albcheck does not know";
        }
    }
    if (!why) {
        if (!path)
            path = xstrdup("/" DERIVE_WORD);
        if (!p->method)
            p->method = xstrdup("GET");
        p->path = query.len ? xasprintf("%s?%s", path, buf_str(&query)) : xstrdup(path);
    }
    free(path);
    buf_cleanup(&query);
    return why;
}

static bool unique_id(const struct suite *s, const char *id)
{
    for (size_t i = 0; i < s->n_probes; i++)
        if (strcmp(s->probes[i].id, id) == 0)
            return false;
    return true;
}

/* Evaluate p against the listener as the probe will be sent (Host: p->host,
 * or the load balancer's DNS name). */
static int evaluate_probe(const struct listener *l, const struct topology *t,
                          const struct probe_spec *p, struct rules_match *m)
{
    struct rules_request rq = {.method = p->method, .host = p->host ? p->host : t->lb.dns_name,
                               .path = p->path, .headers = p->headers,
                               .n_headers = p->n_headers};
    return rules_evaluate(l, &rq, m, NULL);
}

static void derive_rule(struct suite *s, const struct topology *t, const struct listener *l,
                        size_t ri)
{
    const struct rule *r = &l->rules[ri];
    const struct rule_action *a = rules_terminal_action(r->actions, r->n_actions);
    bool several;
    const char *tg_arn = forward_tg(a, &several);
    if (!tg_arn)
        return;
    struct probe_spec p;
    probe_init(&p, s);
    const char *why = request_for_rule(r, &p);
    if (why) {
        add_note(s, "rule %d: no probe: %s", r->priority, why);
        goto drop;
    }
    struct rules_match m;
    if (evaluate_probe(l, t, &p, &m) < 0 || m.rule_index != (int)ri) {
        if (m.is_default)
            add_note(s, "rule %d: no probe: %s %s lands on the default rule instead",
                     r->priority, p.method, p.path);
        else
            add_note(s, "rule %d: no probe: %s %s lands on rule %d instead (it covers this rule)",
                     r->priority, p.method, p.path, m.priority);
        goto drop;
    }
    int si = service_for_tg(s, t, tg_arn);
    const struct service_spec *sv = &s->services[si];
    if (several)
        add_note(s, "rule %d: forwards to several target groups; the probe expects %s",
                 r->priority, sv->target_group);
    p.service = si;
    p.expect.status[0].lo = 100;
    p.expect.status[0].hi = 499; /* any answer from the service that is not an error of it */
    p.expect.from = FROM_SERVICE;
    p.expect_target_group = xstrdup(sv->target_group);
    p.check_logs = s->logs.enabled && sv->log_group != NULL;
    /* A host-header rule's probe says which host it sends. */
    p.name = p.host ? xasprintf("%s %s%s", p.method, p.host, p.path)
                    : xasprintf("%s %s", p.method, p.path);
    p.id = xasprintf("%s:%s", sv->name, p.name);
    if (!unique_id(s, p.id)) {
        char *id2 = xasprintf("%s (rule %d)", p.id, r->priority);
        free(p.id);
        p.id = id2;
    }
    s->probes = xreallocarray(s->probes, s->n_probes + 1, sizeof *s->probes);
    s->probes[s->n_probes++] = p;
    return;
drop:
    probe_spec_cleanup(&p);
}

/* A probe that no rule matches, expecting the default fixed response. */
static void derive_default(struct suite *s, const struct topology *t, const struct listener *l)
{
    struct rules_match m;
    static const char *const candidates[] = {
        "/albcheck-no-route", "/albcheck/no-route/zq9", "/~albcheck~/no-route.zq9",
        "/.albcheck-no-route/%7E/zq9", NULL};
    struct probe_spec p;
    probe_init(&p, s);
    p.method = xstrdup("GET");
    for (size_t i = 0; candidates[i]; i++) {
        free(p.path);
        p.path = xstrdup(candidates[i]);
        if (evaluate_probe(l, t, &p, &m) == 0 && m.is_default)
            break;
        m.is_default = false;
    }
    const struct rule_action *a = m.is_default ? m.action : NULL;
    if (!m.is_default) {
        add_note(s, "default action: no probe: every path tried matches a rule");
        goto drop;
    }
    if (!a || !a->type || strcmp(a->type, "fixed-response") != 0 || a->fixed_status < 100 ||
        a->fixed_status > 599)
        goto drop; /* a forwarding default is covered by the forward rules' groups */
    p.expect.status[0].lo = p.expect.status[0].hi = a->fixed_status;
    p.expect.from = FROM_LOAD_BALANCER;
    p.expect_target_group = xstrdup("");
    p.name = xstrdup("unrouted path");
    p.id = xasprintf("probe:GET %s", p.path);
    s->probes = xreallocarray(s->probes, s->n_probes + 1, sizeof *s->probes);
    s->probes[s->n_probes++] = p;
    return;
drop:
    probe_spec_cleanup(&p);
}

int suite_derive(const struct topology *t, struct suite **out, struct err *e)
{
    *out = NULL;
    const struct listener *l = pick_listener(t);
    if (!l)
        return err_set(e, ERR_NOTFOUND, "load balancer %s has no listener: nothing to derive",
                       t->lb.name ? t->lb.name : "?");
    struct suite *s = suite_new_defaults();
    s->derived = true;
    s->name = xasprintf("%s (derived)", t->lb.name ? t->lb.name : "load balancer");
    s->region = xstrdup(t->region);
    if (t->lb.arn) {
        s->lb.kind = LB_SEL_ARN;
        s->lb.value = xstrdup(t->lb.arn);
    } else if (t->lb.name) {
        s->lb.kind = LB_SEL_NAME;
        s->lb.value = xstrdup(t->lb.name);
    }
    size_t *order = rules_order(l);
    for (size_t k = 0; k < l->n_rules; k++)
        if (!l->rules[order[k]].is_default)
            derive_rule(s, t, l, order[k]);
    free(order);
    /* A forwarding default action still names a service to check. */
    const struct rule_action *def = NULL;
    for (size_t i = 0; i < l->n_rules; i++)
        if (l->rules[i].is_default)
            def = rules_terminal_action(l->rules[i].actions, l->rules[i].n_actions);
    if (!def)
        def = rules_terminal_action(l->default_actions, l->n_default_actions);
    bool several;
    const char *def_tg = forward_tg(def, &several);
    if (def_tg)
        (void)service_for_tg(s, t, def_tg);
    else
        derive_default(s, t, l);
    *out = s;
    return 0;
}
