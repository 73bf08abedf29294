/* test_correlate.c — log correlation against a scripted fake source and a
 * fake clock: rounds, token boundaries, wrong groups, timeouts, errors, and
 * the parallel mode (the groups of a round fetched at once). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "logs/correlate.h"

struct fake_event {
    const char *group, *stream, *message;
    int64_t visible_ms;     /* the event is returned from this (fake) time on */
};

static int64_t fake_now;
static struct fake_event events[16];
static size_t n_events;
static const char *failing_group; /* fetches of this group fail */
static unsigned fetches;

static int64_t clock_ms(void) { return fake_now; }
static void sleep_ms(long ms) { fake_now += ms; }

static int fetch_group(void *ctx, const char *group, const char *pattern, int64_t start_ms,
                       int64_t end_ms, corr_emit_fn *emit, void *emit_ctx, unsigned *calls,
                       struct err *e)
{
    (void)ctx;
    (void)start_ms;
    (void)end_ms;
    (*calls)++;
    fetches++;
    assert_string_equal(pattern, "\"albcheck-r1-\"");
    if (failing_group && strcmp(group, failing_group) == 0)
        return err_set(e, ERR_AWS, "FilterLogEvents: AccessDeniedException: no (HTTP 400, request id x)");
    for (size_t i = 0; i < n_events; i++) {
        if (strcmp(events[i].group, group) || events[i].visible_ms > fake_now)
            continue;
        struct corr_event ev = {events[i].group, events[i].stream, events[i].message, NULL,
                                events[i].visible_ms - 500, events[i].visible_ms};
        emit(emit_ctx, &ev);
    }
    return 0;
}

static const char *const groups[] = {"/ecs/auth-service", "/ecs/order-service", "/ecs/product-service"};

static struct corr_probe probes[] = {
    {"albcheck-r1-1", "/ecs/auth-service", "auth", "auth:GET /auth/login", "GET /auth/login", 1000, true},
    {"albcheck-r1-2", "/ecs/order-service", "order", "order:GET /orders/123", "GET /orders/123", 1000, true},
    {"albcheck-r1-10", "/ecs/product-service", "product", "product:GET /p", "GET /p", 1000, true},
};

static int reset(void **state)
{
    (void)state;
    fake_now = 1000;
    n_events = 0;
    failing_group = NULL;
    fetches = 0;
    return 0;
}

static void add(const char *group, const char *stream, const char *msg, int64_t at)
{
    events[n_events++] = (struct fake_event){group, stream, msg, at};
}

static struct corr_opts opts(int wait_s)
{
    return (struct corr_opts){.token_prefix = "albcheck-r1-", .groups = groups, .n_groups = 3,
                              .start_ms = 0, .wait_s = wait_s, .now_ms = clock_ms,
                              .sleep_ms = sleep_ms};
}

static const struct check_result *check_for(const struct run_result *r, const char *id)
{
    for (size_t i = 0; i < r->n_checks; i++)
        if (strcmp(r->checks[i].id, id) == 0)
            return &r->checks[i];
    static char empty[1];
    static const struct check_result none = {.message = empty, .id = empty};
    fail_msg("no check %s", id);
    return &none; /* not reached */
}

static void all_found_after_delay(void **state)
{
    (void)state;
    add("/ecs/auth-service", "ecs/auth-container/aaa111", "GET /auth/login?albcheck=albcheck-r1-1 HTTP/1.1 200", 2500);
    add("/ecs/order-service", "ecs/order-container/bbb222", "rid=albcheck-r1-2 GET /orders/123", 1200);
    add("/ecs/product-service", "ecs/product-container/ccc333", "GET /p?albcheck=albcheck-r1-10", 4000);
    struct corr_source src = {fetch_group, NULL, NULL};
    struct corr_opts o = opts(60);
    struct run_result *r = run_result_new("r1");
    struct corr_stats st;
    assert_int_equal(correlate_run(&src, &o, probes, 3, r, &st), 0);
    assert_int_equal(r->n_checks, 3);
    const struct check_result *c = check_for(r, "logs:auth:GET /auth/login");
    assert_int_equal(c->status, CHECK_PASS);
    assert_string_equal(c->log->stream, "ecs/auth-container/aaa111");
    assert_string_equal(c->log->task_id, "aaa111");
    assert_true(c->log->delay_s > 1.4 && c->log->delay_s < 1.6);
    assert_int_equal(check_for(r, "logs:product:GET /p")->status, CHECK_PASS);
    assert_true(st.rounds >= 2);
    assert_int_equal(st.max_calls_per_round, 3); /* one call per group, never per probe */
    assert_int_equal(st.calls, (unsigned)st.rounds * 3);
    assert_true(fake_now < 1000 + 10000); /* stopped once everything was found */
    run_result_free(r);
}

static void token_boundary_is_respected(void **state)
{
    (void)state;
    assert_true(correlate_token_in("x albcheck-r1-1 y", "albcheck-r1-1"));
    assert_true(correlate_token_in("?albcheck=albcheck-r1-1&z=1", "albcheck-r1-1"));
    assert_false(correlate_token_in("albcheck-r1-10", "albcheck-r1-1"));
    assert_false(correlate_token_in("albcheck-r1-1a", "albcheck-r1-1"));
    assert_false(correlate_token_in("xalbcheck-r1-1", "albcheck-r1-1"));
    assert_false(correlate_token_in("albcheck-r1-1-2", "albcheck-r1-1"));
    /* Only -10 is logged: probe 1 must not be taken as found. */
    add("/ecs/product-service", "ecs/p/1", "albcheck-r1-10", 1000);
    add("/ecs/order-service", "ecs/o/1", "albcheck-r1-2", 1000);
    struct corr_source src = {fetch_group, NULL, NULL};
    struct corr_opts o = opts(5);
    struct run_result *r = run_result_new("r1");
    correlate_run(&src, &o, probes, 3, r, NULL);
    const struct check_result *c = check_for(r, "logs:auth:GET /auth/login");
    assert_int_equal(c->status, CHECK_FAIL);
    assert_non_null(strstr(c->message, "token albcheck-r1-1 not found in /ecs/auth-service within 5 s"));
    assert_non_null(strstr(c->message, "/ecs/order-service"));
    assert_non_null(c->hint);
    assert_true(fake_now >= 1000 + 5000);
    run_result_free(r);
}

static void wrong_group_is_named(void **state)
{
    (void)state;
    add("/ecs/order-service", "ecs/order-container/bbb", "GET /auth/login?albcheck=albcheck-r1-1", 1500);
    add("/ecs/order-service", "ecs/order-container/bbb", "albcheck-r1-2", 1500);
    add("/ecs/product-service", "ecs/x/y", "albcheck-r1-10", 1500);
    struct corr_source src = {fetch_group, NULL, NULL};
    struct corr_opts o = opts(60);
    struct run_result *r = run_result_new("r1");
    correlate_run(&src, &o, probes, 3, r, NULL);
    const struct check_result *c = check_for(r, "logs:auth:GET /auth/login");
    assert_int_equal(c->status, CHECK_FAIL);
    assert_string_equal(c->log->found_group, "/ecs/order-service");
    assert_non_null(strstr(c->message, "reached /ecs/order-service"));
    assert_non_null(strstr(c->message, "not /ecs/auth-service"));
    assert_true(fake_now < 1000 + 10000); /* settled: no need to wait the full minute */
    run_result_free(r);
}

static void errors_and_unanswered_probes(void **state)
{
    (void)state;
    failing_group = "/ecs/auth-service";
    add("/ecs/order-service", "s", "albcheck-r1-2", 1000);
    struct corr_probe ps[3];
    memcpy(ps, probes, sizeof ps);
    ps[2].answered = false; /* e.g. the ALB answered 503 */
    struct corr_source src = {fetch_group, NULL, NULL};
    struct corr_opts o = opts(3);
    struct run_result *r = run_result_new("r1");
    correlate_run(&src, &o, ps, 3, r, NULL);
    const struct check_result *c = check_for(r, "logs:auth:GET /auth/login");
    assert_int_equal(c->status, CHECK_ERROR);
    assert_non_null(strstr(c->message, "AccessDeniedException"));
    assert_int_equal(check_for(r, "logs:order:GET /orders/123")->status, CHECK_PASS);
    assert_int_equal(check_for(r, "logs:product:GET /p")->status, CHECK_SKIP);
    run_result_free(r);
}

static void stop_flag_skips_the_rest(void **state)
{
    (void)state;
    volatile sig_atomic_t stop = 1;
    struct corr_source src = {fetch_group, NULL, NULL};
    struct corr_opts o = opts(60);
    o.stop = &stop;
    struct run_result *r = run_result_new("r1");
    assert_int_equal(correlate_run(&src, &o, probes, 3, r, NULL), -1);
    for (size_t i = 0; i < r->n_checks; i++)
        assert_int_equal(r->checks[i].status, CHECK_SKIP);
    assert_int_equal(fetches, 0);
    run_result_free(r);
}

/* A thread-safe source for the parallel mode: each fetch waits (up to 2 s)
 * until every group's fetch of the round is in flight, so max_in_flight
 * reaches the group count only when the fetches really overlap.  No cmocka
 * assertions run in the worker threads. */
static pthread_mutex_t par_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t par_cond = PTHREAD_COND_INITIALIZER;
static int in_flight, max_in_flight;
static unsigned par_fetches;

static int fetch_group_mt(void *ctx, const char *group, const char *pattern, int64_t start_ms,
                          int64_t end_ms, corr_emit_fn *emit, void *emit_ctx, unsigned *calls,
                          struct err *e)
{
    (void)ctx;
    (void)pattern;
    (void)start_ms;
    (void)end_ms;
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 2;
    pthread_mutex_lock(&par_lock);
    par_fetches++;
    if (++in_flight > max_in_flight)
        max_in_flight = in_flight;
    pthread_cond_broadcast(&par_cond);
    while (in_flight < 3 && max_in_flight < 3)
        if (pthread_cond_timedwait(&par_cond, &par_lock, &until) != 0)
            break;
    pthread_mutex_unlock(&par_lock);
    (*calls)++;
    int rc = 0;
    if (failing_group && strcmp(group, failing_group) == 0) {
        rc = err_set(e, ERR_AWS, "FilterLogEvents: ThrottlingException: slow down (HTTP 400)");
    } else {
        for (size_t i = 0; i < n_events; i++) {
            if (strcmp(events[i].group, group) || events[i].visible_ms > fake_now)
                continue;
            struct corr_event ev = {events[i].group, events[i].stream, events[i].message, NULL,
                                    events[i].visible_ms - 500, events[i].visible_ms};
            emit(emit_ctx, &ev);
        }
    }
    pthread_mutex_lock(&par_lock);
    in_flight--;
    pthread_mutex_unlock(&par_lock);
    return rc;
}

static void parallel_fetches_overlap_and_agree(void **state)
{
    (void)state;
    in_flight = max_in_flight = 0;
    par_fetches = 0;
    /* auth's token turns up in order's group (misrouted), order's is in its
     * own group, product's group fails on every call. */
    add("/ecs/order-service", "ecs/order-container/bbb", "GET /auth/login?albcheck=albcheck-r1-1", 1500);
    add("/ecs/order-service", "ecs/order-container/bbb", "rid=albcheck-r1-2", 1500);
    failing_group = "/ecs/product-service";
    struct corr_source src = {fetch_group_mt, NULL, NULL};
    struct corr_opts o = opts(3);
    o.parallel = 8;
    struct run_result *r = run_result_new("r1");
    struct corr_stats st;
    assert_int_equal(correlate_run(&src, &o, probes, 3, r, &st), 0);
    assert_int_equal(max_in_flight, 3); /* the three groups of a round were in flight at once */
    assert_int_equal(st.max_calls_per_round, 3);
    assert_int_equal(st.calls, (unsigned)st.rounds * 3);
    assert_int_equal(par_fetches, st.calls);
    const struct check_result *c = check_for(r, "logs:auth:GET /auth/login");
    assert_int_equal(c->status, CHECK_FAIL);
    assert_string_equal(c->log->found_group, "/ecs/order-service");
    assert_int_equal(check_for(r, "logs:order:GET /orders/123")->status, CHECK_PASS);
    c = check_for(r, "logs:product:GET /p");
    assert_int_equal(c->status, CHECK_ERROR);
    assert_non_null(strstr(c->message, "ThrottlingException"));
    run_result_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(all_found_after_delay, reset),
        cmocka_unit_test_setup(token_boundary_is_respected, reset),
        cmocka_unit_test_setup(wrong_group_is_named, reset),
        cmocka_unit_test_setup(errors_and_unanswered_probes, reset),
        cmocka_unit_test_setup(stop_flag_skips_the_rest, reset),
        cmocka_unit_test_setup(parallel_fetches_overlap_and_agree, reset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
