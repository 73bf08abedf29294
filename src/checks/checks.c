/* checks.c — the registry of static checks and helpers they share. */
#include "checks/checks.h"

#include <string.h>

const struct check_entry check_table[] = {
    {"alb", "the load balancer exists, is active, has the expected scheme and listeners",
     check_alb_run},
    {"route", "each probe's request is sent by the listener rules to the expected target group",
     check_route_run},
    {"health", "each target group has enough healthy targets and no unhealthy ones",
     check_health_run},
    {"ecs", "each ECS service is active, complete, wired to its group and its log group",
     check_ecs_run},
    {NULL, NULL, NULL},
};

void checks_run_static(const struct check_ctx *ctx)
{
    for (const struct check_entry *c = check_table; c->kind; c++)
        c->run(ctx);
}

const char *checks_service_group(const struct suite *s, int service_index)
{
    if (service_index < 0 || (size_t)service_index >= s->n_services)
        return "load-balancer";
    return s->services[service_index].name;
}

const struct target_group *checks_service_tg(const struct check_ctx *ctx,
                                             const struct service_spec *svc)
{
    if (!svc->target_group)
        return NULL;
    const struct target_group *tg = topology_tg_by_name(ctx->topo, svc->target_group);
    if (!tg)
        tg = topology_tg_by_arn(ctx->topo, svc->target_group);
    return tg;
}

void checks_tg_health_counts(const struct target_group *tg, int *healthy, int *unhealthy,
                             int *other)
{
    *healthy = *unhealthy = *other = 0;
    for (size_t i = 0; i < tg->n_targets; i++) {
        const char *st = tg->targets[i].state ? tg->targets[i].state : "";
        if (strcmp(st, "healthy") == 0)
            (*healthy)++;
        else if (strncmp(st, "unhealthy", 9) == 0)
            (*unhealthy)++;
        else
            (*other)++;
    }
}
