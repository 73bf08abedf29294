/* topology.c — freeing and looking up the discovered model (see topology.h). */
#include "model/topology.h"

#include <stdlib.h>
#include <string.h>

#include "util/xmalloc.h"

struct topology *topology_new(void)
{
    return xcalloc(1, sizeof(struct topology));
}

void strv_free(char **v, size_t n)
{
    if (!v)
        return;
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void kv_cleanup(struct kv *kv)
{
    if (!kv)
        return;
    free(kv->key);
    free(kv->value);
}

void rule_condition_cleanup(struct rule_condition *c)
{
    if (!c)
        return;
    free(c->field);
    strv_free(c->values, c->n_values);
    free(c->header_name);
    for (size_t i = 0; i < c->n_query; i++)
        kv_cleanup(&c->query[i]);
    free(c->query);
    strv_free(c->regex_values, c->n_regex_values);
    memset(c, 0, sizeof *c);
}

void rule_action_cleanup(struct rule_action *a)
{
    if (!a)
        return;
    free(a->type);
    for (size_t i = 0; i < a->n_targets; i++)
        free(a->targets[i].target_group_arn);
    free(a->targets);
    free(a->fixed_content_type);
    free(a->fixed_body);
    free(a->redirect_protocol);
    free(a->redirect_host);
    free(a->redirect_port);
    free(a->redirect_path);
    free(a->redirect_query);
    free(a->redirect_status);
    memset(a, 0, sizeof *a);
}

void rule_cleanup(struct rule *r)
{
    if (!r)
        return;
    free(r->arn);
    for (size_t i = 0; i < r->n_conditions; i++)
        rule_condition_cleanup(&r->conditions[i]);
    free(r->conditions);
    for (size_t i = 0; i < r->n_actions; i++)
        rule_action_cleanup(&r->actions[i]);
    free(r->actions);
    memset(r, 0, sizeof *r);
}

void listener_cleanup(struct listener *l)
{
    if (!l)
        return;
    free(l->arn);
    free(l->protocol);
    free(l->ssl_policy);
    strv_free(l->certificate_arns, l->n_certificate_arns);
    for (size_t i = 0; i < l->n_default_actions; i++)
        rule_action_cleanup(&l->default_actions[i]);
    free(l->default_actions);
    for (size_t i = 0; i < l->n_rules; i++)
        rule_cleanup(&l->rules[i]);
    free(l->rules);
    memset(l, 0, sizeof *l);
}

void target_cleanup(struct target *t)
{
    if (!t)
        return;
    free(t->id);
    free(t->availability_zone);
    free(t->health_check_port);
    free(t->state);
    free(t->reason);
    free(t->description);
    free(t->task_arn);
    free(t->task_id);
    memset(t, 0, sizeof *t);
}

void target_group_cleanup(struct target_group *tg)
{
    if (!tg)
        return;
    free(tg->arn);
    free(tg->name);
    free(tg->protocol);
    free(tg->target_type);
    free(tg->vpc_id);
    free(tg->hc_protocol);
    free(tg->hc_port);
    free(tg->hc_path);
    free(tg->matcher);
    strv_free(tg->load_balancer_arns, tg->n_load_balancer_arns);
    for (size_t i = 0; i < tg->n_targets; i++)
        target_cleanup(&tg->targets[i]);
    free(tg->targets);
    memset(tg, 0, sizeof *tg);
}

void load_balancer_cleanup(struct load_balancer *lb)
{
    if (!lb)
        return;
    free(lb->arn);
    free(lb->name);
    free(lb->dns_name);
    free(lb->canonical_hosted_zone_id);
    free(lb->scheme);
    free(lb->type);
    free(lb->state);
    free(lb->state_reason);
    free(lb->vpc_id);
    free(lb->ip_address_type);
    strv_free(lb->availability_zones, lb->n_availability_zones);
    strv_free(lb->security_groups, lb->n_security_groups);
    for (size_t i = 0; i < lb->n_tags; i++)
        kv_cleanup(&lb->tags[i]);
    free(lb->tags);
    memset(lb, 0, sizeof *lb);
}

void container_def_cleanup(struct container_def *c)
{
    if (!c)
        return;
    free(c->name);
    free(c->image);
    free(c->log_driver);
    free(c->log_group);
    free(c->log_region);
    free(c->log_stream_prefix);
    memset(c, 0, sizeof *c);
}

void task_def_cleanup(struct task_def *td)
{
    if (!td)
        return;
    free(td->arn);
    free(td->family);
    free(td->cpu);
    free(td->memory);
    free(td->network_mode);
    free(td->execution_role_arn);
    for (size_t i = 0; i < td->n_containers; i++)
        container_def_cleanup(&td->containers[i]);
    free(td->containers);
    memset(td, 0, sizeof *td);
}

void ecs_deployment_cleanup(struct ecs_deployment *d)
{
    if (!d)
        return;
    free(d->id);
    free(d->status);
    free(d->rollout_state);
    free(d->rollout_state_reason);
    free(d->task_definition);
    memset(d, 0, sizeof *d);
}

void ecs_task_cleanup(struct ecs_task *t)
{
    if (!t)
        return;
    free(t->arn);
    free(t->id);
    free(t->cluster_arn);
    free(t->task_definition_arn);
    free(t->group);
    free(t->started_by);
    free(t->last_status);
    free(t->desired_status);
    free(t->health_status);
    free(t->stopped_reason);
    strv_free(t->private_ips, t->n_private_ips);
    memset(t, 0, sizeof *t);
}

void ecs_service_cleanup(struct ecs_service *s)
{
    if (!s)
        return;
    free(s->arn);
    free(s->name);
    free(s->cluster_arn);
    free(s->status);
    free(s->launch_type);
    free(s->task_definition);
    for (size_t i = 0; i < s->n_deployments; i++)
        ecs_deployment_cleanup(&s->deployments[i]);
    free(s->deployments);
    for (size_t i = 0; i < s->n_load_balancers; i++) {
        free(s->load_balancers[i].target_group_arn);
        free(s->load_balancers[i].container_name);
    }
    free(s->load_balancers);
    strv_free(s->recent_events, s->n_recent_events);
    for (size_t i = 0; i < s->n_tasks; i++)
        ecs_task_cleanup(&s->tasks[i]);
    free(s->tasks);
    memset(s, 0, sizeof *s);
}

void topology_free(struct topology *t)
{
    if (!t)
        return;
    free(t->region);
    free(t->account_id);
    load_balancer_cleanup(&t->lb);
    for (size_t i = 0; i < t->n_listeners; i++)
        listener_cleanup(&t->listeners[i]);
    free(t->listeners);
    for (size_t i = 0; i < t->n_target_groups; i++)
        target_group_cleanup(&t->target_groups[i]);
    free(t->target_groups);
    for (size_t i = 0; i < t->n_services; i++)
        ecs_service_cleanup(&t->services[i]);
    free(t->services);
    for (size_t i = 0; i < t->n_task_defs; i++)
        task_def_cleanup(&t->task_defs[i]);
    free(t->task_defs);
    for (size_t i = 0; i < t->n_calls; i++)
        free(t->calls[i].operation);
    free(t->calls);
    free(t);
}

struct target_group *topology_tg_by_arn(const struct topology *t, const char *arn)
{
    for (size_t i = 0; arn && i < t->n_target_groups; i++)
        if (t->target_groups[i].arn && strcmp(t->target_groups[i].arn, arn) == 0)
            return &t->target_groups[i];
    return NULL;
}

struct target_group *topology_tg_by_name(const struct topology *t, const char *name)
{
    for (size_t i = 0; name && i < t->n_target_groups; i++)
        if (t->target_groups[i].name && strcmp(t->target_groups[i].name, name) == 0)
            return &t->target_groups[i];
    return NULL;
}

struct ecs_service *topology_service_by_name(const struct topology *t, const char *name)
{
    for (size_t i = 0; name && i < t->n_services; i++)
        if (t->services[i].name && strcmp(t->services[i].name, name) == 0)
            return &t->services[i];
    return NULL;
}

struct ecs_service *topology_service_for_tg(const struct topology *t, const char *tg_arn)
{
    for (size_t i = 0; tg_arn && i < t->n_services; i++)
        for (size_t j = 0; j < t->services[i].n_load_balancers; j++) {
            const char *a = t->services[i].load_balancers[j].target_group_arn;
            if (a && strcmp(a, tg_arn) == 0)
                return &t->services[i];
        }
    return NULL;
}
