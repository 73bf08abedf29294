/* check_health.c — the `health` check: each service's target group has at
 * least min_healthy healthy targets and none unhealthy; every bad target is
 * named with its state, reason code, description and the ECS task behind it. */
#include <stdio.h>
#include <string.h>

#include "checks/checks.h"
#include "util/buf.h"

static void describe_target(struct buf *b, const struct target *t)
{
    buf_printf(b, "%s:%d %s", t->id ? t->id : "?", t->port, t->state ? t->state : "unknown");
    if (t->reason)
        buf_printf(b, " (%s%s%s)", t->reason, t->description ? ": " : "",
                   t->description ? t->description : "");
    if (t->task_id)
        buf_printf(b, " task %s", t->task_id);
}

void check_health_run(const struct check_ctx *ctx)
{
    const struct suite *s = ctx->suite;
    for (size_t i = 0; i < s->n_services; i++) {
        const struct service_spec *svc = &s->services[i];
        char id[300], title[300];
        snprintf(id, sizeof id, "health:%s", svc->target_group ? svc->target_group : svc->name);
        snprintf(title, sizeof title, "health %s", svc->target_group ? svc->target_group : svc->name);
        struct check_result *c =
            run_check(ctx->run, run_add_check(ctx->run, "health", svc->name, id, title));

        const struct target_group *tg = checks_service_tg(ctx, svc);
        if (!tg) {
            check_set(c, CHECK_FAIL, "target group %s not found on the load balancer",
                      svc->target_group ? svc->target_group : "(none)");
            check_hint(c, "is the group attached to a listener rule of this load balancer?");
            continue;
        }
        int healthy, unhealthy, other;
        checks_tg_health_counts(tg, &healthy, &unhealthy, &other);
        check_detail(c, "target group", "%s", tg->arn ? tg->arn : tg->name);
        if (tg->hc_path)
            check_detail(c, "health check", "%s %s port %s, matcher %s, every %d s",
                         tg->hc_protocol ? tg->hc_protocol : "HTTP", tg->hc_path,
                         tg->hc_port ? tg->hc_port : "traffic-port",
                         tg->matcher ? tg->matcher : "200", tg->hc_interval_s);
        for (size_t k = 0; k < tg->n_targets; k++) {
            struct buf d;
            buf_init(&d, 2048);
            describe_target(&d, &tg->targets[k]);
            check_detail(c, "target", "%s", buf_str(&d));
            buf_cleanup(&d);
        }

        struct buf bad;
        buf_init(&bad, 8192);
        for (size_t k = 0; k < tg->n_targets; k++) {
            const struct target *t = &tg->targets[k];
            if (t->state && strcmp(t->state, "healthy") == 0)
                continue;
            buf_appends(&bad, bad.len ? "; " : "");
            describe_target(&bad, t);
        }
        int min = svc->min_healthy;
        if (tg->n_targets == 0)
            check_set(c, CHECK_FAIL, "%s has no registered targets (needs %d healthy)", tg->name,
                      min);
        else if (healthy < min || unhealthy > 0 || (other > 0 && healthy < min))
            check_set(c, CHECK_FAIL, "%s: %d of %zu targets healthy (needs %d, none unhealthy): %s",
                      tg->name, healthy, tg->n_targets, min, buf_str(&bad));
        else if (other > 0)
            check_set(c, CHECK_PASS, "%s: %d of %zu targets healthy; also %s", tg->name, healthy,
                      tg->n_targets, buf_str(&bad));
        else
            check_set(c, CHECK_PASS, "%s: %d of %zu targets healthy", tg->name, healthy,
                      tg->n_targets);
        buf_cleanup(&bad);
    }
}
