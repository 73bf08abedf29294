/* fixture.h — a hand-built topology and suite of the seed stack for unit
 * tests (header-only: each test binary includes it once).  Healthy by
 * default; tests break what they need. */
#ifndef ALBCHECK_TEST_FIXTURE_H
#define ALBCHECK_TEST_FIXTURE_H

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/topology.h"
#include "suite/suite.h"
#include "util/xmalloc.h"

#define FX static __attribute__((unused))

FX const char *const fx_names[3] = {"auth", "order", "product"};
FX const char *const fx_paths[3] = {"/auth", "/orders", "/products"};

FX char **fx_strv(const char *a, const char *b)
{
    char **v = xcalloc(2, sizeof *v);
    v[0] = xstrdup(a);
    v[1] = b ? xstrdup(b) : NULL;
    return v;
}

FX struct topology *fx_topology(void)
{
    struct topology *t = topology_new();
    t->region = xstrdup("us-east-1");
    t->lb.name = xstrdup("MicroservicesALB");
    t->lb.arn = xstrdup("arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/MicroservicesALB/50dc6c495c0c9188");
    t->lb.dns_name = xstrdup("MicroservicesALB-1.us-east-1.elb.amazonaws.com");
    t->lb.scheme = xstrdup("internet-facing");
    t->lb.type = xstrdup("application");
    t->lb.state = xstrdup("active");

    t->n_target_groups = 3;
    t->target_groups = xcalloc(3, sizeof *t->target_groups);
    t->n_services = 3;
    t->services = xcalloc(3, sizeof *t->services);
    t->n_task_defs = 3;
    t->task_defs = xcalloc(3, sizeof *t->task_defs);
    for (int i = 0; i < 3; i++) {
        struct target_group *tg = &t->target_groups[i];
        tg->name = xasprintf("%s-tg", fx_names[i]);
        tg->arn = xasprintf("arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/%s-tg/%d", fx_names[i], i);
        tg->protocol = xstrdup("HTTP");
        tg->port = 5000;
        tg->target_type = xstrdup("ip");
        tg->hc_path = xstrdup("/health");
        tg->matcher = xstrdup("200");
        tg->hc_interval_s = 30;
        tg->n_targets = 2;
        tg->targets = xcalloc(2, sizeof *tg->targets);
        for (int k = 0; k < 2; k++) {
            tg->targets[k].id = xasprintf("10.0.%d.%d", i, k + 10);
            tg->targets[k].port = 5000;
            tg->targets[k].state = xstrdup("healthy");
            tg->targets[k].task_id = xasprintf("task%d%d", i, k);
        }

        struct task_def *td = &t->task_defs[i];
        td->arn = xasprintf("arn:aws:ecs:us-east-1:123456789012:task-definition/%s-service:1", fx_names[i]);
        td->family = xasprintf("%s-service", fx_names[i]);
        td->revision = 1;
        td->n_containers = 1;
        td->containers = xcalloc(1, sizeof *td->containers);
        td->containers[0].name = xasprintf("%s-container", fx_names[i]);
        td->containers[0].image = xasprintf("123456789012.dkr.ecr.us-east-1.amazonaws.com/%s-service:latest", fx_names[i]);
        td->containers[0].container_port = 5000;
        td->containers[0].log_driver = xstrdup("awslogs");
        td->containers[0].log_group = xasprintf("/ecs/%s-service", fx_names[i]);
        td->containers[0].log_stream_prefix = xstrdup("ecs");

        struct ecs_service *s = &t->services[i];
        s->name = xasprintf("%s-service", fx_names[i]);
        s->arn = xasprintf("arn:aws:ecs:us-east-1:123456789012:service/MicroservicesCluster/%s-service", fx_names[i]);
        s->status = xstrdup("ACTIVE");
        s->desired = s->running = 2;
        s->task_definition = xstrdup(td->arn);
        s->task_def = td;
        s->n_deployments = 1;
        s->deployments = xcalloc(1, sizeof *s->deployments);
        s->deployments[0].id = xasprintf("ecs-svc/%d", i);
        s->deployments[0].status = xstrdup("PRIMARY");
        s->deployments[0].rollout_state = xstrdup("COMPLETED");
        s->deployments[0].desired = s->deployments[0].running = 2;
        s->n_load_balancers = 1;
        s->load_balancers = xcalloc(1, sizeof *s->load_balancers);
        s->load_balancers[0].target_group_arn = xstrdup(tg->arn);
        s->load_balancers[0].container_name = xstrdup(td->containers[0].name);
        s->load_balancers[0].container_port = 5000;
    }

    t->n_listeners = 1;
    t->listeners = xcalloc(1, sizeof *t->listeners);
    struct listener *l = &t->listeners[0];
    l->arn = xstrdup("arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/MicroservicesALB/50dc6c495c0c9188/f2f7dc8efc522ab2");
    l->protocol = xstrdup("HTTP");
    l->port = 80;
    l->n_rules = 4;
    l->rules = xcalloc(4, sizeof *l->rules);
    for (int i = 0; i < 3; i++) {
        struct rule *r = &l->rules[i];
        r->arn = xasprintf("arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/x/%d", i);
        r->priority = i + 1;
        r->n_conditions = 1;
        r->conditions = xcalloc(1, sizeof *r->conditions);
        r->conditions[0].field = xstrdup("path-pattern");
        char star[64];
        snprintf(star, sizeof star, "%s/*", fx_paths[i]);
        r->conditions[0].values = fx_strv(fx_paths[i], star);
        r->conditions[0].n_values = 2;
        r->n_actions = 1;
        r->actions = xcalloc(1, sizeof *r->actions);
        r->actions[0].type = xstrdup("forward");
        r->actions[0].n_targets = 1;
        r->actions[0].targets = xcalloc(1, sizeof *r->actions[0].targets);
        r->actions[0].targets[0].target_group_arn = xstrdup(t->target_groups[i].arn);
        r->actions[0].targets[0].weight = 1;
    }
    struct rule *d = &l->rules[3];
    d->arn = xstrdup("arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/x/default");
    d->priority = INT_MAX;
    d->is_default = true;
    d->n_actions = 1;
    d->actions = xcalloc(1, sizeof *d->actions);
    d->actions[0].type = xstrdup("fixed-response");
    d->actions[0].fixed_status = 404;
    d->actions[0].fixed_content_type = xstrdup("text/plain");
    d->actions[0].fixed_body = xstrdup("Not Found");
    return t;
}

/* A suite of the seed stack built without the parser. */
FX struct suite *fx_suite(void)
{
    struct suite *s = xcalloc(1, sizeof *s);
    s->name = xstrdup("microservices");
    s->lb.kind = LB_SEL_NAME;
    s->lb.value = xstrdup("MicroservicesALB");
    s->n_services = 3;
    s->services = xcalloc(3, sizeof *s->services);
    for (int i = 0; i < 3; i++) {
        struct service_spec *v = &s->services[i];
        v->name = xstrdup(fx_names[i]);
        v->target_group = xasprintf("%s-tg", fx_names[i]);
        v->cluster = xstrdup("MicroservicesCluster");
        v->ecs_service = xasprintf("%s-service", fx_names[i]);
        v->log_group = xasprintf("/ecs/%s-service", fx_names[i]);
        v->container_port = 5000;
        v->min_healthy = 1;
    }
    return s;
}

/* Frees what fx_suite() allocated (the parser's suite_free may free more). */
FX void fx_suite_free(struct suite *s)
{
    for (size_t i = 0; i < s->n_services; i++) {
        struct service_spec *v = &s->services[i];
        free(v->name);
        free(v->target_group);
        free(v->cluster);
        free(v->ecs_service);
        free(v->log_group);
        free(v->image);
        free(v->container_name);
    }
    free(s->services);
    free(s->name);
    free(s->lb.value);
    free(s->expect_scheme);
    free(s);
}

FX void fx_set(char **field, const char *value)
{
    free(*field);
    *field = value ? xstrdup(value) : NULL;
}

#endif
