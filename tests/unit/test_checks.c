/* test_checks.c — the alb, health and ecs checks on a hand-built topology. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "checks/checks.h"
#include "fixture.h"

struct env {
    struct topology *t;
    struct suite *s;
    struct run_result *r;
    struct check_ctx ctx;
};

static int setup(void **state)
{
    struct env *e = xcalloc(1, sizeof *e);
    e->t = fx_topology();
    e->s = fx_suite();
    e->r = run_result_new("test");
    e->ctx = (struct check_ctx){e->s, e->t, e->r};
    *state = e;
    return 0;
}

static int teardown(void **state)
{
    struct env *e = *state;
    run_result_free(e->r);
    topology_free(e->t);
    fx_suite_free(e->s);
    free(e);
    return 0;
}

static const struct check_result *find(const struct run_result *r, const char *id)
{
    static char empty[1];
    static const struct check_result none = {.message = empty, .id = empty, .group = empty};
    for (size_t i = 0; i < r->n_checks; i++)
        if (strcmp(r->checks[i].id, id) == 0)
            return &r->checks[i];
    fail_msg("no check %s", id);
    return &none; /* not reached: fail_msg ends the test */
}

static void healthy_stack_passes(void **state)
{
    struct env *e = *state;
    check_alb_run(&e->ctx);
    check_health_run(&e->ctx);
    check_ecs_run(&e->ctx);
    assert_int_equal(e->r->n_checks, 1 + 3 + 3);
    for (size_t i = 0; i < e->r->n_checks; i++)
        if (e->r->checks[i].status != CHECK_PASS)
            fail_msg("%s: %s", e->r->checks[i].id, e->r->checks[i].message);
    const struct check_result *c = find(e->r, "health:auth-tg");
    assert_non_null(c);
    assert_string_equal(c->group, "auth");
    assert_non_null(strstr(c->message, "2 of 2 targets healthy"));
}

static void alb_not_active_or_wrong_scheme_fails(void **state)
{
    struct env *e = *state;
    fx_set(&e->t->lb.state, "provisioning");
    fx_set(&e->s->expect_scheme, "internal");
    check_alb_run(&e->ctx);
    const struct check_result *c = find(e->r, "alb:MicroservicesALB");
    assert_int_equal(c->status, CHECK_FAIL);
    assert_non_null(strstr(c->message, "state is provisioning, not active"));
    assert_non_null(strstr(c->message, "scheme is internet-facing, expected internal"));
}

static void unhealthy_target_is_named_with_reason_and_task(void **state)
{
    struct env *e = *state;
    struct target *t = &e->t->target_groups[0].targets[1];
    fx_set(&t->state, "unhealthy");
    fx_set(&t->reason, "Target.FailedHealthChecks");
    fx_set(&t->description, "Health checks failed");
    check_health_run(&e->ctx);
    const struct check_result *c = find(e->r, "health:auth-tg");
    assert_int_equal(c->status, CHECK_FAIL);
    assert_non_null(strstr(c->message, "10.0.0.11:5000 unhealthy (Target.FailedHealthChecks: Health checks failed) task task01"));
    assert_int_equal(find(e->r, "health:order-tg")->status, CHECK_PASS);
}

static void min_healthy_and_empty_groups(void **state)
{
    struct env *e = *state;
    e->s->services[1].min_healthy = 3;
    struct target_group *tg = &e->t->target_groups[2];
    for (size_t i = 0; i < tg->n_targets; i++)
        target_cleanup(&tg->targets[i]);
    tg->n_targets = 0;
    fx_set(&e->s->services[0].target_group, "nope-tg");
    check_health_run(&e->ctx);
    assert_non_null(strstr(find(e->r, "health:order-tg")->message, "2 of 2 targets healthy (3 healthy and none unhealthy required"));
    assert_non_null(strstr(find(e->r, "health:product-tg")->message, "no registered targets"));
    assert_non_null(strstr(find(e->r, "health:nope-tg")->message, "not found"));
}

static void draining_target_alone_is_not_enough(void **state)
{
    struct env *e = *state;
    struct target_group *tg = &e->t->target_groups[0];
    fx_set(&tg->targets[0].state, "draining");
    fx_set(&tg->targets[0].reason, "Target.DeregistrationInProgress");
    check_health_run(&e->ctx);
    const struct check_result *c = find(e->r, "health:auth-tg");
    assert_int_equal(c->status, CHECK_PASS); /* one healthy, min 1: passes, names the draining one */
    assert_non_null(strstr(c->message, "draining"));
    fx_set(&tg->targets[1].state, "initial");
    run_result_free(e->r);
    e->r = e->ctx.run = run_result_new("t2");
    check_health_run(&e->ctx);
    assert_int_equal(find(e->r, "health:auth-tg")->status, CHECK_FAIL);
}

static void stalled_deployment_is_named(void **state)
{
    struct env *e = *state;
    struct ecs_service *s = &e->t->services[1];
    s->running = 1;
    fx_set(&s->deployments[0].rollout_state, "IN_PROGRESS");
    fx_set(&s->deployments[0].rollout_state_reason, "ECS deployment ecs-svc/1 in progress.");
    check_ecs_run(&e->ctx);
    const struct check_result *c = find(e->r, "ecs:order-service");
    assert_int_equal(c->status, CHECK_FAIL);
    assert_non_null(strstr(c->message, "1 of 2 tasks running"));
    assert_non_null(strstr(c->message, "deployment rollout is IN_PROGRESS (ECS deployment ecs-svc/1 in progress.)"));
}

static void wiring_log_group_and_image(void **state)
{
    struct env *e = *state;
    fx_set(&e->t->services[0].load_balancers[0].target_group_arn, e->t->target_groups[1].arn);
    fx_set(&e->t->task_defs[1].containers[0].log_group, "/ecs/other");
    fx_set(&e->s->services[2].image, ":v2");
    e->s->services[2].container_port = 8080;
    check_ecs_run(&e->ctx);
    assert_non_null(strstr(find(e->r, "ecs:auth-service")->message, "no loadBalancers entry points at target group auth-tg"));
    assert_non_null(strstr(find(e->r, "ecs:order-service")->message, "container logs to /ecs/other, expected /ecs/order-service"));
    const char *m = find(e->r, "ecs:product-service")->message;
    assert_non_null(strstr(m, "image is 123456789012.dkr.ecr.us-east-1.amazonaws.com/product-service:latest, expected :v2"));
    assert_non_null(strstr(m, "container port 5000 (expected 8080)"));
    fx_set(&e->s->services[2].image, ":latest");
}

static void two_deployments_and_missing_service(void **state)
{
    struct env *e = *state;
    struct ecs_service *s = &e->t->services[0];
    s->deployments = xreallocarray(s->deployments, 2, sizeof *s->deployments);
    memset(&s->deployments[1], 0, sizeof s->deployments[1]);
    s->deployments[1].id = xstrdup("ecs-svc/old");
    s->deployments[1].status = xstrdup("ACTIVE");
    s->n_deployments = 2;
    fx_set(&e->s->services[1].ecs_service, "ghost-service");
    check_ecs_run(&e->ctx);
    assert_non_null(strstr(find(e->r, "ecs:auth-service")->message, "2 deployments in flight"));
    assert_non_null(strstr(find(e->r, "ecs:ghost-service")->message, "ECS service ghost-service not found in cluster MicroservicesCluster"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(healthy_stack_passes, setup, teardown),
        cmocka_unit_test_setup_teardown(alb_not_active_or_wrong_scheme_fails, setup, teardown),
        cmocka_unit_test_setup_teardown(unhealthy_target_is_named_with_reason_and_task, setup, teardown),
        cmocka_unit_test_setup_teardown(min_healthy_and_empty_groups, setup, teardown),
        cmocka_unit_test_setup_teardown(draining_target_alone_is_not_enough, setup, teardown),
        cmocka_unit_test_setup_teardown(stalled_deployment_is_named, setup, teardown),
        cmocka_unit_test_setup_teardown(wiring_log_group_and_image, setup, teardown),
        cmocka_unit_test_setup_teardown(two_deployments_and_missing_service, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
