/* print.c — the topology as a tree and as JSON (see print.h). */
#include "discover/print.h"

#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/xmalloc.h"

#define C_RESET "\033[0m"
#define C_BOLD "\033[1m"
#define C_DIM "\033[2m"
#define C_RED "\033[31m"
#define C_GREEN "\033[32m"
#define C_YELLOW "\033[33m"

struct printer {
    FILE *out;
    bool color;
    const struct topology *t;
    char prefix[512];   /* the indentation drawn so far */
    bool *tg_shown;     /* groups already printed in full */
};

static const char *col(const struct printer *p, const char *c)
{
    return p->color ? c : "";
}

static const char *or_q(const char *s)
{
    return s ? s : "?";
}

char *rule_condition_describe(const struct rule_condition *c)
{
    struct buf b;
    buf_init(&b, 8192);
    buf_printf(&b, "%s", or_q(c->field));
    if (c->header_name)
        buf_printf(&b, " %s:", c->header_name);
    for (size_t i = 0; i < c->n_values; i++)
        buf_printf(&b, "%s%s", i ? ", " : " ", c->values[i]);
    for (size_t i = 0; i < c->n_query; i++)
        buf_printf(&b, "%s%s%s%s", i ? ", " : " ", c->query[i].key ? c->query[i].key : "",
                   c->query[i].key ? "=" : "", or_q(c->query[i].value));
    for (size_t i = 0; i < c->n_regex_values; i++)
        buf_printf(&b, "%s~%s", (i || c->n_values) ? ", " : " ", c->regex_values[i]);
    return buf_steal(&b);
}

static const char *tg_name(const struct topology *t, const char *arn)
{
    const struct target_group *tg = topology_tg_by_arn(t, arn);
    if (tg && tg->name)
        return tg->name;
    return or_q(arn);
}

char *rule_action_describe(const struct topology *t, const struct rule_action *a)
{
    struct buf b;
    buf_init(&b, 8192);
    const char *type = or_q(a->type);
    if (strcmp(type, "forward") == 0) {
        buf_appends(&b, "forward");
        for (size_t i = 0; i < a->n_targets; i++) {
            buf_printf(&b, "%s%s", i ? ", " : " ", tg_name(t, a->targets[i].target_group_arn));
            if (a->n_targets > 1)
                buf_printf(&b, " (weight %d)", a->targets[i].weight);
        }
    } else if (strcmp(type, "fixed-response") == 0) {
        buf_printf(&b, "fixed-response %d", a->fixed_status);
        if (a->fixed_content_type)
            buf_printf(&b, " %s", a->fixed_content_type);
        if (a->fixed_body) {
            size_t n = strlen(a->fixed_body);
            buf_printf(&b, " \"%.*s%s\"", (int)(n > 40 ? 40 : n), a->fixed_body,
                       n > 40 ? "…" : "");
        }
    } else if (strcmp(type, "redirect") == 0) {
        buf_printf(&b, "redirect %s to %s://%s:%s%s%s%s", or_q(a->redirect_status),
                   a->redirect_protocol ? a->redirect_protocol : "#{protocol}",
                   a->redirect_host ? a->redirect_host : "#{host}",
                   a->redirect_port ? a->redirect_port : "#{port}",
                   a->redirect_path ? a->redirect_path : "/#{path}",
                   a->redirect_query ? "?" : "", a->redirect_query ? a->redirect_query : "");
    } else {
        buf_appends(&b, type);
    }
    return buf_steal(&b);
}

/* Print one line at the current depth; `last` picks the branch glyph. */
static void line(struct printer *p, bool last, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void line(struct printer *p, bool last, const char *fmt, ...)
{
    fprintf(p->out, "%s%s%s%s", p->prefix, col(p, C_DIM), last ? "└─ " : "├─ ", col(p, C_RESET));
    va_list ap;
    va_start(ap, fmt);
    vfprintf(p->out, fmt, ap);
    va_end(ap);
    fputc('\n', p->out);
}

static size_t push(struct printer *p, bool last)
{
    size_t len = strlen(p->prefix);
    if (len + 8 < sizeof p->prefix)
        strcat(p->prefix, last ? "   " : "│  ");
    return len;
}

static void pop(struct printer *p, size_t len)
{
    p->prefix[len] = '\0';
}

static const char *state_color(const struct printer *p, const char *state)
{
    if (!state)
        return col(p, C_YELLOW);
    if (strcmp(state, "healthy") == 0 || strcmp(state, "active") == 0 ||
        strcmp(state, "COMPLETED") == 0 || strcmp(state, "ACTIVE") == 0)
        return col(p, C_GREEN);
    if (strncmp(state, "unhealthy", 9) == 0 || strcmp(state, "FAILED") == 0 ||
        strcmp(state, "failed") == 0)
        return col(p, C_RED);
    return col(p, C_YELLOW);
}

static void print_service(struct printer *p, const struct ecs_service *s, bool last)
{
    const struct ecs_deployment *primary = NULL;
    for (size_t i = 0; i < s->n_deployments; i++)
        if (s->deployments[i].status && strcmp(s->deployments[i].status, "PRIMARY") == 0)
            primary = &s->deployments[i];
    const char *rollout = primary && primary->rollout_state ? primary->rollout_state : "?";
    line(p, last, "ECS service %s%s%s  %s%s%s  %d/%d running  rollout %s%s%s%s", col(p, C_BOLD),
         or_q(s->name), col(p, C_RESET), state_color(p, s->status), or_q(s->status),
         col(p, C_RESET), s->running, s->desired, state_color(p, rollout), rollout,
         col(p, C_RESET), s->n_deployments > 1 ? "  (several deployments)" : "");
    size_t l = push(p, last);
    const struct task_def *td = s->task_def;
    if (!td) {
        line(p, true, "task definition %s", or_q(s->task_definition));
    } else {
        line(p, true, "task definition %s:%d", or_q(td->family), td->revision);
        size_t l2 = push(p, true);
        for (size_t i = 0; i < td->n_containers; i++) {
            const struct container_def *c = &td->containers[i];
            bool lastc = i + 1 == td->n_containers;
            line(p, lastc, "container %s  image %s  port %d", or_q(c->name), or_q(c->image),
                 c->container_port);
            if (c->log_group) {
                size_t l3 = push(p, lastc);
                line(p, true, "log group %s%s%s  (streams %s/%s/<task-id>)", col(p, C_BOLD),
                     c->log_group, col(p, C_RESET), or_q(c->log_stream_prefix), or_q(c->name));
                pop(p, l3);
            }
        }
        pop(p, l2);
    }
    pop(p, l);
}

static void print_tg(struct printer *p, const struct target_group *tg, bool last)
{
    size_t idx = (size_t)(tg - p->t->target_groups);
    if (p->tg_shown[idx]) {
        line(p, last, "target group %s (shown above)", or_q(tg->name));
        return;
    }
    p->tg_shown[idx] = true;
    line(p, last, "target group %s%s%s  %s %s:%d  health %s %s", col(p, C_BOLD), or_q(tg->name),
         col(p, C_RESET), or_q(tg->target_type), or_q(tg->protocol), tg->port,
         tg->hc_path ? tg->hc_path : "-", tg->matcher ? tg->matcher : "");
    size_t l = push(p, last);
    const struct ecs_service *svc = topology_service_for_tg(p->t, tg->arn);
    if (tg->n_targets == 0)
        line(p, !svc, "%sno registered targets%s", col(p, C_RED), col(p, C_RESET));
    for (size_t i = 0; i < tg->n_targets; i++) {
        const struct target *x = &tg->targets[i];
        line(p, !svc && i + 1 == tg->n_targets, "%s:%d  %s%s%s%s%s%s%s%s%s", or_q(x->id), x->port,
             state_color(p, x->state), or_q(x->state), col(p, C_RESET), x->reason ? "  " : "",
             x->reason ? x->reason : "", x->description ? ": " : "",
             x->description ? x->description : "", x->task_id ? "  task " : "",
             x->task_id ? x->task_id : "");
    }
    if (svc)
        print_service(p, svc, true);
    pop(p, l);
}

static void print_rule(struct printer *p, const struct rule *r, bool last)
{
    struct buf conds;
    buf_init(&conds, 16384);
    for (size_t i = 0; i < r->n_conditions; i++) {
        char *d = rule_condition_describe(&r->conditions[i]);
        buf_printf(&conds, "%s%s", i ? " AND " : "", d);
        free(d);
    }
    const struct rule_action *term = NULL;
    for (size_t i = 0; i < r->n_actions; i++)
        if (!term || r->actions[i].order >= term->order)
            term = &r->actions[i];
    char *act = term ? rule_action_describe(p->t, term) : xstrdup("(no action)");
    if (r->is_default)
        line(p, last, "default  → %s", act);
    else
        line(p, last, "rule %d  %s  → %s", r->priority, buf_str(&conds), act);
    free(act);
    buf_cleanup(&conds);
    if (term && term->type && strcmp(term->type, "forward") == 0) {
        size_t l = push(p, last);
        for (size_t i = 0; i < term->n_targets; i++) {
            const struct target_group *tg = topology_tg_by_arn(p->t, term->targets[i].target_group_arn);
            if (tg)
                print_tg(p, tg, i + 1 == term->n_targets);
            else
                line(p, i + 1 == term->n_targets, "target group %s (not found)",
                     or_q(term->targets[i].target_group_arn));
        }
        pop(p, l);
    }
}

void topology_print_tree(FILE *out, const struct topology *t, bool color)
{
    struct printer p = {.out = out, .color = color, .t = t};
    p.tg_shown = xcalloc(t->n_target_groups + 1, sizeof *p.tg_shown);
    const struct load_balancer *lb = &t->lb;
    fprintf(out, "%s%s%s  %s, %s, %s%s%s\n", col(&p, C_BOLD), or_q(lb->name), col(&p, C_RESET),
            or_q(lb->type), or_q(lb->scheme), state_color(&p, lb->state), or_q(lb->state),
            col(&p, C_RESET));
    fprintf(out, "  DNS name  %s\n", or_q(lb->dns_name));
    fprintf(out, "  ARN       %s\n", or_q(lb->arn));
    if (t->region)
        fprintf(out, "  region    %s\n", t->region);
    for (size_t i = 0; i < t->n_listeners; i++) {
        const struct listener *l = &t->listeners[i];
        bool last = i + 1 == t->n_listeners;
        line(&p, last, "listener %s:%d", or_q(l->protocol), l->port);
        size_t len = push(&p, last);
        for (size_t k = 0; k < l->n_rules; k++)
            print_rule(&p, &l->rules[k], k + 1 == l->n_rules);
        pop(&p, len);
    }
    bool header = false;
    for (size_t i = 0; i < t->n_target_groups; i++) {
        if (p.tg_shown[i])
            continue;
        if (!header)
            fprintf(out, "target groups no rule reaches:\n");
        header = true;
        print_tg(&p, &t->target_groups[i], true);
    }
    free(p.tg_shown);
}

/* ---------------------------------------------------------------- JSON */

static json_t *jstr(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *jstrv(char *const *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_string(v[i]));
    return a;
}

static json_t *action_json(const struct rule_action *a)
{
    json_t *o = json_object();
    json_object_set_new(o, "type", jstr(a->type));
    json_object_set_new(o, "order", json_integer(a->order));
    if (a->n_targets) {
        json_t *tgs = json_array();
        for (size_t i = 0; i < a->n_targets; i++)
            json_array_append_new(tgs, json_pack("{s:o,s:i}", "target_group_arn",
                                                 jstr(a->targets[i].target_group_arn), "weight",
                                                 a->targets[i].weight));
        json_object_set_new(o, "target_groups", tgs);
    }
    if (a->type && strcmp(a->type, "fixed-response") == 0)
        json_object_set_new(o, "fixed_response",
                            json_pack("{s:i,s:o,s:o}", "status", a->fixed_status, "content_type",
                                      jstr(a->fixed_content_type), "body", jstr(a->fixed_body)));
    if (a->type && strcmp(a->type, "redirect") == 0)
        json_object_set_new(o, "redirect",
                            json_pack("{s:o,s:o,s:o,s:o,s:o,s:o}", "status",
                                      jstr(a->redirect_status), "protocol",
                                      jstr(a->redirect_protocol), "host", jstr(a->redirect_host),
                                      "port", jstr(a->redirect_port), "path",
                                      jstr(a->redirect_path), "query", jstr(a->redirect_query)));
    return o;
}

static json_t *condition_json(const struct rule_condition *c)
{
    json_t *o = json_object();
    json_object_set_new(o, "field", jstr(c->field));
    if (c->header_name)
        json_object_set_new(o, "header_name", json_string(c->header_name));
    json_object_set_new(o, "values", jstrv(c->values, c->n_values));
    if (c->n_query) {
        json_t *q = json_array();
        for (size_t i = 0; i < c->n_query; i++)
            json_array_append_new(q, json_pack("{s:o,s:o}", "key", jstr(c->query[i].key),
                                               "value", jstr(c->query[i].value)));
        json_object_set_new(o, "query", q);
    }
    if (c->n_regex_values)
        json_object_set_new(o, "regex_values", jstrv(c->regex_values, c->n_regex_values));
    return o;
}

static json_t *tg_json(const struct topology *t, const struct target_group *tg)
{
    json_t *targets = json_array();
    for (size_t i = 0; i < tg->n_targets; i++) {
        const struct target *x = &tg->targets[i];
        json_array_append_new(
            targets, json_pack("{s:o,s:i,s:o,s:o,s:o,s:o,s:o}", "id", jstr(x->id), "port",
                               x->port, "availability_zone", jstr(x->availability_zone), "state",
                               jstr(x->state), "reason", jstr(x->reason), "description",
                               jstr(x->description), "task_id", jstr(x->task_id)));
    }
    const struct ecs_service *svc = topology_service_for_tg(t, tg->arn);
    return json_pack("{s:o,s:o,s:o,s:i,s:o,s:{s:o,s:o,s:o,s:o,s:i,s:i,s:i,s:i},s:o,s:o}",
                     "name", jstr(tg->name), "arn", jstr(tg->arn), "protocol", jstr(tg->protocol),
                     "port", tg->port, "target_type", jstr(tg->target_type), "health_check",
                     "protocol", jstr(tg->hc_protocol), "port", jstr(tg->hc_port), "path",
                     jstr(tg->hc_path), "matcher", jstr(tg->matcher), "interval_s",
                     tg->hc_interval_s, "timeout_s", tg->hc_timeout_s, "healthy_threshold",
                     tg->healthy_threshold, "unhealthy_threshold", tg->unhealthy_threshold,
                     "targets", targets, "ecs_service", svc ? jstr(svc->name) : json_null());
}

static json_t *service_json(const struct ecs_service *s)
{
    json_t *deps = json_array();
    for (size_t i = 0; i < s->n_deployments; i++) {
        const struct ecs_deployment *d = &s->deployments[i];
        json_array_append_new(
            deps, json_pack("{s:o,s:o,s:o,s:o,s:o,s:i,s:i,s:i}", "id", jstr(d->id), "status",
                            jstr(d->status), "rollout_state", jstr(d->rollout_state),
                            "rollout_state_reason", jstr(d->rollout_state_reason),
                            "task_definition", jstr(d->task_definition), "desired", d->desired,
                            "running", d->running, "pending", d->pending));
    }
    json_t *lbs = json_array();
    for (size_t i = 0; i < s->n_load_balancers; i++)
        json_array_append_new(lbs, json_pack("{s:o,s:o,s:i}", "target_group_arn",
                                             jstr(s->load_balancers[i].target_group_arn),
                                             "container_name",
                                             jstr(s->load_balancers[i].container_name),
                                             "container_port", s->load_balancers[i].container_port));
    json_t *tasks = json_array();
    for (size_t i = 0; i < s->n_tasks; i++) {
        const struct ecs_task *k = &s->tasks[i];
        json_array_append_new(tasks, json_pack("{s:o,s:o,s:o,s:o}", "id", jstr(k->id), "arn",
                                               jstr(k->arn), "last_status", jstr(k->last_status),
                                               "private_ips", jstrv(k->private_ips, k->n_private_ips)));
    }
    json_t *td = json_null();
    if (s->task_def) {
        json_t *cs = json_array();
        for (size_t i = 0; i < s->task_def->n_containers; i++) {
            const struct container_def *c = &s->task_def->containers[i];
            json_array_append_new(
                cs, json_pack("{s:o,s:o,s:i,s:o,s:o,s:o,s:o}", "name", jstr(c->name), "image",
                              jstr(c->image), "container_port", c->container_port, "log_driver",
                              jstr(c->log_driver), "log_group", jstr(c->log_group),
                              "log_region", jstr(c->log_region), "log_stream_prefix",
                              jstr(c->log_stream_prefix)));
        }
        td = json_pack("{s:o,s:o,s:i,s:o,s:o,s:o}", "arn", jstr(s->task_def->arn), "family",
                       jstr(s->task_def->family), "revision", s->task_def->revision, "cpu",
                       jstr(s->task_def->cpu), "memory", jstr(s->task_def->memory), "containers",
                       cs);
    }
    return json_pack("{s:o,s:o,s:o,s:o,s:o,s:i,s:i,s:i,s:o,s:o,s:o,s:o}", "name", jstr(s->name),
                     "arn", jstr(s->arn), "cluster_arn", jstr(s->cluster_arn), "status",
                     jstr(s->status), "launch_type", jstr(s->launch_type), "desired", s->desired,
                     "running", s->running, "pending", s->pending, "deployments", deps,
                     "load_balancers", lbs, "task_definition", td, "tasks", tasks);
}

json_t *topology_to_json(const struct topology *t)
{
    const struct load_balancer *lb = &t->lb;
    json_t *listeners = json_array();
    for (size_t i = 0; i < t->n_listeners; i++) {
        const struct listener *l = &t->listeners[i];
        json_t *rules = json_array();
        for (size_t k = 0; k < l->n_rules; k++) {
            const struct rule *r = &l->rules[k];
            json_t *conds = json_array(), *acts = json_array();
            for (size_t c = 0; c < r->n_conditions; c++)
                json_array_append_new(conds, condition_json(&r->conditions[c]));
            for (size_t a = 0; a < r->n_actions; a++)
                json_array_append_new(acts, action_json(&r->actions[a]));
            json_array_append_new(
                rules, json_pack("{s:o,s:o,s:b,s:o,s:o}", "arn", jstr(r->arn), "priority",
                                 r->is_default ? json_string("default") : json_integer(r->priority),
                                 "is_default", r->is_default, "conditions", conds, "actions",
                                 acts));
        }
        json_array_append_new(listeners,
                              json_pack("{s:o,s:o,s:i,s:o}", "arn", jstr(l->arn), "protocol",
                                        jstr(l->protocol), "port", l->port, "rules", rules));
    }
    json_t *tgs = json_array();
    for (size_t i = 0; i < t->n_target_groups; i++)
        json_array_append_new(tgs, tg_json(t, &t->target_groups[i]));
    json_t *svcs = json_array();
    for (size_t i = 0; i < t->n_services; i++)
        json_array_append_new(svcs, service_json(&t->services[i]));
    json_t *calls = json_object();
    for (size_t i = 0; i < t->n_calls; i++)
        json_object_set_new(calls, t->calls[i].operation, json_integer(t->calls[i].calls));
    return json_pack("{s:o,s:{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o},s:o,s:o,s:o,s:o}", "region",
                     jstr(t->region), "load_balancer", "name", jstr(lb->name), "arn",
                     jstr(lb->arn), "dns_name", jstr(lb->dns_name), "scheme", jstr(lb->scheme),
                     "type", jstr(lb->type), "state", jstr(lb->state), "vpc_id",
                     jstr(lb->vpc_id), "availability_zones",
                     jstrv(lb->availability_zones, lb->n_availability_zones), "listeners",
                     listeners, "target_groups", tgs, "ecs_services", svcs, "aws_calls", calls);
}
