/* check_ecs.c — the `ecs` check, one per suite service with an ECS service:
 * ACTIVE; runningCount = desiredCount; exactly one PRIMARY deployment whose
 * rolloutState is COMPLETED (FAILED or IN_PROGRESS named, with the reason);
 * a loadBalancers entry pointing at the service's target group (and container
 * port when the suite names it); the task definition's awslogs group equal to
 * the suite's log group; the expected image when the suite names one. */
#include <stdio.h>
#include <string.h>

#include "checks/checks.h"
#include "util/buf.h"

static void add(struct buf *why, const char *fmt, const char *a, const char *b)
{
    if (why->len)
        buf_appends(why, "; ");
    buf_printf(why, fmt, a, b);
}

/* Does `image` satisfy the expectation: equal, or the same tag/digest suffix? */
static bool image_matches(const char *image, const char *want)
{
    if (!image || !want)
        return false;
    if (strcmp(image, want) == 0)
        return true;
    size_t li = strlen(image), lw = strlen(want);
    if ((want[0] == ':' || want[0] == '@') && li >= lw && strcmp(image + li - lw, want) == 0)
        return true;
    return false;
}

void check_ecs_run(const struct check_ctx *ctx)
{
    const struct suite *s = ctx->suite;
    for (size_t i = 0; i < s->n_services; i++) {
        const struct service_spec *spec = &s->services[i];
        if (!spec->ecs_service)
            continue;
        char id[300], title[300];
        snprintf(id, sizeof id, "ecs:%s", spec->ecs_service);
        snprintf(title, sizeof title, "ecs %s", spec->ecs_service);
        struct check_result *c =
            run_check(ctx->run, run_add_check(ctx->run, "ecs", spec->name, id, title));

        const struct ecs_service *svc = topology_service_by_name(ctx->topo, spec->ecs_service);
        if (!svc) {
            check_set(c, CHECK_FAIL, "ECS service %s not found%s%s", spec->ecs_service,
                      spec->cluster ? " in cluster " : "", spec->cluster ? spec->cluster : "");
            continue;
        }
        struct buf why;
        buf_init(&why, 8192);
        char num[64];

        check_detail(c, "service", "%s", svc->arn ? svc->arn : svc->name);
        check_detail(c, "status", "%s", svc->status ? svc->status : "?");
        check_detail(c, "tasks", "%d running of %d desired (%d pending)", svc->running,
                     svc->desired, svc->pending);
        if (!svc->status || strcmp(svc->status, "ACTIVE") != 0)
            add(&why, "service status is %s%s, not ACTIVE", svc->status ? svc->status : "unknown", "");
        if (svc->running != svc->desired) {
            snprintf(num, sizeof num, "%d of %d", svc->running, svc->desired);
            add(&why, "%s tasks running%s", num, "");
        }

        size_t primaries = 0;
        const struct ecs_deployment *primary = NULL;
        for (size_t d = 0; d < svc->n_deployments; d++) {
            const struct ecs_deployment *dep = &svc->deployments[d];
            check_detail(c, "deployment", "%s %s rollout %s%s%s, %d/%d running",
                         dep->id ? dep->id : "?", dep->status ? dep->status : "?",
                         dep->rollout_state ? dep->rollout_state : "(none)",
                         dep->rollout_state_reason ? ": " : "",
                         dep->rollout_state_reason ? dep->rollout_state_reason : "", dep->running,
                         dep->desired);
            if (dep->status && strcmp(dep->status, "PRIMARY") == 0) {
                primaries++;
                primary = dep;
            }
        }
        if (primaries != 1) {
            snprintf(num, sizeof num, "%zu", primaries);
            add(&why, "%s PRIMARY deployments (expected exactly one)%s", num, "");
        }
        if (svc->n_deployments > 1) {
            snprintf(num, sizeof num, "%zu", svc->n_deployments);
            add(&why, "%s deployments in flight (a rollout is not finished)%s", num, "");
        }
        if (primary && (!primary->rollout_state || strcmp(primary->rollout_state, "COMPLETED") != 0))
            add(&why, "deployment rollout is %s%s",
                primary->rollout_state ? primary->rollout_state : "not reported",
                primary->rollout_state_reason ? "" : "");
        if (primary && primary->rollout_state_reason && primary->rollout_state &&
            strcmp(primary->rollout_state, "COMPLETED") != 0)
            buf_printf(&why, " (%s)", primary->rollout_state_reason);

        /* Load balancer wiring. */
        const struct target_group *tg = checks_service_tg(ctx, spec);
        bool wired = false;
        for (size_t k = 0; k < svc->n_load_balancers; k++) {
            const struct ecs_service_lb *lb = &svc->load_balancers[k];
            check_detail(c, "load balancer", "%s → %s:%d",
                         lb->target_group_arn ? lb->target_group_arn : "?",
                         lb->container_name ? lb->container_name : "?", lb->container_port);
            if (tg && lb->target_group_arn && tg->arn && strcmp(lb->target_group_arn, tg->arn) == 0) {
                wired = true;
                if (spec->container_port && lb->container_port != spec->container_port) {
                    snprintf(num, sizeof num, "%d (expected %d)", lb->container_port,
                             spec->container_port);
                    add(&why, "load balancer wiring uses container port %s%s", num, "");
                }
                if (spec->container_name && lb->container_name &&
                    strcmp(lb->container_name, spec->container_name) != 0)
                    add(&why, "load balancer wiring uses container %s, expected %s",
                        lb->container_name, spec->container_name);
            }
        }
        if (!wired)
            add(&why, "no loadBalancers entry points at target group %s%s",
                spec->target_group ? spec->target_group : "?", tg ? "" : " (group not found)");

        /* Task definition: log group and image. */
        const struct task_def *td = svc->task_def;
        if (td) {
            check_detail(c, "task definition", "%s", td->arn ? td->arn : "?");
            const struct container_def *cd = NULL;
            for (size_t k = 0; k < td->n_containers; k++) {
                const struct container_def *x = &td->containers[k];
                const char *want = spec->container_name;
                if (!want)
                    for (size_t l = 0; l < svc->n_load_balancers; l++)
                        if (svc->load_balancers[l].container_name)
                            want = svc->load_balancers[l].container_name;
                if (!cd || (want && x->name && strcmp(x->name, want) == 0))
                    cd = x;
            }
            if (cd) {
                check_detail(c, "container", "%s image %s, logs %s %s (prefix %s)",
                             cd->name ? cd->name : "?", cd->image ? cd->image : "?",
                             cd->log_driver ? cd->log_driver : "none",
                             cd->log_group ? cd->log_group : "-",
                             cd->log_stream_prefix ? cd->log_stream_prefix : "-");
                if (spec->log_group) {
                    if (!cd->log_driver || strcmp(cd->log_driver, "awslogs") != 0)
                        add(&why, "container %s does not log with awslogs%s",
                            cd->name ? cd->name : "?", "");
                    else if (!cd->log_group || strcmp(cd->log_group, spec->log_group) != 0)
                        add(&why, "container logs to %s, expected %s",
                            cd->log_group ? cd->log_group : "(no group)", spec->log_group);
                }
                if (spec->image && !image_matches(cd->image, spec->image))
                    add(&why, "image is %s, expected %s", cd->image ? cd->image : "(none)",
                        spec->image);
            }
        } else if (spec->log_group || spec->image) {
            add(&why, "task definition %s could not be read%s",
                svc->task_definition ? svc->task_definition : "(none)", "");
        }

        if (why.len)
            check_set(c, CHECK_FAIL, "%s: %s", svc->name, buf_str(&why));
        else
            check_set(c, CHECK_PASS, "%s: ACTIVE, %d/%d running, rollout COMPLETED", svc->name,
                      svc->running, svc->desired);
        buf_cleanup(&why);
    }
}
