/* test_print.c — the discover tree and topology JSON on the seed fixture. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "discover/print.h"
#include "fixture.h"

static char *tree_of(const struct topology *t)
{
    /* Heap-held so the stream's pointers outlive this frame (gcc's
     * -Wdangling-pointer cannot see that fclose ends their use). */
    struct { char *text; size_t len; } *m = xcalloc(1, sizeof *m);
    FILE *f = open_memstream(&m->text, &m->len);
    topology_print_tree(f, t, false);
    fclose(f);
    char *text = m->text;
    free(m);
    return text;
}

static void tree_shows_the_whole_chain_in_order(void **state)
{
    (void)state;
    struct topology *t = fx_topology();
    fx_set(&t->target_groups[0].targets[1].state, "unhealthy");
    fx_set(&t->target_groups[0].targets[1].reason, "Target.Timeout");
    char *s = tree_of(t);
    if (getenv("SHOW_TREE"))
        fputs(s, stderr);
    const char *want[] = {
        "MicroservicesALB  application, internet-facing, active",
        "DNS name  MicroservicesALB-1.us-east-1.elb.amazonaws.com",
        "listener HTTP:80",
        "rule 1  path-pattern /auth, /auth/*  → forward auth-tg",
        "target group auth-tg  ip HTTP:5000  health /health 200",
        "10.0.0.10:5000  healthy  task task00",
        "10.0.0.11:5000  unhealthy  Target.Timeout  task task01",
        "ECS service auth-service  ACTIVE  2/2 running  rollout COMPLETED",
        "task definition auth-service:1",
        "log group /ecs/auth-service  (streams ecs/auth-container/<task-id>)",
        "rule 2  path-pattern /orders, /orders/*  → forward order-tg",
        "rule 3  path-pattern /products, /products/*  → forward product-tg",
        "default  → fixed-response 404 text/plain \"Not Found\"",
    };
    const char *at = s;
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const char *p = strstr(at, want[i]);
        if (!p)
            fail_msg("missing or out of order: %s\n%s", want[i], s);
        at = p;
    }
    assert_null(strstr(s, "no rule reaches"));
    free(s);
    topology_free(t);
}

static void unreached_group_is_listed(void **state)
{
    (void)state;
    struct topology *t = fx_topology();
    struct rule *r = &t->listeners[0].rules[2];
    fx_set(&r->actions[0].targets[0].target_group_arn, t->target_groups[0].arn);
    char *s = tree_of(t);
    assert_non_null(strstr(s, "target group auth-tg (shown above)"));
    assert_non_null(strstr(s, "target groups no rule reaches:"));
    assert_non_null(strstr(strstr(s, "no rule reaches"), "target group product-tg"));
    free(s);
    topology_free(t);
}

static void json_holds_the_chain(void **state)
{
    (void)state;
    struct topology *t = fx_topology();
    json_t *j = topology_to_json(t);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(json_object_get(j, "load_balancer"), "name")),
                        "MicroservicesALB");
    json_t *rules = json_object_get(json_array_get(json_object_get(j, "listeners"), 0), "rules");
    assert_int_equal(json_array_size(rules), 4);
    assert_string_equal(json_string_value(json_object_get(json_array_get(rules, 3), "priority")), "default");
    json_t *tg = json_array_get(json_object_get(j, "target_groups"), 1);
    assert_string_equal(json_string_value(json_object_get(tg, "ecs_service")), "order-service");
    assert_int_equal(json_array_size(json_object_get(tg, "targets")), 2);
    json_decref(j);
    topology_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tree_shows_the_whole_chain_in_order),
        cmocka_unit_test(unreached_group_is_listed),
        cmocka_unit_test(json_holds_the_chain),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
